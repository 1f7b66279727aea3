// Command realtime measures Galley's realtime fan-out against a minimal
// hand-written broadcaster (./baseline) in the same run: N clients (half
// SSE, half WebSocket) subscribe to one collection, a stream of creates at
// a fixed rate fans out to all of them, and the bench reports deliveries/s,
// delivery latency p50/p99 (the send time travels in the record) and the
// server's memory per idle connection (RSS growth / N).
//
//	go run ./bench/realtime                      # 10,000 clients; 2 writes/s for 10 s, then 20/s
//	go run ./bench/realtime -n 2000 -rates 50    # other load
//
// Both servers run as child processes built into a temp dir; the clients
// all live in this process. See bench/realtime/README.md.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type options struct {
	n        int
	rates    []int
	duration time.Duration
	conc     int
	drain    time.Duration
	settle   time.Duration
	galley   string
	only     string
}

// result is one server's figures: memory once, then a phase per rate.
type result struct {
	name                string
	clients             int
	rssBefore, rssAfter int64 // KiB
	perConnKiB          float64
	phases              []phase
}

// phase is one write rate's figures.
type phase struct {
	rate                int
	writes, writeErrors int64
	expected, delivered int64
	closed              int64
	deliveriesPerSec    float64
	p50, p99            int
	cpuSeconds          float64 // server CPU (user+system) from the first write to the last delivery
	writeCalls, wbytes  int64   // server write system calls and bytes written over the same span
	clientCPU           float64 // this process's CPU (the clients) over the same span
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 10000, "clients (the first half SSE, the rest WebSocket)")
	rates := flag.String("rates", "2,20", "write rates (writes per second), one phase each, in this order, on the same connected clients")
	rate := flag.Int("rate", 0, "a single write rate (the same as -rates N)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long writes go on")
	flag.IntVar(&o.conc, "dial-concurrency", 200, "clients connecting at once")
	flag.DurationVar(&o.drain, "drain", 15*time.Second, "how long to wait for the last deliveries after the writes")
	flag.DurationVar(&o.settle, "settle", 3*time.Second, "pause before each RSS reading")
	flag.StringVar(&o.galley, "galley", "", "galley binary to use (default: go build ./cmd/galley)")
	flag.StringVar(&o.only, "only", "", "run only galley or baseline")
	flag.Parse()
	if *rate > 0 {
		*rates = strconv.Itoa(*rate)
	}
	for _, f := range strings.Split(*rates, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench/realtime: -rates: %q is not a positive number\n", f)
			os.Exit(2)
		}
		o.rates = append(o.rates, n)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench/realtime:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if err := raiseNOFILE(uint64(o.n) + 1024); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "galley-rtbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bins := map[string]string{"galley": o.galley, "baseline": ""}
	for name, pkg := range map[string]string{"galley": "./cmd/galley", "baseline": "./bench/realtime/baseline"} {
		if bins[name] != "" {
			continue
		}
		bins[name] = filepath.Join(tmp, name)
		logf("building %s", pkg)
		cmd := exec.Command("go", "build", "-o", bins[name], pkg)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s (run from the repository root): %w", pkg, err)
		}
	}
	var results []result
	for _, name := range []string{"galley", "baseline"} {
		if o.only != "" && o.only != name {
			continue
		}
		var r result
		var err error
		if name == "galley" {
			r, err = runGalley(o, bins[name], tmp)
		} else {
			r, err = runBaseline(o, bins[name])
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		results = append(results, r)
	}
	report(o, results)
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[rtbench] "+format+"\n", args...)
}

// raiseNOFILE lifts the soft file limit towards want (at most the hard limit).
func raiseNOFILE(want uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= want {
		return nil
	}
	lim.Cur = min(want, lim.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("raise RLIMIT_NOFILE to %d: %w", lim.Cur, err)
	}
	if lim.Cur < want {
		return fmt.Errorf("RLIMIT_NOFILE hard limit %d is below the %d file descriptors needed (ulimit -Hn)", lim.Max, want)
	}
	return nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// server is a started child process.
type server struct {
	cmd  *exec.Cmd
	addr string
}

func start(bin string, args []string, addr, logPath string) (*server, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, addr: addr}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("%s did not listen on %s within 30 s (log: %s)", bin, addr, logPath)
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// procIO reads the write system calls (syscw) and bytes written (wchar) of
// pid from /proc; -1s when unreadable.
func procIO(pid int) (calls, bytes int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return -1, -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		switch k {
		case "syscw":
			calls = n
		case "wchar":
			bytes = n
		}
	}
	return calls, bytes
}

// rssKiB reads VmRSS of pid from /proc.
func rssKiB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return -1
}

// cpuSeconds reads the user+system CPU time of pid from /proc (clock ticks
// of 1/100 s, as Linux reports them to user space).
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the ")" closing the command name: state is field 3,
	// utime and stime are fields 14 and 15.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (u + st) / 100
}

var httpc = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// call sends a JSON request and decodes a JSON answer into out (if not nil).
func call(ctx context.Context, method, url, token string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := httpc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// body pads each write to the size of a short chat message.
var body = strings.Repeat("lorem ipsum ", 8)

// measure connects the clients to t, reads the RSS of pid before and after,
// runs the write stream with write(sentNanos) and collects the figures.
func measure(o options, name string, pid int, t *target, write func(ctx context.Context, sent int64) error) (result, error) {
	r := result{name: name, clients: o.n}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.Sleep(o.settle)
	r.rssBefore = rssKiB(pid)
	st := &stats{}
	var wg sync.WaitGroup
	t0 := time.Now()
	logf("%s: connecting %d clients (%d SSE, %d WebSocket)", name, o.n, o.n/2, o.n-o.n/2)
	if err := connectAll(ctx, t, o.n, o.conc, st, &wg); err != nil {
		cancel()
		wg.Wait()
		return r, err
	}
	logf("%s: %d clients subscribed in %s", name, o.n, time.Since(t0).Round(time.Millisecond))
	time.Sleep(o.settle)
	r.rssAfter = rssKiB(pid)
	r.perConnKiB = float64(r.rssAfter-r.rssBefore) / float64(o.n)

	for i, rate := range o.rates {
		if i > 0 {
			time.Sleep(o.settle) // let the previous phase's work die down
		}
		r.phases = append(r.phases, runPhase(o, name, pid, rate, st, write))
	}
	cancel()
	wg.Wait()
	return r, nil
}

// runPhase writes at rate for o.duration to the connected clients counted
// by st and collects the phase's figures.
func runPhase(o options, name string, pid, rate int, st *stats, write func(ctx context.Context, sent int64) error) phase {
	logf("%s: %d writes/s for %s", name, rate, o.duration)
	st.reset(time.Now().UnixNano())
	r := phase{rate: rate}
	cpu0, self0 := cpuSeconds(pid), cpuSeconds(os.Getpid())
	calls0, bytes0 := procIO(pid)
	var writes, writeErrs atomic.Int64
	var ww sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	start := time.Now()
	for time.Since(start) < o.duration {
		<-tick.C
		ww.Add(1)
		go func() {
			defer ww.Done()
			if err := write(context.Background(), time.Now().UnixNano()); err != nil {
				if writeErrs.Add(1) == 1 {
					logf("%s: write failed: %v", name, err)
				}
				return
			}
			writes.Add(1)
		}()
	}
	tick.Stop()
	ww.Wait()
	r.writes, r.writeErrors = writes.Load(), writeErrs.Load()
	r.expected = r.writes * int64(o.n)
	deadline := time.Now().Add(o.drain)
	for st.deliveries.Load() < r.expected && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	r.delivered = st.deliveries.Load()
	r.closed = st.closed.Load()
	if last := st.lastRecv.Load(); last > 0 {
		r.deliveriesPerSec = float64(r.delivered) / time.Duration(last-start.UnixNano()).Seconds()
	}
	r.cpuSeconds = cpuSeconds(pid) - cpu0
	r.clientCPU = cpuSeconds(os.Getpid()) - self0
	calls1, bytes1 := procIO(pid)
	r.writeCalls, r.wbytes = calls1-calls0, bytes1-bytes0
	r.p50, r.p99 = st.percentile(0.50), st.percentile(0.99)
	logf("%s: %d/%d delivered, p50 %d ms, p99 %d ms", name, r.delivered, r.expected, r.p50, r.p99)
	return r
}

func runGalley(o options, bin, tmp string) (result, error) {
	dir := filepath.Join(tmp, "galley_data")
	const email, password = "bench@example.com", "Bench-Secret-1"
	if out, err := exec.Command(bin, "superuser", "upsert", email, password, "--dir", dir).CombinedOutput(); err != nil {
		return result{}, fmt.Errorf("superuser upsert: %v: %s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return result{}, err
	}
	logPath := filepath.Join(tmp, "galley.log")
	srv, err := start(bin, []string{"serve", "--http", addr, "--dir", dir, "--log-level", "warn",
		"--realtime-max-conns-per-ip", strconv.Itoa(o.n + 100)}, addr, logPath)
	if err != nil {
		return result{}, err
	}
	defer srv.stop()
	base := "http://" + addr
	ctx := context.Background()
	var auth struct{ Token string }
	if err := call(ctx, "POST", base+"/api/collections/_superusers/auth-with-password", "",
		map[string]string{"identity": email, "password": password}, &auth); err != nil {
		return result{}, err
	}
	const coll = "rt_bench"
	if err := call(ctx, "POST", base+"/api/collections", auth.Token, map[string]any{
		"name": coll, "type": "base", "listRule": "", "viewRule": "", "createRule": "",
		"fields": []map[string]any{{"name": "sent", "type": "text"}, {"name": "body", "type": "text"}},
	}, nil); err != nil {
		return result{}, err
	}
	subWS, _ := json.Marshal(map[string]any{"type": "subscribe", "id": 1, "topics": []string{coll + "/*"}})
	t := &target{name: "galley", addr: addr, ssePath: "/api/realtime", wsPath: "/api/realtime/ws", subscribeWS: subWS,
		subscribeSSE: func(ctx context.Context, id string) error {
			return call(ctx, "POST", base+"/api/realtime", "", map[string]any{"clientId": id, "subscriptions": []string{coll + "/*"}}, nil)
		}}
	r, err := measure(o, "galley", srv.cmd.Process.Pid, t, func(ctx context.Context, sent int64) error {
		return call(ctx, "POST", base+"/api/collections/"+coll+"/records", "",
			map[string]string{"sent": strconv.FormatInt(sent, 10), "body": body}, nil)
	})
	if err != nil {
		if log, _ := os.ReadFile(logPath); len(log) > 0 {
			logf("galley log tail:\n%s", tail(string(log), 20))
		}
	}
	return r, err
}

func runBaseline(o options, bin string) (result, error) {
	addr, err := freeAddr()
	if err != nil {
		return result{}, err
	}
	srv, err := start(bin, []string{"-http", addr}, addr, os.DevNull)
	if err != nil {
		return result{}, err
	}
	defer srv.stop()
	t := &target{name: "baseline", addr: addr, ssePath: "/sse", wsPath: "/ws"}
	// The same shape and size as Galley's create event.
	return measure(o, "baseline", srv.cmd.Process.Pid, t, func(ctx context.Context, sent int64) error {
		msg := map[string]any{"action": "create", "record": map[string]string{
			"collectionId": "pbc_0000000000", "collectionName": "rt_bench", "id": "abcdefghijklmno",
			"sent": strconv.FormatInt(sent, 10), "body": body}}
		return call(ctx, "POST", "http://"+addr+"/publish", "", msg, nil)
	})
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func report(o options, rs []result) {
	fmt.Printf("\nrealtime fan-out: %d clients (%d SSE + %d WebSocket), each rate for %s\n\n",
		o.n, o.n/2, o.n-o.n/2, o.duration)
	fmt.Println("| server | writes/s | writes | delivered / expected | closed by server | deliveries/s | p50 | p99 | server CPU per 1k deliveries | client CPU per 1k | write calls per 1k deliveries | bytes written per delivery |")
	fmt.Println("|---|--:|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		for _, p := range r.phases {
			perK, clientK, callsK, bytesPer := 0.0, 0.0, 0.0, 0.0
			if p.delivered > 0 {
				perK = p.cpuSeconds * 1e3 / float64(p.delivered) * 1e3
				clientK = p.clientCPU * 1e3 / float64(p.delivered) * 1e3
				callsK = float64(p.writeCalls) * 1e3 / float64(p.delivered)
				bytesPer = float64(p.wbytes) / float64(p.delivered)
			}
			fmt.Printf("| %s | %d | %d (%d failed) | %d / %d | %d | %.0f | %d ms | %d ms | %.1f ms | %.1f ms | %.0f | %.0f |\n",
				r.name, p.rate, p.writes, p.writeErrors, p.delivered, p.expected, p.closed, p.deliveriesPerSec,
				p.p50, p.p99, perK, clientK, callsK, bytesPer)
		}
	}
	fmt.Println()
	fmt.Println("| server | RSS idle → connected | per idle connection |")
	fmt.Println("|---|--:|--:|")
	for _, r := range rs {
		fmt.Printf("| %s | %.1f → %.1f MiB | %.1f KiB |\n", r.name, float64(r.rssBefore)/1024, float64(r.rssAfter)/1024, r.perConnKiB)
	}
	if len(rs) != 2 || len(rs[0].phases) != len(rs[1].phases) {
		return
	}
	g, b := rs[0], rs[1]
	fmt.Println("\ntargets (p99 judged at the lowest rate, a load this machine carries; deliveries/s at every rate):")
	for i, p := range g.phases {
		if bp := b.phases[i]; bp.deliveriesPerSec > 0 {
			ratio := p.deliveriesPerSec / bp.deliveriesPerSec
			fmt.Printf("- %d writes/s: deliveries/s %.2f× baseline (≥ 0.5: %s)\n", p.rate, ratio, pass(ratio >= 0.5))
		}
	}
	low := g.phases[0]
	for _, p := range g.phases {
		if p.rate < low.rate {
			low = p
		}
	}
	fmt.Printf("- p99 at %d writes/s: %d ms (< 500: %s)\n", low.rate, low.p99, pass(low.p99 >= 0 && low.p99 < 500))
	fmt.Printf("- %.1f KiB per idle connection (< 50 KB = 48.8 KiB: %s)\n", g.perConnKiB, pass(g.perConnKiB*1024 < 50_000))
}

func pass(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
