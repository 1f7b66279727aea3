package api

import (
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/galleyhq/galley/internal/core"
)

// patchSettings applies a settings patch as the superuser.
func (e *opsEnv) patchSettings(body string) {
	e.t.Helper()
	if r := e.do("PATCH", "/api/settings", e.super, body); r.code != 200 {
		e.t.Fatalf("PATCH /api/settings %s: %d %s", body, r.code, r.body)
	}
}

// expect429 fails unless r is the PocketBase 429 with a Retry-After in
// [1, maxWait] seconds (the limiter may ask for up to 10% more than a rule's
// duration; see package ratelimit).
func expect429(t *testing.T, what string, r resp, maxWait int) {
	t.Helper()
	if r.code != 429 {
		t.Fatalf("%s: %d %s, want 429", what, r.code, r.body)
	}
	var got map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatalf("%s: body %s: %v", what, r.body, err)
	}
	if got["status"] != 429.0 || got["message"] != "Too Many Requests." || len(got["data"].(map[string]any)) != 0 || len(got) != 3 {
		t.Fatalf("%s: body %s", what, r.body)
	}
	n, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || n < 1 || n > maxWait {
		t.Fatalf("%s: Retry-After %q, want 1..%d", what, r.header.Get("Retry-After"), maxWait)
	}
}

func expectNot429(t *testing.T, what string, r resp) {
	t.Helper()
	if r.code == 429 || r.code >= 500 {
		t.Fatalf("%s: %d %s", what, r.code, r.body)
	}
}

func TestRateLimitOffByDefault(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	// The default rules (2 per 3s for *:auth, ...) exist but are off.
	for i := range 10 {
		expectNot429(t, "health "+strconv.Itoa(i), e.do("GET", "/api/health", "", nil))
	}
	for range 5 {
		expectNot429(t, "auth", e.do("POST", "/api/collections/users/auth-with-password", "", `{"identity":"x@y.z","password":"nope"}`))
	}
}

func TestRateLimitRule(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	e.patchSettings(`{"rateLimits":{"enabled":true,"rules":[{"label":"/api/health","maxRequests":2,"duration":60}]}}`)
	for i := range 2 {
		expectNot429(t, "health "+strconv.Itoa(i), e.do("GET", "/api/health", "", nil))
	}
	expect429(t, "3rd health", e.do("GET", "/api/health", "", nil), 66)
	if r := e.do("HEAD", "/api/health", "", nil); r.code != 429 || r.header.Get("Retry-After") == "" {
		t.Fatalf("HEAD health: %d, Retry-After %q", r.code, r.header.Get("Retry-After"))
	}
	// Other paths match no rule.
	expectNot429(t, "settings", e.do("GET", "/api/settings", "", nil))
	// Superusers are exempt.
	for range 5 {
		expectNot429(t, "superuser", e.do("GET", "/api/health", e.super, nil))
	}
	// Turning the rules off lifts the limit.
	e.patchSettings(`{"rateLimits":{"enabled":false}}`)
	expectNot429(t, "disabled", e.do("GET", "/api/health", "", nil))
}

func TestRateLimitAudience(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	e.patchSettings(`{"trustedProxy":{"headers":["X-Forwarded-For"]},"rateLimits":{"enabled":true,"rules":[
		{"label":"/api/collections/users/records","audience":"@guest","maxRequests":1,"duration":60},
		{"label":"/api/collections/users/records","audience":"@auth","maxRequests":3,"duration":60}]}}`)
	const path = "/api/collections/users/records"
	expectNot429(t, "guest 1", e.do("GET", path, "", nil, "X-Forwarded-For", "192.0.2.1"))
	expect429(t, "guest 2", e.do("GET", path, "", nil, "X-Forwarded-For", "192.0.2.1"), 66)
	expectNot429(t, "other guest", e.do("GET", path, "", nil, "X-Forwarded-For", "192.0.2.2"))
	// An auth record is counted by record, whatever its IP.
	for i := range 3 {
		expectNot429(t, "user "+strconv.Itoa(i), e.do("GET", path, e.user, nil, "X-Forwarded-For", "198.51.100."+strconv.Itoa(i)))
	}
	expect429(t, "user 4", e.do("GET", path, e.user, nil, "X-Forwarded-For", "198.51.100.99"), 66)
	for range 5 {
		expectNot429(t, "superuser", e.do("GET", path, e.super, nil, "X-Forwarded-For", "192.0.2.1"))
	}
	// An invalid token is a guest.
	expect429(t, "bad token", e.do("GET", path, "bogus", nil, "X-Forwarded-For", "192.0.2.1"), 66)
}

func TestRateLimitMostSpecificOnStack(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	e.patchSettings(`{"rateLimits":{"enabled":true,"rules":[
		{"label":"/api/","maxRequests":100,"duration":60},
		{"label":"GET /api/health","maxRequests":1,"duration":60},
		{"label":"*:list","maxRequests":2,"duration":60},
		{"label":"users:list","maxRequests":3,"duration":60},
		{"label":"*:auth","maxRequests":1,"duration":60}]}}`)
	expectNot429(t, "health 1", e.do("GET", "/api/health", "", nil))
	expect429(t, "health 2", e.do("GET", "/api/health", "", nil), 66)
	for i := range 3 { // by name and by id: one collection
		p := "/api/collections/users/records"
		if i == 1 {
			p = "/api/collections/_pb_users_auth_/records"
		}
		expectNot429(t, "users list "+strconv.Itoa(i), e.do("GET", p, "", nil))
	}
	expect429(t, "users list 4", e.do("GET", "/api/collections/users/records", "", nil), 66)
	for i := range 2 {
		expectNot429(t, "superusers list "+strconv.Itoa(i), e.do("GET", "/api/collections/_superusers/records", "", nil))
	}
	expect429(t, "superusers list 3", e.do("GET", "/api/collections/_superusers/records", "", nil), 66)
	login := `{"identity":"nobody@example.com","password":"wrong-password"}`
	expectNot429(t, "login 1", e.do("POST", "/api/collections/users/auth-with-password", "", login))
	expect429(t, "login 2", e.do("POST", "/api/collections/_superusers/auth-with-password", "", login), 66)
	for i := range 5 { // only the /api/ rule
		expectNot429(t, "logs "+strconv.Itoa(i), e.do("GET", "/api/logs", "", nil))
		expectNot429(t, "refresh "+strconv.Itoa(i), e.do("POST", "/api/collections/users/auth-refresh", "", nil))
	}
}

func TestRateLimitTrustedProxy(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	e.patchSettings(`{"rateLimits":{"enabled":true,"rules":[{"label":"/api/health","maxRequests":1,"duration":60}]}}`)
	xff := func(v string) resp { return e.do("GET", "/api/health", "", nil, "X-Forwarded-For", v) }
	// No trusted headers: a forged X-Forwarded-For changes nothing.
	expectNot429(t, "first", xff("203.0.113.1"))
	expect429(t, "spoofed", xff("203.0.113.2"), 66)

	e.patchSettings(`{"trustedProxy":{"headers":["X-Forwarded-For"]}}`)
	expectNot429(t, "client A", xff("203.0.113.10"))
	expect429(t, "client A again", xff("203.0.113.10"), 66)
	expectNot429(t, "client B", xff("203.0.113.11"))
	// The rightmost entry (appended by the proxy) counts, not the forged left.
	expect429(t, "forged left", xff("198.51.100.7, 203.0.113.10"), 66)
	// One IPv6 /64 is one client.
	expectNot429(t, "v6", xff("2001:db8:1:2::1"))
	expect429(t, "v6 same /64", xff("2001:db8:1:2::abcd"), 66)
	expectNot429(t, "v6 other /64", xff("2001:db8:1:3::1"))

	e.patchSettings(`{"trustedProxy":{"headers":["X-Forwarded-For"],"useLeftmostIP":true}}`)
	expectNot429(t, "leftmost", xff("198.51.100.7, 203.0.113.10"))
	expect429(t, "leftmost again", xff("198.51.100.7, 203.0.113.99"), 66)
	// An unparsable value falls back to the connection's address.
	expect429(t, "garbage", xff("not-an-ip"), 66)
}

// TestRuleSelection checks which label wins for a request (most specific
// first) on the compiled rules directly.
func TestRuleSelection(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	rules := []core.RateLimitRule{
		{Label: "/"}, {Label: "/api/"}, {Label: "/api/collections/"}, {Label: "POST /api/collections/"},
		{Label: "/api/collections/users/records"}, {Label: "GET /api/collections/users/records"},
		{Label: "*:list"}, {Label: "users:list"}, {Label: "users:list", Audience: "@guest"},
		{Label: "*:auth"}, {Label: "*:authWithPassword"}, {Label: "users:auth"},
		{Label: "*:create"}, {Label: "*:view", Audience: "@auth"}, {Label: "*:file"},
		{Label: "plain_tag"}, {Label: "get /api/health"}, {Label: "GET api"}, {Label: "/api/health"},
		{Label: "*:requestOTP"}, {Label: "*:impersonate"},
	}
	var crs []compiledRule
	for _, r := range rules {
		r.MaxRequests, r.Duration = 1, 1
		if cr, ok := compileRule(r); ok {
			crs = append(crs, cr)
		}
	}
	cases := []struct {
		method, path string
		auth         bool
		want         string // label[+audience] or "" for none
	}{
		{"GET", "/api/collections/users/records", false, "GET /api/collections/users/records"},
		{"GET", "/api/collections/USERS/records", true, "users:list"}, // paths are case-sensitive, names not
		{"GET", "/api/collections/_pb_users_auth_/records", true, "users:list"},
		{"GET", "/api/collections/_pb_users_auth_/records", false, "users:list@guest"},
		{"GET", "/api/collections/posts/records", true, "*:list"},
		{"POST", "/api/collections/posts/records", false, "*:create"},
		{"POST", "/api/collections/users/records", false, "/api/collections/users/records"},
		{"GET", "/api/collections/posts/records/abc", true, "*:view@auth"},
		{"GET", "/api/collections/posts/records/abc", false, "/api/collections/"},
		{"PATCH", "/api/collections/posts/records/abc", false, "/api/collections/"},
		{"DELETE", "/api/collections/posts", false, "/api/collections/"},
		{"POST", "/api/collections/posts", false, "POST /api/collections/"},
		{"POST", "/api/collections/users/auth-with-password", false, "users:auth"},
		{"POST", "/api/collections/posts/auth-with-password", false, "*:authWithPassword"},
		{"POST", "/api/collections/posts/auth-with-otp", false, "*:auth"},
		{"POST", "/api/collections/posts/auth-refresh", false, "POST /api/collections/"},
		{"POST", "/api/collections/users/request-otp", false, "*:requestOTP"},
		{"POST", "/api/collections/users/impersonate/abc", false, "*:impersonate"},
		{"GET", "/api/files/posts/abc/a.png", false, "*:file"},
		{"GET", "/api/health", false, "/api/health"},
		{"GET", "/api/logs", false, "/api/"},
		{"GET", "/_/", false, "/"},
	}
	for _, c := range cases {
		tg := e.srv.targetOf(httptest.NewRequest(c.method, c.path, nil))
		best, bestScore := "", -1
		for i := range crs {
			if sc := crs[i].score(tg, c.auth); sc > bestScore {
				best, bestScore = crs[i].rule.Label+crs[i].rule.Audience, sc
			}
		}
		if best != c.want {
			t.Errorf("%s %s (auth=%v): rule %q, want %q", c.method, c.path, c.auth, best, c.want)
		}
	}
}

// TestRateLimitExcludedIPs: the client IPs and ranges in
// rateLimits.excludedIPs are never counted; other clients are.
func TestRateLimitExcludedIPs(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	e.patchSettings(`{"trustedProxy":{"headers":["X-Forwarded-For"]},"rateLimits":{"enabled":true,"excludedIPs":["203.0.113.0/24","2001:db8::1"],
		"rules":[{"label":"/api/health","maxRequests":1,"duration":60}]}}`)
	xff := func(v string) resp { return e.do("GET", "/api/health", "", nil, "X-Forwarded-For", v) }
	for i := range 5 {
		expectNot429(t, "excluded range "+strconv.Itoa(i), xff("203.0.113.7"))
		expectNot429(t, "excluded v6 "+strconv.Itoa(i), xff("2001:db8::1"))
	}
	expectNot429(t, "other", xff("198.51.100.7"))
	expect429(t, "other again", xff("198.51.100.7"), 66)
	e.patchSettings(`{"rateLimits":{"excludedIPs":[]}}`)
	expectNot429(t, "no longer excluded", xff("203.0.113.7"))
	expect429(t, "no longer excluded again", xff("203.0.113.7"), 66)
}
