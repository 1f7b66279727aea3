package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/store/storetest"
)

func runCLI(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, testEnv(t, env), &out, &out)
	return out.String(), err
}

var testDBs sync.Map // test name → PostgreSQL DSN of its schema

// testEnv returns a getenv over env that, when the suite runs on
// PostgreSQL (GALLEY_TEST_POSTGRES), also answers GALLEY_DB with a schema of
// the test's own, the same for every call within one test.
func testEnv(t *testing.T, env map[string]string) func(string) string {
	t.Helper()
	dsn := ""
	if base := storetest.PostgresDSN(); base != "" {
		if v, ok := testDBs.Load(t.Name()); ok {
			dsn = v.(string)
		} else {
			dsn = storetest.NewSchema(t, base)
			testDBs.Store(t.Name(), dsn)
			t.Cleanup(func() { testDBs.Delete(t.Name()) })
		}
	}
	return func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if k == "GALLEY_DB" {
			return dsn
		}
		return ""
	}
}

func TestVersionAndHelp(t *testing.T) {
	out, err := runCLI(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "galley ") {
		t.Fatalf("version: %q %v", out, err)
	}
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"superuser", "--help"}, {"superuser", "upsert", "--help"}, {"superuser", "delete", "--help"}, {"version", "--help"}} {
		out, err := runCLI(t, nil, args...)
		if err != nil || !strings.Contains(out, "Usage:") {
			t.Fatalf("%v: %q %v", args, out, err)
		}
	}
	if _, err := runCLI(t, nil, "serve", "--log-format", "xml"); err == nil || !strings.Contains(err.Error(), "log-format") {
		t.Fatalf("bad log format: %v", err)
	}
}

func TestSuperuserCommands(t *testing.T) {
	dir := t.TempDir()
	if out, err := runCLI(t, nil, "superuser", "upsert", "a@example.com", "short", "--dir", dir); err == nil {
		t.Fatalf("short password accepted: %s", out)
	}
	if _, err := runCLI(t, nil, "superuser", "upsert", "a@example.com", "long-enough-1", "--dir", dir); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, nil, "superuser", "upsert", "A@example.com", "long-enough-2", "--dir", dir); err != nil {
		t.Fatal(err) // same superuser, new password
	}
	if _, err := runCLI(t, nil, "superuser", "upsert", "b@example.com", "long-enough-3", "--dir", dir); err != nil {
		t.Fatal(err)
	}
	// GALLEY_DIR selects the data dir.
	if _, err := runCLI(t, map[string]string{"GALLEY_DIR": dir}, "superuser", "delete", "a@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, nil, "superuser", "delete", "a@example.com", "--dir", dir); err == nil {
		t.Fatal("deleting a missing superuser succeeded")
	}
	if _, err := runCLI(t, nil, "superuser", "delete", "b@example.com", "--dir", dir); err == nil || !strings.Contains(err.Error(), "last superuser") {
		t.Fatalf("deleting the last superuser: %v", err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeFromEnvAndGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	env := map[string]string{"GALLEY_HTTP": addr, "GALLEY_DIR": dir, "GALLEY_LOG_FORMAT": "json"}
	getenv := testEnv(t, env)
	go func() { done <- run(ctx, []string{"serve"}, getenv, &out, &out) }()
	ok := false
	for range 100 {
		res, err := http.Get("http://" + addr + "/api/collections/_superusers/records")
		if err == nil {
			res.Body.Close()
			ok = res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !ok {
		t.Fatalf("server did not come up: %s", out.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	logs := out.String()
	if !strings.Contains(logs, "/api/install") || !strings.Contains(logs, `"msg":"stopped"`) {
		t.Fatalf("missing install hint or stop log: %s", logs)
	}
	// Closed cleanly: the WAL was checkpointed and truncated.
	if fi, err := os.Stat(filepath.Join(dir, "data.db-wal")); err == nil && fi.Size() > 0 {
		t.Fatalf("WAL not checkpointed: %d bytes", fi.Size())
	}
}

func TestServeBadAddress(t *testing.T) {
	_, err := runCLI(t, nil, "serve", "--dir", t.TempDir(), "--http", "256.0.0.1:bad")
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("bad address: %v", err)
	}
}

// TestShutdownLetsInFlightRequestsFinish: a request whose body is still
// arriving when the server is told to stop completes normally.
func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCLI(t, nil, "superuser", "upsert", "root@example.com", "long-enough-1", "--dir", dir); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	getenv := testEnv(t, nil)
	go func() {
		done <- run(ctx, []string{"serve", "--http", addr, "--dir", dir, "--log-format", "json"}, getenv, &out, &out)
	}()
	for range 100 {
		if res, err := http.Get("http://" + addr + "/api/health"); err == nil {
			res.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	pr, pw := io.Pipe()
	result := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/collections/_superusers/auth-with-password", pr)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- -1
			return
		}
		res.Body.Close()
		result <- res.StatusCode
	}()
	if _, err := pw.Write([]byte(`{"identity":"root@example.com",`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the handler is now reading the body
	cancel()                           // what SIGTERM does
	time.Sleep(200 * time.Millisecond)
	if _, err := pw.Write([]byte(`"password":"long-enough-1"}`)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if code := <-result; code != http.StatusOK {
		t.Fatalf("in-flight request got %d during shutdown; log: %s", code, out.String())
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
