package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/tlsserve"
)

// startServe runs galley serve in-process with args and env until the
// test ends; up reports when it answers (a request that must not fail).
func startServe(t *testing.T, env map[string]string, up func() bool, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var lb lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), testEnv(t, env), &lb, &lb) }()
	var stopped bool
	t.Cleanup(func() {
		cancel()
		if stopped {
			return
		}
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	for i := 0; !up(); i++ {
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("serve stopped: %v\n%s", err, lb.String())
		default:
		}
		if i == 200 {
			t.Fatalf("serve did not come up:\n%s", lb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func status(c *http.Client, method, url, token string) int {
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// superToken creates a superuser in dir (or the test's PostgreSQL schema)
// and logs in through base.
func superToken(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	res, err := c.Post(base+"/api/collections/_superusers/auth-with-password", "application/json",
		strings.NewReader(`{"identity":"root@example.com","password":"long-enough-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("log in: %d %v", res.StatusCode, err)
	}
	return out.Token
}

// TestServeMetricsOff: without --metrics or --metrics-addr there is no
// /metrics, not even for superusers.
func TestServeMetricsOff(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCLI(t, nil, "superuser", "upsert", "root@example.com", "long-enough-1", "--dir", dir); err != nil {
		t.Fatal(err)
	}
	c := http.DefaultClient

	// Off by default.
	addr := freeAddr(t)
	startServe(t, nil, func() bool { return status(c, "GET", "http://"+addr+"/api/health", "") == 200 },
		"--dir", dir, "--http", addr)
	tok := superToken(t, c, "http://"+addr)
	if got := status(c, "GET", "http://"+addr+"/metrics", tok); got != 404 {
		t.Fatalf("metrics off: GET /metrics as superuser = %d, want 404", got)
	}
}

// TestServeMetrics: --metrics serves GET /metrics on the API's listener to
// superusers only; --metrics-addr serves it without authentication on its
// own listener, which is the only thing there.
func TestServeMetrics(t *testing.T) {
	c := http.DefaultClient
	dir2 := t.TempDir()
	if _, err := runCLI(t, nil, "superuser", "upsert", "root@example.com", "long-enough-1", "--dir", dir2); err != nil {
		t.Fatal(err)
	}
	addr, maddr := freeAddr(t), freeAddr(t)
	var tok string
	startServe(t, map[string]string{"GALLEY_METRICS_ADDR": maddr}, func() bool {
		return status(c, "GET", "http://"+addr+"/api/health", "") == 200 && status(c, "GET", "http://"+maddr+"/metrics", "") == 200
	}, "--dir", dir2, "--http", addr, "--metrics")
	tok = superToken(t, c, "http://"+addr)
	if got := status(c, "GET", "http://"+addr+"/metrics", ""); got != 401 {
		t.Errorf("guest on the API listener: %d, want 401", got)
	}
	if got := status(c, "GET", "http://"+addr+"/metrics", tok); got != 200 {
		t.Errorf("superuser on the API listener: %d, want 200", got)
	}
	if got := status(c, "GET", "http://"+maddr+"/api/health", ""); got != 404 {
		t.Errorf("the metrics listener serves the API: %d", got)
	}
	res, err := c.Get("http://" + maddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`galley_http_requests_total{code="200",method="GET",route="/api/health"}`,
		`galley_http_requests_total{code="200",method="GET",route="/metrics"} 1`,
		"galley_db_read_pool_max_open_connections", "galley_db_write_group_size_bucket",
		"galley_realtime_connections 0", `galley_rate_limited_total{limiter="login"} 0`,
		`galley_mail_messages_total{result="sent"} 0`, `galley_request_logs_total{result="dropped"} 0`,
		`galley_request_logs_total{result="written"}`, "go_goroutines", "galley_build_info{",
	} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the separate listener's scrape lacks %s", want)
		}
	}
}

// writeCert writes a self-signed certificate for localhost and 127.0.0.1
// with common name cn.
func writeCert(t *testing.T, certFile, keyFile, cn string) *x509.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

// TestServeHTTPS: --https with certificate files serves the API over
// TLS with HTTP/2, --http redirects to it with 308, and the reload SIGHUP
// runs puts renewed files in force.
func TestServeHTTPS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	cert := writeCert(t, certFile, keyFile, "first")
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	tc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	httpsAddr, httpAddr := freeAddr(t), freeAddr(t)
	startServe(t, map[string]string{"GALLEY_TLS_CERT": certFile}, func() bool {
		return status(tc, "GET", "https://"+httpsAddr+"/api/health", "") == 200
	}, "--dir", dir, "--https", httpsAddr, "--http", httpAddr, "--tls-key", keyFile)

	res, err := tc.Get("https://" + httpsAddr + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Proto != "HTTP/2.0" || res.TLS.NegotiatedProtocol != "h2" {
		t.Fatalf("protocol %s (ALPN %q), want HTTP/2.0 over h2", res.Proto, res.TLS.NegotiatedProtocol)
	}
	// A request body (read under the body deadline) and a realtime stream
	// (flushed event by event) over HTTP/2.
	res, err = tc.Post("https://"+httpsAddr+"/api/collections/_superusers/auth-with-password", "application/json",
		strings.NewReader(`{"identity":"nobody@example.com","password":"wrong-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 || res.Proto != "HTTP/2.0" {
		t.Fatalf("log-in over HTTP/2: %d %s, want 400", res.StatusCode, res.Proto)
	}
	sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer scancel()
	sreq, _ := http.NewRequestWithContext(sctx, "GET", "https://"+httpsAddr+"/api/realtime", nil)
	stream, err := tc.Do(sreq)
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 256)
	n, _ := io.ReadAtLeast(stream.Body, first, len("event:PB_CONNECT"))
	stream.Body.Close()
	if stream.Proto != "HTTP/2.0" || !strings.Contains(string(first[:n]), "PB_CONNECT") {
		t.Fatalf("realtime over HTTP/2: %s %q", stream.Proto, first[:n])
	}
	scancel()

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", "http://"+httpAddr+"/api/collections/posts/records?x=1", strings.NewReader("{}"))
	res, err = noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, port, _ := net.SplitHostPort(httpsAddr)
	want := "https://127.0.0.1:" + port + "/api/collections/posts/records?x=1"
	if res.StatusCode != http.StatusPermanentRedirect || res.Header.Get("Location") != want {
		t.Fatalf("plain HTTP: %d %q, want 308 %q", res.StatusCode, res.Header.Get("Location"), want)
	}

	// What SIGHUP does, on the function its handler calls: new files are
	// read; the serving listener is checked in internal/tlsserve.
	tl, err := tlsserve.New(tlsserve.Options{CertFile: certFile, KeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	writeCert(t, certFile, keyFile, "second")
	var logs bytes.Buffer
	reloadCertificates(tl, slog.New(slog.NewTextHandler(&logs, nil)))
	if got, _ := tl.Config().GetCertificate(&tls.ClientHelloInfo{}); got == nil || !strings.Contains(logs.String(), "certificate reloaded") {
		t.Fatalf("reload: %v, logs %s", got, logs.String())
	} else if leaf, _ := x509.ParseCertificate(got.Certificate[0]); leaf.Subject.CommonName != "second" {
		t.Fatalf("after reload: %s", leaf.Subject.CommonName)
	}
	os.WriteFile(keyFile, []byte("broken"), 0o600)
	logs.Reset()
	reloadCertificates(tl, slog.New(slog.NewTextHandler(&logs, nil)))
	if !strings.Contains(logs.String(), "certificate reload failed") {
		t.Fatalf("a broken key was not reported: %s", logs.String())
	}
}

// TestServeHTTPSRefusals: HTTPS flags that cannot work stop the start
// with a message naming the flags.
func TestServeHTTPSRefusals(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--https", freeAddr(t)},                                           // no certificate source
		{"--tls-cert", "x.crt", "--tls-key", "x.key"},                      // no --https
		{"--https", freeAddr(t), "--tls-cert", filepath.Join(dir, "none")}, // no key
		{"--https", freeAddr(t), "--https-domains", "127.0.0.1"},           // an address
	} {
		_, err := runCLI(t, nil, append([]string{"serve", "--dir", dir, "--http", freeAddr(t)}, args...)...)
		if err == nil || !(strings.Contains(err.Error(), "HTTPS") || strings.Contains(err.Error(), "--https")) {
			t.Errorf("%v: %v", args, err)
		}
	}
}
