package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/tlsserve/pebbletest"
)

// startProc runs galley serve as a child process (this test binary, see
// TestMain) with args and extra environment; it is stopped with SIGTERM
// when the test ends.
func startProc(t *testing.T, env []string, args ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	out := &lockedBuffer{}
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--log-format", "json"}, args...)...)
	cmd.Env = append(append(os.Environ(), "GALLEY_TEST_RUN_MAIN=1"), env...)
	if dsn := testEnv(t, nil)("GALLEY_DB"); dsn != "" {
		cmd.Env = append(cmd.Env, "GALLEY_DB="+dsn)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("serve did not stop on SIGTERM")
		}
		if t.Failed() {
			t.Logf("serve output:\n%s", out.String())
		}
	})
	return cmd, out
}

// tlsClient trusts roots and connects every request to addr, whatever the
// URL's host (which is then only the TLS server name).
func tlsClient(addr string, roots ...*x509.Certificate) *http.Client {
	pool := x509.NewCertPool()
	for _, r := range roots {
		pool.AddCert(r)
	}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}}
}

// TestServeACME: galley serve --https --https-domains obtains its
// certificate from an ACME server (pebble, trusted through SSL_CERT_FILE
// as a private ACME CA's would be through the system roots) on the first
// connection, serves the API with it over HTTP/2, and keeps it in
// <dir>/acme.
func TestServeACME(t *testing.T) {
	p := pebbletest.Start(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	startProc(t, []string{"SSL_CERT_FILE=" + p.APICertFile}, "--dir", dir, "--https", addr, "--http", "",
		"--https-domains", "galley.test", "--acme-directory", p.DirectoryURL, "--acme-email", "ops@galley.test")
	c := tlsClient(addr, p.Root(t))
	var res *http.Response
	var err error
	for i := 0; ; i++ {
		if res, err = c.Get("https://galley.test/api/health"); err == nil {
			break
		}
		if i == 100 {
			t.Fatalf("no answer over HTTPS: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	leaf := res.TLS.PeerCertificates[0]
	if res.StatusCode != 200 || res.Proto != "HTTP/2.0" || leaf.VerifyHostname("galley.test") != nil {
		t.Fatalf("%d %s, certificate for %v", res.StatusCode, res.Proto, leaf.DNSNames)
	}
	if _, err := os.Stat(filepath.Join(dir, "acme", "galley.test")); err != nil {
		t.Fatalf("the certificate is not in <dir>/acme: %v", err)
	}
}

// TestServeSIGHUP: a real SIGHUP makes galley serve read renewed
// certificate files; new connections get the new certificate.
func TestServeSIGHUP(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	first := writeCert(t, certFile, keyFile, "first")
	addr := freeAddr(t)
	cmd, _ := startProc(t, nil, "--dir", dir, "--https", addr, "--http", "", "--tls-cert", certFile, "--tls-key", keyFile)
	served := func(trust *x509.Certificate) string {
		c := tlsClient(addr, trust)
		c.Transport.(*http.Transport).DisableKeepAlives = true
		res, err := c.Get("https://127.0.0.1/api/health")
		if err != nil {
			return ""
		}
		res.Body.Close()
		return res.TLS.PeerCertificates[0].Subject.CommonName
	}
	for i := 0; served(first) != "first"; i++ {
		if i == 200 {
			t.Fatal("serve did not come up with the first certificate")
		}
		time.Sleep(50 * time.Millisecond)
	}
	second := writeCert(t, certFile, keyFile, "second")
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for i := 0; served(second) != "second"; i++ {
		if i == 200 {
			t.Fatal("the renewed certificate was not served after SIGHUP")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
