package api

import (
	"strings"
	"testing"
)

// TestHealth: guests and other auth records get PocketBase's exact answer;
// superusers also get canBackup, realIP, possibleProxyHeader and Galley's
// leader flag.
func TestHealth(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	const plain = `{"code":200,"message":"API is healthy.","data":{}}`
	for _, who := range []string{"", e.user, "not-a-token"} {
		r := e.do("GET", "/api/health", who, nil)
		if r.code != 200 || strings.TrimSpace(string(r.body)) != plain {
			t.Fatalf("health as %q: %d %s", who, r.code, r.body)
		}
	}
	r := e.do("HEAD", "/api/health", "", nil)
	if r.code != 200 || len(r.body) != 0 {
		t.Fatalf("HEAD health: %d %q", r.code, r.body)
	}

	super := func(hdr ...string) map[string]any {
		t.Helper()
		r := e.do("GET", "/api/health", e.super, nil, hdr...)
		if r.code != 200 {
			t.Fatalf("superuser health: %d %s", r.code, r.body)
		}
		m := r.json(t)
		if m["code"] != 200.0 || m["message"] != "API is healthy." {
			t.Fatalf("superuser health: %s", r.body)
		}
		data := m["data"].(map[string]any)
		if len(data) != 5 {
			t.Errorf("data = %v, want canBackup, realIP, possibleProxyHeader, leader, nodes", data)
		}
		// One node, this one.
		if nodes, _ := data["nodes"].([]any); len(nodes) != 1 || nodes[0].(map[string]any)["self"] != true {
			t.Errorf("nodes = %v, want this node alone", data["nodes"])
		}
		return data
	}
	d := super()
	// SQLite is its own leader; on PostgreSQL no leader loop runs in this test.
	if d["canBackup"] != false || d["realIP"] != "127.0.0.1" || d["possibleProxyHeader"] != "" || d["leader"] != (e.db.DialectName() == "sqlite") {
		t.Errorf("superuser data: %v", d)
	}
	// A proxy header while no trusted proxy is configured: named, not trusted.
	d = super("X-Forwarded-For", "203.0.113.9")
	if d["possibleProxyHeader"] != "X-Forwarded-For" || d["realIP"] != "127.0.0.1" {
		t.Errorf("untrusted X-Forwarded-For: %v", d)
	}
	d = super("X-Real-IP", "203.0.113.9")
	if d["possibleProxyHeader"] != "X-Real-IP" {
		t.Errorf("untrusted X-Real-IP: %v", d)
	}
	// Once configured, the header gives the real IP and no hint is needed.
	if r := e.do("PATCH", "/api/settings", e.super, `{"trustedProxy":{"headers":["X-Forwarded-For"]}}`); r.code != 200 {
		t.Fatalf("PATCH trustedProxy: %d %s", r.code, r.body)
	}
	d = super("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
	if d["possibleProxyHeader"] != "" || d["realIP"] != "203.0.113.9" {
		t.Errorf("trusted X-Forwarded-For: %v", d)
	}
	if d = super(); d["realIP"] != "127.0.0.1" {
		t.Errorf("no header behind a trusted proxy: %v", d)
	}
}
