package jsvm_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/jsvm"
	"github.com/galleyhq/galley/internal/testserver"
)

// logBuffer collects what the VM logs.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitLog waits until the log holds every fragment.
func (b *logBuffer) waitLog(t *testing.T, fragments ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := b.String()
		ok := true
		for _, f := range fragments {
			ok = ok && strings.Contains(s, f)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log never held %q; log:\n%s", fragments, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type env struct {
	s   *testserver.Server
	vm  *jsvm.VM
	dir string
	log *logBuffer
}

// setup starts a test server with collections users (auth), posts and
// logs, writes files into a hooks directory and starts the VM on them.
func setup(t testing.TB, files map[string]string, tweak ...func(*jsvm.Config)) *env {
	t.Helper()
	s := testserver.New(t)
	s.Users(map[string]any{"name": "users", "type": "auth", // the default users collection, made into this one
		"listRule": "", "viewRule": "", "createRule": "", "updateRule": "id = @request.auth.id", "fields": []map[string]any{}}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "posts", "type": "base",
		"listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": "",
		"fields": []map[string]any{
			{"name": "title", "type": "text"},
			{"name": "slug", "type": "text"},
			{"name": "views", "type": "number"},
			{"name": "draft", "type": "bool"},
			{"name": "tags", "type": "select", "values": []string{"a", "b", "c"}, "maxSelect": 3},
			{"name": "meta", "type": "json"},
			{"name": "where", "type": "geoPoint"},
			{"name": "due", "type": "date"},
			{"name": "author", "type": "relation", "collectionId": "users", "maxSelect": 1},
		}}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "logs", "type": "base",
		"listRule": "", "viewRule": "", "fields": []map[string]any{{"name": "msg", "type": "text"}}}).Status(200)
	e := &env{s: s, dir: filepath.Join(t.TempDir(), "pb_hooks"), log: &logBuffer{}}
	if err := os.MkdirAll(e.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		e.write(t, name, src)
	}
	cfg := jsvm.Config{Dir: e.dir, PoolSize: 2, App: s.App, Router: s.API,
		Log: slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, f := range tweak {
		f(&cfg)
	}
	vm, err := jsvm.Start(cfg)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(vm.Close)
	e.vm = vm
	return e
}

func (e *env) write(t testing.TB, name, src string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(e.dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.dir, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func newUser(t *testing.T, s *testserver.Server, email string) (id, token string) {
	t.Helper()
	rec := s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": email, "password": "Passw0rd!x", "passwordConfirm": "Passw0rd!x"}).Status(200).JSON()
	res := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": email, "password": "Passw0rd!x"}).Status(200).JSON()
	return rec["id"].(string), res["token"].(string)
}

func TestSmoke(t *testing.T) {
	e := setup(t, map[string]string{"a.pb.js": `
onRecordCreateRequest((e) => {
	e.record.set("slug", e.record.get("title").toLowerCase());
	e.next();
}, "posts");
routerAdd("GET", "/api/hello/{name}", (e) => e.json(200, {hello: e.request.pathValue("name")}));
`})
	rec := e.s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "Hello World"}).Status(200).JSON()
	if rec["slug"] != "hello world" {
		t.Fatalf("slug %v", rec["slug"])
	}
	e.s.Do("GET", "/api/hello/bob", "", nil).Status(200).Contains(`{"hello":"bob"}`)
	_ = context.Background()
}

func writeFile(dir, name, src string) error {
	return os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644)
}

func hmacHex(msg, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}
