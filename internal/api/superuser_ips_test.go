package api

import (
	"testing"
)

// TestSuperuserIPs: with superuserIPs set, superuser tokens and superuser
// log-ins from other IPs are refused with 403 (before the password is
// checked); guests and other auth records are unaffected; a list that
// would lock out the request saving it is refused.
func TestSuperuserIPs(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	const login = `{"identity":"root@example.com","password":"Sup3r-secret!"}`
	const wrongPassword = `{"identity":"root@example.com","password":"wrong-password"}`
	from := func(ip string) []string { return []string{"X-Forwarded-For", ip} }

	// The request saving the list (127.0.0.1, no trusted proxy yet) must be in it.
	r := e.do("PATCH", "/api/settings", e.super, `{"superuserIPs":["10.0.0.0/8"]}`)
	if fe := dig(r.json(t)["data"].(map[string]any), "superuserIPs"); r.code != 400 || fe == nil || fe["code"] != "validation_superuser_ip_lockout" {
		t.Fatalf("lock-out: %d %s", r.code, r.body)
	}
	if s, _ := e.app.Settings(t.Context()); len(s.SuperuserIPs) != 0 {
		t.Fatalf("refused list stored: %v", s.SuperuserIPs)
	}
	// Behind a trusted proxy, allow 127.0.0.1 and 10.0.0.0/8.
	r = e.do("PATCH", "/api/settings", e.super, `{"trustedProxy":{"headers":["X-Forwarded-For"]},"superuserIPs":["127.0.0.1","10.0.0.0/8"," ::ffff:192.0.2.1 "]}`)
	if r.code != 200 {
		t.Fatalf("PATCH: %d %s", r.code, r.body)
	}

	for _, ip := range []string{"10.1.2.3", "192.0.2.1"} {
		if r := e.do("GET", "/api/settings", e.super, nil, from(ip)...); r.code != 200 {
			t.Errorf("superuser from allowed %s: %d %s", ip, r.code, r.body)
		}
	}
	if r := e.do("GET", "/api/settings", e.super, nil); r.code != 200 {
		t.Errorf("superuser from 127.0.0.1: %d %s", r.code, r.body)
	}
	if r := e.do("POST", "/api/collections/_superusers/auth-with-password", "", login, from("10.9.9.9")...); r.code != 200 {
		t.Errorf("log-in from an allowed IP: %d %s", r.code, r.body)
	}

	// From elsewhere: every superuser request is 403, public ones included.
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/settings", ""},
		{"GET", "/api/collections", ""},
		{"GET", "/api/health", ""},
		{"POST", "/api/collections/_superusers/auth-refresh", ""},
	} {
		r := e.do(c.method, c.path, e.super, c.body, from("203.0.113.9")...)
		if r.code != 403 {
			t.Errorf("superuser token %s %s from 203.0.113.9: %d %s", c.method, c.path, r.code, r.body)
		}
	}
	for _, body := range []string{login, wrongPassword} {
		if r := e.do("POST", "/api/collections/_superusers/auth-with-password", "", body, from("203.0.113.9")...); r.code != 403 {
			t.Errorf("superuser log-in from 203.0.113.9: %d %s", r.code, r.body)
		}
	}
	if r := e.do("POST", "/api/collections/_superusers/request-password-reset", "", `{"email":"root@example.com"}`, from("203.0.113.9")...); r.code != 403 {
		t.Errorf("superuser password reset from 203.0.113.9: %d %s", r.code, r.body)
	}
	if r := e.do("POST", "/api/collections/_superusers/request-otp", "", `{"email":"root@example.com"}`, from("203.0.113.9")...); r.code != 403 {
		t.Errorf("superuser OTP from 203.0.113.9: %d %s", r.code, r.body)
	}
	// Guests and other auth records are not concerned.
	if r := e.do("GET", "/api/health", "", nil, from("203.0.113.9")...); r.code != 200 {
		t.Errorf("guest from 203.0.113.9: %d %s", r.code, r.body)
	}
	if r := e.do("GET", "/api/health", e.user, nil, from("203.0.113.9")...); r.code != 200 {
		t.Errorf("user from 203.0.113.9: %d %s", r.code, r.body)
	}

	// Cleared from an allowed IP: superusers are welcome everywhere again.
	if r := e.do("PATCH", "/api/settings", e.super, `{"superuserIPs":[]}`); r.code != 200 {
		t.Fatalf("clear: %d %s", r.code, r.body)
	}
	if r := e.do("GET", "/api/settings", e.super, nil, from("203.0.113.9")...); r.code != 200 {
		t.Errorf("after clearing: %d %s", r.code, r.body)
	}
	if r := e.do("POST", "/api/collections/_superusers/auth-with-password", "", login, from("203.0.113.9")...); r.code != 200 {
		t.Errorf("log-in after clearing: %d %s", r.code, r.body)
	}
}
