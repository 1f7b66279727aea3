// Package s3test runs a real S3 server for tests: versitygw with its posix
// backend on a temporary directory, one process per Start.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/galleyhq/galley/internal/files"
)

// Version is the versitygw release scripts/install-versitygw.sh installs.
const Version = "v1.8.0"

// The credentials and bucket of every server Start runs; the secret is
// random.
const (
	AccessKey = "galleytest"
	Bucket    = "galley-test"
	Region    = "us-east-1"
)

// Start runs versitygw on a free port of 127.0.0.1, with its objects under
// a t.TempDir(), creates the bucket Bucket and returns its configuration
// (plain HTTP, path style). The server is killed when the test ends.
//
// The versitygw binary is looked up in PATH, $GOBIN, GOPATH/bin and
// $HOME/go/bin; when missing, Start runs scripts/install-versitygw.sh
// (go install, so it needs the module proxy once), and fails the test if
// that fails.
func Start(t testing.TB) files.S3Config {
	t.Helper()
	bin := binary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	secret := rand.Text()
	args := []string{"--access", AccessKey, "--secret", secret, "--region", Region, "--quiet"}
	backend := []string{"posix"}
	if !xattrSupported(data) {
		// versitygw keeps object metadata in extended attributes; where the
		// file system has none, in sidecar files.
		meta := filepath.Join(dir, "meta")
		if err := os.Mkdir(meta, 0o700); err != nil {
			t.Fatal(err)
		}
		backend = append(backend, "--sidecar", meta)
	}
	backend = append(backend, data)

	var addr string
	for attempt := 1; ; attempt++ {
		addr = freeAddr(t)
		argv := append(append(append([]string{}, args...), "--port", addr), backend...)
		err := run(t, bin, argv, filepath.Join(dir, "versitygw.log"), addr)
		if err == nil {
			break
		}
		// The port may have been taken between freeAddr and the server's
		// listen: try another.
		if attempt == 3 {
			t.Fatalf("s3test: versitygw did not start: %v", err)
		}
	}

	cfg := files.S3Config{
		Bucket:         Bucket,
		Region:         Region,
		Endpoint:       "http://" + addr,
		AccessKey:      AccessKey,
		Secret:         secret,
		ForcePathStyle: true,
	}
	client, err := minio.New(addr, &minio.Options{
		Creds:        credentials.NewStaticV4(AccessKey, secret, ""),
		Region:       Region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := client.MakeBucket(ctx, Bucket, minio.MakeBucketOptions{Region: Region}); err != nil {
		t.Fatalf("s3test: create bucket %s: %v", Bucket, err)
	}
	return cfg
}

// run starts versitygw and waits until it answers HTTP on addr; it
// registers the kill with t.Cleanup. It returns an error, with the
// server's output, when the process exits or stays silent for a minute.
func run(t testing.TB, bin string, argv []string, logPath, addr string) error {
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(bin, argv...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("s3test: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case err := <-exited:
			out, _ := os.ReadFile(logPath)
			return fmt.Errorf("%v\n%s", err, bytes.TrimSpace(out))
		case <-time.After(20 * time.Millisecond):
		}
		if resp, err := client.Get("http://" + addr + "/"); err == nil {
			resp.Body.Close()
			client.CloseIdleConnections()
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-exited
			})
			return nil
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			out, _ := os.ReadFile(logPath)
			return fmt.Errorf("no answer within a minute\n%s", bytes.TrimSpace(out))
		}
	}
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment
// ago.
func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// binary returns the path of versitygw, installing it when missing.
func binary(t testing.TB) string {
	if p := lookBinary(); p != "" {
		return p
	}
	script, err := installScript()
	if err != nil {
		t.Fatalf("s3test: versitygw is not installed, and %v; run scripts/install-versitygw.sh", err)
	}
	t.Logf("s3test: versitygw not found: running %s", script)
	out, err := exec.Command("bash", script).CombinedOutput()
	if err != nil {
		t.Fatalf("s3test: versitygw is not installed, and %s failed: %v\n%s", script, err, out)
	}
	if p := lookBinary(); p != "" {
		return p
	}
	t.Fatalf("s3test: %s ran, but versitygw is still not in PATH, $GOBIN, GOPATH/bin or $HOME/go/bin:\n%s", script, out)
	return ""
}

func lookBinary() string {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	var dirs []string
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command(goCommand(), "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, p := range filepath.SplitList(gopath) {
		dirs = append(dirs, filepath.Join(p, "bin"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "versitygw")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// goCommand returns the go command: the one in PATH, else the toolchain's
// that built the test.
func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// installScript finds scripts/install-versitygw.sh from this source file,
// else from the working directory up.
func installScript() (string, error) {
	const rel = "scripts/install-versitygw.sh"
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, dir := range starts {
		for {
			p := filepath.Join(dir, filepath.FromSlash(rel))
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", &os.PathError{Op: "find", Path: rel, Err: os.ErrNotExist}
}
