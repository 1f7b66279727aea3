// Command scale measures how Galley's reads and writes hold up as a table
// grows (issue 18): it seeds posts through the batch API, runs the read
// and write scenarios at a small size (-small, 100k) and again after
// seeding up to a large one (-large, 1M), and prints each scenario's
// large ÷ small rate, plus lists with totals while writes land at 5 and 50
// a second against the same list without writes. Galley only (the ratios
// compare Galley with itself); SQLite, then PostgreSQL with -pg.
//
//	go run ./bench/scale -d 3s -pg postgres://postgres@127.0.0.1:5432/test?sslmode=disable
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

type config struct {
	small, large int
	conc, rounds int
	dur, warmup  time.Duration
	pg           string
	sqlite       bool
	bin, dir     string
	keep, reuse  bool
	pprof        string
	scenarios    string
}

func main() {
	var cfg config
	flag.IntVar(&cfg.small, "small", 100_000, "posts at the small size")
	flag.IntVar(&cfg.large, "large", 1_000_000, "posts at the large size")
	flag.IntVar(&cfg.conc, "c", 32, "concurrent clients")
	flag.IntVar(&cfg.rounds, "rounds", 2, "times each scenario alternates between the sizes; results are pooled")
	flag.DurationVar(&cfg.dur, "d", 3*time.Second, "measured duration of each scenario")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "unrecorded warm-up before each scenario")
	flag.StringVar(&cfg.pg, "pg", "", "PostgreSQL DSN: also run on PostgreSQL, in a fresh database created through it")
	flag.BoolVar(&cfg.sqlite, "sqlite", true, "run on SQLite")
	flag.StringVar(&cfg.bin, "galley-bin", "", "Galley binary (default: build ./cmd/galley)")
	flag.StringVar(&cfg.dir, "dir", "", "work directory (default a temp dir)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the work directory and database")
	flag.BoolVar(&cfg.reuse, "reuse", false, "serve the data a -keep run left (in -dir; PostgreSQL: its databases) instead of seeding")
	flag.StringVar(&cfg.pprof, "pprof", "", "pass --pprof ADDR to the large size's galley serve (profile it while the bench runs)")
	flag.StringVar(&cfg.scenarios, "scenarios", "", "comma-separated scenarios (default all)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func run(ctx context.Context, cfg config) error {
	if cfg.small < 1000 || cfg.large <= cfg.small {
		return fmt.Errorf("-small must be at least 1000 and -large larger")
	}
	var err error
	if cfg.dir == "" {
		if cfg.dir, err = os.MkdirTemp("", "galley-scale-"); err != nil {
			return err
		}
	}
	if !cfg.keep {
		defer os.RemoveAll(cfg.dir)
	}
	if cfg.bin == "" {
		cfg.bin = filepath.Join(cfg.dir, "galley")
		logf("building ./cmd/galley")
		if out, err := exec.CommandContext(ctx, "go", "build", "-o", cfg.bin, "./cmd/galley").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %w\n%s", err, out)
		}
	}
	fmt.Printf("Command: `go run ./bench/scale %s`\n\n", strings.Join(os.Args[1:], " "))
	if cfg.sqlite {
		if err := suite(ctx, cfg, "SQLite", []string{"", ""}); err != nil {
			return err
		}
	}
	if cfg.pg != "" {
		conn, err := pgx.Connect(ctx, cfg.pg)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		var dsns []string
		for _, name := range []string{"galley_scale_small", "galley_scale_large"} {
			if !cfg.reuse {
				if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
					return err
				}
				if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
					return err
				}
			}
			if !cfg.keep {
				defer conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name)
			}
			u, err := url.Parse(cfg.pg)
			if err != nil {
				return err
			}
			u.Path = "/" + name
			dsns = append(dsns, u.String())
		}
		if err := suite(ctx, cfg, "PostgreSQL", dsns); err != nil {
			return err
		}
	}
	return nil
}

// server is one running galley serve.
type server struct {
	base  string
	cmd   *exec.Cmd
	token string
	http  *http.Client
	// ids of seeded posts (views pick from them), authors' ids.
	mu      sync.Mutex
	postIDs []string
	authors []string
	rows    int
}

func start(ctx context.Context, cfg config, db, dsn string) (*server, error) {
	data := filepath.Join(cfg.dir, "data_"+strings.ToLower(db))
	if !cfg.reuse {
		_ = os.RemoveAll(data)
	}
	var dbArgs []string
	if dsn != "" {
		dbArgs = []string{"--db", dsn}
	}
	const email, password = "scale@example.com", "scale-password-123"
	if out, err := exec.CommandContext(ctx, cfg.bin, append([]string{"superuser", "upsert", email, password, "--dir", data}, dbArgs...)...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("superuser upsert: %w\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	args := append([]string{"serve", "--http", addr, "--dir", data}, dbArgs...)
	if cfg.pprof != "" {
		args = append(args, "--pprof", cfg.pprof)
	}
	logFile, err := os.Create(filepath.Join(cfg.dir, "galley_"+strings.ToLower(db)+".log"))
	if err != nil {
		return nil, err
	}
	s := &server{base: "http://" + addr, http: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 128, DisableCompression: true}}}
	s.cmd = exec.Command(cfg.bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	for i := 0; ; i++ {
		if resp, err := http.Get(s.base + "/api/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if i > 3000 {
			s.stop()
			return nil, fmt.Errorf("galley not healthy; see %s", logFile.Name())
		}
		time.Sleep(10 * time.Millisecond)
	}
	var auth struct{ Token string }
	if err := s.call(ctx, "POST", "/api/collections/_superusers/auth-with-password", map[string]string{"identity": email, "password": password}, &auth); err != nil {
		s.stop()
		return nil, err
	}
	s.token = auth.Token
	return s, nil
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// call sends one JSON request as the superuser and decodes a 2xx answer.
func (s *server) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", s.token)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %.300s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

const postsPath = "/api/collections/posts/records"

// setup creates authors and posts (title, 200-character body, views,
// published, author; an index on views), 1000 authors, and turns the
// batch API on.
func (s *server) setup(ctx context.Context) error {
	if err := s.call(ctx, "PATCH", "/api/settings", map[string]any{"batch": map[string]any{"enabled": true, "maxRequests": 1000, "timeout": 60, "maxBodySize": 0}}, nil); err != nil {
		return err
	}
	var authors struct{ ID string }
	if err := s.call(ctx, "POST", "/api/collections", map[string]any{"name": "authors", "type": "base",
		"fields": []any{map[string]any{"name": "name", "type": "text"}}, "listRule": "", "viewRule": "", "createRule": ""}, &authors); err != nil {
		return err
	}
	if err := s.call(ctx, "POST", "/api/collections", map[string]any{"name": "posts", "type": "base",
		"fields": []any{
			map[string]any{"name": "title", "type": "text"},
			map[string]any{"name": "body", "type": "text"},
			map[string]any{"name": "views", "type": "number"},
			map[string]any{"name": "published", "type": "bool"},
			map[string]any{"name": "author", "type": "relation", "collectionId": authors.ID, "maxSelect": 1},
		},
		"indexes":  []string{"CREATE INDEX idx_posts_views ON posts (views)"},
		"listRule": "", "viewRule": "", "createRule": ""}, nil); err != nil {
		return err
	}
	for i := range 1000 {
		var a struct{ ID string }
		if err := s.call(ctx, "POST", "/api/collections/authors/records", map[string]any{"name": fmt.Sprintf("Author %d", i)}, &a); err != nil {
			return err
		}
		s.authors = append(s.authors, a.ID)
	}
	return nil
}

// loadIDs reads the authors' ids and up to 100k posts' ids of a reused
// data dir.
func (s *server) loadIDs(ctx context.Context) error {
	var page struct {
		Items []struct{ ID string }
	}
	if err := s.call(ctx, "GET", "/api/collections/authors/records?perPage=1000&skipTotal=1", nil, &page); err != nil {
		return err
	}
	for _, it := range page.Items {
		s.authors = append(s.authors, it.ID)
	}
	for p := 1; p <= 100; p++ {
		if err := s.call(ctx, "GET", fmt.Sprintf("%s?perPage=1000&page=%d&skipTotal=1&fields=id", postsPath, p*7), nil, &page); err != nil {
			return err
		}
		for _, it := range page.Items {
			s.postIDs = append(s.postIDs, it.ID)
		}
	}
	return nil
}

var words = strings.Fields("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa")

// post returns the body of a random post.
func (s *server) post(r *rand.Rand) map[string]any {
	var b strings.Builder
	for b.Len() < 200 {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	return map[string]any{
		"title":     "Post about " + words[r.IntN(len(words))] + " " + strconv.Itoa(r.IntN(1_000_000)),
		"body":      b.String()[:200],
		"views":     r.IntN(10_000),
		"published": r.IntN(2) == 0,
		"author":    s.authors[r.IntN(len(s.authors))],
	}
}

// seedTo creates posts through POST /api/batch (500 a request, 4 at a
// time) until the table holds n.
func (s *server) seedTo(ctx context.Context, n int) (float64, error) {
	const per, conc = 500, 4
	todo := n - s.rows
	if todo <= 0 {
		return 0, nil
	}
	start := time.Now()
	var next atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for w := range conc {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), uint64(n)))
			for {
				k := int(next.Add(per)) - per
				if k >= todo || ctx.Err() != nil || firstErr.Load() != nil {
					return
				}
				reqs := make([]any, min(per, todo-k))
				for i := range reqs {
					reqs[i] = map[string]any{"method": "POST", "url": postsPath, "body": s.post(r)}
				}
				var out []struct {
					Status int
					Body   struct{ ID string }
				}
				if err := s.call(ctx, "POST", "/api/batch", map[string]any{"requests": reqs}, &out); err != nil {
					firstErr.Store(err)
					return
				}
				s.mu.Lock()
				for _, o := range out {
					if len(s.postIDs) < 200_000 {
						s.postIDs = append(s.postIDs, o.Body.ID)
					}
				}
				s.mu.Unlock()
			}
		})
	}
	stopProgress := make(chan struct{})
	go func() {
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stopProgress:
				return
			case <-tick.C:
				logf("  seeded %d/%d", s.rows+min(int(next.Load()), todo), n)
			}
		}
	}()
	wg.Wait()
	close(stopProgress)
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	s.rows = n
	return float64(todo) / time.Since(start).Seconds(), nil
}

// scenario is one kind of request, sent by every client in a loop, with
// writes landing at writesPerSec meanwhile.
type scenario struct {
	name, desc   string
	writesPerSec int
	create       bool
	req          func(r *rand.Rand, s *server) (method, path string, body any)
}

func listPath(v url.Values) string { return postsPath + "?" + v.Encode() }

var scenarios = []scenario{
	{name: "view", desc: "GET /records/{random id}", req: func(r *rand.Rand, s *server) (string, string, any) {
		return "GET", postsPath + "/" + s.postIDs[r.IntN(len(s.postIDs))], nil
	}},
	{name: "list_totals", desc: "GET ?page={1..10}&perPage=20", req: listReq(url.Values{})},
	{name: "list_skiptotal", desc: "GET ?page={1..10}&perPage=20&skipTotal=1", req: listReq(url.Values{"skipTotal": {"1"}})},
	{name: "filter_sort", desc: "GET ?perPage=20&filter=views>5000&sort=-views (with totals)", req: filterReq(false)},
	{name: "filter_sort_skiptotal", desc: "GET ?perPage=20&filter=views>5000&sort=-views&skipTotal=1", req: filterReq(true)},
	{name: "list_totals_w5", desc: "list_totals while 5 creates/s land", writesPerSec: 5, req: listReq(url.Values{})},
	{name: "list_totals_w50", desc: "list_totals while 50 creates/s land", writesPerSec: 50, req: listReq(url.Values{})},
	{name: "filter_sort_w50", desc: "filter_sort while 50 creates/s land", writesPerSec: 50, req: filterReq(false)},
	{name: "create", desc: "POST /records {title, body, views, published, author}", create: true, req: func(r *rand.Rand, s *server) (string, string, any) {
		return "POST", postsPath, s.post(r)
	}},
}

func listReq(extra url.Values) func(r *rand.Rand, s *server) (string, string, any) {
	return func(r *rand.Rand, s *server) (string, string, any) {
		v := url.Values{"page": {strconv.Itoa(1 + r.IntN(10))}, "perPage": {"20"}}
		for k, x := range extra {
			v[k] = x
		}
		return "GET", listPath(v), nil
	}
}

func filterReq(skip bool) func(r *rand.Rand, s *server) (string, string, any) {
	return func(r *rand.Rand, s *server) (string, string, any) {
		v := url.Values{"perPage": {"20"}, "filter": {"views>5000"}, "sort": {"-views"}}
		if skip {
			v.Set("skipTotal", "1")
		}
		return "GET", listPath(v), nil
	}
}

type result struct {
	rps, p50, p99 float64 // req/s, ms
	errors        int
	firstErr      string
}

// add pools r into a, the mean of round earlier results (percentiles
// averaged: an approximation).
func (a result) add(r result, round int) result {
	k := float64(round)
	mean := func(x, y float64) float64 { return (x*k + y) / (k + 1) }
	out := result{rps: mean(a.rps, r.rps), p50: mean(a.p50, r.p50), p99: mean(a.p99, r.p99), errors: a.errors + r.errors, firstErr: a.firstErr}
	if out.firstErr == "" {
		out.firstErr = r.firstErr
	}
	return out
}

// load runs sc with conc clients for d after warmup.
func (s *server) load(ctx context.Context, sc scenario, conc int, warmup, d time.Duration) result {
	var res result
	var mu sync.Mutex
	var lat []float64
	var count int
	deadline := time.Now().Add(warmup + d)
	measureFrom := time.Now().Add(warmup)
	stopWrites := make(chan struct{})
	var wg sync.WaitGroup
	if sc.writesPerSec > 0 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(99, 1))
			tick := time.NewTicker(time.Second / time.Duration(sc.writesPerSec))
			defer tick.Stop()
			for {
				select {
				case <-stopWrites:
					return
				case <-tick.C:
					go s.call(ctx, "POST", postsPath, s.post(r), nil)
				}
			}
		})
	}
	var cwg sync.WaitGroup
	for c := range conc {
		cwg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), 7))
			for time.Now().Before(deadline) && ctx.Err() == nil {
				method, path, body := sc.req(r, s)
				t0 := time.Now()
				err := s.call(ctx, method, path, body, nil)
				el := time.Since(t0)
				if t0.Before(measureFrom) {
					continue
				}
				mu.Lock()
				if err != nil {
					res.errors++
					if res.firstErr == "" {
						res.firstErr = err.Error()
					}
				} else {
					count++
					lat = append(lat, float64(el.Microseconds())/1000)
				}
				mu.Unlock()
			}
		})
	}
	cwg.Wait()
	close(stopWrites)
	wg.Wait()
	slices.Sort(lat)
	res.rps = float64(count) / d.Seconds()
	if len(lat) > 0 {
		res.p50 = lat[len(lat)/2]
		res.p99 = lat[len(lat)*99/100]
	}
	return res
}

// suite seeds one server to -small posts and another to -large, then
// runs each scenario on the small one and the large one in turn, -rounds
// times (pooled): alternating keeps the load of a shared machine from
// favouring one size.
func suite(ctx context.Context, cfg config, db string, dsns []string) error {
	sizes := []int{cfg.small, cfg.large}
	servers := make([]*server, len(sizes))
	seedRates := make([]float64, len(sizes))
	for i, n := range sizes {
		name := fmt.Sprintf("%s_%d", db, n)
		logf("%s: starting galley", name)
		scfg := cfg
		if i == 0 {
			scfg.pprof = "" // the profiling listener is the large server's
		}
		s, err := start(ctx, scfg, name, dsns[i])
		if err != nil {
			return err
		}
		defer s.stop()
		if cfg.reuse {
			if err := s.loadIDs(ctx); err != nil {
				return err
			}
			servers[i] = s
			continue
		}
		if err := s.setup(ctx); err != nil {
			return err
		}
		logf("%s: seeding %d posts", name, n)
		if seedRates[i], err = s.seedTo(ctx, n); err != nil {
			return err
		}
		if dsns[i] != "" {
			if err := analyze(ctx, dsns[i]); err != nil {
				return err
			}
		}
		servers[i] = s
	}
	selected := scenarios
	if cfg.scenarios != "" {
		names := strings.Split(cfg.scenarios, ",")
		selected = slices.DeleteFunc(slices.Clone(scenarios), func(sc scenario) bool { return !slices.Contains(names, sc.name) })
	}
	results := make([][]result, len(sizes))
	for _, sc := range selected {
		pooled := make([]result, len(sizes))
		for round := range cfg.rounds {
			for i, s := range servers {
				r := s.load(ctx, sc, cfg.conc, cfg.warmup, cfg.dur)
				logf("%s %d %s (round %d): %.0f req/s p50 %.2f ms p99 %.2f ms errors %d %s", db, sizes[i], sc.name, round+1, r.rps, r.p50, r.p99, r.errors, r.firstErr)
				pooled[i] = pooled[i].add(r, round)
			}
		}
		for i := range sizes {
			results[i] = append(results[i], pooled[i])
		}
	}
	fmt.Printf("#### %s: %d and %d posts, %d clients, %s per scenario after %s warm-up\n\n", db, cfg.small, cfg.large, cfg.conc, cfg.dur, cfg.warmup)
	fmt.Printf("Two servers, one seeded to each size; each scenario runs on the small one, then the large one, %d round(s), pooled.", cfg.rounds)
	if !cfg.reuse {
		fmt.Printf(" Seeding through `POST /api/batch` (500 creates a request, 4 at a time): %.0f posts/s to %d, %.0f posts/s to %d.", seedRates[0], cfg.small, seedRates[1], cfg.large)
	}
	fmt.Print("\n\n")
	fmt.Printf("| Scenario | Request | %dk req/s | p50 / p99 | %dk req/s | p50 / p99 | %dk ÷ %dk | Target | Result |\n|---|---|--:|--:|--:|--:|--:|--:|---|\n", cfg.small/1000, cfg.large/1000, cfg.large/1000, cfg.small/1000)
	for j, sc := range selected {
		a, b := results[0][j], results[1][j]
		ratio := b.rps / a.rps
		target, verdict := "≥ 0.8×", "PASS"
		if sc.writesPerSec > 0 {
			target, verdict = "–", "–"
		} else if ratio < 0.8 {
			verdict = "FAIL"
		}
		errs := ""
		if a.errors+b.errors > 0 {
			errs = fmt.Sprintf(" (errors: %d / %d)", a.errors, b.errors)
		}
		fmt.Printf("| %s | %s%s | %.0f | %.2f / %.2f ms | %.0f | %.2f / %.2f ms | %.2f× | %s | %s |\n", sc.name, sc.desc, errs, a.rps, a.p50, a.p99, b.rps, b.p50, b.p99, ratio, target, verdict)
	}
	fmt.Println()
	// Writes against no writes, at each size.
	base := slices.IndexFunc(selected, func(sc scenario) bool { return sc.name == "list_totals" })
	fbase := slices.IndexFunc(selected, func(sc scenario) bool { return sc.name == "filter_sort" })
	fmt.Printf("| Mixed run | %dk: req/s (÷ without writes) | %dk: req/s (÷ without writes) | Target | Result |\n|---|--:|--:|--:|---|\n", cfg.small/1000, cfg.large/1000)
	for j, sc := range selected {
		if sc.writesPerSec == 0 {
			continue
		}
		b := base
		if strings.HasPrefix(sc.name, "filter_sort") {
			b = fbase
		}
		if b < 0 {
			continue
		}
		cells := ""
		verdict := "PASS"
		for i := range sizes {
			r := results[i][j].rps / results[i][b].rps
			cells += fmt.Sprintf(" %.0f (%.2f×) |", results[i][j].rps, r)
			if r < 0.5 {
				verdict = "FAIL"
			}
		}
		fmt.Printf("| %s |%s ≥ 0.5× | %s |\n", sc.desc, cells, verdict)
	}
	fmt.Println()
	return nil
}

// analyze runs VACUUM ANALYZE on the posts table (as after a bulk load).
func analyze(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `VACUUM ANALYZE posts`)
	return err
}
