// Command files measures Galley's file API against a hand-written
// net/http baseline (./baseline) in the same run: upload and download
// throughput for each file size, thumbnail requests/s (cached and cold),
// and the growth of the server's peak RSS during a 1 GiB upload. It prints
// a Markdown table of both servers' figures and Galley ÷ baseline.
//
// From the repository root:
//
//	go run ./bench/files                    # 1 MB and 50 MB, 5 s per scenario, then the 1 GiB upload
//	go run ./bench/files -d 3s -skip-1g     # quicker
//	go run ./bench/files -pg postgres://…   # Galley's records on PostgreSQL
//
// See bench/README.md ("bench/files").
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type config struct {
	dur, warmup  time.Duration
	rounds       int
	sizes        []int64
	conc         []int
	thumbConc    int
	coldConc     int
	coldN        int
	bigSize      int64
	skipBig      bool
	idle         time.Duration
	procs        int
	only         string
	dir          string
	keep         bool
	galleyBin    string
	baselineBin  string
	baselineSync bool
	pg           string // admin DSN (-pg)
	pgDSN        string // Galley's database
	pgVer        string
	pprof        string
	profileDir   string
	scenarios    []string
	out          string
	email        string
	password     string
	cmdline      string
}

func main() {
	var cfg config
	var sizes, conc string
	flag.DurationVar(&cfg.dur, "d", 5*time.Second, "measured duration of each timed scenario on each server")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "unrecorded warm-up before each timed scenario")
	flag.IntVar(&cfg.rounds, "rounds", 1, "times each timed scenario alternates galley, baseline; the runs are pooled (raise it on a busy machine)")
	flag.StringVar(&sizes, "sizes", "1MB,50MB", "file sizes of the upload and download scenarios (KB, MB, GB are binary: 1MB = 1 MiB)")
	flag.StringVar(&conc, "c", "4,2", "concurrent clients per size of -sizes (the last one repeats)")
	flag.IntVar(&cfg.thumbConc, "thumb-c", 8, "concurrent clients of thumb_cached")
	flag.IntVar(&cfg.coldConc, "cold-c", 4, "concurrent clients of thumb_cold")
	flag.IntVar(&cfg.coldN, "cold-n", 150, "images uploaded beforehand for thumb_cold, each thumbnailed once")
	big := flag.String("big", "1GB", "size of the single streamed upload of the RSS check")
	flag.BoolVar(&cfg.skipBig, "skip-1g", false, "skip the RSS check (the single big upload)")
	flag.DurationVar(&cfg.idle, "idle", 2*time.Second, "pause on a freshly started server before the RSS check reads its RSS")
	flag.IntVar(&cfg.procs, "procs", runtime.GOMAXPROCS(0), "GOMAXPROCS of both servers")
	flag.StringVar(&cfg.only, "only", "", `run only "galley" or "baseline" (default both)`)
	flag.StringVar(&cfg.dir, "dir", "", "work directory for binaries, data and logs (default a temp dir)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the work directory (and the PostgreSQL database) afterwards")
	flag.StringVar(&cfg.galleyBin, "galley-bin", "", "use this Galley binary instead of building ./cmd/galley")
	flag.StringVar(&cfg.baselineBin, "baseline-bin", "", "use this baseline binary instead of building ./bench/files/baseline")
	flag.BoolVar(&cfg.baselineSync, "baseline-sync", true, "the baseline fsyncs each stored file and its directory, as Galley's local storage does")
	flag.StringVar(&cfg.pg, "pg", "", "PostgreSQL DSN: Galley keeps its records in a fresh database "+pgDatabase+" created through it (files stay on disk)")
	flag.StringVar(&cfg.pprof, "pprof", "", "start Galley with --pprof on this address (e.g. 127.0.0.1:6060) to profile it during the run")
	flag.StringVar(&cfg.profileDir, "profile", "", "save a CPU profile of Galley during each timed scenario (warm-up + -d; thumb_cold: its first -d) into this directory, as galley-SCENARIO.pprof (go tool pprof -top FILE); Galley runs with --pprof")
	scen := flag.String("scenarios", "", "comma-separated subset of upload, download, thumb_cached, thumb_cold, or full row names (upload_1MB) (default all)")
	flag.StringVar(&cfg.out, "out", "", "also write the Markdown report to this file (it always goes to stdout)")
	flag.StringVar(&cfg.email, "email", "admin@example.com", "Galley superuser email")
	flag.StringVar(&cfg.password, "password", "Secret123!", "Galley superuser password")
	flag.Parse()

	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "bench/files:", err)
		os.Exit(2)
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := parseSize(s)
		if err != nil {
			fail(fmt.Errorf("-sizes: %w", err))
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	for _, s := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-c: %q is not a positive number", s))
		}
		cfg.conc = append(cfg.conc, n)
	}
	var err error
	if cfg.bigSize, err = parseSize(*big); err != nil {
		fail(fmt.Errorf("-big: %w", err))
	}
	if cfg.bigSize > bigMaxSize-1<<20 {
		fail(fmt.Errorf("-big: at most %s", sizeName(bigMaxSize-1<<20)))
	}
	if cfg.only != "" && cfg.only != "galley" && cfg.only != "baseline" {
		fail(fmt.Errorf(`-only must be "galley" or "baseline"`))
	}
	if cfg.thumbConc < 1 || cfg.coldConc < 1 || cfg.coldN < 1 || cfg.procs < 1 || cfg.rounds < 1 {
		fail(fmt.Errorf("-thumb-c, -cold-c, -cold-n, -procs and -rounds must be at least 1"))
	}
	if *scen != "" {
		for _, n := range strings.Split(*scen, ",") {
			n = strings.TrimSpace(n)
			switch {
			case n == "upload" || n == "download" || n == "thumb_cached" || n == "thumb_cold":
			case strings.HasPrefix(n, "upload_") || strings.HasPrefix(n, "download_"):
			default:
				fail(fmt.Errorf("-scenarios: unknown scenario %q", n))
			}
			cfg.scenarios = append(cfg.scenarios, n)
		}
	}
	cfg.cmdline = strings.Join(append([]string{"go run ./bench/files"}, os.Args[1:]...), " ")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench/files:", err)
		os.Exit(1)
	}
}

// parseSize reads 1MB, 50MB, 1GB, 512KB or a number of bytes; KB, MB and
// GB are powers of 1024.
func parseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}} {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size (1MB, 50MB, 1GB)", s)
	}
	return n * mult, nil
}

// sizeName spells a size as -sizes does: 1MB, 50MB, 1GB, 512KB.
func sizeName(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// selected reports whether the timed scenario named row runs (-scenarios).
func (cfg *config) selected(row string) bool {
	if len(cfg.scenarios) == 0 {
		return true
	}
	for _, s := range cfg.scenarios {
		if s == row || strings.HasPrefix(row, s+"_") && (s == "upload" || s == "download") {
			return true
		}
	}
	return false
}

func (cfg *config) concFor(i int) int {
	return cfg.conc[min(i, len(cfg.conc)-1)]
}

func run(ctx context.Context, cfg *config) error {
	dir := cfg.dir
	var err error
	if dir == "" {
		if dir, err = os.MkdirTemp("", "galley-filesbench-"); err != nil {
			return err
		}
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if !cfg.keep {
		defer os.RemoveAll(dir)
	}
	logf("work dir %s", dir)

	if cfg.pg != "" {
		if cfg.only == "baseline" {
			return fmt.Errorf("-pg concerns Galley only; it makes no sense with -only baseline")
		}
		if cfg.pgVer, err = pgVersion(ctx, cfg.pg); err != nil {
			return fmt.Errorf("connect to -pg: %w", err)
		}
		if cfg.pgDSN, err = withDatabase(cfg.pg, pgDatabase); err != nil {
			return err
		}
		if !cfg.keep {
			defer func() {
				if err := pgDrop(context.Background(), cfg.pg); err != nil {
					logf("drop database %s: %v", pgDatabase, err)
				}
			}()
		}
	}

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if cfg.only != "baseline" && cfg.galleyBin == "" {
		cfg.galleyBin = filepath.Join(dir, "galley")
		logf("building ./cmd/galley")
		if err := buildBinary(ctx, root, cfg.galleyBin, "./cmd/galley"); err != nil {
			return err
		}
	}
	if cfg.only != "galley" && cfg.baselineBin == "" {
		cfg.baselineBin = filepath.Join(dir, "baseline")
		logf("building ./bench/files/baseline")
		if err := buildBinary(ctx, root, cfg.baselineBin, "./bench/files/baseline"); err != nil {
			return err
		}
	}

	if cfg.profileDir != "" {
		if cfg.profileDir, err = filepath.Abs(cfg.profileDir); err != nil {
			return err
		}
		if err := os.MkdirAll(cfg.profileDir, 0o755); err != nil {
			return err
		}
		if cfg.pprof == "" {
			if cfg.pprof, err = freeAddr(); err != nil {
				return err
			}
		}
	}

	rep := &report{cfg: cfg, start: time.Now()}
	if err := runScenarios(ctx, cfg, dir, rep); err != nil {
		return err
	}
	if !cfg.skipBig {
		if err := runBig(ctx, cfg, dir, rep); err != nil {
			return err
		}
	}
	var sb strings.Builder
	rep.print(&sb)
	fmt.Print(sb.String())
	if cfg.out != "" {
		return os.WriteFile(cfg.out, []byte(sb.String()), 0o644)
	}
	return nil
}

// randomBytes returns n incompressible bytes (ChaCha8, fixed seed).
func randomBytes(n int64, seed uint64) []byte {
	b := make([]byte, n)
	var s [32]byte
	s[0] = byte(seed)
	rand.NewChaCha8(s).Read(b)
	return b
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
