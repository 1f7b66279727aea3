package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/reqlog"
	"github.com/galleyhq/galley/internal/safego"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// opsEnv is the full stack on a real SQLite database in a temp dir, for the
// operational routes and the middleware.
type opsEnv struct {
	t     *testing.T
	app   *core.App
	db    *store.DB
	srv   *Server
	hs    *httptest.Server
	logs  *reqlog.Store // nil unless asked for
	super string        // a superuser token
	user  string        // a token of a non-superuser auth record
	logb  *lockedBuffer // the server's slog output
	dir   string        // the data dir
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
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

type envOpts struct {
	cfg     Config
	logs    *reqlog.Options // non-nil: open a request log store with these options
	prepare func(s *Server) // runs before serving (extra test routes)
}

func newOpsEnv(t *testing.T, o envOpts) *opsEnv {
	t.Helper()
	ctx := context.Background()
	opts := storetest.Options(t)
	dir := opts.Dir
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	e := &opsEnv{t: t, logb: &lockedBuffer{}, dir: dir}
	log := slog.New(slog.NewTextHandler(e.logb, nil))
	e.app, e.db = core.New(db, log), db
	e.srv = New(e.app, db, log, o.cfg)
	if o.logs != nil {
		lo := *o.logs
		lo.Dir = dir
		if e.logs, err = reqlog.Open(ctx, lo); err != nil {
			t.Fatal(err)
		}
		e.srv.UseRequestLogs(e.logs)
	}
	if o.prepare != nil {
		o.prepare(e.srv)
	}
	e.hs = httptest.NewServer(e.srv.Handler())
	t.Cleanup(func() {
		e.hs.Close()
		if e.logs != nil {
			e.logs.Close()
		}
		db.Close()
	})
	su, err := e.app.UpsertSuperuser(ctx, "root@example.com", "Sup3r-secret!")
	if err != nil {
		t.Fatal(err)
	}
	if e.super, err = e.app.NewAuthToken(su, true); err != nil {
		t.Fatal(err)
	}
	e.user = e.userToken(su)
	return e
}

// userToken adds a record to the default "users" auth collection and
// returns a token of that record.
func (e *opsEnv) userToken(su *galley.Record) string {
	e.t.Helper()
	ctx := context.Background()
	body := core.Body{"email": []byte(`"user@example.com"`), "password": []byte(`"us3r-secret!"`), "passwordConfirm": []byte(`"us3r-secret!"`)}
	rec, err := e.app.CreateRecord(ctx, core.Actor{Auth: su}, "users", core.RecordInput{Body: body}, "")
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.app.NewAuthToken(rec, true)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type resp struct {
	code   int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return m
}

// do sends a request; body may be nil, a string or an io.Reader.
func (e *opsEnv) do(method, path, token string, body any, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case string:
		rd = strings.NewReader(b)
	case io.Reader:
		rd = b
	}
	req, err := http.NewRequest(method, e.hs.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.hs.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{code: res.StatusCode, header: res.Header, body: b}
}

func TestHandlerPanic(t *testing.T) {
	e := newOpsEnv(t, envOpts{prepare: func(s *Server) {
		s.mux.HandleFunc("GET /test/panic", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "3")
			panic("secret detail")
		})
		s.mux.HandleFunc("GET /test/panic-late", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			w.Write([]byte("partial"))
			w.(http.Flusher).Flush()
			panic("after the header")
		})
	}})
	r := e.do("GET", "/test/panic", "", nil)
	if r.code != 500 {
		t.Fatalf("status %d, want 500", r.code)
	}
	m := r.json(t)
	if m["status"] != 500.0 || strings.Contains(string(r.body), "secret") || m["message"] != galley.Internal(nil).Message {
		t.Fatalf("body %s: want the plain 500", r.body)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatal("security headers missing on the panic answer")
	}
	if out := e.logb.String(); !strings.Contains(out, "secret detail") || !strings.Contains(out, "middleware_test.go") {
		t.Fatalf("panic not logged with its stack: %s", out)
	}
	// A panic after the response started drops the connection.
	req, _ := http.NewRequest("GET", e.hs.URL+"/test/panic-late", nil)
	if res, err := e.hs.Client().Do(req); err == nil {
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
		if err == nil {
			t.Fatal("late panic: the response looked complete")
		}
	}
	// The server still serves.
	if r := e.do("GET", "/api/health", "", nil); r.code != 200 {
		t.Fatalf("after panics: health %d", r.code)
	}
}

func TestGoroutinePanicThroughHelper(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	done := make(chan struct{})
	safego.Go(e.srv.log, "test worker", func() {
		defer close(done)
		panic("worker exploded")
	})
	<-done
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(e.logb.String(), "worker exploded") {
		if time.Now().After(deadline) {
			t.Fatal("goroutine panic not logged")
		}
		time.Sleep(time.Millisecond)
	}
	if r := e.do("GET", "/api/health", "", nil); r.code != 200 {
		t.Fatalf("after goroutine panic: health %d", r.code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	for _, path := range []string{"/api/health", "/api/nope", "/api/settings"} {
		r := e.do("GET", path, "", nil)
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN",
			"Referrer-Policy": "strict-origin-when-cross-origin"} {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
	}
}

func TestCORS(t *testing.T) {
	e := newOpsEnv(t, envOpts{cfg: Config{AllowedOrigins: []string{"https://app.example.com/"}}})
	// Allowed origin, simple request.
	r := e.do("GET", "/api/health", "", nil, "Origin", "https://app.example.com")
	if r.code != 200 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || !strings.Contains(strings.Join(r.header.Values("Vary"), ","), "Origin") {
		t.Fatalf("allowed: %d %v", r.code, r.header)
	}
	// Disallowed origin: served, but without CORS headers.
	r = e.do("GET", "/api/health", "", nil, "Origin", "https://evil.example.com")
	if r.code != 200 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("disallowed: %d %v", r.code, r.header)
	}
	// Preflight from the allowed origin.
	r = e.do("OPTIONS", "/api/collections/posts/records", "", nil, "Origin", "https://app.example.com",
		"Access-Control-Request-Method", "PATCH", "Access-Control-Request-Headers", "authorization,content-type")
	if r.code != 204 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "PATCH") ||
		r.header.Get("Access-Control-Allow-Headers") != "authorization,content-type" {
		t.Fatalf("preflight: %d %v", r.code, r.header)
	}
	// Preflight from another origin.
	r = e.do("OPTIONS", "/api/health", "", nil, "Origin", "https://evil.example.com", "Access-Control-Request-Method", "GET")
	if r.code != 403 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("disallowed preflight: %d %v", r.code, r.header)
	}

	// Default config: every origin, with "*".
	all := newOpsEnv(t, envOpts{})
	r = all.do("OPTIONS", "/api/health", "", nil, "Origin", "https://any.example", "Access-Control-Request-Method", "DELETE")
	if r.code != 204 || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("allow all preflight: %d %v", r.code, r.header)
	}
}

func TestBodyLimit(t *testing.T) {
	e := newOpsEnv(t, envOpts{cfg: Config{MaxBodyBytes: 1024}})
	big := `{"meta":{"appName":"` + strings.Repeat("x", 2000) + `"}}`
	// Declared length over the limit: refused before reading.
	r := e.do("PATCH", "/api/settings", e.super, big)
	if r.code != 413 {
		t.Fatalf("declared large body: %d %s", r.code, r.body)
	}
	// Unknown length (chunked): refused while reading.
	r = e.do("PATCH", "/api/settings", e.super, io.MultiReader(strings.NewReader(big)))
	if r.code != 413 || r.json(t)["status"] != 413.0 {
		t.Fatalf("chunked large body: %d %s", r.code, r.body)
	}
	s, err := e.app.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(s.Meta.AppName, "xxx") {
		t.Fatal("a refused body changed the settings")
	}
	// Under the limit works.
	if r := e.do("PATCH", "/api/settings", e.super, `{"meta":{"appName":"Small"}}`); r.code != 200 {
		t.Fatalf("small body: %d %s", r.code, r.body)
	}
}

func TestUserIP(t *testing.T) {
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "192.0.2.1:5555"
	req.Header.Set("X-Forwarded-For", "203.0.113.9, 198.51.100.7")
	if got := userIP(req, core.TrustedProxySettings{}); got != "192.0.2.1" {
		t.Errorf("untrusted headers: %q", got)
	}
	if got := userIP(req, core.TrustedProxySettings{Headers: []string{"X-Forwarded-For"}}); got != "198.51.100.7" {
		t.Errorf("rightmost: %q", got)
	}
	if got := userIP(req, core.TrustedProxySettings{Headers: []string{"X-Real-IP", "X-Forwarded-For"}, UseLeftmostIP: true}); got != "203.0.113.9" {
		t.Errorf("leftmost: %q", got)
	}
	req.RemoteAddr = "[2001:db8::1]:443"
	if got := clientIP(req); got != "2001:db8::1" {
		t.Errorf("ipv6 remote: %q", got)
	}
}

func TestHTTPServer(t *testing.T) {
	hs := HTTPServer(":0", http.NotFoundHandler())
	if hs.ReadHeaderTimeout != 10*time.Second || hs.IdleTimeout != 120*time.Second || hs.WriteTimeout != 0 || hs.MaxHeaderBytes == 0 {
		t.Fatalf("server = %+v", hs)
	}
}
