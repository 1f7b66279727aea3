// Command bench runs Galley's load scenarios against Galley and against the
// hand-written baseline server (bench/baseline) in one invocation, and
// prints a Markdown table of requests/s, p50 and p99 for both and the ratio.
//
// From the repository root:
//
//	go run ./bench                       # 100k rows, 32 clients, 5 s per scenario
//	go run ./bench -rows 10000 -d 2s     # a quick run
//	go run ./bench -only baseline        # the baseline alone
//	go run ./bench -pg postgres://…      # SQLite, then PostgreSQL
//
// See bench/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"
)

type config struct {
	rows, authors   int
	users, notes    int
	conc, seedConc  int
	dur, warmup     time.Duration
	idle            time.Duration
	restarts        int
	rounds          int
	only            string
	scenarios       string
	dir             string
	keep            bool
	galleyBin       string
	galleyTags      string
	baselineBin     string
	email, password string
	pg              string // PostgreSQL DSN; empty = SQLite only
	pgConns         int    // pool size of both servers on PostgreSQL
	sqlite          bool   // run the SQLite suite
}

func main() {
	var cfg config
	flag.IntVar(&cfg.rows, "rows", 100_000, "posts to seed")
	flag.IntVar(&cfg.authors, "authors", 1000, "authors to seed")
	flag.IntVar(&cfg.users, "users", 100, "users to sign up for the login, auth_refresh and rule_list scenarios")
	flag.IntVar(&cfg.notes, "notes", 10_000, "notes to seed, each owned by a random user (rule_list)")
	flag.IntVar(&cfg.conc, "c", 32, "concurrent clients during a scenario")
	flag.IntVar(&cfg.seedConc, "seed-c", 64, "concurrent clients while seeding")
	flag.DurationVar(&cfg.dur, "d", 5*time.Second, "measured duration of each scenario on each server")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "unrecorded warm-up before each measured run")
	flag.DurationVar(&cfg.idle, "idle", 5*time.Second, "idle pause before reading RSS")
	flag.IntVar(&cfg.rounds, "rounds", 1, "times each scenario alternates galley, baseline; results are pooled")
	flag.IntVar(&cfg.restarts, "restarts", 3, "restarts on the existing data dir to time start-to-healthy")
	flag.StringVar(&cfg.only, "only", "", `run only "galley" or "baseline" (default both)`)
	flag.StringVar(&cfg.scenarios, "scenarios", "", "comma-separated scenarios to run (default all)")
	flag.StringVar(&cfg.dir, "dir", "", "work directory for binaries, data and logs (default a temp dir)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the work directory afterwards")
	flag.StringVar(&cfg.galleyBin, "galley-bin", "", "use this Galley binary instead of building ./cmd/galley")
	flag.StringVar(&cfg.galleyTags, "galley-tags", "", "build tags for ./cmd/galley (go build -tags)")
	flag.StringVar(&cfg.baselineBin, "baseline-bin", "", "use this baseline binary instead of building ./bench/baseline")
	flag.StringVar(&cfg.email, "email", "bench@example.com", "superuser email for Galley")
	flag.StringVar(&cfg.password, "password", "bench-password-123", "superuser password for Galley")
	flag.StringVar(&cfg.pg, "pg", "", "PostgreSQL DSN: also run every scenario on PostgreSQL, each server in a fresh database created through it (default SQLite only)")
	flag.IntVar(&cfg.pgConns, "pg-conns", 20, "PostgreSQL pool size of both servers (Galley --db-max-conns, baseline -db-max-conns)")
	flag.BoolVar(&cfg.sqlite, "sqlite", true, "run the scenarios on SQLite (-sqlite=false with -pg: PostgreSQL only)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config) error {
	if cfg.only != "" && cfg.only != "galley" && cfg.only != "baseline" {
		return fmt.Errorf(`-only must be "galley" or "baseline" (a subset of scenarios is -scenarios a,b)`)
	}
	if cfg.rows < 200 || cfg.authors < 1 || cfg.users < 1 || cfg.notes < 0 || cfg.rounds < 1 || cfg.conc < 1 || cfg.seedConc < 1 {
		return fmt.Errorf("-rows must be at least 200; -authors, -users, -rounds, -c and -seed-c at least 1; -notes at least 0")
	}
	if cfg.pg == "" && !cfg.sqlite {
		return fmt.Errorf("-sqlite=false needs -pg")
	}
	if cfg.pgConns < 1 {
		return fmt.Errorf("-pg-conns must be at least 1")
	}
	selected, err := selectScenarios(cfg.scenarios)
	if err != nil {
		return err
	}

	dir := cfg.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "galley-bench-"); err != nil {
			return err
		}
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	if !cfg.keep {
		defer os.RemoveAll(dir)
	}
	logf("work dir %s", dir)

	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        0,
			MaxIdleConnsPerHost: max(cfg.conc, cfg.seedConc, createConc) + 8,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if err := buildBinaries(ctx, &cfg, root, dir); err != nil {
		return err
	}

	var sqliteRep *report
	if cfg.sqlite {
		sqliteRep, err = runSuite(ctx, cfg, suite{name: "SQLite"}, dir, client, selected)
		if err != nil {
			return err
		}
		sqliteRep.print(os.Stdout)
	}
	if cfg.pg == "" {
		return nil
	}

	s, cleanup, err := preparePG(ctx, cfg)
	defer cleanup()
	if err != nil {
		return fmt.Errorf("PostgreSQL: %w", err)
	}
	pgRep, err := runSuite(ctx, cfg, s, dir, client, selected)
	if err != nil {
		return fmt.Errorf("PostgreSQL: %w", err)
	}
	pgRep.print(os.Stdout)
	printSideBySide(os.Stdout, sqliteRep, pgRep)
	return nil
}

// suite is one database the scenarios run on, with a database per server.
type suite struct {
	name string // "SQLite" or "PostgreSQL"
	// dsn holds each server's PostgreSQL database, by target name; empty
	// on SQLite.
	dsn map[string]string
	// pgVersion is the PostgreSQL server's version, for the report.
	pgVersion string
}

func (s suite) postgres() bool { return s.dsn != nil }

// suffix tells the suite's data dirs and logs apart.
func (s suite) suffix() string {
	if s.postgres() {
		return "_pg"
	}
	return ""
}

// preparePG creates the servers' empty databases on the -pg server. The
// cleanup drops them unless -keep.
func preparePG(ctx context.Context, cfg config) (suite, func(), error) {
	admin := pgAdmin{dsn: cfg.pg}
	s := suite{name: "PostgreSQL", dsn: map[string]string{}}
	var created []string
	cleanup := func() {
		if cfg.keep {
			if len(created) > 0 {
				logf("keeping PostgreSQL databases %s", strings.Join(created, ", "))
			}
			return
		}
		for _, name := range created {
			if err := admin.drop(context.Background(), name); err != nil {
				logf("drop database %s: %v", name, err)
			}
		}
	}
	v, err := admin.serverVersion(ctx)
	if err != nil {
		return s, cleanup, fmt.Errorf("connect to -pg: %w", err)
	}
	s.pgVersion = v
	for _, name := range []string{"galley", "baseline"} {
		if cfg.only != "" && cfg.only != name {
			continue
		}
		db := pgDatabases[name]
		logf("PostgreSQL %s: (re)creating database %s for %s", v, db, name)
		if err := admin.recreate(ctx, db); err != nil {
			return s, cleanup, err
		}
		created = append(created, db)
		if s.dsn[name], err = withDatabase(cfg.pg, db); err != nil {
			return s, cleanup, err
		}
	}
	return s, cleanup, nil
}

// runSuite starts both servers on the suite's databases, seeds them, runs
// the selected scenarios and returns the report. The servers are stopped
// when it returns.
func runSuite(ctx context.Context, cfg config, s suite, dir string, client *http.Client, selected []scenario) (*report, error) {
	logf("=== %s ===", s.name)
	var targets []*target
	if cfg.only != "baseline" {
		t, err := prepareGalley(ctx, cfg, s, dir, client)
		if t != nil {
			defer t.srv.stop()
		}
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	if cfg.only != "galley" {
		t, err := prepareBaseline(ctx, cfg, s, dir, client)
		if t != nil {
			defer t.srv.stop()
		}
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}

	d := newDataset(cfg.authors, cfg.rows)
	for _, t := range targets {
		logf("seeding %s: %d authors, %d posts, %d clients", t.name, cfg.authors, cfg.rows, cfg.seedConc)
		if err := seed(ctx, t, d, cfg.seedConc); err != nil {
			return nil, err
		}
		if err := checkPGRows(ctx, s, t, "posts", len(d.posts)); err != nil {
			return nil, err
		}
	}

	for _, t := range targets {
		if err := measureIdleAndStart(ctx, cfg, t); err != nil {
			return nil, err
		}
	}

	// The auth scenarios' users and notes are seeded after the idle RSS and
	// restart checks, so that those measure the same data as without them.
	if slices.ContainsFunc(selected, func(sc scenario) bool { return sc.auth }) {
		d.addAuth(cfg.users, cfg.notes)
		for _, t := range targets {
			logf("seeding %s: %d users (sign-up, bcrypt), %d notes, then a log-in per user", t.name, cfg.users, cfg.notes)
			if err := seedAuth(ctx, t, d, cfg.seedConc); err != nil {
				return nil, err
			}
		}
	}
	if s.postgres() {
		for _, t := range targets {
			logf("VACUUM ANALYZE on %s's database", t.name)
			if err := vacuumAnalyze(ctx, s.dsn[t.name]); err != nil {
				return nil, fmt.Errorf("VACUUM ANALYZE on %s's database: %w", t.name, err)
			}
		}
	}

	rep := &report{cfg: cfg, suite: s, targets: targets, dataset: d}
	ruleOn, grown := false, false
	for _, sc := range selected {
		row := scenarioRow{sc: sc}
		if sc.setup != nil {
			for _, t := range targets {
				if err := sc.setup(ctx, t); err != nil {
					row.setupErr = append(row.setupErr, fmt.Sprintf("%s setup on %s: %v", sc.name, t.name, err))
				}
			}
			if row.setupErr != nil {
				logf("skipping %s: %s", sc.name, strings.Join(row.setupErr, "; "))
				rep.rows = append(rep.rows, row)
				continue
			}
		}
		if sc.name == "rule" {
			ruleOn = true
		}
		var keys [][]string
		for _, t := range targets {
			problems, k := probe(ctx, t, sc, d, ruleOn, grown)
			for _, p := range problems {
				row.notes = append(row.notes, t.name+": "+p)
			}
			keys = append(keys, k)
		}
		if len(keys) == 2 && keys[0] != nil && keys[1] != nil && strings.Join(keys[0], ",") != strings.Join(keys[1], ",") {
			row.notes = append(row.notes, fmt.Sprintf("record keys differ: galley %v, baseline %v", keys[0], keys[1]))
		}
		row.results = make([]result, len(targets))
		for round := range cfg.rounds {
			for i, t := range targets {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				logf("%s on %s, %s (round %d/%d): %d clients, %s", sc.name, t.name, s.name, round+1, cfg.rounds, sc.clients(cfg.conc), cfg.dur)
				res := runLoad(ctx, t, sc, sc.clients(cfg.conc), cfg.warmup, cfg.dur)
				logf("  %.0f req/s, p50 %s, p99 %s, %d errors", res.rps, ms(res.p50), ms(res.p99), res.errors)
				row.results[i] = row.results[i].merge(res)
			}
		}
		rep.rows = append(rep.rows, row)
		grown = grown || sc.writes
	}
	if slices.ContainsFunc(rep.rows, func(r scenarioRow) bool { return r.sc.name == "login" && r.setupErr == nil }) {
		rep.bcryptPerCore = bcryptRate(ctx, time.Second)
		logf("bcrypt cost 10 in the bench process: %.1f compares/s on one goroutine", rep.bcryptPerCore)
	}
	return rep, nil
}

// checkPGRows makes sure, on PostgreSQL, that t's database holds at least
// want rows in table: a server that silently kept its data elsewhere would
// otherwise be measured as if it ran on PostgreSQL.
func checkPGRows(ctx context.Context, s suite, t *target, table string, want int) error {
	if !s.postgres() {
		return nil
	}
	n, err := countRows(ctx, s.dsn[t.name], table)
	if err != nil {
		return fmt.Errorf("%s's PostgreSQL database: %w", t.name, err)
	}
	if n < want {
		return fmt.Errorf("%s's PostgreSQL database has %d rows in %s, want %d: is it storing elsewhere?", t.name, n, table, want)
	}
	logf("%s: %d %s rows in its PostgreSQL database", t.name, n, table)
	return nil
}

// bcryptRate measures how many bcrypt comparisons at the default cost (10,
// Galley's and the baseline's) one goroutine does per second here: the
// bound of log-ins per second per core.
func bcryptRate(ctx context.Context, d time.Duration) float64 {
	hash, err := bcrypt.GenerateFromPassword([]byte(userPassword), 10)
	if err != nil {
		return 0
	}
	n, start := 0, time.Now()
	for time.Since(start) < d && ctx.Err() == nil {
		bcrypt.CompareHashAndPassword(hash, []byte(userPassword))
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

func selectScenarios(list string) ([]scenario, error) {
	if list == "" {
		return scenarios, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		want[strings.TrimSpace(n)] = true
	}
	var out []scenario
	for _, sc := range scenarios {
		if want[sc.name] {
			out = append(out, sc)
			delete(want, sc.name)
		}
	}
	for n := range want {
		var names []string
		for _, sc := range scenarios {
			names = append(names, sc.name)
		}
		return nil, fmt.Errorf("unknown scenario %q (have %s)", n, strings.Join(names, ", "))
	}
	return out, nil
}

// buildBinaries builds Galley and the baseline into dir, unless -galley-bin
// or -baseline-bin name prebuilt ones, and records the paths in cfg.
func buildBinaries(ctx context.Context, cfg *config, root, dir string) error {
	if cfg.only != "baseline" && cfg.galleyBin == "" {
		cfg.galleyBin = filepath.Join(dir, "galley")
		logf("building ./cmd/galley")
		if err := buildBinary(ctx, root, cfg.galleyBin, "./cmd/galley", cfg.galleyTags); err != nil {
			return err
		}
	}
	if cfg.only != "galley" && cfg.baselineBin == "" {
		cfg.baselineBin = filepath.Join(dir, "baseline")
		logf("building ./bench/baseline")
		if err := buildBinary(ctx, root, cfg.baselineBin, "./bench/baseline", ""); err != nil {
			return err
		}
	}
	return nil
}

func prepareGalley(ctx context.Context, cfg config, s suite, dir string, client *http.Client) (*target, error) {
	bin := cfg.galleyBin
	data := filepath.Join(dir, "galley_data"+s.suffix())
	if err := os.RemoveAll(data); err != nil {
		return nil, err
	}
	var dbArgs []string
	if s.postgres() {
		dbArgs = []string{"--db", s.dsn["galley"]}
	}
	out, err := execOutput(ctx, bin, append([]string{"superuser", "upsert", cfg.email, cfg.password, "--dir", data}, dbArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("galley superuser upsert: %w\n%s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--http", addr, "--dir", data}, dbArgs...)
	if s.postgres() {
		args = append(args, "--db-max-conns", strconv.Itoa(cfg.pgConns))
	}
	t := &target{name: "galley", client: client, srv: &server{
		name: "galley", bin: bin, base: "http://" + addr,
		args:    args,
		logPath: filepath.Join(dir, "galley"+s.suffix()+".log"),
	}}
	if _, err := t.srv.start(ctx); err != nil {
		return nil, err
	}
	if err := setupGalley(ctx, t, cfg.email, cfg.password); err != nil {
		return t, err
	}
	return t, nil
}

func prepareBaseline(ctx context.Context, cfg config, s suite, dir string, client *http.Client) (*target, error) {
	data := filepath.Join(dir, "baseline_data"+s.suffix())
	if err := os.RemoveAll(data); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := []string{"-http", addr, "-dir", data}
	if s.postgres() {
		args = append(args, "-db", s.dsn["baseline"], "-db-max-conns", strconv.Itoa(cfg.pgConns))
	}
	t := &target{name: "baseline", client: client, srv: &server{
		name: "baseline", bin: cfg.baselineBin, base: "http://" + addr,
		args:    args,
		logPath: filepath.Join(dir, "baseline"+s.suffix()+".log"),
	}}
	if _, err := t.srv.start(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// measureIdleAndStart reads the idle RSS after seeding, then restarts the
// server on its existing data dir a few times to time start-to-healthy, and
// reads the idle RSS of the fresh process.
func measureIdleAndStart(ctx context.Context, cfg config, t *target) error {
	client, ok := t.client.Transport.(*http.Transport)
	if ok {
		client.CloseIdleConnections()
	}
	logf("%s: idle %s, then RSS", t.name, cfg.idle)
	sleep(ctx, cfg.idle)
	rss, err := t.srv.mem()
	if err != nil {
		return err
	}
	t.rssSeeded = rss
	for i := range cfg.restarts {
		t.srv.stop()
		d, err := t.srv.start(ctx)
		if err != nil {
			return fmt.Errorf("restart %d of %s: %w", i+1, t.name, err)
		}
		t.startTimes = append(t.startTimes, d)
	}
	logf("%s: start to healthy %v", t.name, t.startTimes)
	if cfg.restarts > 0 {
		sleep(ctx, min(cfg.idle, 2*time.Second))
		if t.rssFresh, err = t.srv.mem(); err != nil {
			return err
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}
