// Package tlsserve gives Galley's HTTPS listener its certificates: either
// obtained and renewed automatically from an ACME certificate authority
// (Let's Encrypt by default) with golang.org/x/crypto/acme/autocert, or
// read from certificate and key files that Reload reads again (SIGHUP)
// without dropping connections. It also answers the plain HTTP listener
// of an HTTPS server: ACME http-01 challenges, and a redirect to HTTPS for
// everything else.
package tlsserve

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// Options choose where certificates come from: Domains (ACME) or
// CertFile and KeyFile, never both.
type Options struct {
	// Domains are the host names certificates are obtained for over ACME;
	// a TLS handshake for any other name fails (no certificate is asked
	// for names nobody configured).
	Domains []string
	// CacheDir keeps the ACME account key and the certificates (required
	// with Domains; created 0700 when missing), so a restart does not ask
	// the authority again.
	CacheDir string
	// Email is given to the ACME authority for expiry notices (optional).
	Email string
	// DirectoryURL is the ACME directory (empty: Let's Encrypt's
	// production directory, acme.LetsEncryptURL).
	DirectoryURL string
	// ACMEClient is the HTTP client that talks to the ACME authority (nil:
	// the default client); tests give one that trusts a local authority.
	ACMEClient *http.Client

	// CertFile and KeyFile are a PEM certificate chain and its private key.
	CertFile, KeyFile string
}

// TLS provides the certificates of one HTTPS listener. Its methods are
// safe for concurrent use.
type TLS struct {
	acme *autocert.Manager
	// files is the certificate read from CertFile/KeyFile, swapped whole
	// by Reload so that a handshake sees the old or the new one.
	files          atomic.Pointer[tls.Certificate]
	certFile, keyF string
}

// New checks opts and returns the certificate source they describe. With
// certificate files, they are read now: an unreadable or mismatched pair
// is an error naming the files. Neither or both sources is an error.
func New(opts Options) (*TLS, error) {
	files := opts.CertFile != "" || opts.KeyFile != ""
	switch {
	case files && len(opts.Domains) > 0:
		return nil, errors.New("HTTPS: give either domains for automatic certificates or certificate files, not both")
	case files:
		if opts.CertFile == "" || opts.KeyFile == "" {
			return nil, errors.New("HTTPS: a certificate file needs its key file and the reverse")
		}
		t := &TLS{certFile: opts.CertFile, keyF: opts.KeyFile}
		if err := t.Reload(); err != nil {
			return nil, err
		}
		return t, nil
	case len(opts.Domains) > 0:
		if opts.CacheDir == "" {
			return nil, errors.New("HTTPS: automatic certificates need a cache directory")
		}
		for _, d := range opts.Domains {
			if d == "" || strings.ContainsAny(d, "/: ") || net.ParseIP(d) != nil {
				return nil, fmt.Errorf("HTTPS: %q is not a domain name (ACME certificates are for host names, not addresses)", d)
			}
		}
		m := &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			Cache:      autocert.DirCache(opts.CacheDir),
			HostPolicy: autocert.HostWhitelist(opts.Domains...),
			Email:      opts.Email,
			Client:     &acme.Client{DirectoryURL: opts.DirectoryURL, HTTPClient: opts.ACMEClient},
		}
		if opts.DirectoryURL == "" {
			m.Client.DirectoryURL = acme.LetsEncryptURL
		}
		return &TLS{acme: m}, nil
	}
	return nil, errors.New("HTTPS: give domains for automatic certificates or certificate and key files")
}

// Automatic reports whether certificates come from ACME.
func (t *TLS) Automatic() bool { return t.acme != nil }

// Config returns the TLS configuration of the HTTPS listener: TLS 1.2 or
// newer, HTTP/2 and HTTP/1.1 offered over ALPN (plus acme-tls/1 for ACME's
// tls-alpn-01 challenge), and the current certificate on every handshake.
func (t *TLS) Config() *tls.Config {
	if t.acme != nil {
		c := t.acme.TLSConfig() // NextProtos h2, http/1.1, acme-tls/1
		c.MinVersion = tls.VersionTLS12
		return c
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"h2", "http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return t.files.Load(), nil
		},
	}
}

// Reload reads the certificate files again and, when they hold a valid
// pair, makes it the certificate of every later handshake; on error the
// previous certificate stays. Connections already open are untouched. With
// ACME it does nothing (autocert renews by itself) and returns nil.
func (t *TLS) Reload() error {
	if t.acme != nil {
		return nil
	}
	c, err := tls.LoadX509KeyPair(t.certFile, t.keyF)
	if err != nil {
		return fmt.Errorf("HTTPS: certificate %s and key %s: %w", t.certFile, t.keyF, err)
	}
	t.files.Store(&c)
	return nil
}

// HTTPHandler answers the plain HTTP listener of an HTTPS server: ACME
// http-01 challenges (with automatic certificates) and, for every other
// request, a 308 Permanent Redirect to the same host, path and query on
// HTTPS at httpsPort ("443" or "" leaves the port out of the URL). 308
// keeps the method and body, so an API client that posted over HTTP is
// sent on rather than turned into a GET.
func (t *TLS) HTTPHandler(httpsPort string) http.Handler {
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if host == "" {
			http.Error(w, "HTTPS required: no Host header to redirect to.", http.StatusBadRequest)
			return
		}
		if strings.Contains(host, ":") { // an IPv6 literal
			host = "[" + strings.Trim(host, "[]") + "]"
		}
		if httpsPort != "" && httpsPort != "443" {
			host += ":" + httpsPort
		}
		w.Header().Set("Connection", "close")
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusPermanentRedirect)
	})
	if t.acme != nil {
		return t.acme.HTTPHandler(redirect)
	}
	return redirect
}
