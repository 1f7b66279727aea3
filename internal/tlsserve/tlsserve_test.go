package tlsserve

import (
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/tlsserve/pebbletest"
)

// selfSigned writes a self-signed certificate (see pebbletest.SelfSigned).
func selfSigned(t *testing.T, dir, cn string, names ...string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	return pebbletest.SelfSigned(t, dir, cn, names...)
}

// serveTLS serves h over TLS with t's configuration the way galley serve
// does (http.Server.ServeTLS, which turns HTTP/2 on).
func serveTLS(t *testing.T, tl *TLS, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, TLSConfig: tl.Config()}
	go func() { _ = hs.ServeTLS(ln, "", "") }()
	t.Cleanup(func() { _ = hs.Close() })
	return ln.Addr().String()
}

func clientTrusting(certs ...*x509.Certificate) *http.Client {
	return pebbletest.ClientTrusting(certs...)
}

// TestCertificateFiles: a certificate pair from files is served, HTTP/2
// is negotiated, and Reload (what SIGHUP calls) puts a new pair in force
// for new connections while a bad pair leaves the old one.
func TestCertificateFiles(t *testing.T) {
	dir := t.TempDir()
	c1, k1, cert1 := selfSigned(t, dir, "first", "localhost")
	tl, err := New(Options{CertFile: c1, KeyFile: k1})
	if err != nil {
		t.Fatal(err)
	}
	if tl.Automatic() {
		t.Fatal("files reported as automatic")
	}
	addr := serveTLS(t, tl, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Proto)
	}))
	_, _, cert2 := selfSigned(t, dir, "second", "localhost")
	get := func(trust *x509.Certificate) (string, string, error) {
		res, err := clientTrusting(trust).Get("https://" + addr + "/")
		if err != nil {
			return "", "", err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b), res.TLS.PeerCertificates[0].Subject.CommonName, nil
	}
	proto, cn, err := get(cert1)
	if err != nil {
		t.Fatal(err)
	}
	if proto != "HTTP/2.0" || cn != "first" {
		t.Fatalf("got %s from %q, want HTTP/2.0 from first", proto, cn)
	}

	// Replace the files in place, as a certificate renewal does, and reload.
	c2, k2 := filepath.Join(dir, "second.crt"), filepath.Join(dir, "second.key")
	for src, dst := range map[string]string{c2: c1, k2: k1} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := tl.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, cn, err := get(cert2); err != nil || cn != "second" {
		t.Fatalf("after reload: %q %v", cn, err)
	}
	if _, _, err := get(cert1); err == nil {
		t.Fatal("the old certificate is still served after reload")
	}

	// A broken file: Reload fails and the current certificate stays.
	if err := os.WriteFile(k1, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := tl.Reload(); err == nil || !strings.Contains(err.Error(), k1) {
		t.Fatalf("reload of a broken key: %v", err)
	}
	if _, cn, err := get(cert2); err != nil || cn != "second" {
		t.Fatalf("after a failed reload: %q %v", cn, err)
	}
}

func TestNewRefusals(t *testing.T) {
	dir := t.TempDir()
	c, k, _ := selfSigned(t, dir, "x", "localhost")
	for name, o := range map[string]Options{
		"nothing":        {},
		"both":           {CertFile: c, KeyFile: k, Domains: []string{"a.example"}, CacheDir: dir},
		"cert only":      {CertFile: c},
		"missing file":   {CertFile: c, KeyFile: filepath.Join(dir, "none.key")},
		"no cache":       {Domains: []string{"a.example"}},
		"an ip":          {Domains: []string{"127.0.0.1"}, CacheDir: dir},
		"a url":          {Domains: []string{"https://a.example"}, CacheDir: dir},
		"swapped (pair)": {CertFile: k, KeyFile: c},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestRedirect: the plain listener of an HTTPS server sends every request
// to HTTPS with 308 (method and body kept), host, path and query kept,
// and the port only when it is not 443.
func TestRedirect(t *testing.T) {
	dir := t.TempDir()
	c, k, _ := selfSigned(t, dir, "x", "localhost")
	tl, err := New(Options{CertFile: c, KeyFile: k})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ port, method, host, target, want string }{
		{"443", "GET", "api.example.com", "/api/health?x=1", "https://api.example.com/api/health?x=1"},
		{"8443", "POST", "api.example.com:8080", "/api/collections/users/records", "https://api.example.com:8443/api/collections/users/records"},
		{"", "GET", "[::1]:80", "/", "https://[::1]/"},
	} {
		r := httptest.NewRequest(tc.method, tc.target, nil)
		r.Host = tc.host
		w := httptest.NewRecorder()
		tl.HTTPHandler(tc.port).ServeHTTP(w, r)
		if w.Code != http.StatusPermanentRedirect || w.Header().Get("Location") != tc.want {
			t.Errorf("%s %s%s: %d %q, want 308 %q", tc.method, tc.host, tc.target, w.Code, w.Header().Get("Location"), tc.want)
		}
	}
}
