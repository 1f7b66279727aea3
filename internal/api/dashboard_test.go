package api

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestDashboardRoutes: the route table serves the dashboard at /_/ (and /_
// redirects there) with its CSP, to anyone, and leaves every other path
// alone: /api/ keeps its JSON 404, other paths stay free for apps.
func TestDashboardRoutes(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	client := e.hs.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := client.Get(e.hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	for _, p := range []string{"/_/", "/_/collections/abc/edit", "/_/app.js"} {
		res, body := get(p)
		if res.StatusCode != 200 || body == "" {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q", p, csp)
		}
	}
	if res, body := get("/_/"); !strings.Contains(body, `src="/_/app.js"`) || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("/_/ is not the dashboard's index.html: %s", body)
	}
	if res, _ := get("/_"); res.StatusCode/100 != 3 || res.Header.Get("Location") != "/_/" {
		t.Errorf("/_: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := get("/api/nothing"); res.StatusCode != 404 || !strings.Contains(body, `"status":404`) {
		t.Errorf("/api/nothing: %d %s", res.StatusCode, body)
	}
	// Paths no route matches: PocketBase's JSON 404s, "File not found."
	// for GET and HEAD, "The requested resource wasn't found." otherwise.
	for _, c := range []struct{ method, path, message string }{
		{"GET", "/something", "File not found."}, {"GET", "/api/nothing", "File not found."}, {"GET", "/api", "File not found."},
		{"HEAD", "/something", ""}, {"POST", "/_/", "The requested resource wasn't found."},
		{"POST", "/api/nothing", "The requested resource wasn't found."}, {"DELETE", "/something", "The requested resource wasn't found."},
	} {
		req, _ := http.NewRequest(c.method, e.hs.URL+c.path, nil)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, _ = io.Copy(&b, res.Body)
		res.Body.Close()
		if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || (c.method != "HEAD" && !strings.Contains(b.String(), `"message":"`+c.message)) {
			t.Errorf("%s %s: %d %s %s", c.method, c.path, res.StatusCode, res.Header.Get("Content-Type"), b.String())
		}
	}
}
