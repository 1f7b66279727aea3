package api

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/reqlog"
)

// multipartBody returns a multipart body with a clientId value and a file
// part of size bytes, and its Content-Type.
func multipartBody(t *testing.T, size int) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if err := mw.WriteField("clientId", "nobody"); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("blob", "blob.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(bytes.Repeat([]byte("x"), size)); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), mw.FormDataContentType()
}

// waitEmptyDir fails the test unless dir is (or becomes) empty.
func waitEmptyDir(t *testing.T, dir, after string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) == 0 {
			return
		}
		if time.Now().After(deadline) {
			names := []string{}
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Fatalf("after %s the temp dir still holds %v", after, names)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMultipartLeavesNoTempFiles: multipart bodies with large file parts,
// posted by a guest to the realtime route, to JSON routes (records create,
// log-in), and to routes that parse them to disk (one of which panics),
// leave nothing in the temp dir. The realtime route refuses the file part
// without writing it anywhere.
func TestMultipartLeavesNoTempFiles(t *testing.T) {
	parsed := make(chan int, 10)
	e := newOpsEnv(t, envOpts{prepare: func(s *Server) {
		parse := func(w http.ResponseWriter, r *http.Request) {
			if err := r.ParseMultipartForm(0); err != nil { // every file part to disk
				http.Error(w, err.Error(), 400)
				return
			}
			ents, _ := os.ReadDir(os.TempDir())
			parsed <- len(ents)
		}
		s.mux.HandleFunc("POST /test/multipart", parse)
		s.mux.HandleFunc("POST /test/multipart-panic", func(w http.ResponseWriter, r *http.Request) {
			parse(w, r)
			panic("after parsing")
		})
	}})
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.TempDir, where multipart spills files
	body, ct := multipartBody(t, 3<<20)
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/api/realtime", 400},
		{"/api/collections/users/records", 400}, // read (the unknown file part skipped), then refused: no email, no password
		{"/api/collections/users/auth-with-password", 400},
		{"/test/multipart", 200},
		{"/test/multipart-panic", 500},
	} {
		for range 2 {
			r := e.do("POST", tc.path, "", bytes.NewReader(body), "Content-Type", ct)
			waitEmptyDir(t, tmp, "POST "+tc.path)
			if r.code != tc.status {
				t.Fatalf("POST %s: %d %s, want %d", tc.path, r.code, r.body, tc.status)
			}
		}
	}
	// The parsing routes did write their files: the cleanup removed them.
	close(parsed)
	for n := range parsed {
		if n == 0 {
			t.Fatal("ParseMultipartForm(0) wrote no temp file: the test proves nothing")
		}
	}
	// The realtime route names the file part it refuses.
	r := e.do("POST", "/api/realtime", "", bytes.NewReader(body), "Content-Type", ct)
	if !strings.Contains(string(r.body), `"blob"`) {
		t.Fatalf("realtime file part: %s", r.body)
	}
}

// TestRealtimeFormBounds: a form body to /api/realtime is read within the
// form bounds: values summing to more than maxFormBytes, or more than
// maxFormParts parts, are 413 naming the limit; a small multipart form
// works as the urlencoded one does.
func TestRealtimeFormBounds(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	post := func(build func(mw *multipart.Writer)) resp {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		build(mw)
		mw.Close()
		return e.do("POST", "/api/realtime", "", &b, "Content-Type", mw.FormDataContentType())
	}
	r := post(func(mw *multipart.Writer) {
		mw.WriteField("clientId", "x")
		mw.WriteField("subscriptions", strings.Repeat("t", maxFormBytes))
	})
	if r.code != 413 || !strings.Contains(string(r.body), fmt.Sprint(maxFormBytes)) {
		t.Fatalf("large value: %d %s", r.code, r.body)
	}
	r = post(func(mw *multipart.Writer) {
		for i := range maxFormParts + 1 {
			mw.WriteField("subscriptions", fmt.Sprint("t", i))
		}
	})
	if r.code != 413 || !strings.Contains(string(r.body), fmt.Sprint(maxFormParts)) {
		t.Fatalf("many parts: %d %s", r.code, r.body)
	}
	big := "clientId=x&subscriptions=" + strings.Repeat("t", maxFormBytes)
	if r := e.do("POST", "/api/realtime", "", big, "Content-Type", "application/x-www-form-urlencoded"); r.code != 413 {
		t.Fatalf("large urlencoded form: %d %s", r.code, r.body)
	}
	// Within the bounds: an unknown client is 404, as with JSON.
	r = post(func(mw *multipart.Writer) {
		mw.WriteField("clientId", "unknown-client")
		mw.WriteField("subscriptions", "posts")
	})
	if r.code != 404 {
		t.Fatalf("small multipart form: %d %s", r.code, r.body)
	}
}

// trickle sends the head of a POST with a declared body of 100000 bytes, then
// one body byte every few milliseconds until stop is closed or the server
// closes the connection, and returns the response the server answers with.
func trickle(t *testing.T, base, path string) *http.Response {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", path, u.Host)
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	// A safety net for the test, not a measurement: without a body
	// deadline the server would wait for the rest of the body for ever.
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer to a trickled body: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	// The server does not wait for the rest: it closes the connection.
	if _, err := br.ReadByte(); err == nil {
		t.Fatal("the server sent more after the 408")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the connection stays open after the 408")
	}
	return res
}

// TestBodyReadTimeout: a client that sends its headers and then trickles
// the body is answered 408 naming the limit once --body-read-timeout has
// passed, and its connection closed; a normal client, a handler that works
// longer than the limit after reading its body, and an SSE stream open
// longer than the limit are unaffected.
func TestBodyReadTimeout(t *testing.T) {
	const limit = 300 * time.Millisecond
	e := newOpsEnv(t, envOpts{cfg: Config{BodyReadTimeout: limit}, prepare: func(s *Server) {
		s.mux.HandleFunc("POST /test/slow", func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			time.Sleep(3 * limit) // longer than the body limit, after the body
			if err := r.Context().Err(); err != nil {
				http.Error(w, "context: "+err.Error(), 500)
				return
			}
			fmt.Fprintf(w, "read %d bytes", len(b))
		})
	}})
	for _, path := range []string{"/api/collections/users/auth-with-password", "/api/collections/users/records", "/api/realtime"} {
		res := trickle(t, e.hs.URL, path)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), "limit 300ms") {
			t.Fatalf("%s trickled: %d %s", path, res.StatusCode, body)
		}
	}
	// A normal client, twice on one keep-alive connection.
	for range 2 {
		r := e.do("POST", "/api/collections/users/auth-with-password", "", `{"identity":"user@example.com","password":"us3r-secret!"}`, "Content-Type", "application/json")
		if r.code != 200 {
			t.Fatalf("log-in: %d %s", r.code, r.body)
		}
	}
	if r := e.do("POST", "/test/slow", "", strings.Repeat("x", 10000)); r.code != 200 || string(r.body) != "read 10000 bytes" {
		t.Fatalf("slow handler after its body: %d %s", r.code, r.body)
	}
	// An SSE stream (no body) outlives the body limit.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.hs.URL+"/api/realtime", nil)
	res, err := e.hs.Client().Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("SSE: %v %v", err, res)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	id := ""
	for id == "" {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("SSE connect event: %v", err)
		}
		id, _ = strings.CutPrefix(strings.TrimSpace(line), "id:")
	}
	time.Sleep(3 * limit)
	sub := fmt.Sprintf(`{"clientId":%q,"subscriptions":["users"]}`, id)
	if r := e.do("POST", "/api/realtime", "", sub, "Content-Type", "application/json"); r.code != 204 {
		t.Fatalf("subscribe after the body limit: %d %s (the stream was closed?)", r.code, r.body)
	}
}

// TestRequestLogsRedactSecrets: the values of tokens, OAuth2 codes and
// states, passwords, one-time passwords and MFA ids in query strings and
// referers never reach the request logs that /api/logs shows.
func TestRequestLogsRedactSecrets(t *testing.T) {
	e := newOpsEnv(t, envOpts{logs: &reqlog.Options{}})
	secrets := []string{"S3cretTok", "Cod3Value", "St4teValue", "Passw0rdValue", "0tpValue", "Mf4Value", "Ref3rerCode"}
	e.do("GET", "/api/realtime/ws?token="+secrets[0], "", nil)
	e.do("GET", "/api/oauth2-redirect?code="+secrets[1]+"&state="+secrets[2], "", nil)
	e.do("GET", "/api/health?password="+secrets[3]+"&otp="+secrets[4]+"&mfaId="+secrets[5]+"&keep=visible", "", nil,
		"Referer", "https://app.example.com/callback?code="+secrets[6])
	e.flushLogs()
	r := e.do("GET", "/api/logs?perPage=100", e.super, nil)
	if r.code != 200 {
		t.Fatalf("GET /api/logs: %d %s", r.code, r.body)
	}
	for _, s := range secrets {
		if strings.Contains(string(r.body), s) {
			t.Errorf("the request logs hold %q: %s", s, r.body)
		}
	}
	for _, want := range []string{
		`/api/realtime/ws?token=***`,
		`/api/oauth2-redirect?code=***\u0026state=***`,
		`/api/health?password=***\u0026otp=***\u0026mfaId=***\u0026keep=visible`,
		`https://app.example.com/callback?code=***`,
	} {
		if !strings.Contains(string(r.body), want) && !strings.Contains(string(r.body), strings.ReplaceAll(want, `\u0026`, "&")) {
			t.Errorf("the request logs lack %s: %s", want, r.body)
		}
	}
}

// TestRealtimeConnsPerIPv6Network: the realtime connection cap counts an
// IPv6 client by its /64, as every other per-IP limit does: two addresses
// of one /64 share the cap, another /64 and an IPv4 address have their own.
func TestRealtimeConnsPerIPv6Network(t *testing.T) {
	e := newOpsEnv(t, envOpts{cfg: Config{Realtime: realtime.Config{MaxConnsPerIP: 1}}})
	e.patchSettings(`{"trustedProxy":{"headers":["X-Forwarded-For"]}}`)
	open := func(ip string) int {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, "GET", e.hs.URL+"/api/realtime", nil)
		req.Header.Set("X-Forwarded-For", ip)
		res, err := e.hs.Client().Do(req)
		if err != nil {
			t.Fatalf("GET /api/realtime from %s: %v", ip, err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res.StatusCode
	}
	for _, tc := range []struct {
		ip     string
		status int
	}{
		{"2001:db8:1:2::1", 200},
		{"2001:db8:1:2:ffff::2", 429}, // the same /64
		{"2001:db8:1:3::1", 200},      // another /64
		{"192.0.2.1", 200},
		{"192.0.2.1", 429},
	} {
		if got := open(tc.ip); got != tc.status {
			t.Fatalf("SSE from %s: status %d, want %d", tc.ip, got, tc.status)
		}
	}
}

// TestServerHTTPServerTimeouts: Server.HTTPServer uses the configured
// header timeout (default DefaultReadHeaderTimeout), and a negative body
// timeout switches the body deadline off while zero means the default.
func TestServerHTTPServerTimeouts(t *testing.T) {
	env := newOpsEnv(t, envOpts{})
	newServer := func(cfg Config) *Server {
		s := New(env.app, env.db, nil, cfg)
		t.Cleanup(s.CloseRealtime)
		return s
	}
	if hs := newServer(Config{}).HTTPServer(":0"); hs.ReadHeaderTimeout != DefaultReadHeaderTimeout || hs.ReadTimeout != 0 || hs.WriteTimeout != 0 {
		t.Fatalf("default timeouts: header %v, read %v, write %v", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout)
	}
	if hs := newServer(Config{ReadHeaderTimeout: 3 * time.Second}).HTTPServer(":0"); hs.ReadHeaderTimeout != 3*time.Second {
		t.Fatalf("header timeout %v, want 3s", hs.ReadHeaderTimeout)
	}
	if d := newServer(Config{}).cfg.BodyReadTimeout; d != DefaultBodyReadTimeout {
		t.Fatalf("default body timeout %v", d)
	}
	if d := newServer(Config{BodyReadTimeout: -1}).cfg.BodyReadTimeout; d >= 0 {
		t.Fatalf("negative body timeout became %v", d)
	}
}
