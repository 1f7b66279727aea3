package api

import (
	"net/http/httptest"
	"testing"

	"github.com/galleyhq/galley/internal/core"
)

func TestUserIPFromTrustedHeaders(t *testing.T) {
	rightmost := core.TrustedProxySettings{Headers: []string{"X-Forwarded-For"}}
	leftmost := core.TrustedProxySettings{Headers: []string{"X-Forwarded-For"}, UseLeftmostIP: true}
	for _, tc := range []struct {
		header string
		tp     core.TrustedProxySettings
		want   string
	}{
		{"203.0.113.5", rightmost, "203.0.113.5"},
		{"1.1.1.1, 203.0.113.5", rightmost, "203.0.113.5"},
		{"1.1.1.1, 203.0.113.5", leftmost, "1.1.1.1"},
		{"203.0.113.5:4711", rightmost, "203.0.113.5"},
		{"[2001:db8::1]:443", rightmost, "2001:db8::1"},
		{"fe80::1%eth0", rightmost, "fe80::1"},
		{"::ffff:198.51.100.7", rightmost, "198.51.100.7"},
		{"unknown, 198.51.100.7", leftmost, "198.51.100.7"},
		{"198.51.100.7,", rightmost, "198.51.100.7"},
		{"garbage", rightmost, "192.0.2.1"},
		{"203.0.113.5", core.TrustedProxySettings{}, "192.0.2.1"}, // not trusted: ignored
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "192.0.2.1:1234"
		r.Header.Set("X-Forwarded-For", tc.header)
		if got := userIP(r, tc.tp); got != tc.want {
			t.Errorf("%q (leftmost %v): got %s, want %s", tc.header, tc.tp.UseLeftmostIP, got, tc.want)
		}
	}
}
