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
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/galleyhq/galley/bench/internal/proc"
)

type config struct {
	conc   int
	dur    time.Duration
	warmup time.Duration
	rounds int
	dir    string
}

// server is one process under load; logsOff turns its request logs off
// (logs.maxDays 0) once started.
type server struct {
	proc.Server
	logsOff bool
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
	if err := proc.Build(map[string]string{galleyBin: "./cmd/galley", baseBin: "./bench/baseline"}); err != nil {
		return err
	}
	servers := []*server{
		{Server: proc.Server{Name: "bare net/http (baseline)", Bin: baseBin, Args: []string{"-dir", filepath.Join(dir, "b")}}},
		{Server: proc.Server{Name: "Galley, request logs", Bin: galleyBin, Args: []string{"serve", "--dir", filepath.Join(dir, "g1")}}},
		{Server: proc.Server{Name: "Galley, request logs + metrics", Bin: galleyBin, Args: []string{"serve", "--dir", filepath.Join(dir, "g2"), "--metrics"}}},
		{Server: proc.Server{Name: "Galley, request logs off", Bin: galleyBin, Args: []string{"serve", "--dir", filepath.Join(dir, "g3")}}, logsOff: true},
	}
	for i, s := range servers {
		if s.logsOff {
			if out, err := exec.Command(galleyBin, "superuser", "upsert", "floor@example.com", "floor-password-123", "--dir", s.Args[2]).CombinedOutput(); err != nil {
				return fmt.Errorf("superuser upsert: %v\n%s", err, out)
			}
		}
		if err := s.Start(dir, fmt.Sprintf("server%d", i)); err != nil {
			return err
		}
		defer s.Stop()
		if s.logsOff {
			if err := s.turnLogsOff(); err != nil {
				return err
			}
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.conc + 4, DisableCompression: true}}
	res := make([]proc.Result, len(servers))
	for round := range cfg.rounds {
		for i, s := range servers {
			get := func() *http.Request {
				req, _ := http.NewRequest("GET", s.Base+"/api/health", nil)
				return req
			}
			r := proc.Load(client, get, 200, cfg.conc, cfg.warmup, cfg.dur, s.CPUTime)
			fmt.Fprintf(os.Stderr, "round %d/%d %s: %.0f req/s, %d errors\n", round+1, cfg.rounds, s.Name, r.RPS(), r.Errs)
			res[i].Add(r)
		}
	}
	for i := range res {
		res[i].Sort()
	}
	fmt.Printf("GET /api/health, %d clients, %d rounds × %s per server (each after %s warm-up), servers loaded one at a time; %d CPUs, %s %s/%s, load average %s, %s.\n\n",
		cfg.conc, cfg.rounds, cfg.dur, cfg.warmup, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, proc.LoadAvg(), time.Now().UTC().Format("2006-01-02"))
	fmt.Println("Command: `go run ./bench/floor " + strings.Join(os.Args[1:], " ") + "`")
	fmt.Println()
	fmt.Println("| Server | req/s | p50 | p99 | errors | server CPU per request | ÷ bare (req/s) |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|")
	for i, s := range servers {
		fmt.Printf("| %s | %.0f | %.2f ms | %.2f ms | %d | %.1f µs | %.2f× |\n", s.Name, res[i].RPS(), ms(res[i].Pct(0.5)), ms(res[i].Pct(0.99)), res[i].Errs,
			res[i].CPUPerRequest(), res[i].RPS()/res[0].RPS())
	}
	full, logs := res[2].RPS()/res[0].RPS(), res[1].RPS()/res[0].RPS()
	cost := 1 - res[2].RPS()/res[1].RPS()
	fmt.Println()
	fmt.Println("| Check | Value | Target | Result |")
	fmt.Println("|---|--:|--:|---|")
	fmt.Printf("| Galley (logs + metrics) ÷ bare | %.2f× | ≥ 0.8× | %s |\n", full, pass(full >= 0.8))
	fmt.Printf("| Galley (logs) ÷ bare | %.2f× | – | – |\n", logs)
	fmt.Printf("| Galley (logs off) ÷ bare: the middleware chain alone | %.2f× | – | – |\n", res[3].RPS()/res[0].RPS())
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

// turnLogsOff sets logs.maxDays to 0 as the superuser.
func (s *server) turnLogsOff() error {
	res, err := http.Post(s.Base+"/api/collections/_superusers/auth-with-password", "application/json",
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
	req, _ := http.NewRequest("PATCH", s.Base+"/api/settings", strings.NewReader(`{"logs":{"maxDays":0}}`))
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
