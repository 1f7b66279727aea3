package api

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/mail"
	"github.com/galleyhq/galley/internal/mail/mailtest"
)

// useSMTP points the settings at a mailtest server and installs a Sender.
func (e *opsEnv) useSMTP(host string, port int, enabled bool) {
	e.t.Helper()
	e.app.Mailer = mail.New(e.app.Settings, e.srv.log)
	body := fmt.Sprintf(`{"meta":{"appName":"Acme","appURL":"http://app.example.com/","senderName":"Acme","senderAddress":"noreply@example.com"},
		"smtp":{"enabled":%v,"host":%q,"port":%d}}`, enabled, host, port)
	if r := e.do("PATCH", "/api/settings", e.super, body); r.code != 200 {
		e.t.Fatalf("settings: %d %s", r.code, r.body)
	}
}

func TestTestEmailAccessAndInput(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	ms := mailtest.Start(t)
	host, port := ms.Addr()
	e.useSMTP(host, port, true)
	ok := `{"email":"a@example.com","template":"verification"}`
	if r := e.do("POST", "/api/settings/test/email", "", ok); r.code != 401 {
		t.Errorf("guest: %d %s", r.code, r.body)
	}
	if r := e.do("POST", "/api/settings/test/email", e.user, ok); r.code != 403 {
		t.Errorf("user: %d %s", r.code, r.body)
	}
	cases := []struct {
		body string
		keys []string
	}{
		{`{}`, []string{"email", "template"}},
		{`{"email":"not-an-email","template":"verification"}`, []string{"email"}},
		{`{"email":"Bob <a@example.com>","template":"verification"}`, []string{"email"}},
		{`{"email":"a@example.com","template":"welcome"}`, []string{"template"}},
		{`{"email":"a@example.com","template":"otp","collection":"nope"}`, []string{"collection"}},
	}
	for _, c := range cases {
		r := e.do("POST", "/api/settings/test/email", e.super, c.body)
		if r.code != 400 {
			t.Errorf("%s: %d %s", c.body, r.code, r.body)
			continue
		}
		m := r.json(t)
		if m["message"] != "Failed to send the test email." {
			t.Errorf("%s: message %v, want PocketBase's", c.body, m["message"])
		}
		data, _ := m["data"].(map[string]any)
		if len(data) != len(c.keys) {
			t.Errorf("%s: data = %v, want %v", c.body, data, c.keys)
		}
		for _, k := range c.keys {
			if fe, _ := data[k].(map[string]any); fe == nil || fe["code"] == "" {
				t.Errorf("%s: no error for %q in %s", c.body, k, r.body)
			}
		}
	}
	// PocketBase's codes and messages.
	r := e.do("POST", "/api/settings/test/email", e.super, `{"email":"a@example.com","template":"welcome","collection":"nope"}`)
	data, _ := r.json(t)["data"].(map[string]any)
	if fe, _ := data["template"].(map[string]any); fe["code"] != "validation_in_invalid" || fe["message"] != "Must be a valid value." {
		t.Errorf("bad template: %s", r.body)
	}
	if fe, _ := data["collection"].(map[string]any); fe["code"] != "validation_invalid_auth_collection" || fe["message"] != "Must be a valid auth collection id or name." {
		t.Errorf("bad collection: %s", r.body)
	}
	if r := e.do("POST", "/api/settings/test/email", e.super, `{"email":1}`); r.code != 400 || r.json(t)["message"] != "An error occurred while loading the submitted data." {
		t.Errorf("wrong type: %d %s", r.code, r.body)
	}
	if n := len(ms.Messages()); n != 0 {
		t.Errorf("%d mails sent for refused requests", n)
	}

	e.app.Mailer = nil
	if r := e.do("POST", "/api/settings/test/email", e.super, ok); r.code != 400 || !strings.Contains(string(r.body), "not configured") {
		t.Errorf("no mailer: %d %s", r.code, r.body)
	}
}

func TestTestEmailSends(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	ms := mailtest.Start(t)
	host, port := ms.Addr()
	e.useSMTP(host, port, true)
	want := map[string]string{
		"verification":   "http://app.example.com/_/#/auth/confirm-verification/",
		"password-reset": "http://app.example.com/_/#/auth/confirm-password-reset/",
		"email-change":   "http://app.example.com/_/#/auth/confirm-email-change/",
		"otp":            "12345678",
		"login-alert":    "Test email",
	}
	for tpl, fragment := range want {
		to := tpl + "@example.com"
		r := e.do("POST", "/api/settings/test/email", e.super, `{"email":"`+to+`","template":"`+tpl+`"}`)
		if r.code != 204 {
			t.Fatalf("%s: %d %s", tpl, r.code, r.body)
		}
		m := ms.WaitFor(t, to, 5*time.Second)
		if !strings.Contains(m.Text, fragment) || m.HTML == "" || !strings.Contains(m.Subject, "Acme") && tpl != "login-alert" {
			t.Errorf("%s: subject %q text %q", tpl, m.Subject, m.Text)
		}
		if strings.Contains(fragment, "/confirm-") && m.FindToken() == "" {
			t.Errorf("%s: no token in %q", tpl, m.Text)
		}
	}
	if m := ms.WaitFor(t, "otp@example.com", time.Second); m.FindOTP() != "12345678" {
		t.Errorf("OTP = %q", m.FindOTP())
	}

	// A custom template of the collection is used.
	r := e.do("PATCH", "/api/collections/users", e.super, `{"verificationTemplate":{"subject":"Welcome {RECORD:email}","body":"<p>Go: {ACTION_URL}</p>"}}`)
	if r.code != 200 {
		t.Fatalf("patch collection: %d %s", r.code, r.body)
	}
	r = e.do("POST", "/api/settings/test/email", e.super, `{"email":"custom@example.com","template":"verification","collection":"users"}`)
	if r.code != 204 {
		t.Fatalf("custom: %d %s", r.code, r.body)
	}
	m := ms.WaitFor(t, "custom@example.com", 5*time.Second)
	if m.Subject != "Welcome custom@example.com" || !strings.Contains(m.Text, "Go: http://app.example.com/_/#/auth/confirm-verification/") {
		t.Errorf("custom: subject %q text %q", m.Subject, m.Text)
	}
}

func TestTestEmailReportsSMTPFailure(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	e.useSMTP("127.0.0.1", port, true)
	r := e.do("POST", "/api/settings/test/email", e.super, `{"email":"a@example.com","template":"otp"}`)
	if r.code != 400 || !strings.Contains(r.json(t)["message"].(string), "connect") {
		t.Fatalf("%d %s", r.code, r.body)
	}
}

func TestTestEmailWithSMTPDisabledLogs(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	e.useSMTP("", 0, false)
	r := e.do("POST", "/api/settings/test/email", e.super, `{"email":"dev@example.com","template":"password-reset"}`)
	if r.code != 204 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	out := e.logb.String()
	if !strings.Contains(out, "dev@example.com") || !strings.Contains(out, "http://app.example.com/_/#/auth/confirm-password-reset/") {
		t.Errorf("the mail is not in the log:\n%s", out)
	}
}
