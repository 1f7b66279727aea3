package tlsserve

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// findPebble returns the pebble binary (scripts/install-pebble.sh installs
// the pinned version): in PATH, $GOBIN or $HOME/go/bin. Without it the
// test is skipped, except in CI, where it fails.
func findPebble(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("pebble"); err == nil {
		return p
	}
	for _, d := range []string{os.Getenv("GOBIN"), filepath.Join(os.Getenv("HOME"), "go", "bin")} {
		if d == "" {
			continue
		}
		if p := filepath.Join(d, "pebble"); fileExists(p) {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("pebble is not installed: run scripts/install-pebble.sh")
	}
	t.Skip("pebble is not installed (scripts/install-pebble.sh)")
	return ""
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// pebble is a running local ACME server.
type pebble struct {
	dir    string // the ACME directory URL
	mgmt   string // the management API's base URL
	client *http.Client
}

// startPebble runs pebble, the ACME test server, on free loopback ports
// with PEBBLE_VA_ALWAYS_VALID (every challenge passes without a DNS look-up
// or a connection, so no real domain is needed) and its API served with a
// certificate made here; it stops when the test ends.
func startPebble(t *testing.T) *pebble {
	t.Helper()
	bin := findPebble(t)
	dir := t.TempDir()
	certFile, keyFile, apiCert := selfSigned(t, dir, "pebble-api", "localhost")
	api, mgmt := freePort(t), freePort(t)
	cfg := map[string]any{"pebble": map[string]any{
		"listenAddress":                  fmt.Sprintf("127.0.0.1:%d", api),
		"managementListenAddress":        fmt.Sprintf("127.0.0.1:%d", mgmt),
		"certificate":                    certFile,
		"privateKey":                     keyFile,
		"httpPort":                       freePort(t),
		"tlsPort":                        freePort(t),
		"ocspResponderURL":               "",
		"externalAccountBindingRequired": false,
		"retryAfter":                     map[string]int{"authz": 1, "order": 1},
	}}
	b, _ := json.Marshal(cfg)
	cfgFile := filepath.Join(dir, "pebble.json")
	if err := os.WriteFile(cfgFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "-config", cfgFile)
	cmd.Env = append(os.Environ(), "PEBBLE_VA_ALWAYS_VALID=1", "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("pebble output:\n%s", out.String())
		}
	})
	p := &pebble{dir: fmt.Sprintf("https://127.0.0.1:%d/dir", api), mgmt: fmt.Sprintf("https://127.0.0.1:%d", mgmt),
		client: clientTrusting(apiCert)}
	for i := 0; ; i++ {
		res, err := p.client.Get(p.dir)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		if i == 200 {
			t.Fatalf("pebble did not come up: %v\n%s", err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// root returns the certificate of pebble's (per run) root CA.
func (p *pebble) root(t *testing.T) *x509.Certificate {
	t.Helper()
	res, err := p.client.Get(p.mgmt + "/roots/0")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("pebble root: %s", b)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestACME: with Domains, the first TLS handshake for a domain obtains a
// certificate from the ACME server (account, order, challenge, finalize —
// a real ACME exchange with pebble), the HTTPS server serves it over
// HTTP/2 with a chain to the server's root, it lands in the cache
// directory, and a second manager on the same cache serves it without
// asking the authority again. A name not in Domains gets no certificate.
func TestACME(t *testing.T) {
	p := startPebble(t)
	cache := filepath.Join(t.TempDir(), "acme")
	opts := Options{Domains: []string{"galley.test"}, CacheDir: cache, Email: "ops@galley.test",
		DirectoryURL: p.dir, ACMEClient: p.client}
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
	root := p.root(t)
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
