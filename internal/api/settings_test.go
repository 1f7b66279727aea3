package api

import (
	"strings"
	"testing"
)

func TestSettingsAccess(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	for _, m := range []string{"GET", "PATCH"} {
		if r := e.do(m, "/api/settings", "", `{}`); r.code != 401 {
			t.Errorf("guest %s: %d", m, r.code)
		}
		if r := e.do(m, "/api/settings", e.user, `{}`); r.code != 403 {
			t.Errorf("user %s: %d", m, r.code)
		}
	}
}

func TestSettingsGetAndPatch(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	r := e.do("GET", "/api/settings", e.super, nil)
	if r.code != 200 {
		t.Fatalf("GET: %d %s", r.code, r.body)
	}
	m := r.json(t)
	for _, k := range []string{"meta", "logs", "batch", "rateLimits", "trustedProxy", "smtp"} {
		if _, ok := m[k].(map[string]any); !ok {
			t.Errorf("GET: section %q missing: %s", k, r.body)
		}
	}
	if m["logs"].(map[string]any)["maxDays"] != 7.0 || m["batch"].(map[string]any)["enabled"] != false {
		t.Errorf("defaults: %s", r.body)
	}

	r = e.do("PATCH", "/api/settings", e.super, `{"meta":{"appName":"Acme"},"smtp":{"enabled":true,"host":"mail.test","port":465,"password":"hunter22"}}`)
	if r.code != 200 {
		t.Fatalf("PATCH: %d %s", r.code, r.body)
	}
	if strings.Contains(string(r.body), "hunter22") {
		t.Fatalf("PATCH answer leaks the secret: %s", r.body)
	}
	m = r.json(t)
	if m["meta"].(map[string]any)["appName"] != "Acme" || m["smtp"].(map[string]any)["host"] != "mail.test" {
		t.Fatalf("PATCH answer: %s", r.body)
	}
	r = e.do("GET", "/api/settings", e.super, nil)
	if strings.Contains(string(r.body), "hunter22") {
		t.Fatalf("GET leaks the secret: %s", r.body)
	}
	// Sending back what GET returned keeps the secret.
	if r2 := e.do("PATCH", "/api/settings", e.super, string(r.body)); r2.code != 200 {
		t.Fatalf("round trip: %d %s", r2.code, r2.body)
	}
	s, _ := e.app.Settings(t.Context())
	if s.SMTP.Password != "hunter22" {
		t.Fatalf("stored password = %q after a round trip", s.SMTP.Password)
	}
}

func TestSettingsPatchErrors(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	cases := []struct{ body, key string }{
		{`{"logs":{"maxDays":-5}}`, "logs.maxDays"},
		{`{"meta":{"appURL":"ftp://x"}}`, "meta.appURL"},
		{`{"meta":{"APPNAME":"x"}}`, "meta.APPNAME"},
		{`{"logs":{"maxDays":1,"maxDays":2}}`, "logs.maxDays"},
		{`{"smtp":{"port":"25"}}`, "smtp.port"},
	}
	for _, c := range cases {
		r := e.do("PATCH", "/api/settings", e.super, c.body)
		if r.code != 400 {
			t.Errorf("%s: %d %s", c.body, r.code, r.body)
			continue
		}
		data, _ := r.json(t)["data"].(map[string]any)
		fe, ok := data[c.key].(map[string]any)
		if !ok || fe["code"] == "" || fe["message"] == "" {
			t.Errorf("%s: data = %v, want an error for %q", c.body, data, c.key)
		}
	}
	if r := e.do("PATCH", "/api/settings", e.super, `{"meta":`); r.code != 400 {
		t.Errorf("broken JSON: %d %s", r.code, r.body)
	}
	s, _ := e.app.Settings(t.Context())
	if s.Logs.MaxDays != 7 || s.Meta.AppURL != "http://localhost:8090" {
		t.Fatalf("refused patches changed the settings: %+v", s)
	}
}
