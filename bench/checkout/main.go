// Command checkout measures the shop example's checkout (examples/shop:
// POST /api/shop/checkout, a JavaScript route that runs one transaction with
// $app.runInTransaction) under concurrent buyers: each buyer puts one item in
// its cart (POST /api/collections/cart_items/records) and checks out, again
// and again. It reports orders/s and the checkout's latency (p50, p99), on
// SQLite and then, with -pg, on a fresh PostgreSQL database. Galley only: no
// baseline, so no ratio.
//
//	go run ./bench/checkout -buyers 50 -d 10s -pg 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
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
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

type config struct {
	buyers   int
	d        time.Duration
	warmup   time.Duration
	pg       string
	sqlite   bool
	bin      string
	dir      string
	keep     bool
	products int
}

func main() {
	var c config
	flag.IntVar(&c.buyers, "buyers", 50, "concurrent buyers (each its own user and cart)")
	flag.DurationVar(&c.d, "d", 10*time.Second, "measured duration per database")
	flag.DurationVar(&c.warmup, "warmup", 2*time.Second, "unrecorded warm-up")
	flag.StringVar(&c.pg, "pg", "", "PostgreSQL DSN: also run on a fresh database there (galley_bench_checkout)")
	flag.BoolVar(&c.sqlite, "sqlite", true, "run on SQLite")
	flag.StringVar(&c.bin, "galley-bin", "", "a prebuilt galley binary (default: build ./cmd/galley)")
	flag.StringVar(&c.dir, "dir", "", "work directory (default: a temp dir)")
	flag.BoolVar(&c.keep, "keep", false, "keep the work directory and database")
	flag.IntVar(&c.products, "products", 9, "products the buyers pick from at random (the example's catalogue has 9)")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "checkout bench:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	ctx := context.Background()
	root, err := repoRoot()
	if err != nil {
		return err
	}
	dir := c.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "galley-bench-checkout-"); err != nil {
			return err
		}
	}
	if !c.keep && c.dir == "" {
		defer os.RemoveAll(dir)
	}
	bin := c.bin
	if bin == "" {
		bin = filepath.Join(dir, "galley")
		logf("building %s", bin)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/galley")
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	shop := filepath.Join(root, "examples", "shop")
	loadBefore := loadavg()
	var results []result
	if c.sqlite {
		r, err := runOne(ctx, c, bin, shop, filepath.Join(dir, "sqlite"), "")
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	if c.pg != "" {
		name := "galley_bench_checkout"
		if err := psql(c.pg, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return err
		}
		if err := psql(c.pg, "CREATE DATABASE "+name); err != nil {
			return err
		}
		if !c.keep {
			defer psql(c.pg, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		}
		r, err := runOne(ctx, c, bin, shop, filepath.Join(dir, "pg"), withDB(c.pg, name))
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	fmt.Printf("Shop checkout (examples/shop, POST /api/shop/checkout): %d buyers, each adding one item to its cart and checking out in a loop; %s measured after %s warm-up; %d CPUs, %s %s/%s, %s; load average before the run %s, after %s.\n\n",
		c.buyers, c.d, c.warmup, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02"), loadBefore, loadavg())
	fmt.Println("| Database | Orders/s | Checkout p50 | Checkout p99 | Cart add p99 | Orders | Refused | Errors | Stock check |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|---|")
	for _, r := range results {
		fmt.Printf("| %s | %.0f | %s | %s | %s | %d | %d | %d | %s |\n", r.db, r.rate, ms(r.p50), ms(r.p99), ms(r.addP99), r.orders, r.refused, r.errors, r.stock)
	}
	return nil
}

type result struct {
	db                      string
	rate                    float64
	p50, p99, addP99        time.Duration
	orders, refused, errors int
	stock                   string
}

func runOne(ctx context.Context, c config, bin, shop, dir, dsn string) (result, error) {
	db := "SQLite"
	var dbArgs []string
	if dsn != "" {
		db = "PostgreSQL"
		dbArgs = []string{"--db", dsn}
	}
	res := result{db: db}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	data := filepath.Join(dir, "data")
	const email, password = "bench@example.com", "bench-password-123"
	if out, err := exec.Command(bin, append([]string{"superuser", "upsert", email, password, "--dir", data}, dbArgs...)...).CombinedOutput(); err != nil {
		return res, fmt.Errorf("superuser upsert: %v\n%s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return res, err
	}
	logPath := filepath.Join(dir, "galley.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return res, err
	}
	defer logFile.Close()
	args := append([]string{"serve", "--http", addr, "--dir", data,
		"--hooks-dir", filepath.Join(shop, "pb_hooks"), "--migrations-dir", filepath.Join(shop, "pb_migrations"),
		"--public-dir", filepath.Join(shop, "pb_public")}, dbArgs...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logf("%s: galley %s", db, strings.Join(args, " "))
	if err := cmd.Start(); err != nil {
		return res, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_, _ = cmd.Process.Wait()
	}()
	base := "http://" + addr
	if err := waitHealthy(base); err != nil {
		return res, err
	}
	cl := &client{base: base, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.buyers * 2}, Timeout: 60 * time.Second}}

	// Set-up as the superuser: plenty of stock, and the buyers.
	var auth struct{ Token string }
	if err := cl.do("POST", "/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": email, "password": password}, &auth); err != nil {
		return res, err
	}
	su := auth.Token
	var list struct {
		Items []struct {
			ID    string `json:"id"`
			Stock int    `json:"stock"`
		}
	}
	if err := cl.do("GET", "/api/collections/products/records?perPage=100&sort=id", su, nil, &list); err != nil {
		return res, err
	}
	if len(list.Items) < c.products {
		return res, fmt.Errorf("the catalogue has %d products, want %d", len(list.Items), c.products)
	}
	const stock = 1_000_000
	products := make([]string, c.products)
	for i := range products {
		products[i] = list.Items[i].ID
		if err := cl.do("PATCH", "/api/collections/products/records/"+products[i], su, map[string]any{"stock": stock}, nil); err != nil {
			return res, err
		}
	}
	type buyer struct{ id, token string }
	buyers := make([]buyer, c.buyers)
	stamp := time.Now().UnixNano()
	for i := range buyers {
		var u struct{ ID string }
		if err := cl.do("POST", "/api/collections/users/records", su, map[string]any{
			"email": fmt.Sprintf("buyer%d.%d@example.com", i, stamp), "password": "buyer-pass-123", "passwordConfirm": "buyer-pass-123",
		}, &u); err != nil {
			return res, err
		}
		var imp struct{ Token string }
		if err := cl.do("POST", "/api/collections/users/impersonate/"+u.ID, su, map[string]any{"duration": 3600}, &imp); err != nil {
			return res, err
		}
		buyers[i] = buyer{u.ID, imp.Token}
	}
	logf("%s: %d buyers ready; warm-up %s, then %s", db, len(buyers), c.warmup, c.d)

	var mu sync.Mutex
	var checkouts, adds []time.Duration
	var refused, errs int
	var firstErr string
	start := time.Now()
	measureFrom := start.Add(c.warmup)
	end := measureFrom.Add(c.d)
	var wg sync.WaitGroup
	for i, b := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(i), 7))
			for time.Now().Before(end) {
				t0 := time.Now()
				err := cl.do("POST", "/api/collections/cart_items/records", b.token, map[string]any{
					"user": b.id, "product": products[rnd.IntN(len(products))], "quantity": 1,
				}, nil)
				t1 := time.Now()
				var st int
				if err == nil {
					st, err = cl.status("POST", "/api/shop/checkout", b.token)
				}
				t2 := time.Now()
				if t0.Before(measureFrom) || t2.After(end) {
					continue
				}
				mu.Lock()
				switch {
				case err != nil:
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
				case st == 200:
					checkouts = append(checkouts, t2.Sub(t1))
					adds = append(adds, t1.Sub(t0))
				default:
					refused++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != "" {
		logf("%s: first error: %s", db, firstErr)
	}
	res.orders, res.refused, res.errors = len(checkouts), refused, errs
	res.rate = float64(len(checkouts)) / c.d.Seconds()
	res.p50, res.p99 = pct(checkouts, 50), pct(checkouts, 99)
	res.addP99 = pct(adds, 99)

	// Every order took exactly its quantity: stock + units sold = initial stock.
	var orders struct{ TotalItems int }
	if err := cl.do("GET", "/api/collections/orders/records?perPage=1", su, nil, &orders); err != nil {
		return res, err
	}
	left := 0
	if err := cl.do("GET", "/api/collections/products/records?perPage=100&sort=id", su, nil, &list); err != nil {
		return res, err
	}
	for _, p := range list.Items {
		if slices.Contains(products, p.ID) {
			left += p.Stock
		}
	}
	if sold := stock*len(products) - left; sold == orders.TotalItems {
		res.stock = fmt.Sprintf("ok (%d sold = %d orders)", sold, orders.TotalItems)
	} else {
		res.stock = fmt.Sprintf("MISMATCH: %d units left of %d, %d orders", left, stock*len(products), orders.TotalItems)
	}
	return res, nil
}

type client struct {
	base string
	http *http.Client
}

func (c *client) do(method, path, token string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// status sends a bodiless request and returns its status (the body read and dropped);
// a 400 (sold out) is a refusal, not an error.
func (c *client) status(method, path, token string) (int, error) {
	req, err := http.NewRequest(method, c.base+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", token)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 400 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode, nil
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func waitHealthy(base string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("galley at %s not healthy after 60s", base)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run from inside the repository")
	}
	return filepath.Dir(mod), nil
}

func withDB(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}

func psql(dsn, sql string) error {
	out, err := exec.Command("psql", withDB(dsn, "postgres"), "-v", "ON_ERROR_STOP=1", "-qc", sql).CombinedOutput()
	if err != nil {
		return fmt.Errorf("psql %s: %v\n%s", sql, err, out)
	}
	return nil
}

// loadavg is the 1-minute load average (the machine may be shared).
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[checkout] "+format+"\n", args...)
}
