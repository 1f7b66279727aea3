// Command floor measures the request pipeline's floor: GET /api/health
// through Galley's whole middleware chain (request logs on, as by
// default; with and without --metrics) against the bare net/http handler
// of the baseline server (bench/baseline), in the same run, one server
// loaded at a time, and prints the throughput ratios and what metrics cost.
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
	name string
	args []string
	bin  string
	base string
	cmd  *exec.Cmd
	log  *os.File
}

// result is the pooled load of one server.
type result struct {
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
	}
	for _, s := range servers {
		if err := s.start(dir); err != nil {
			return err
		}
		defer s.stop()
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.conc + 4, DisableCompression: true}}
	res := make([]result, len(servers))
	for round := range cfg.rounds {
		for i, s := range servers {
			r := load(client, s.base+"/api/health", cfg.conc, cfg.warmup, cfg.dur)
			fmt.Fprintf(os.Stderr, "round %d/%d %s: %.0f req/s, %d errors\n", round+1, cfg.rounds, s.name, r.rps(), r.errs)
			res[i].n += r.n
			res[i].dur += r.dur
			res[i].errs += r.errs
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
	fmt.Println("| Server | req/s | p50 | p99 | errors | ÷ bare |")
	fmt.Println("|---|--:|--:|--:|--:|--:|")
	for i, s := range servers {
		fmt.Printf("| %s | %.0f | %.2f ms | %.2f ms | %d | %.2f× |\n", s.name, res[i].rps(), ms(res[i].pct(0.5)), ms(res[i].pct(0.99)), res[i].errs, res[i].rps()/res[0].rps())
	}
	full, logs := res[2].rps()/res[0].rps(), res[1].rps()/res[0].rps()
	cost := 1 - res[2].rps()/res[1].rps()
	fmt.Println()
	fmt.Println("| Check | Value | Target | Result |")
	fmt.Println("|---|--:|--:|---|")
	fmt.Printf("| Galley (logs + metrics) ÷ bare | %.2f× | ≥ 0.8× | %s |\n", full, pass(full >= 0.8))
	fmt.Printf("| Galley (logs) ÷ bare | %.2f× | – | – |\n", logs)
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
func load(client *http.Client, url string, conc int, warmup, dur time.Duration) result {
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
	start := time.Now()
	time.Sleep(dur)
	measuring.Store(false)
	elapsed := time.Since(start)
	stop.Store(true)
	wg.Wait()
	r := result{n: n.Load(), dur: elapsed, errs: errs.Load()}
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
