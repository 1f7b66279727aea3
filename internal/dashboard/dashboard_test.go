package dashboard

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html><script type="module" src="/_/app.js"></script>`)},
		"app.js":     {Data: []byte(strings.Repeat("console.log('galley');\n", 200))},
		"app.css":    {Data: []byte("body{margin:0}")},
	}
}

func get(t *testing.T, h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestHandler: assets are served as they are, every other path gets
// index.html, with the CSP, nosniff, caching and gzip headers.
func TestHandler(t *testing.T) {
	h := newHandler(testFS())
	for _, tc := range []struct {
		path, body, ctype, cache string
	}{
		{"/_/", "<!doctype html>", "text/html", "no-cache"},
		{"/_/index.html", "<!doctype html>", "text/html", "no-cache"},
		{"/_/collections/abc", "<!doctype html>", "text/html", "no-cache"},
		{"/_/missing.js", "<!doctype html>", "text/html", "no-cache"},
		{"/_/app.js", "console.log", "text/javascript", assetMaxAge},
		{"/_/app.css", "body{", "text/css", assetMaxAge},
	} {
		rec := get(t, h, "GET", tc.path, nil)
		if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), tc.body) {
			t.Errorf("%s: %d %.40q", tc.path, rec.Code, rec.Body.String())
		}
		hd := rec.Header()
		if !strings.HasPrefix(hd.Get("Content-Type"), tc.ctype) || hd.Get("Cache-Control") != tc.cache {
			t.Errorf("%s: content type %q, cache %q", tc.path, hd.Get("Content-Type"), hd.Get("Cache-Control"))
		}
		if hd.Get("Content-Security-Policy") != CSP || hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", tc.path, hd)
		}
		if strings.Contains(CSP, "unsafe") {
			t.Errorf("CSP allows unsafe sources: %s", CSP)
		}
	}
	if rec := get(t, h, "POST", "/_/", nil); rec.Code != 405 {
		t.Errorf("POST: %d", rec.Code)
	}
	if rec := get(t, h, "HEAD", "/_/app.js", nil); rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d %d bytes, length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}

// TestGzipAndETag: gzip when accepted (and smaller), its own ETag, 304 on a
// matching If-None-Match.
func TestGzipAndETag(t *testing.T) {
	h := newHandler(testFS())
	plain := get(t, h, "GET", "/_/app.js", nil)
	zipped := get(t, h, "GET", "/_/app.js", map[string]string{"Accept-Encoding": "br, gzip"})
	if plain.Header().Get("Content-Encoding") != "" || zipped.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("encodings %q / %q", plain.Header().Get("Content-Encoding"), zipped.Header().Get("Content-Encoding"))
	}
	if zipped.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary %q", zipped.Header().Get("Vary"))
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if !bytes.Equal(got, plain.Body.Bytes()) || zipped.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzip body: %d bytes for %d", zipped.Body.Len(), plain.Body.Len())
	}
	et, etz := plain.Header().Get("ETag"), zipped.Header().Get("ETag")
	if et == "" || et == etz {
		t.Errorf("ETags %q %q", et, etz)
	}
	if rec := get(t, h, "GET", "/_/app.js", map[string]string{"If-None-Match": et}); rec.Code != 304 || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d", rec.Code)
	}
	if rec := get(t, h, "GET", "/_/app.js", map[string]string{"Accept-Encoding": "gzip;q=0"}); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 got gzip")
	}
	// A file gzip does not shrink is sent as it is.
	if rec := get(t, h, "GET", "/_/app.css", map[string]string{"Accept-Encoding": "gzip"}); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("tiny css gzipped")
	}
}

// TestEmbeddedBuild: the committed bundle is embedded and has no inline
// script or style (the CSP would block them).
func TestEmbeddedBuild(t *testing.T) {
	h := Handler()
	for _, p := range []string{"/_/", "/_/app.js", "/_/app.css"} {
		if rec := get(t, h, "GET", p, nil); rec.Code != 200 || rec.Body.Len() == 0 {
			t.Fatalf("%s: %d (run: cd ui && npm ci && npm run build)", p, rec.Code)
		}
	}
	index := get(t, h, "GET", "/_/", nil).Body.String()
	low := strings.ToLower(index)
	if strings.Contains(low, "<style") || strings.Contains(low, " style=") || strings.Count(low, "<script") != strings.Count(low, "<script type=\"module\" src=") {
		t.Errorf("index.html has inline scripts or styles:\n%s", index)
	}
}
