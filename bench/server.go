package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is one server process under test: Galley or the baseline.
type server struct {
	name    string
	bin     string
	args    []string // serve arguments
	logPath string
	base    string // http://host:port

	cmd    *exec.Cmd
	exited chan struct{}
	log    *os.File
}

// buildBinary runs `go build [-tags tags] -o out pkg` in the module root.
func buildBinary(ctx context.Context, root, out, pkg, tags string) error {
	args := []string{"build"}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "-o", out, pkg)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, stderr.String())
	}
	return nil
}

// moduleRoot returns the directory holding the go.mod of the current module.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module; run from the repository root")
	}
	return filepath.Dir(gomod), nil
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// start launches the process and polls GET /api/health until it answers
// 200. It returns the time from exec to the first healthy answer.
func (s *server) start(ctx context.Context) (time.Duration, error) {
	f, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	s.log = f
	s.cmd = exec.Command(s.bin, s.args...)
	s.cmd.Stdout = f
	s.cmd.Stderr = f
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s.exited = make(chan struct{})

	client := &http.Client{Timeout: time.Second}
	t0 := time.Now()
	if err := s.cmd.Start(); err != nil {
		f.Close()
		return 0, fmt.Errorf("start %s: %w", s.name, err)
	}
	go func() {
		s.cmd.Wait()
		close(s.exited)
	}()

	deadline := t0.Add(60 * time.Second)
	for {
		resp, err := client.Get(s.base + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(t0), nil
			}
		}
		select {
		case <-s.exited:
			return 0, fmt.Errorf("%s exited before it was healthy; log %s:\n%s", s.name, s.logPath, tail(s.logPath))
		case <-ctx.Done():
			s.stop()
			return 0, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return 0, fmt.Errorf("%s not healthy after 60s; log %s:\n%s", s.name, s.logPath, tail(s.logPath))
		}
	}
}

// stop sends SIGTERM, waits up to 10 s, then kills the process.
func (s *server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.exited:
	default:
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
	}
	s.log.Close()
	s.cmd = nil
}

// memInfo is the resident memory of a process, from /proc/PID/status, in kB.
type memInfo struct {
	rss, anon, file, shmem int
}

func (m memInfo) String() string {
	return fmt.Sprintf("%s (anon %.0f, file %.0f, shmem %.0f)", mb(m.rss),
		float64(m.anon)/1024, float64(m.file)/1024, float64(m.shmem)/1024)
}

// mem reads VmRSS and its RssAnon/RssFile/RssShmem parts.
func (s *server) mem() (memInfo, error) {
	var m memInfo
	if s.cmd == nil || s.cmd.Process == nil {
		return m, errors.New("not running")
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return m, err
	}
	defer f.Close()
	fields := map[string]*int{"VmRSS:": &m.rss, "RssAnon:": &m.anon, "RssFile:": &m.file, "RssShmem:": &m.shmem}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		for prefix, dst := range fields {
			if rest, ok := strings.CutPrefix(sc.Text(), prefix); ok {
				*dst, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			}
		}
	}
	if m.rss == 0 {
		return m, errors.New("no VmRSS in /proc status")
	}
	return m, sc.Err()
}

// tail returns the last lines of a log file, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// execOutput runs a command to completion and returns its combined output.
func execOutput(ctx context.Context, bin string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	return string(out), err
}
