package main

// Process helpers, copied (small) from bench/server.go rather than shared:
// each bench is its own main package.

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
	args    []string
	env     []string // added to this process's environment
	logPath string
	base    string // http://host:port

	cmd    *exec.Cmd
	exited chan struct{}
	log    *os.File
}

// buildBinary runs `go build -o out pkg` in the module root.
func buildBinary(ctx context.Context, root, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
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

// start launches the process and polls GET /api/health until it answers 200.
func (s *server) start(ctx context.Context) error {
	f, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	s.log = f
	s.cmd = exec.Command(s.bin, s.args...)
	s.cmd.Env = append(os.Environ(), s.env...)
	s.cmd.Stdout = f
	s.cmd.Stderr = f
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s.exited = make(chan struct{})

	client := &http.Client{Timeout: time.Second}
	t0 := time.Now()
	if err := s.cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("start %s: %w", s.name, err)
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
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited before it was healthy; log %s:\n%s", s.name, s.logPath, tail(s.logPath))
		case <-ctx.Done():
			s.stop()
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return fmt.Errorf("%s not healthy after 60s; log %s:\n%s", s.name, s.logPath, tail(s.logPath))
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

func (s *server) pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// memStatus is a process's VmRSS and VmHWM (peak RSS) in KiB.
type memStatus struct {
	rss, hwm int
}

// mem reads VmRSS and VmHWM from /proc/PID/status.
func (s *server) mem() (memStatus, error) {
	var m memStatus
	pid := s.pid()
	if pid == 0 {
		return m, errors.New("not running")
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, err
	}
	defer f.Close()
	fields := map[string]*int{"VmRSS:": &m.rss, "VmHWM:": &m.hwm}
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

// resetPeak resets the process's VmHWM to its current RSS (writing 5 to
// /proc/PID/clear_refs, Linux ≥ 4.0), so that a later VmHWM is the peak
// of what happened in between.
func (s *server) resetPeak() error {
	pid := s.pid()
	if pid == 0 {
		return errors.New("not running")
	}
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// cpu returns the process's user+system CPU time so far (/proc/PID/stat,
// in ticks of 1/100 s, as Linux reports them to user space).
func (s *server) cpu() time.Duration {
	pid := s.pid()
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: fields count from the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	// After ')': state is field 3, so utime (14) and stime (15) are f[11], f[12].
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
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
