package oauth2

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

func TestCheckDialAddress(t *testing.T) {
	refused := []string{
		"127.0.0.1:80", "127.1.2.3:443", "10.0.0.1:80", "10.255.255.255:80", "172.16.0.1:80", "172.31.9.9:80",
		"192.168.1.1:80", "169.254.169.254:80", "100.64.0.1:80", "100.127.255.254:80", "0.0.0.0:80",
		"224.0.0.1:80", "255.255.255.255:80", "[::1]:80", "[::]:80", "[fd00::1]:80", "[fc00::1]:80",
		"[fe80::1]:80", "[ff02::1]:80", "[::ffff:127.0.0.1]:80", "[::ffff:10.0.0.1]:80",
		"[::ffff:169.254.169.254]:80", "[64:ff9b::a00:1]:80", "[2002:a00:1::]:80",
		"localhost:80", "not-an-address",
	}
	for _, a := range refused {
		if err := CheckDialAddress("tcp", a, false); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: got %v, want ErrForbiddenAddress", a, err)
		}
	}
	allowed := []string{"93.184.216.34:443", "8.8.8.8:53", "[2606:4700:4700::1111]:443", "100.128.0.1:80", "172.32.0.1:80"}
	for _, a := range allowed {
		if err := CheckDialAddress("tcp", a, false); err != nil {
			t.Errorf("%s: refused: %v", a, err)
		}
	}
	if err := CheckDialAddress("tcp", "127.0.0.1:80", true); err != nil {
		t.Errorf("AllowPrivateNetworks: loopback refused: %v", err)
	}
	if err := CheckDialAddress("udp", "8.8.8.8:53", false); err == nil {
		t.Error("udp allowed")
	}
	if IsPublicAddr(netip.MustParseAddr("169.254.169.254")) {
		t.Error("cloud metadata address counted as public")
	}
}

// hitServer counts the requests it receives.
func hitServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "secret")
	}))
	t.Cleanup(s.Close)
	return s, &hits
}

func TestDefaultClientRefusesPrivateAddresses(t *testing.T) {
	target, hits := hitServer(t)
	port := target.URL[strings.LastIndexByte(target.URL, ':'):]
	c := NewHTTPClient(Options{})
	for _, u := range []string{
		target.URL, "http://localhost" + port, "http://[::1]" + port,
		"http://10.0.0.1:9/", "http://169.254.169.254/latest/meta-data/", "http://192.168.0.1/", "http://100.64.0.1/",
	} {
		res, err := c.Get(u)
		if err == nil {
			res.Body.Close()
			t.Errorf("GET %s: no error", u)
			continue
		}
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("GET %s: %v, want ErrForbiddenAddress", u, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the private server was reached %d times", hits.Load())
	}
	// The explicit test-only switch reaches it.
	res, err := NewHTTPClient(Options{AllowPrivateNetworks: true}).Get(target.URL)
	if err != nil {
		t.Fatalf("AllowPrivateNetworks: %v", err)
	}
	res.Body.Close()
}

// TestRedirectToPrivateAddressRefused: a host the client may reach ("public",
// simulated by admitting exactly its loopback address) redirects to private
// addresses; every hop is dialled through the same check, so none is reached.
func TestRedirectToPrivateAddressRefused(t *testing.T) {
	target, hits := hitServer(t)
	var redirectTo atomic.Value
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, redirectTo.Load().(string), http.StatusFound)
	}))
	defer public.Close()
	publicAddr := strings.TrimPrefix(public.URL, "http://")
	c := newHTTPClient(Options{}, func(network, address string) error {
		if address == publicAddr {
			return nil
		}
		return CheckDialAddress(network, address, false)
	})
	port := target.URL[strings.LastIndexByte(target.URL, ':'):]
	for _, to := range []string{target.URL + "/x", "http://localhost" + port, "http://[::1]" + port, "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/"} {
		redirectTo.Store(to)
		res, err := c.Get(public.URL)
		if err == nil {
			res.Body.Close()
			t.Errorf("redirect to %s: no error", to)
			continue
		}
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("redirect to %s: %v, want ErrForbiddenAddress", to, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the private server was reached %d times through a redirect", hits.Load())
	}
	// Redirects to other schemes are refused too.
	redirectTo.Store("file:///etc/passwd")
	if res, err := c.Get(public.URL); err == nil {
		res.Body.Close()
		t.Error("redirect to file: followed")
	}
}

func TestClientCapsRedirectsAndBodies(t *testing.T) {
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write(make([]byte, 3<<20)) // chunked: no Content-Length up front
		case "/exact":
			w.Write(make([]byte, 1000))
		default:
			http.Redirect(w, r, "/loop", http.StatusFound)
		}
	}))
	defer loop.Close()
	c := NewHTTPClient(Options{AllowPrivateNetworks: true, MaxResponseBytes: 1000, MaxRedirects: 2})
	if res, err := c.Get(loop.URL + "/loop"); err == nil || !strings.Contains(err.Error(), "redirects") {
		if err == nil {
			res.Body.Close()
		}
		t.Errorf("redirect loop: %v", err)
	}
	res, err := c.Get(loop.URL + "/big")
	if err == nil {
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("big body: %v, want ErrResponseTooLarge", err)
	}
	res, err = c.Get(loop.URL + "/exact")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || len(b) != 1000 {
		t.Errorf("body of exactly the cap: %d bytes, %v", len(b), err)
	}
}
