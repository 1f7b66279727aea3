package api

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPublicDir: --public-dir serves an app's files at / for GET and HEAD
// paths no route takes; /api/ and /_/ stay Galley's, custom routes win,
// directories are never listed, hidden names and traversal are 404, and a
// path without an extension falls back to index.html when asked.
func TestPublicDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.html", "<h1>app</h1>")
	write("app.js", "console.log(1)")
	write("docs/index.html", "docs")
	write("empty/x.txt", "x")
	write(".env", "SECRET=1")
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	for _, fallback := range []bool{true, false} {
		e := newOpsEnv(t, envOpts{cfg: Config{Public: PublicDir{Dir: dir, IndexFallback: fallback}},
			prepare: func(s *Server) {
				if err := s.AddRoute("GET", "/app.js", func(e *RequestEvent) error {
					_, err := e.W.Write([]byte("route"))
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}})
		client := e.hs.Client()
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		do := func(method, path string) (int, string, http.Header) {
			t.Helper()
			req, _ := http.NewRequest(method, e.hs.URL+path, nil)
			req.URL.Opaque = path // sent as written: no client-side cleaning of ..
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b), res.Header
		}
		check := func(method, path string, code int, body string) {
			t.Helper()
			got, b, _ := do(method, path)
			if got != code || !strings.Contains(b, body) {
				t.Errorf("fallback=%v %s %s: %d %q, want %d with %q", fallback, method, path, got, b, code, body)
			}
		}
		check("GET", "/", 200, "<h1>app</h1>")
		check("GET", "/index.html", 301, "")
		check("GET", "/app.js", 200, "route")
		check("GET", "/docs/", 200, "docs")
		check("GET", "/docs", 301, "")
		check("GET", "/.env", 404, "")
		check("GET", "/link.txt", 404, "")
		check("GET", "/../secret.txt", 404, "")
		check("GET", "/%2e%2e/secret.txt", 404, "")
		check("GET", "/api/nothing", 404, `"status":404`)
		check("POST", "/index.html", 404, "")
		check("GET", "/_/", 200, "app.js")
		check("GET", "/missing.png", 404, "")
		if fallback {
			check("GET", "/lists/42", 200, "<h1>app</h1>")
			check("GET", "/empty/", 200, "<h1>app</h1>") // a directory without index.html is not listed
		} else {
			check("GET", "/lists/42", 404, "")
			check("GET", "/empty/", 404, "")
		}
		if code, b, h := do("HEAD", "/"); code != 200 || b != "" || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			t.Errorf("HEAD /: %d %q %v", code, b, h)
		}
	}
}
