package api

import (
	"encoding/json"
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
	if m["logs"].(map[string]any)["maxDays"] != 5.0 || m["batch"].(map[string]any)["enabled"] != false {
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
		fe := dig(data, c.key)
		if fe == nil || fe["code"] == "" || fe["message"] == "" {
			t.Errorf("%s: data = %v, want a nested error for %q", c.body, data, c.key)
		}
	}
	if r := e.do("PATCH", "/api/settings", e.super, `{"meta":`); r.code != 400 {
		t.Errorf("broken JSON: %d %s", r.code, r.body)
	}
	s, _ := e.app.Settings(t.Context())
	if s.Logs.MaxDays != 5 || s.Meta.AppURL != "http://localhost:8090" {
		t.Fatalf("refused patches changed the settings: %+v", s)
	}
}

// dig follows a dotted path ("meta.appURL") through nested JSON objects and
// returns the object found there, or nil.
func dig(m map[string]any, path string) map[string]any {
	for _, k := range strings.Split(path, ".") {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// TestSettingsErrorsNested: settings errors come back as nested objects,
// as PocketBase answers them, with PocketBase's message.
func TestSettingsErrorsNested(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	r := e.do("PATCH", "/api/settings", e.super, `{"meta":{"appURL":"not a url","appName":""},"rateLimits":{"rules":[{"label":"/api/","duration":0,"maxRequests":1}]}}`)
	if r.code != 400 {
		t.Fatalf("PATCH: %d %s", r.code, r.body)
	}
	m := r.json(t)
	if m["message"] != "An error occurred while saving the new settings." {
		t.Errorf("message = %v", m["message"])
	}
	data, _ := m["data"].(map[string]any)
	for path, code := range map[string]string{"meta.appURL": "validation_is_url", "meta.appName": "validation_required",
		"rateLimits.rules.0.duration": "validation_required"} {
		if fe := dig(data, path); fe == nil || fe["code"] != code {
			t.Errorf("data.%s = %v, want code %s (data %v)", path, fe, code, data)
		}
	}
	for k := range data {
		if strings.Contains(k, ".") {
			t.Errorf("flat key %q in a settings error: %s", k, r.body)
		}
	}
	if len(data) != 2 {
		t.Errorf("data has %d groups, want meta and rateLimits: %s", len(data), r.body)
	}
	// Decoding errors too.
	r = e.do("PATCH", "/api/settings", e.super, `{"backups":{"s3":{"enabled":"yes"}}}`)
	if fe := dig(r.json(t)["data"].(map[string]any), "backups.s3.enabled"); r.code != 400 || fe == nil || fe["code"] != "validation_invalid_value" {
		t.Errorf("wrong type: %d %s", r.code, r.body)
	}
}

// TestSettingsGroups: every PocketBase group is there with its defaults;
// backups are stored and validated; every secret stays hidden and is kept
// when sent back empty or masked.
func TestSettingsGroups(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	r := e.do("GET", "/api/settings", e.super, nil)
	m := r.json(t)
	for _, k := range []string{"meta", "logs", "smtp", "s3", "backups", "batch", "rateLimits", "trustedProxy"} {
		if _, ok := m[k].(map[string]any); !ok {
			t.Errorf("group %q missing: %s", k, r.body)
		}
	}
	if ips, ok := m["superuserIPs"].([]any); !ok || len(ips) != 0 {
		t.Errorf("superuserIPs = %#v, want []", m["superuserIPs"])
	}
	b := m["backups"].(map[string]any)
	if b["cron"] != "" || b["cronMaxKeep"] != 3.0 {
		t.Errorf("backups defaults: %v", b)
	}
	bs3, _ := b["s3"].(map[string]any)
	for _, k := range []string{"enabled", "bucket", "region", "endpoint", "accessKey", "forcePathStyle"} {
		if _, ok := bs3[k]; !ok {
			t.Errorf("backups.s3.%s missing: %v", k, bs3)
		}
	}
	batch := m["batch"].(map[string]any)
	if batch["enabled"] != false || batch["maxRequests"] != 50.0 || batch["timeout"] != 3.0 || batch["maxBodySize"] != 0.0 {
		t.Errorf("batch defaults: %v", batch)
	}

	bad := []struct{ body, path, code string }{
		{`{"backups":{"cron":"* * * *"}}`, "backups.cron", "validation_invalid_cron"},
		{`{"backups":{"cron":"60 * * * *"}}`, "backups.cron", "validation_invalid_cron"},
		{`{"backups":{"cron":"5-1 * * * *"}}`, "backups.cron", "validation_invalid_cron"},
		{`{"backups":{"cron":"* * * 13 *"}}`, "backups.cron", "validation_invalid_cron"},
		{`{"backups":{"cron":"*/0 * * * *"}}`, "backups.cron", "validation_invalid_cron"},
		{`{"backups":{"cron":"0 0 * * 7"}}`, "backups.cron", "validation_invalid_cron"},
		{`{"backups":{"cron":"@sometimes"}}`, "backups.cron", "validation_invalid_cron"},
		{`{"backups":{"cron":"0 0 * * *","cronMaxKeep":0}}`, "backups.cronMaxKeep", "validation_required"},
		{`{"backups":{"s3":{"enabled":true,"region":"r","endpoint":"s3.test","accessKey":"a","secret":"s"}}}`, "backups.s3.bucket", "validation_required"},
		{`{"backups":{"s3":{"endpoint":"ftp://x/y"}}}`, "backups.s3.endpoint", "validation_is_url"},
		{`{"superuserIPs":["10.0.0.1","not-an-ip"]}`, "superuserIPs.1", "validation_invlaid_ip_or_subnet"},
		{`{"superuserIPs":["10.0.0.0/33"]}`, "superuserIPs.0", "validation_invlaid_ip_or_subnet"},
	}
	for _, c := range bad {
		r := e.do("PATCH", "/api/settings", e.super, c.body)
		data, _ := r.json(t)["data"].(map[string]any)
		if fe := dig(data, c.path); r.code != 400 || fe == nil || fe["code"] != c.code {
			t.Errorf("%s: %d %s, want %s on %s", c.body, r.code, r.body, c.code, c.path)
		}
	}
	for _, cron := range []string{"0 0 * * *", "@daily", "*/15 0-23/2 1,15 1-12 0-6", "30 4 1-7 * 1"} {
		if r := e.do("PATCH", "/api/settings", e.super, `{"backups":{"cron":"`+cron+`","cronMaxKeep":5}}`); r.code != 200 {
			t.Errorf("cron %q: %d %s", cron, r.code, r.body)
		}
	}

	r = e.do("PATCH", "/api/settings", e.super, `{"backups":{"cron":"0 3 * * *","cronMaxKeep":7,"s3":{"enabled":true,"bucket":"bk","region":"eu","endpoint":"https://s3.test","accessKey":"AK","secret":"backup-secret-1"}}}`)
	if r.code != 200 || strings.Contains(string(r.body), "backup-secret-1") {
		t.Fatalf("PATCH backups: %d %s", r.code, r.body)
	}
	got := e.do("GET", "/api/settings", e.super, nil)
	if strings.Contains(string(got.body), "backup-secret-1") {
		t.Fatalf("GET leaks backups.s3.secret: %s", got.body)
	}
	gb := got.json(t)["backups"].(map[string]any)
	if gb["cron"] != "0 3 * * *" || gb["cronMaxKeep"] != 7.0 || gb["s3"].(map[string]any)["bucket"] != "bk" {
		t.Errorf("stored backups: %v", gb)
	}
	for _, keep := range []string{`""`, `"******"`} {
		if r := e.do("PATCH", "/api/settings", e.super, `{"backups":{"s3":{"secret":`+keep+`}}}`); r.code != 200 {
			t.Fatalf("PATCH secret %s: %d %s", keep, r.code, r.body)
		}
		if s, _ := e.app.Settings(t.Context()); s.Backups.S3.Secret != "backup-secret-1" {
			t.Fatalf("secret %s: stored %q, want kept", keep, s.Backups.S3.Secret)
		}
	}
	// Sending back the whole GET answer keeps every secret.
	if r := e.do("PATCH", "/api/settings", e.super, string(got.body)); r.code != 200 {
		t.Fatalf("round trip: %d %s", r.code, r.body)
	}
	if s, _ := e.app.Settings(t.Context()); s.Backups.S3.Secret != "backup-secret-1" {
		t.Fatalf("round trip: secret %q", s.Backups.S3.Secret)
	}
}

// TestSettingsErrorsAsPocketBase: a refused settings update answers
// PocketBase's top-level message, and each bad value its code, message and
// params (as a PocketBase v0.40 server answers the same bodies).
func TestSettingsErrorsAsPocketBase(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	const saving, loading = "An error occurred while saving the new settings.", "An error occurred while loading the submitted data."
	cases := []struct {
		body, top, path, code, message, params string
	}{
		{`{"meta":{"appURL":"not a url"}}`, saving, "meta.appURL", "validation_is_url", "Must be a valid URL.", ""},
		{`{"meta":{"appName":"` + strings.Repeat("x", 300) + `"}}`, saving, "meta.appName", "validation_length_out_of_range", "The length must be between 1 and 255.", `{"max":255,"min":1}`},
		{`{"meta":{"accentColor":"nope"}}`, saving, "meta.accentColor", "validation_length_invalid", "The length must be exactly 7.", `{"max":7,"min":7}`},
		{`{"meta":{"accentColor":"#zzzzzz"}}`, saving, "meta.accentColor", "validation_is_hex_color", "Must be a valid hexadecimal color code.", ""},
		{`{"smtp":{"enabled":true,"host":"x","port":0}}`, saving, "smtp.port", "validation_required", "Cannot be blank.", ""},
		{`{"smtp":{"port":-5}}`, saving, "smtp.port", "validation_min_greater_equal_than_required", "Must be no less than 0.", `{"threshold":0}`},
		{`{"smtp":{"authMethod":"plain"}}`, saving, "smtp.authMethod", "validation_in_invalid", "Must be a valid value.", ""},
		{`{"logs":{"maxDays":-1}}`, saving, "logs.maxDays", "validation_min_greater_equal_than_required", "Must be no less than 0.", `{"threshold":0}`},
		{`{"logs":{"maxDataSize":-1}}`, saving, "logs.maxDataSize", "validation_min_greater_equal_than_required", "Must be no less than 0.", `{"threshold":0}`},
		{`{"batch":{"maxRequests":-5}}`, saving, "batch.maxRequests", "validation_min_greater_equal_than_required", "Must be no less than 0.", `{"threshold":0}`},
		{`{"batch":{"timeout":-1}}`, saving, "batch.timeout", "validation_min_greater_equal_than_required", "Must be no less than 0.", `{"threshold":0}`},
		{`{"batch":{"maxBodySize":-1}}`, saving, "batch.maxBodySize", "validation_min_greater_equal_than_required", "Must be no less than 0.", `{"threshold":0}`},
		{`{"batch":{"enabled":true,"maxRequests":0,"timeout":3}}`, saving, "batch.maxRequests", "validation_required", "Cannot be blank.", ""},
		{`{"batch":{"maxRequests":100000}}`, saving, "batch.maxRequests", "validation_max_less_equal_than_required", "Must be no greater than 10000.", `{"threshold":10000}`},
		{`{"rateLimits":{"rules":[{"label":"/api/","duration":0,"maxRequests":1}]}}`, saving, "rateLimits.rules.0.duration", "validation_required", "Cannot be blank.", ""},
		{`{"rateLimits":{"rules":[{"label":"/api/","duration":1,"maxRequests":-1}]}}`, saving, "rateLimits.rules.0.maxRequests", "validation_min_greater_equal_than_required", "Must be no less than 1.", `{"threshold":1}`},
		{`{"rateLimits":{"rules":[{"label":"/api/","duration":1,"maxRequests":1,"audience":"x"}]}}`, saving, "rateLimits.rules.0.audience", "validation_in_invalid", "Must be a valid value.", ""},
		{`{"rateLimits":{"rules":[{"label":"a:b:c","duration":1,"maxRequests":1}]}}`, saving, "rateLimits.rules.0.label", "validation_match_invalid", "Must be in a valid format.", ""},
		{`{"rateLimits":{"rules":[{"label":"*:auth","duration":1,"maxRequests":1},{"label":"*:auth","audience":"@guest","duration":1,"maxRequests":1}]}}`, saving,
			"rateLimits.rules.1.label", "validation_conflicting_rate_limit_rule", "Rate limit rule configuration with label *:auth already exists or conflicts with another rule.", `{"label":"*:auth"}`},
		{`{"rateLimits":{"excludedIPs":["nope"]}}`, saving, "rateLimits.excludedIPs.0", "validation_invlaid_ip_or_subnet", "Invalid IP or CIDR subnet.", ""},
		{`{"superuserIPs":["nope"]}`, saving, "superuserIPs.0", "validation_invlaid_ip_or_subnet", "Invalid IP or CIDR subnet.", ""},
		{`{"s3":{"endpoint":"not a url"}}`, saving, "s3.endpoint", "validation_is_url", "Must be a valid URL.", ""},
		{`{"backups":{"cron":"nope"}}`, saving, "backups.cron", "validation_invalid_cron", "Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.", ""},
		{`{"backups":{"cron":"61 * * * *"}}`, saving, "backups.cron", "validation_invalid_cron", "Invalid segment value - must be between the min and max of the segment.", ""},
		{`{"backups":{"cron":"*/0 * * * *"}}`, saving, "backups.cron", "validation_invalid_cron", "Invalid segment step boundary - the step must be between 1 and the 59.", ""},
		{`{"backups":{"cron":"5-1 * * * *"}}`, saving, "backups.cron", "validation_invalid_cron", "Invalid segment range maximum - must be between 5 and 59.", ""},
		{`{"backups":{"cron":"@daily","cronMaxKeep":0}}`, saving, "backups.cronMaxKeep", "validation_required", "Cannot be blank.", ""},
		{`{"backups":{"cronMaxKeep":-1}}`, saving, "backups.cronMaxKeep", "validation_min_greater_equal_than_required", "Must be no less than 1.", `{"threshold":1}`},
		{`{"meta":{"appName":5}}`, loading, "meta.appName", "validation_invalid_value", "", ""},
		{`{"meta":`, loading, "", "", "", ""},
		{`[]`, loading, "", "", "", ""},
	}
	for _, c := range cases {
		r := e.do("PATCH", "/api/settings", e.super, c.body)
		m := r.json(t)
		if r.code != 400 || m["message"] != c.top {
			t.Errorf("%.60s: %d %s, want 400 %q", c.body, r.code, r.body, c.top)
			continue
		}
		if c.path == "" {
			continue
		}
		data, _ := m["data"].(map[string]any)
		fe := dig(data, c.path)
		if fe == nil || fe["code"] != c.code || (c.message != "" && fe["message"] != c.message) {
			t.Errorf("%.60s: data = %s, want %s %q on %s", c.body, r.body, c.code, c.message, c.path)
			continue
		}
		params := ""
		if p, ok := fe["params"]; ok {
			b, _ := json.Marshal(p)
			params = string(b)
		}
		if params != c.params {
			t.Errorf("%.60s: params %s, want %s", c.body, params, c.params)
		}
	}
	// The values PocketBase accepts: an empty accent colour, no backups
	// with cronMaxKeep 0, rate limit labels of every form.
	ok := `{"meta":{"accentColor":""},"backups":{"cron":"","cronMaxKeep":0},"rateLimits":{"excludedIPs":["10.0.0.0/8","2001:db8::1"],"rules":[
		{"label":"POST /api/x","duration":1,"maxRequests":1},{"label":"users:create","duration":1,"maxRequests":1},{"label":"/api/x-y/","duration":1,"maxRequests":1},
		{"label":"api","duration":1,"maxRequests":1},{"label":"*:auth","audience":"@guest","duration":1,"maxRequests":1},{"label":"*:auth","audience":"@auth","duration":1,"maxRequests":1}]}}`
	if r := e.do("PATCH", "/api/settings", e.super, ok); r.code != 200 {
		t.Fatalf("accepted values: %d %s", r.code, r.body)
	}
	r := e.do("GET", "/api/settings", e.super, nil)
	m := r.json(t)
	if ips := m["rateLimits"].(map[string]any)["excludedIPs"].([]any); len(ips) != 2 || m["meta"].(map[string]any)["accentColor"] != "" {
		t.Errorf("stored: %s", r.body)
	}
}

// TestSettingsNewKeys: PocketBase's meta.accentColor, rateLimits.excludedIPs
// and logs.maxDataSize are answered with PocketBase's defaults (and
// logs.maxDays is 5 by default), and stored.
func TestSettingsNewKeys(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	m := e.do("GET", "/api/settings", e.super, nil).json(t)
	meta, logs, rl := m["meta"].(map[string]any), m["logs"].(map[string]any), m["rateLimits"].(map[string]any)
	if meta["accentColor"] != "#1055c9" || logs["maxDataSize"] != 0.0 || logs["maxDays"] != 5.0 {
		t.Errorf("defaults: meta %v logs %v", meta, logs)
	}
	if ips, ok := rl["excludedIPs"].([]any); !ok || len(ips) != 0 {
		t.Errorf("rateLimits.excludedIPs = %#v, want []", rl["excludedIPs"])
	}
	if ch, ok := m["realtime"].(map[string]any)["channels"].([]any); !ok || len(ch) != 0 {
		t.Errorf("realtime.channels = %#v, want [] (Galley's own group)", m["realtime"])
	}
	r := e.do("PATCH", "/api/settings", e.super, `{"meta":{"accentColor":"#AA00ff"},"logs":{"maxDataSize":1000}}`)
	m = r.json(t)
	if r.code != 200 || m["meta"].(map[string]any)["accentColor"] != "#AA00ff" || m["logs"].(map[string]any)["maxDataSize"] != 1000.0 {
		t.Errorf("PATCH: %d %s", r.code, r.body)
	}
}

// TestSettingsTestS3Errors: POST /api/settings/test/s3 answers
// PocketBase's messages: a missing or unknown filesystem names the field,
// a disabled one says so (without PocketBase's "Raw error:" line break).
func TestSettingsTestS3Errors(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	const failed = "Failed to test the S3 filesystem."
	for _, c := range []struct{ body, message, data string }{
		{`{}`, failed, `{"filesystem":{"code":"validation_required","message":"Cannot be blank."}}`},
		{`{"filesystem":""}`, failed, `{"filesystem":{"code":"validation_required","message":"Cannot be blank."}}`},
		{`{"filesystem":"nope"}`, failed, `{"filesystem":{"code":"validation_in_invalid","message":"Must be a valid value."}}`},
		{`{"filesystem":"storage"}`, failed + " S3 storage filesystem is not enabled.", `{}`},
		{`{"filesystem":"backups"}`, failed + " S3 storage filesystem is not enabled.", `{}`},
		// PocketBase's message; the value of the wrong type is named in data (PocketBase's is empty).
		{`{"filesystem":5}`, "An error occurred while loading the submitted data.", `{"filesystem":{"code":"validation_invalid_value","message":"Invalid value."}}`},
	} {
		r := e.do("POST", "/api/settings/test/s3", e.super, c.body)
		m := r.json(t)
		data, _ := json.Marshal(m["data"])
		if r.code != 400 || m["message"] != c.message || string(data) != c.data {
			t.Errorf("%s: %d %s, want 400 %q %s", c.body, r.code, r.body, c.message, c.data)
		}
	}
}
