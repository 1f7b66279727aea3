// Package dashboard serves Galley's admin UI: a single-page app built from
// ui/ (Preact + htm + the pocketbase SDK, bundled with esbuild) into dist/,
// which is committed and embedded, so building Galley needs no Node.
//
// The app talks to the server only through the public API. Handler serves it
// under /_/ with a strict Content-Security-Policy (no inline scripts or
// styles, no eval), and compresses each asset once, in memory, when the
// handler is made.
package dashboard

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed dist
var distFS embed.FS

// Prefix is the path the dashboard is served under.
const Prefix = "/_/"

// CSP is the Content-Security-Policy of every dashboard response: scripts,
// styles and API calls from Galley itself only, images also from data: and
// blob: URLs (previews), never framed.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// assetMaxAge is how long a browser may use an asset without asking again.
// Asset names carry no hash, so it stays short; the ETag makes the check cheap.
const assetMaxAge = "public, max-age=300"

// asset is one embedded file, with its gzip form when that is smaller.
type asset struct {
	body, gz    []byte
	contentType string
	etag        string
}

// Handler returns the handler of the dashboard: GET and HEAD of /_/ and
// /_/{path...}. An existing asset is served as it is; any other path gets
// index.html (the app routes in the URL fragment, so every deep link opens
// the app). Other methods answer 405.
func Handler() http.Handler {
	sub, err := fs.Sub(distFS, "dist")
	if err != nil {
		panic(err) // the embed directive guarantees dist exists
	}
	return newHandler(sub)
}

// newHandler reads every file of fsys once and compresses it: the bundle is
// small (well under a megabyte), so gzip at the best level takes a few
// milliseconds at start, and no .gz copy has to be kept in the repository
// (or kept in step with the file it compresses).
func newHandler(fsys fs.FS) http.Handler {
	assets := map[string]*asset{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := &asset{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		a.contentType = mime.TypeByExtension(path.Ext(p))
		if a.contentType == "" {
			a.contentType = "application/octet-stream"
		}
		if z := gzipBytes(body); len(z) < len(body) {
			a.gz = z
		}
		assets[p] = a
		return nil
	})
	if err != nil {
		panic(err) // embedded files can always be read
	}
	return &handler{assets: assets}
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

type handler struct {
	assets map[string]*asset
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", CSP)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, Prefix)
	a, ok := h.assets[name]
	if !ok || name == "" || name == "index.html" {
		name = "index.html"
		a = h.assets[name]
		hd.Set("Cache-Control", "no-cache")
	} else {
		hd.Set("Cache-Control", assetMaxAge)
	}
	if a == nil {
		http.NotFound(w, r) // a build without index.html: nothing to serve
		return
	}
	body, etag := a.body, a.etag
	if a.gz != nil {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
			hd.Set("Content-Encoding", "gzip")
		}
	}
	hd.Set("Content-Type", a.contentType)
	hd.Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip (a
// "gzip;q=0" refuses it).
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return !(q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000")
	}
	return false
}

// etagMatches reports whether an If-None-Match header names etag (or is "*").
func etagMatches(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		t := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
