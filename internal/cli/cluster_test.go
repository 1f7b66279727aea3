package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestMain lets the test binary act as the galley command, so the cluster
// test can start real galley processes (and kill them) without a build step.
func TestMain(m *testing.M) {
	if os.Getenv("GALLEY_TEST_RUN_MAIN") == "1" {
		Main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// node is one galley serve process of the cluster test.
type node struct {
	name string
	url  string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{} // closed once the process has exited (Wait returned)
}

// exited reports whether the node's process has ended.
func (n *node) exited() bool {
	select {
	case <-n.done:
		return true
	default:
		return false
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startNode starts a node whose --dir is declared shared (the cluster
// tests store no files); startNodeArgs takes the extra flags.
func startNode(t *testing.T, name, dsn string) *node {
	t.Helper()
	return startNodeArgs(t, name, dsn, "--storage-shared")
}

func startNodeArgs(t *testing.T, name, dsn string, extra ...string) *node {
	t.Helper()
	addr := freeAddr(t)
	n := &node{name: name, url: "http://" + addr, out: &lockedBuffer{}}
	n.cmd = exec.Command(os.Args[0], append([]string{"serve", "--http", addr, "--dir", t.TempDir(), "--db", dsn,
		"--log-format", "json", "--db-max-conns", "6"}, extra...)...)
	n.cmd.Env = append(os.Environ(), "GALLEY_TEST_RUN_MAIN=1")
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n.done = make(chan struct{})
	go func() { _ = n.cmd.Wait(); close(n.done) }()
	t.Cleanup(func() {
		if !n.exited() {
			_ = n.cmd.Process.Signal(syscall.SIGTERM)
			<-n.done
		}
	})
	return n
}

func (n *node) kill(t *testing.T) {
	t.Helper()
	if err := n.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-n.done
}

// call sends a JSON request and decodes a JSON answer (nil on no body).
func (n *node) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, n.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// eventually polls cond until it holds, failing after limit (a guard
// against hangs, not a timing assertion); it returns how long it took.
func eventually(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: still not true after %s", what, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// leaders returns the nodes whose health says they lead; the leader flag
// is shown to superusers only (token).
func leaders(t *testing.T, nodes []*node, token string) []string {
	var out []string
	for _, n := range nodes {
		code, body := n.call(t, "GET", "/api/health", token, nil)
		if code != 200 {
			continue
		}
		if data, _ := body["data"].(map[string]any); data["leader"] == true {
			out = append(out, n.name)
		}
	}
	return out
}

// TestThreeNodesOnePostgres starts three galley processes at once on one
// PostgreSQL schema and proves they behave as one app: migrations run once,
// tokens work on every node, collection and settings changes reach the
// other nodes through LISTEN/NOTIFY, exactly one node leads the background
// work and another takes over when it is killed, and writes a killed node
// acknowledged are all there.
func TestThreeNodesOnePostgres(t *testing.T) {
	base := storetest.PostgresDSN()
	if base == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvDSN)
	}
	dsn := storetest.NewSchema(t, base)
	nodes := []*node{startNode(t, "A", dsn), startNode(t, "B", dsn), startNode(t, "C", dsn)}
	a, b, c := nodes[0], nodes[1], nodes[2]
	for _, n := range nodes {
		eventually(t, 30*time.Second, n.name+" healthy", func() bool { code, _ := n.call(t, "GET", "/api/health", "", nil); return code == 200 })
	}

	// The system migrations ran exactly once, though all three started together.
	applied := 0
	for _, n := range nodes {
		applied += strings.Count(n.out.String(), "applied system migration")
	}
	if applied != 10 {
		t.Fatalf("system migrations applied %d times across the nodes, want 10 (once each)", applied)
	}

	// A superuser created through the CLI; a token from A works on B and C.
	if out, err := runCLI(t, nil, "superuser", "upsert", "root@example.com", "cluster-secret-1", "--db", dsn); err != nil {
		t.Fatalf("superuser upsert: %v %s", err, out)
	}
	code, auth := a.call(t, "POST", "/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": "root@example.com", "password": "cluster-secret-1"})
	if code != 200 {
		t.Fatalf("log-in on A: %d %v", code, auth)
	}
	token := auth["token"].(string)
	for _, n := range []*node{b, c} {
		if code, body := n.call(t, "GET", "/api/collections?perPage=1", token, nil); code != 200 {
			t.Fatalf("A's token on %s: %d %v", n.name, code, body)
		}
	}

	// A collection created on A is in force on B and C.
	if code, body := a.call(t, "POST", "/api/collections", token, map[string]any{"name": "notes", "listRule": "", "createRule": "",
		"fields": []map[string]any{{"name": "text", "type": "text"}}}); code != 200 {
		t.Fatalf("create collection on A: %d %v", code, body)
	}
	for _, n := range []*node{b, c} {
		took := eventually(t, 10*time.Second, "collection on "+n.name, func() bool {
			code, _ := n.call(t, "GET", "/api/collections/notes/records", "", nil)
			return code == 200
		})
		t.Logf("collection created on A in force on %s after %s", n.name, took)
	}
	// List totals cached on B follow a write on A.
	total := func(n *node) float64 {
		_, body := n.call(t, "GET", "/api/collections/notes/records", "", nil)
		v, _ := body["totalItems"].(float64)
		return v
	}
	if got := total(b); got != 0 {
		t.Fatalf("totalItems on B before any write: %v", got)
	}
	if code, body := a.call(t, "POST", "/api/collections/notes/records", "", map[string]any{"text": "first"}); code != 200 {
		t.Fatalf("create on A: %d %v", code, body)
	}
	took := eventually(t, 10*time.Second, "totals on B", func() bool { return total(b) == 1 })
	t.Logf("B's cached total followed A's write after %s", took)
	// A rule change on B is in force on A (guests lose list access).
	if code, body := b.call(t, "PATCH", "/api/collections/notes", token, map[string]any{"listRule": nil}); code != 200 {
		t.Fatalf("update rule on B: %d %v", code, body)
	}
	took = eventually(t, 10*time.Second, "rule change on A", func() bool {
		code, _ := a.call(t, "GET", "/api/collections/notes/records", "", nil)
		return code == 403
	})
	t.Logf("rule change on B in force on A after %s", took)
	// A settings change on C is seen by A.
	if code, body := c.call(t, "PATCH", "/api/settings", token, map[string]any{"meta": map[string]any{"appName": "Cluster"}}); code != 200 {
		t.Fatalf("settings on C: %d %v", code, body)
	}
	took = eventually(t, 10*time.Second, "settings on A", func() bool {
		_, body := a.call(t, "GET", "/api/settings", token, nil)
		meta, _ := body["meta"].(map[string]any)
		return meta["appName"] == "Cluster"
	})
	t.Logf("settings change on C seen on A after %s", took)

	// Exactly one leader.
	var leader []string
	eventually(t, 15*time.Second, "one leader", func() bool { leader = leaders(t, nodes, token); return len(leader) == 1 })
	var dying *node
	var rest []*node
	for _, n := range nodes {
		if n.name == leader[0] {
			dying = n
		} else {
			rest = append(rest, n)
		}
	}

	// Writes through the leader while it is killed: every acknowledged
	// write is there afterwards.
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			code, body := dying.call(t, "POST", "/api/collections/notes/records", "", map[string]any{"text": fmt.Sprint("n", i)})
			if code == 200 {
				mu.Lock()
				acked = append(acked, body["id"].(string))
				mu.Unlock()
			}
		}
	}()
	eventually(t, 10*time.Second, "some writes acknowledged", func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 20 })
	dying.kill(t)
	close(stop)
	<-done
	took = eventually(t, 20*time.Second, "a new leader", func() bool {
		l := leaders(t, rest, token)
		return len(l) == 1
	})
	t.Logf("leader %s killed; %s took over after %s", dying.name, leaders(t, rest, token)[0], took)
	if l := leaders(t, rest, token); len(l) != 1 {
		t.Fatalf("leaders after the kill: %v", l)
	}
	mu.Lock()
	ids := append([]string(nil), acked...)
	mu.Unlock()
	for _, id := range ids {
		if code, body := rest[0].call(t, "GET", "/api/collections/notes/records/"+id, token, nil); code != 200 {
			t.Fatalf("acknowledged record %s missing after the kill: %d %v", id, code, body)
		}
	}
	t.Logf("%d acknowledged writes through the killed node, all present", len(ids))
	// The survivors still act as one: a change on one is in force on the other.
	if code, body := rest[0].call(t, "PATCH", "/api/collections/notes", token, map[string]any{"listRule": ""}); code != 200 {
		t.Fatalf("update after kill: %d %v", code, body)
	}
	eventually(t, 10*time.Second, "rule change after the kill", func() bool {
		code, _ := rest[1].call(t, "GET", "/api/collections/notes/records", "", nil)
		return code == 200
	})
}
