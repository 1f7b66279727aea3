package tlsserve

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/tlsserve/pebbletest"
)

// TestACME: with Domains, the first TLS handshake for a domain obtains a
// certificate from the ACME server (account, order, challenge, finalize —
// a real ACME exchange with pebble), the HTTPS server serves it over
// HTTP/2 with a chain to the server's root, it lands in the cache
// directory, and a second manager on the same cache serves it without
// asking the authority again. A name not in Domains gets no certificate.
func TestACME(t *testing.T) {
	p := pebbletest.Start(t)
	cache := filepath.Join(t.TempDir(), "acme")
	opts := Options{Domains: []string{"galley.test"}, CacheDir: cache, Email: "ops@galley.test",
		DirectoryURL: p.DirectoryURL, ACMEClient: p.Client}
	tl, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !tl.Automatic() {
		t.Fatal("domains not automatic")
	}
	addr := serveTLS(t, tl, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Proto+" "+r.Host)
	}))
	root := p.Root(t)
	get := func(host string) (string, *tls.ConnectionState, error) {
		c := clientTrusting(root)
		c.Timeout = 60 * time.Second
		tr := c.Transport.(*http.Transport)
		tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		res, err := c.Get("https://" + host + "/")
		if err != nil {
			return "", nil, err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b), res.TLS, nil
	}
	body, state, err := get("galley.test")
	if err != nil {
		t.Fatal(err)
	}
	if body != "HTTP/2.0 galley.test" {
		t.Fatalf("answer %q", body)
	}
	leaf := state.PeerCertificates[0]
	if err := leaf.VerifyHostname("galley.test"); err != nil {
		t.Fatal(err)
	}
	if leaf.Issuer.String() == leaf.Subject.String() {
		t.Fatalf("self-signed leaf: %s", leaf.Subject)
	}
	if ents, err := os.ReadDir(cache); err != nil || len(ents) < 2 { // the account key and the certificate
		t.Fatalf("cache %s: %v %v", cache, ents, err)
	}
	if _, _, err := get("other.test"); err == nil {
		t.Fatal("a certificate was served for a name not configured")
	}

	// A restart: the certificate comes from the cache, not from the
	// authority (the new manager's directory is an address where nothing
	// answers).
	tl2, err := New(Options{Domains: []string{"galley.test"}, CacheDir: cache, DirectoryURL: "https://127.0.0.1:1/dir"})
	if err != nil {
		t.Fatal(err)
	}
	addr = serveTLS(t, tl2, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "cached") }))
	body, state, err = get("galley.test")
	if err != nil || body != "cached" {
		t.Fatalf("from the cache: %q %v", body, err)
	}
	if !state.PeerCertificates[0].Equal(leaf) {
		t.Fatal("the restarted server obtained another certificate instead of the cached one")
	}
}
