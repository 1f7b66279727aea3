package core

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

func settingsApp(t *testing.T, opts store.Options) *App {
	t.Helper()
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db, nil)
}

// settingsFieldErrs returns the field errors of err (nil when err is not EInvalid).
func settingsFieldErrs(err error) map[string]galley.FieldError {
	var ge *galley.Error
	if errors.As(err, &ge) && ge.Code == galley.EInvalid {
		return ge.Fields
	}
	return nil
}

func TestSettingsDefaultsAndPersistence(t *testing.T) {
	opts := storetest.Options(t)
	app := settingsApp(t, opts)
	ctx := context.Background()
	s, err := app.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Logs.MaxDays != 5 || s.Batch.Enabled || s.Meta.AppName == "" {
		t.Fatalf("defaults = %+v", s)
	}
	got, err := app.UpdateSettings(ctx, app.SystemActor(), []byte(`{"meta":{"appName":"Acme"},"logs":{"maxDays":3},"smtp":{"password":"s3cret"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Meta.AppName != "Acme" || got.Meta.AppURL != s.Meta.AppURL || got.Logs.MaxDays != 3 || got.Logs.LogIP != s.Logs.LogIP {
		t.Fatalf("partial update merged wrong: %+v", got)
	}
	if cached, _ := app.Settings(ctx); cached != got {
		t.Fatal("Settings does not return the updated settings from the cache")
	}
	// Another App over the same data sees the stored settings, secret included.
	other := settingsApp(t, opts)
	s2, err := other.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Meta.AppName != "Acme" || s2.SMTP.Password != "s3cret" || s2.Logs.MaxDays != 3 {
		t.Fatalf("reloaded = %+v", s2)
	}
	// ...and its cache is independent of the first app's.
	if _, err := other.UpdateSettings(ctx, other.SystemActor(), []byte(`{"meta":{"appName":"Other"}}`)); err != nil {
		t.Fatal(err)
	}
	if app.db.DialectName() == "postgres" {
		// Two stores on one PostgreSQL database are two nodes: the change
		// reaches the first app's cache through NOTIFY.
		deadline := time.Now().Add(10 * time.Second)
		for s, _ := app.Settings(ctx); s.Meta.AppName != "Other"; s, _ = app.Settings(ctx) {
			if time.Now().After(deadline) {
				t.Fatalf("first node never saw the change: %q", s.Meta.AppName)
			}
			time.Sleep(10 * time.Millisecond)
		}
	} else if s, _ := app.Settings(ctx); s.Meta.AppName != "Acme" {
		t.Fatalf("first app's cache changed: %q", s.Meta.AppName)
	}
	app.ReloadSettings()
	if s, _ := app.Settings(ctx); s.Meta.AppName != "Other" {
		t.Fatalf("after ReloadSettings: %q", s.Meta.AppName)
	}
}

func TestSettingsSecretKept(t *testing.T) {
	app := settingsApp(t, storetest.Options(t))
	ctx := context.Background()
	if _, err := app.UpdateSettings(ctx, app.SystemActor(), []byte(`{"smtp":{"password":"first"}}`)); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{`{"smtp":{"host":"mail.example.com"}}`, `{"smtp":{"password":""}}`, `{"smtp":{"password":"******"}}`} {
		s, err := app.UpdateSettings(ctx, app.SystemActor(), []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if s.SMTP.Password != "first" {
			t.Fatalf("%s: password = %q, want kept", body, s.SMTP.Password)
		}
		if r := s.Redacted(); r.SMTP.Password != "" || s.SMTP.Password != "first" {
			t.Fatalf("Redacted leaked or changed the original: %q / %q", r.SMTP.Password, s.SMTP.Password)
		}
	}
	s, _ := app.UpdateSettings(ctx, app.SystemActor(), []byte(`{"smtp":{"password":"second"}}`))
	if s.SMTP.Password != "second" {
		t.Fatalf("password = %q, want replaced", s.SMTP.Password)
	}
}

func TestSettingsStrictDecoding(t *testing.T) {
	app := settingsApp(t, storetest.Options(t))
	ctx := context.Background()
	before, _ := app.Settings(ctx)
	cases := []struct{ body, key string }{
		{`{"meta":{"AppName":"x"}}`, "meta.AppName"},
		{`{"Meta":{}}`, "Meta"},
		{`{"logs":{"maxDays":1,"maxDays":2}}`, "logs.maxDays"},
		{`{"logs":{"maxDays":"7"}}`, "logs.maxDays"},
		{`{"smtp":{"port":1.5}}`, "smtp.port"},
		{`{"rateLimits":{"rules":[{"label":"a","bogus":1}]}}`, "rateLimits.rules.0.bogus"},
	}
	for _, c := range cases {
		_, err := app.UpdateSettings(ctx, app.SystemActor(), []byte(c.body))
		fe := settingsFieldErrs(err)
		if _, ok := fe[c.key]; !ok {
			t.Errorf("%s: err = %v, want a field error for %q", c.body, err, c.key)
		}
	}
	if _, err := app.UpdateSettings(ctx, app.SystemActor(), []byte(`{"meta":`)); galley.ErrorCodeOf(err) != galley.EInvalid {
		t.Errorf("truncated JSON: %v, want invalid", err)
	}
	if after, _ := app.Settings(ctx); after != before {
		t.Error("a refused update changed the settings")
	}
}

func TestSettingsValidation(t *testing.T) {
	app := settingsApp(t, storetest.Options(t))
	ctx := context.Background()
	cases := []struct{ body, key string }{
		{`{"logs":{"maxDays":-1}}`, "logs.maxDays"},
		{`{"meta":{"appName":""}}`, "meta.appName"},
		{`{"meta":{"appURL":"not a url"}}`, "meta.appURL"},
		{`{"meta":{"senderAddress":"Bob <bob@example.com>"}}`, "meta.senderAddress"},
		{`{"batch":{"enabled":true,"maxRequests":0}}`, "batch.maxRequests"},
		{`{"rateLimits":{"rules":[{"label":"/api/","duration":0,"maxRequests":1}]}}`, "rateLimits.rules.0.duration"},
		{`{"rateLimits":{"rules":[{"label":"/api/","duration":1,"maxRequests":1,"audience":"@x"}]}}`, "rateLimits.rules.0.audience"},
		{`{"trustedProxy":{"headers":["X-Real-IP","bad header"]}}`, "trustedProxy.headers.1"},
		{`{"smtp":{"enabled":true,"host":"","port":25}}`, "smtp.host"},
		{`{"smtp":{"authMethod":"CRAM"}}`, "smtp.authMethod"},
		{`{"backups":{"cron":"0 0 * *"}}`, "backups.cron"},
		{`{"backups":{"cron":"@daily","cronMaxKeep":0}}`, "backups.cronMaxKeep"},
		{`{"backups":{"s3":{"enabled":true}}}`, "backups.s3.secret"},
		{`{"superuserIPs":["1.2.3.4","fe80::1%eth0"]}`, "superuserIPs.1"},
	}
	for _, c := range cases {
		_, err := app.UpdateSettings(ctx, app.SystemActor(), []byte(c.body))
		if _, ok := settingsFieldErrs(err)[c.key]; !ok {
			t.Errorf("%s: err = %v, want a field error for %q", c.body, err, c.key)
		}
		if ge, _ := err.(*galley.Error); ge == nil || !ge.Nested || ge.Message != "An error occurred while saving the new settings." {
			t.Errorf("%s: err = %#v, want a nested settings error", c.body, err)
		}
	}
	ok := `{"batch":{"enabled":true,"maxRequests":10,"timeout":5},"trustedProxy":{"headers":["X-Forwarded-For"],"useLeftmostIP":true},
		"rateLimits":{"enabled":true,"rules":[{"label":"*:auth","audience":"@guest","duration":3,"maxRequests":2}]}}`
	s, err := app.UpdateSettings(ctx, app.SystemActor(), []byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Batch.Enabled || len(s.RateLimits.Rules) != 1 || s.TrustedProxy.Headers[0] != "X-Forwarded-For" {
		t.Fatalf("settings = %+v", s)
	}
}

func TestSettingsConcurrentUpdates(t *testing.T) {
	app := settingsApp(t, storetest.Options(t))
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := `{"meta":{"appName":"n` + strings.Repeat("x", i) + `"}}`
			if i%2 == 0 {
				body = `{"logs":{"minLevel":` + string(rune('0'+i)) + `}}`
			}
			if _, err := app.UpdateSettings(ctx, app.SystemActor(), []byte(body)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s, _ := app.Settings(ctx)
	app.ReloadSettings()
	fresh, _ := app.Settings(ctx)
	if s.Meta.AppName != fresh.Meta.AppName || s.Logs.MinLevel != fresh.Logs.MinLevel {
		t.Fatalf("cache %+v differs from stored %+v", s.Meta, fresh.Meta)
	}
	if !strings.HasPrefix(fresh.Meta.AppName, "n") || fresh.Logs.MinLevel%2 != 0 {
		t.Fatalf("an update was lost: %+v %+v", fresh.Meta, fresh.Logs)
	}
}

func TestCronProblem(t *testing.T) {
	for _, ok := range []string{"* * * * *", "0 0 * * *", "*/5 * * * *", "0-30/10 1,2,3 1-31 1-12 0-6", "@hourly", "@daily",
		"@midnight", "@weekly", "@monthly", "@yearly", "@annually", "0  0  *  *  *"} {
		if msg := cronProblem(ok); msg != "" {
			t.Errorf("%q: %s", ok, msg)
		}
	}
	for _, bad := range []string{"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *", "* * * 0 *",
		"* * * 13 *", "* * * * 7", "5-1 * * * *", "*/0 * * * *", "*/61 * * * *", "a * * * *", "-1 * * * *", "+1 * * * *",
		"1- * * * *", "-5 * * * *", ",1 * * * *", "1,,2 * * * *", "*/ * * * *", "@every 5m", "@Daily", strings.Repeat("1,", 200) + "1 * * * *"} {
		if cronProblem(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSuperuserIPAllowed(t *testing.T) {
	list := []string{"192.0.2.7", "10.0.0.0/8", "2001:db8::/32", "::ffff:198.51.100.0/120"}
	for ip, want := range map[string]bool{
		"192.0.2.7": true, "192.0.2.8": false, "10.255.0.1": true, "11.0.0.1": false, "2001:db8::5": true,
		"2001:db9::5": false, "::ffff:192.0.2.7": true, "198.51.100.200": true, "198.51.101.1": false, "": false, "junk": false,
	} {
		if got := superuserIPAllowed(list, ip); got != want {
			t.Errorf("%q: %v, want %v", ip, got, want)
		}
	}
	if !superuserIPAllowed(nil, "203.0.113.1") || !superuserIPAllowed([]string{}, "") {
		t.Error("an empty list must allow every IP")
	}
	for _, bad := range []string{"", "10.0.0.0/33", "10.0.0", "fe80::1%eth0", "host.example", "10.0.0.1/8/8"} {
		if _, err := parseIPRange(bad); err == nil {
			t.Errorf("parseIPRange(%q) accepted", bad)
		}
	}
	// The lock-out guard concerns requests only.
	next := &Settings{SuperuserIPs: []string{"10.0.0.0/8"}}
	if err := checkSuperuserLockout(Actor{}, next); err != nil {
		t.Errorf("no IP: %v", err)
	}
	if err := checkSuperuserLockout(Actor{IP: "10.1.1.1"}, next); err != nil {
		t.Errorf("inside: %v", err)
	}
	if _, ok := settingsFieldErrs(checkSuperuserLockout(Actor{IP: "127.0.0.1"}, next))["superuserIPs"]; !ok {
		t.Error("outside: no error on superuserIPs")
	}
}
