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
	if res, _ := get("/something"); res.StatusCode != 404 {
		t.Errorf("/something: %d", res.StatusCode)
	}
	req, _ := http.NewRequest("POST", e.hs.URL+"/_/", strings.NewReader("{}"))
	if res, err := client.Do(req); err != nil || res.StatusCode != 405 {
		t.Errorf("POST /_/: %v %v", res.StatusCode, err)
	}
}
