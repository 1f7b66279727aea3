// Command hooks measures what hooks cost (issue 13): record creates with no
// hook, with an empty JavaScript hook, with a JavaScript hook that sets a
// field and with a Go hook that sets a field; and a JavaScript route
// (routerAdd) against a Go route (galleyapp's Router). Two servers of one
// custom binary (bench/hooks/custom) on SQLite: one with an empty hooks
// directory (the no-hook reference) and one with the hooks file below;
// scenarios are loaded one at a time, rounds alternating, in one run. It
// prints req/s, latency, the server's CPU per request and the ratios to the
// no-hook create and to the Go route, and checks after the run that the
// hooks really set their field.
//
// From the repository root:
//
//	go run ./bench/hooks                     # 16 clients, 3 rounds × 3 s per scenario
//	go run ./bench/hooks -rounds 5 -d 4s
//
// Target (issue 13): creates with an empty JS hook and with a field-setting
// JS hook ≥ 0.8× the no-hook create rate.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/galleyhq/galley/bench/internal/proc"
)

// hooksJS is the hooks server's pb_hooks file.
const hooksJS = `onRecordCreate((e) => { e.next(); }, "empty");
onRecordCreate((e) => { e.record.set("stamp", "js"); e.next(); }, "stamped");
routerAdd("GET", "/api/bench/js", (e) => e.json(200, {ok: true}));
`

const email, password = "hooks@example.com", "hooks-password-123"

type config struct {
	conc   int
	dur    time.Duration
	warmup time.Duration
	rounds int
	dir    string
}

// scenario is one request shape on one server.
type scenario struct {
	name   string
	server *proc.Server
	method string
	path   string
	want   int
	// stamp is the value the create's hook must have stored (checked
	// after the run; "" for none).
	stamp string
}

func main() {
	var cfg config
	flag.IntVar(&cfg.conc, "c", 16, "concurrent clients")
	flag.DurationVar(&cfg.dur, "d", 3*time.Second, "measured duration per scenario per round")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "unrecorded warm-up before each measured run")
	flag.IntVar(&cfg.rounds, "rounds", 3, "rounds; each loads every scenario once, in turn")
	flag.StringVar(&cfg.dir, "dir", "", "work directory (default a temp dir, removed afterwards)")
	flag.Parse()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "hooks bench:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	if cfg.conc < 1 || cfg.rounds < 1 || cfg.dur <= 0 {
		return errors.New("-c and -rounds must be at least 1, -d positive")
	}
	dir := cfg.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "galley-hooks-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	bin := filepath.Join(dir, "custom")
	if err := proc.Build(map[string]string{bin: "./bench/hooks/custom"}); err != nil {
		return err
	}
	plain := &proc.Server{Name: "no hooks", Bin: bin}
	hooked := &proc.Server{Name: "hooks", Bin: bin}
	for _, s := range []*proc.Server{plain, hooked} {
		data, hooksDir := filepath.Join(dir, s.Name, "data"), filepath.Join(dir, s.Name, "hooks")
		if err := os.MkdirAll(hooksDir, 0o755); err != nil {
			return err
		}
		if s == hooked {
			if err := os.WriteFile(filepath.Join(hooksDir, "bench.pb.js"), []byte(hooksJS), 0o644); err != nil {
				return err
			}
		}
		if out, err := exec.Command(bin, "superuser", "upsert", email, password, "--dir", data).CombinedOutput(); err != nil {
			return fmt.Errorf("superuser upsert: %v\n%s", err, out)
		}
		s.Args = []string{"serve", "--dir", data, "--hooks-dir", hooksDir}
		if err := s.Start(dir, strings.ReplaceAll(s.Name, " ", "_")); err != nil {
			return err
		}
		defer s.Stop()
		if err := setup(s); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	scenarios := []scenario{
		{name: "create, no hook", server: plain, method: "POST", path: "/api/collections/items/records", want: 200},
		{name: "create, no hook (server with JS hooks)", server: hooked, method: "POST", path: "/api/collections/items/records", want: 200},
		{name: "create, empty JS hook", server: hooked, method: "POST", path: "/api/collections/empty/records", want: 200},
		{name: "create, JS hook sets a field", server: hooked, method: "POST", path: "/api/collections/stamped/records", want: 200, stamp: "js"},
		{name: "create, Go hook sets a field", server: hooked, method: "POST", path: "/api/collections/gostamped/records", want: 200, stamp: "go"},
		{name: "GET Go route", server: hooked, method: "GET", path: "/api/bench/go", want: 200},
		{name: "GET JS route", server: hooked, method: "GET", path: "/api/bench/js", want: 200},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.conc + 4, DisableCompression: true}}
	var seq atomic.Int64
	res := make([]proc.Result, len(scenarios))
	for round := range cfg.rounds {
		for i, sc := range scenarios {
			newReq := func() *http.Request {
				var body io.Reader
				if sc.method == "POST" {
					body = strings.NewReader(fmt.Sprintf(`{"title":"item %d"}`, seq.Add(1)))
				}
				req, _ := http.NewRequest(sc.method, sc.server.Base+sc.path, body)
				if body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				return req
			}
			r := proc.Load(client, newReq, sc.want, cfg.conc, cfg.warmup, cfg.dur, sc.server.CPUTime)
			fmt.Fprintf(os.Stderr, "round %d/%d %s: %.0f req/s, %d errors (load %s)\n", round+1, cfg.rounds, sc.name, r.RPS(), r.Errs, proc.LoadAvg())
			res[i].Add(r)
		}
	}
	for _, sc := range scenarios {
		if sc.stamp != "" {
			if err := checkStamp(sc); err != nil {
				return err
			}
		}
	}
	for i := range res {
		res[i].Sort()
	}
	fmt.Printf("Hooks on SQLite, %d clients, %d rounds × %s per scenario (each after %s warm-up), scenarios loaded one at a time; %d CPUs, %s %s/%s, load average %s, %s.\n\n",
		cfg.conc, cfg.rounds, cfg.dur, cfg.warmup, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, proc.LoadAvg(), time.Now().UTC().Format("2006-01-02"))
	fmt.Println("Command: `go run ./bench/hooks " + strings.Join(os.Args[1:], " ") + "`")
	fmt.Println()
	fmt.Println("| Scenario | req/s | p50 | p99 | errors | server CPU per request | ÷ reference |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|")
	for i, sc := range scenarios {
		ref := res[0]
		if sc.method == "GET" {
			ref = res[5]
		}
		fmt.Printf("| %s | %.0f | %.2f ms | %.2f ms | %d | %.1f µs | %.2f× |\n", sc.name, res[i].RPS(), ms(res[i].Pct(0.5)), ms(res[i].Pct(0.99)),
			res[i].Errs, res[i].CPUPerRequest(), res[i].RPS()/ref.RPS())
	}
	fmt.Println("\nReferences: creates ÷ \"create, no hook\"; routes ÷ \"GET Go route\".")
	fmt.Println()
	fmt.Println("| Check | Value | Target | Result |")
	fmt.Println("|---|--:|--:|---|")
	for _, i := range []int{2, 3} {
		v := res[i].RPS() / res[0].RPS()
		fmt.Printf("| %s ÷ no hook | %.2f× | ≥ 0.8× | %s |\n", scenarios[i].name, v, pass(v >= 0.8))
	}
	return nil
}

// setup creates the four collections (title, stamp; anyone may create).
func setup(s *proc.Server) error {
	var auth struct{ Token string }
	if err := call(s, "", "POST", "/api/collections/_superusers/auth-with-password", map[string]string{"identity": email, "password": password}, &auth); err != nil {
		return err
	}
	for _, name := range []string{"items", "empty", "stamped", "gostamped"} {
		c := map[string]any{"name": name, "type": "base", "createRule": "", "viewRule": "", "listRule": "",
			"fields": []map[string]any{{"name": "title", "type": "text"}, {"name": "stamp", "type": "text"}}}
		if err := call(s, auth.Token, "POST", "/api/collections", c, nil); err != nil {
			return err
		}
	}
	return nil
}

// checkStamp makes sure the scenario's hook ran: its newest record holds
// the stamp.
func checkStamp(sc scenario) error {
	var list struct {
		TotalItems int `json:"totalItems"`
		Items      []struct {
			Stamp string `json:"stamp"`
		} `json:"items"`
	}
	if err := call(sc.server, "", "GET", sc.path+"?perPage=5&sort=-id&filter="+strings.ReplaceAll("stamp!=''", "'", "%27"), nil, &list); err != nil {
		return err
	}
	var all struct {
		TotalItems int `json:"totalItems"`
	}
	if err := call(sc.server, "", "GET", sc.path+"?perPage=1", nil, &all); err != nil {
		return err
	}
	if all.TotalItems == 0 || list.TotalItems != all.TotalItems || len(list.Items) == 0 || list.Items[0].Stamp != sc.stamp {
		return fmt.Errorf("%s: %d of %d records stamped (want all, with %q)", sc.name, list.TotalItems, all.TotalItems, sc.stamp)
	}
	return nil
}

func call(s *proc.Server, token, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.Base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func pass(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
