// Package proc runs the server processes the bench programs load: it
// starts a binary on a free local port, waits for /api/health, reads the
// process's CPU time from /proc and stops it; and it drives a closed loop
// of clients against one request, recording latencies.
package proc

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Build compiles each package (e.g. "./cmd/galley") to its binary path,
// from the current directory (the repository root).
func Build(bins map[string]string) error {
	for bin, pkg := range bins {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return nil
}

// Server is one process under load. Name, Bin and Args are set by the
// caller; Start appends "--http ADDR" (or "-http ADDR" when Args do not
// start with "serve") and sets Base.
type Server struct {
	Name string
	Bin  string
	Args []string
	Env  []string // added to the environment
	Base string   // http://127.0.0.1:PORT once started

	cmd *exec.Cmd
	log *os.File
}

// Start runs the server with its output in dir/LOGNAME.log and waits up to
// 30 s for GET /api/health to answer 200.
func (s *Server) Start(dir, logName string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	s.Base = "http://" + addr
	if s.log, err = os.Create(filepath.Join(dir, logName+".log")); err != nil {
		return err
	}
	flagName := "--http"
	if len(s.Args) == 0 || s.Args[0] != "serve" {
		flagName = "-http"
	}
	s.cmd = exec.Command(s.Bin, append(slices.Clone(s.Args), flagName, addr)...)
	s.cmd.Env = append(os.Environ(), s.Env...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return err
	}
	for range 600 {
		if res, err := http.Get(s.Base + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := os.ReadFile(s.log.Name())
	return fmt.Errorf("%s not healthy after 30s:\n%s", s.Name, bytes.TrimSpace(b))
}

// CPUTime is the process's user + system CPU time so far, from /proc
// (Linux; 0 elsewhere), in clock ticks of 10 ms.
func (s *Server) CPUTime() time.Duration {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start at ")".
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// Stop interrupts the server and waits up to 20 s before killing it.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	}
	if s.log != nil {
		s.log.Close()
	}
}

// Result is the load of one scenario, possibly pooled over rounds.
type Result struct {
	CPU  time.Duration // the server process's CPU time while measured
	N    int64         // successful requests measured
	Dur  time.Duration
	Lats []time.Duration // sorted by Sort
	Errs int64
}

// RPS is the successful requests per second.
func (r Result) RPS() float64 {
	if r.Dur <= 0 {
		return 0
	}
	return float64(r.N) / r.Dur.Seconds()
}

// CPUPerRequest is the server's CPU time per successful request in µs.
func (r Result) CPUPerRequest() float64 {
	return float64(r.CPU.Nanoseconds()) / 1000 / float64(max(r.N, 1))
}

// Add pools another round into r.
func (r *Result) Add(o Result) {
	r.CPU += o.CPU
	r.N += o.N
	r.Dur += o.Dur
	r.Errs += o.Errs
	r.Lats = append(r.Lats, o.Lats...)
}

// Sort orders the latencies so that Pct answers.
func (r *Result) Sort() { slices.Sort(r.Lats) }

// Pct is the p-th quantile (0..1) of the sorted latencies.
func (r Result) Pct(p float64) time.Duration {
	if len(r.Lats) == 0 {
		return 0
	}
	return r.Lats[min(len(r.Lats)-1, int(float64(len(r.Lats))*p))]
}

// Load runs conc clients in a closed loop, each sending newReq() and
// counting a response with status want as a success: warm-up unrecorded,
// then dur measured; cpu (may be nil) reads the server's CPU time.
func Load(client *http.Client, newReq func() *http.Request, want, conc int, warmup, dur time.Duration, cpu func() time.Duration) Result {
	if cpu == nil {
		cpu = func() time.Duration { return 0 }
	}
	var measuring, stop atomic.Bool
	var n, errs atomic.Int64
	lats := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	for c := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				t0 := time.Now()
				res, err := client.Do(newReq())
				ok := err == nil
				if ok {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					ok = res.StatusCode == want
				}
				if !measuring.Load() {
					continue
				}
				if !ok {
					errs.Add(1)
					continue
				}
				n.Add(1)
				lats[c] = append(lats[c], time.Since(t0))
			}
		}()
	}
	time.Sleep(warmup)
	measuring.Store(true)
	start, cpu0 := time.Now(), cpu()
	time.Sleep(dur)
	measuring.Store(false)
	elapsed, cpuUsed := time.Since(start), cpu()-cpu0
	stop.Store(true)
	wg.Wait()
	r := Result{N: n.Load(), Dur: elapsed, Errs: errs.Load(), CPU: cpuUsed}
	for _, l := range lats {
		r.Lats = append(r.Lats, l...)
	}
	return r
}

// LoadAvg is the first field of /proc/loadavg ("?" elsewhere).
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}
