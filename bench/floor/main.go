// Command floor measures the request pipeline's floor: GET /api/health
// through Galley's whole middleware chain (request logs on, as by
// default; with and without --metrics) against the bare net/http handler
// of the baseline server (bench/baseline), in the same run, one server
// loaded at a time, and prints the throughput ratios, each server's CPU per
// request and what metrics cost. A fourth server, Galley with request logs
// off (logs.maxDays 0), separates the chain's cost from the log writer's.
//
// From the repository root:
//
//	go run ./bench/floor                 # 32 clients, 3 rounds × 4 s per server
//	go run ./bench/floor -rounds 5 -d 5s
//
// Targets (issue 14): Galley with logs and metrics ≥ 0.8× bare; metrics
// cost < 3% of Galley's throughput.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type config struct {
	conc   int
	dur    time.Duration
	warmup time.Duration
	rounds int
	dir    string
}

// server is one process under load.
type server struct {
	// logsOff turns request logs off (logs.maxDays 0) once started.
	logsOff bool
	name    string
	args    []string
	bin     string
	base    string
	cmd     *exec.Cmd
	log     *os.File
}

// result is the pooled load of one server.
type result struct {
	cpu  time.Duration // the server process's CPU time while measured
	n    int64
	dur  time.Duration
	lats []time.Duration
	errs int64
}

func (r result) rps() float64 { return float64(r.n) / r.dur.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lats) == 0 {
		return 0
	}
	return r.lats[min(len(r.lats)-1, int(float64(len(r.lats))*p))]
}

func main() {
	var cfg config
	flag.IntVar(&cfg.conc, "c", 32, "concurrent clients")
	flag.DurationVar(&cfg.dur, "d", 4*time.Second, "measured duration per server per round")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "unrecorded warm-up before each measured run")
	flag.IntVar(&cfg.rounds, "rounds", 3, "rounds; each loads every server once, in turn")
	flag.StringVar(&cfg.dir, "dir", "", "work directory (default a temp dir, removed afterwards)")
	flag.Parse()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	if cfg.conc < 1 || cfg.rounds < 1 || cfg.dur <= 0 {
		return errors.New("-c and -rounds must be at least 1, -d positive")
	}
	dir := cfg.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "galley-floor-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	galleyBin, baseBin := filepath.Join(dir, "galley"), filepath.Join(dir, "baseline")
	for bin, pkg := range map[string]string{galleyBin: "./cmd/galley", baseBin: "./bench/baseline"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	servers := []*server{
		{name: "bare net/http (baseline)", bin: baseBin, args: []string{"-dir", filepath.Join(dir, "b")}},
		{name: "Galley, request logs", bin: galleyBin, args: []string{"serve", "--dir", filepath.Join(dir, "g1")}},
		{name: "Galley, request logs + metrics", bin: galleyBin, args: []string{"serve", "--dir", filepath.Join(dir, "g2"), "--metrics"}},
		{name: "Galley, request logs off", bin: galleyBin, args: []string{"serve", "--dir", filepath.Join(dir, "g3")}, logsOff: true},
	}
	for _, s := range servers {
		if s.logsOff {
			if out, err := exec.Command(galleyBin, "superuser", "upsert", "floor@example.com", "floor-password-123", "--dir", s.args[2]).CombinedOutput(); err != nil {
				return fmt.Errorf("superuser upsert: %v\n%s", err, out)
			}
		}
		if err := s.start(dir); err != nil {
			return err
		}
		defer s.stop()
		if s.logsOff {
			if err := s.turnLogsOff(); err != nil {
				return err
			}
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.conc + 4, DisableCompression: true}}
	res := make([]result, len(servers))
	for round := range cfg.rounds {
		for i, s := range servers {
			r := load(client, s.base+"/api/health", cfg.conc, cfg.warmup, cfg.dur, s.cpuTime)
			fmt.Fprintf(os.Stderr, "round %d/%d %s: %.0f req/s, %d errors\n", round+1, cfg.rounds, s.name, r.rps(), r.errs)
			res[i].n += r.n
			res[i].dur += r.dur
			res[i].errs += r.errs
			res[i].cpu += r.cpu
			res[i].lats = append(res[i].lats, r.lats...)
		}
	}
	for i := range res {
		slices.Sort(res[i].lats)
	}
	fmt.Printf("GET /api/health, %d clients, %d rounds × %s per server (each after %s warm-up), servers loaded one at a time; %d CPUs, %s %s/%s, %s.\n\n",
		cfg.conc, cfg.rounds, cfg.dur, cfg.warmup, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02"))
	fmt.Println("Command: `go run ./bench/floor " + strings.Join(os.Args[1:], " ") + "`")
	fmt.Println()
	fmt.Println("| Server | req/s | p50 | p99 | errors | server CPU per request | ÷ bare (req/s) |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|")
	for i, s := range servers {
		fmt.Printf("| %s | %.0f | %.2f ms | %.2f ms | %d | %.1f µs | %.2f× |\n", s.name, res[i].rps(), ms(res[i].pct(0.5)), ms(res[i].pct(0.99)), res[i].errs,
			float64(res[i].cpu.Nanoseconds())/1000/float64(max(res[i].n, 1)), res[i].rps()/res[0].rps())
	}
	full, logs := res[2].rps()/res[0].rps(), res[1].rps()/res[0].rps()
	cost := 1 - res[2].rps()/res[1].rps()
	fmt.Println()
	fmt.Println("| Check | Value | Target | Result |")
	fmt.Println("|---|--:|--:|---|")
	fmt.Printf("| Galley (logs + metrics) ÷ bare | %.2f× | ≥ 0.8× | %s |\n", full, pass(full >= 0.8))
	fmt.Printf("| Galley (logs) ÷ bare | %.2f× | – | – |\n", logs)
	fmt.Printf("| Galley (logs off) ÷ bare: the middleware chain alone | %.2f× | – | – |\n", res[3].rps()/res[0].rps())
	fmt.Printf("| Metrics cost: 1 − (logs + metrics) ÷ (logs) | %.1f%% | < 3%% | %s |\n", cost*100, pass(cost < 0.03))
	return nil
}

func pass(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load runs conc clients in a loop against url: warm-up, then dur measured.
func load(client *http.Client, url string, conc int, warmup, dur time.Duration, cpu func() time.Duration) result {
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
				res, err := client.Get(url)
				ok := err == nil
				if ok {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					ok = res.StatusCode == 200
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
	r := result{n: n.Load(), dur: elapsed, errs: errs.Load(), cpu: cpuUsed}
	for _, l := range lats {
		r.lats = append(r.lats, l...)
	}
	return r
}

func (s *server) start(dir string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	s.base = "http://" + addr
	if s.log, err = os.Create(filepath.Join(dir, strings.Fields(s.name)[0]+fmt.Sprint(len(s.args))+".log")); err != nil {
		return err
	}
	flagName := "--http"
	if !strings.HasPrefix(s.args[0], "serve") {
		flagName = "-http"
	}
	s.cmd = exec.Command(s.bin, append(s.args, flagName, addr)...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return err
	}
	for range 600 {
		if res, err := http.Get(s.base + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := os.ReadFile(s.log.Name())
	return fmt.Errorf("%s not healthy after 30s:\n%s", s.name, bytes.TrimSpace(b))
}

// turnLogsOff sets logs.maxDays to 0 as the superuser.
func (s *server) turnLogsOff() error {
	res, err := http.Post(s.base+"/api/collections/_superusers/auth-with-password", "application/json",
		strings.NewReader(`{"identity":"floor@example.com","password":"floor-password-123"}`))
	if err != nil {
		return err
	}
	var auth struct{ Token string }
	err = json.NewDecoder(res.Body).Decode(&auth)
	res.Body.Close()
	if err != nil || auth.Token == "" {
		return fmt.Errorf("superuser log-in: %d %v", res.StatusCode, err)
	}
	req, _ := http.NewRequest("PATCH", s.base+"/api/settings", strings.NewReader(`{"logs":{"maxDays":0}}`))
	req.Header.Set("Authorization", auth.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("PATCH /api/settings: %d", res.StatusCode)
	}
	return nil
}

// cpuTime is the server process's user + system CPU time so far, from
// /proc (Linux; 0 elsewhere), in clock ticks of 10 ms.
func (s *server) cpuTime() time.Duration {
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

func (s *server) stop() {
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
