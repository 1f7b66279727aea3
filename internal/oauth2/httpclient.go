package oauth2

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Options configure the server-side HTTP client that every OAuth2 fetch
// (token exchange, user info, OIDC discovery, JWKS, avatars) goes through.
// The zero value is the safe production setting.
type Options struct {
	// AllowPrivateNetworks lets the client reach loopback, private, link-local
	// and other non-public addresses. It exists for tests that run an
	// in-process provider on 127.0.0.1; production must leave it false,
	// otherwise a superuser-configured (or attacker-influenced) provider URL
	// could reach internal services (SSRF).
	AllowPrivateNetworks bool
	// Timeout bounds one whole request, redirects and body included
	// (default 15s).
	Timeout time.Duration
	// MaxResponseBytes caps every response body (default 2 MiB); reading past
	// it fails with ErrResponseTooLarge.
	MaxResponseBytes int64
	// MaxRedirects caps the redirects followed per request (default 3).
	MaxRedirects int
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = 2 << 20
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 3
	}
	return o
}

// ErrResponseTooLarge is returned when reading a response body past
// Options.MaxResponseBytes.
var ErrResponseTooLarge = errors.New("oauth2: response body too large")

// ErrForbiddenAddress is wrapped by dial errors for addresses the safe client
// refuses (loopback, private, link-local, ...).
var ErrForbiddenAddress = errors.New("oauth2: destination address is not public")

// blockedPrefixes are the non-public ranges refused by the safe client, in
// addition to what netip.Addr's predicates already cover.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),          // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),      // carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),       // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),       // TEST-NET-1
	netip.MustParsePrefix("198.18.0.0/15"),      // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"),    // TEST-NET-2
	netip.MustParsePrefix("203.0.113.0/24"),     // TEST-NET-3
	netip.MustParsePrefix("240.0.0.0/4"),        // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),       // NAT64: may embed a private IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"),     // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),      // documentation
	netip.MustParsePrefix("2002::/16"),          // 6to4: may embed a private IPv4
	netip.MustParsePrefix("2001::/32"),          // Teredo
	netip.MustParsePrefix("100::/64"),           // discard-only
	netip.MustParsePrefix("fec0::/10"),          // deprecated site-local
	netip.MustParsePrefix("::ffff:0:0:0/96"),    // IPv4-translated
	netip.MustParsePrefix("ff00::/8"),           // multicast (also IsMulticast)
	netip.MustParsePrefix("169.254.0.0/16"),     // link-local, cloud metadata
	netip.MustParsePrefix("fe80::/10"),          // link-local
	netip.MustParsePrefix("fc00::/7"),           // unique local (also IsPrivate)
	netip.MustParsePrefix("::/128"),             // unspecified
	netip.MustParsePrefix("::1/128"),            // loopback
	netip.MustParsePrefix("127.0.0.0/8"),        // loopback
	netip.MustParsePrefix("10.0.0.0/8"),         // RFC 1918
	netip.MustParsePrefix("172.16.0.0/12"),      // RFC 1918
	netip.MustParsePrefix("192.168.0.0/16"),     // RFC 1918
	netip.MustParsePrefix("224.0.0.0/4"),        // multicast
	netip.MustParsePrefix("255.255.255.255/32"), // broadcast
}

// IsPublicAddr reports whether ip is a publicly routable unicast address that
// the safe client may connect to. IPv4-mapped IPv6 addresses are judged as
// the IPv4 address they carry.
func IsPublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() ||
		ip.IsMulticast() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// CheckDialAddress is the dial-time check of the safe client: address is
// the "ip:port" the dialer is about to connect to, after DNS resolution, so
// a hostname that resolves (or re-resolves, DNS rebinding) to a private
// address is refused, and so is every hop of a redirect. It returns an error
// wrapping ErrForbiddenAddress for non-public addresses unless
// allowPrivate is set, and for addresses that are not IP literals.
func CheckDialAddress(network, address string, allowPrivate bool) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return fmt.Errorf("%w: network %q", ErrForbiddenAddress, network)
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrForbiddenAddress, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %q is not an IP address", ErrForbiddenAddress, host)
	}
	if allowPrivate || IsPublicAddr(ip) {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrForbiddenAddress, ip)
}

// NewHTTPClient returns the safe client described by opts: no proxy from the
// environment (a proxy would dial on our behalf, past the address check),
// every connection's resolved IP checked by CheckDialAddress, at most
// opts.MaxRedirects redirects and only to http(s), bodies capped at
// opts.MaxResponseBytes, and an overall timeout.
func NewHTTPClient(opts Options) *http.Client {
	return newHTTPClient(opts, func(network, address string) error {
		return CheckDialAddress(network, address, opts.AllowPrivateNetworks)
	})
}

// newHTTPClient builds the safe client around the dial-time check (tests
// swap in a check that admits one loopback "public" host).
func newHTTPClient(opts Options, check func(network, address string) error) *http.Client {
	opts = opts.withDefaults()
	dialer := &net.Dialer{
		Timeout:   5 * time.Second,
		KeepAlive: 30 * time.Second,
		ControlContext: func(_ context.Context, network, address string, _ syscall.RawConn) error {
			return check(network, address)
		},
	}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           20,
		IdleConnTimeout:        60 * time.Second,
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport: &limitTransport{rt: tr, max: opts.MaxResponseBytes},
		Timeout:   opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return fmt.Errorf("oauth2: stopped after %d redirects", opts.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("oauth2: redirect to unsupported scheme %q", req.URL.Scheme)
			}
			return nil
		},
	}
}

// limitTransport caps response bodies.
type limitTransport struct {
	rt  http.RoundTripper
	max int64
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := t.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if res.ContentLength > t.max {
		res.Body.Close()
		return nil, ErrResponseTooLarge
	}
	res.Body = &limitedBody{rc: res.Body, left: t.max}
	return res, nil
}

// limitedBody fails with ErrResponseTooLarge instead of silently truncating,
// so a cut-off JSON document is never mistaken for a complete one.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Probe one byte: exactly max bytes is fine, more is not.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, ErrResponseTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
