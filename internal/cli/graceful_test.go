package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// proc is one galley serve child process (this test binary, see TestMain)
// on a data dir (and, on PostgreSQL, the test's schema through GALLEY_DB).
type proc struct {
	url  string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, once done is closed
}

// startGalley starts galley serve on dir and waits until it answers
// GET /api/health. The process is killed when the test ends if it is still
// running.
func startGalley(t *testing.T, dir string, extra ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	p := &proc{url: "http://" + addr, out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], append([]string{"serve", "--http", addr, "--dir", dir, "--log-format", "json", "--shutdown-timeout", "20s"}, extra...)...)
	p.cmd.Env = append(os.Environ(), "GALLEY_TEST_RUN_MAIN=1")
	if dsn := testEnv(t, nil)("GALLEY_DB"); dsn != "" {
		p.cmd.Env = append(p.cmd.Env, "GALLEY_DB="+dsn, "GALLEY_DB_MAX_CONNS=8")
	}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		if !p.exited() {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("serve output:\n%s", p.out.String())
		}
	})
	eventually(t, 30*time.Second, "serve answers /api/health", func() bool {
		if p.exited() {
			t.Fatalf("serve exited: %v\n%s", p.err, p.out.String())
		}
		res, err := http.Get(p.url + "/api/health")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits for the process to exit (a guard against hangs).
func (p *proc) wait(t *testing.T) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not exit\n%s", p.out.String())
	}
}

// request sends a JSON request and returns the status and body (0 when
// the connection failed).
func (p *proc) request(method, path, token string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil
	}
	return res.StatusCode, b
}

// cliSuperuser creates a superuser through the CLI (before serve) and
// returns a function that logs it in on a running process.
func cliSuperuser(t *testing.T, dir string) func(p *proc) string {
	t.Helper()
	if out, err := runCLI(t, nil, "superuser", "upsert", "root@example.com", "Sup3r-secret!", "--dir", dir); err != nil {
		t.Fatalf("superuser upsert: %v\n%s", err, out)
	}
	return func(p *proc) string {
		code, b := p.request("POST", "/api/collections/_superusers/auth-with-password", "",
			map[string]any{"identity": "root@example.com", "password": "Sup3r-secret!"})
		if code != 200 {
			t.Fatalf("superuser log-in: %d %s", code, b)
		}
		var res struct{ Token string }
		_ = json.Unmarshal(b, &res)
		return res.Token
	}
}

// createOpenNotes creates the "notes" collection anyone may create and read.
func createOpenNotes(t *testing.T, p *proc, token string) {
	t.Helper()
	code, b := p.request("POST", "/api/collections", token, map[string]any{"name": "notes", "createRule": "", "listRule": "", "viewRule": "",
		"fields": []map[string]any{{"name": "text", "type": "text"}}})
	if code != 200 {
		t.Fatalf("create notes: %d %s", code, b)
	}
}

// TestServeSIGTERMDrains runs galley serve as a child process and sends it
// SIGTERM while a request is in flight (its body still being sent), an SSE
// stream and a WebSocket connection are open: the request completes (200,
// and the record is there after a restart), the SSE stream ends with a
// retry hint, the WebSocket closes with 1012 (service restart), the process
// exits 0 and the request log of the in-flight request was flushed (it is
// listed after the restart).
func TestServeSIGTERMDrains(t *testing.T) {
	dir := t.TempDir()
	login := cliSuperuser(t, dir)
	p := startGalley(t, dir, "--metrics")
	token := login(p)
	createOpenNotes(t, p, token)

	// SSE: read until PB_CONNECT, then keep reading in the background.
	res, err := http.Get(p.url + "/api/realtime")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sse := bufio.NewReader(res.Body)
	for {
		line, err := sse.ReadString('\n')
		if err != nil {
			t.Fatalf("SSE: %v", err)
		}
		if strings.HasPrefix(line, "event:PB_CONNECT") {
			break
		}
	}
	sseRest := make(chan string, 1)
	go func() { b, _ := io.ReadAll(sse); sseRest <- string(b) }()

	// WebSocket: connected and idle.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(p.url, "http")+"/api/realtime/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	wsErr := make(chan error, 1)
	go func() {
		for {
			if _, _, err := ws.Read(ctx); err != nil {
				wsErr <- err
				return
			}
		}
	}()

	// An in-flight create: headers and half the body sent, the rest after
	// SIGTERM.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", p.url+"/api/collections/notes/records?inflight=1", pr)
	req.Header.Set("Content-Type", "application/json")
	body := []byte(`{"text":"sent across the shutdown"}`)
	req.ContentLength = int64(len(body))
	type answer struct {
		code int
		body []byte
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		answered <- answer{code: res.StatusCode, body: b, err: err}
	}()
	if _, err := pw.Write(body[:10]); err != nil {
		t.Fatal(err)
	}
	// SIGTERM only once the server has the request: the in-flight gauge
	// counts it and the /metrics request itself.
	eventually(t, 20*time.Second, "the create is in flight", func() bool {
		code, b := p.request("GET", "/metrics", token, nil)
		return code == 200 && regexp.MustCompile(`(?m)^galley_http_requests_in_flight [2-9]`).Match(b)
	})
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-sseRest:
		if !strings.Contains(s, "retry:1000") {
			t.Errorf("SSE stream ended without a retry hint: %q", s)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("SSE stream still open after SIGTERM")
	}
	select {
	case err := <-wsErr:
		if websocket.CloseStatus(err) != websocket.StatusServiceRestart {
			t.Errorf("WebSocket ended with %v, want close 1012 (service restart)", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("WebSocket still open after SIGTERM")
	}
	if p.exited() {
		t.Fatal("serve exited before its in-flight request finished")
	}
	if _, err := pw.Write(body[10:]); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	a := <-answered
	if a.err != nil || a.code != 200 {
		t.Fatalf("in-flight create: %d %s %v", a.code, a.body, a.err)
	}
	var rec struct{ ID string }
	_ = json.Unmarshal(a.body, &rec)
	p.wait(t)
	if p.err != nil {
		t.Fatalf("serve exited with %v", p.err)
	}
	if !strings.Contains(p.out.String(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", p.out.String())
	}

	q := startGalley(t, dir)
	if code, b := q.request("GET", "/api/collections/notes/records/"+rec.ID, "", nil); code != 200 {
		t.Fatalf("record created across the shutdown: %d %s", code, b)
	}
	code, b := q.request("GET", "/api/logs?filter=message~'inflight=1'", login(q), nil)
	if code != 200 || !strings.Contains(string(b), `"totalItems":1`) {
		t.Fatalf("request log of the in-flight request: %d %s", code, b)
	}
}

// TestKill9UnderWriteLoad: galley serve as a child process takes
// concurrent creates; at a random moment it is killed with SIGKILL,
// started again on the same data, and every create it acknowledged (200)
// must be there. Several trials; fewer with -short. Runs on PostgreSQL
// when GALLEY_TEST_POSTGRES is set.
func TestKill9UnderWriteLoad(t *testing.T) {
	trials := 6
	if testing.Short() {
		trials = 2
	}
	dir := t.TempDir()
	login := cliSuperuser(t, dir)
	var acked []string // every acknowledged id, over all trials
	for trial := range trials {
		p := startGalley(t, dir)
		if trial == 0 {
			createOpenNotes(t, p, login(p))
		}
		// Everything acknowledged before is still there after a restart.
		checkAckedNotes(t, p, acked, trial)

		const writers = 8
		var mu sync.Mutex
		stop := make(chan struct{})
		var wg sync.WaitGroup
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: writers}}
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					b, _ := json.Marshal(map[string]any{"text": fmt.Sprintf("t%d-w%d-%d", trial, w, i)})
					res, err := client.Post(p.url+"/api/collections/notes/records", "application/json", bytes.NewReader(b))
					if err != nil {
						if p.exited() {
							return
						}
						continue
					}
					body, rerr := io.ReadAll(res.Body)
					res.Body.Close()
					if rerr != nil || res.StatusCode != 200 {
						continue // not acknowledged
					}
					var rec struct{ ID string }
					if json.Unmarshal(body, &rec) == nil && rec.ID != "" {
						mu.Lock()
						acked = append(acked, rec.ID)
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(150+rand.IntN(600)) * time.Millisecond)
		if err := p.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		p.wait(t)
		close(stop)
		wg.Wait()
		client.CloseIdleConnections()
	}
	p := startGalley(t, dir)
	checkAckedNotes(t, p, acked, trials)
	if len(acked) == 0 {
		t.Fatal("no create was acknowledged in any trial")
	}
	t.Logf("%d trials, %d acknowledged creates, all present after SIGKILL and restart", trials, len(acked))
}

// checkAckedNotes fails unless every id of acked is a record of notes on p.
func checkAckedNotes(t *testing.T, p *proc, acked []string, trial int) {
	t.Helper()
	have := map[string]bool{}
	for page := 1; ; page++ {
		code, b := p.request("GET", fmt.Sprintf("/api/collections/notes/records?perPage=1000&page=%d&skipTotal=1&fields=id&sort=id", page), "", nil)
		if code != 200 {
			t.Fatalf("list notes: %d %s", code, b)
		}
		var res struct{ Items []struct{ ID string } }
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
		for _, it := range res.Items {
			have[it.ID] = true
		}
		if len(res.Items) < 1000 {
			break
		}
	}
	var missing []string
	for _, id := range acked {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("after trial %d: %d of %d acknowledged creates missing, e.g. %v", trial, len(missing), len(acked), missing[:min(5, len(missing))])
	}
}
