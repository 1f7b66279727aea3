package core

import (
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
)

func TestRenderTemplatePlaceholders(t *testing.T) {
	vars := map[string]string{
		"APP_NAME": "Acme & Co", "APP_URL": "https://acme.test", "TOKEN": "tok.en.x",
		"OTP": "12345678", "ACTION_URL": "https://acme.test/go?a=1&b=2", "RECORD:name": `<b>Bob</b>`,
	}
	tpl := galley.EmailTemplate{
		Subject: "{APP_NAME}: hi {RECORD:name}",
		Body:    `<style>a{color:red}</style><p>{APP_NAME} {OTP} {RECORD:missing}{UNKNOWN}</p><a href="{ACTION_URL}">Go</a> {APP_URL}/x/{TOKEN}`,
	}
	subject, html, text := RenderTemplate(tpl, galley.EmailTemplate{}, vars)
	if subject != "Acme & Co: hi <b>Bob</b>" {
		t.Errorf("subject = %q", subject)
	}
	wantHTML := `<style>a{color:red}</style><p>Acme &amp; Co 12345678 {UNKNOWN}</p><a href="https://acme.test/go?a=1&amp;b=2">Go</a> https://acme.test/x/tok.en.x`
	if html != wantHTML {
		t.Errorf("html =\n%s\nwant\n%s", html, wantHTML)
	}
	wantText := "Acme & Co 12345678 {UNKNOWN}\n\nGo (https://acme.test/go?a=1&b=2) https://acme.test/x/tok.en.x"
	if text != wantText {
		t.Errorf("text =\n%q\nwant\n%q", text, wantText)
	}
}

func TestRenderTemplateNoDoubleExpansion(t *testing.T) {
	vars := map[string]string{"APP_NAME": "{TOKEN}", "TOKEN": "secret", "RECORD:name": "{OTP}", "OTP": "1"}
	subject, html, _ := RenderTemplate(galley.EmailTemplate{Subject: "{APP_NAME} {RECORD:name}", Body: "{APP_NAME}|{RECORD:name}|{TOKEN}"}, galley.EmailTemplate{}, vars)
	if subject != "{TOKEN} {OTP}" || html != "{TOKEN}|{OTP}|secret" {
		t.Errorf("subject %q html %q", subject, html)
	}
}

func TestRenderTemplateSubjectHasNoLineBreaks(t *testing.T) {
	subject, _, _ := RenderTemplate(galley.EmailTemplate{Subject: "Hi {RECORD:name}", Body: "x"}, galley.EmailTemplate{},
		map[string]string{"RECORD:name": "Bob\r\nBcc: evil@example.com"})
	if strings.ContainsAny(subject, "\r\n") || subject != "Hi Bob Bcc: evil@example.com" {
		t.Errorf("subject = %q", subject)
	}
}

func TestRenderTemplateDefaultsAndOverride(t *testing.T) {
	def, ok := DefaultEmailTemplate(MailVerification)
	if !ok {
		t.Fatal("no default verification template")
	}
	vars := map[string]string{"APP_NAME": "Acme", "APP_URL": "https://acme.test", "TOKEN": "a.b.c"}
	subject, html, text := RenderTemplate(galley.EmailTemplate{}, def, vars)
	if subject != "Verify your Acme email" {
		t.Errorf("subject = %q", subject)
	}
	link := "https://acme.test/_/#/auth/confirm-verification/a.b.c"
	if !strings.Contains(html, `href="`+link+`"`) || !strings.Contains(text, "Verify ("+link+")") {
		t.Errorf("html:\n%s\ntext:\n%s", html, text)
	}
	// A custom body with the default subject: each part falls back alone.
	subject, html, _ = RenderTemplate(galley.EmailTemplate{Body: "<p>Custom {TOKEN}</p>"}, def, vars)
	if subject != "Verify your Acme email" || html != "<p>Custom a.b.c</p>" {
		t.Errorf("override: %q %q", subject, html)
	}
	for _, kind := range MailKinds() {
		d, ok := DefaultEmailTemplate(kind)
		if !ok || d.Subject == "" || !strings.Contains(d.Body, "{APP_NAME}") {
			t.Errorf("default %s: %+v", kind, d)
		}
	}
	if _, ok := DefaultEmailTemplate("nope"); ok {
		t.Error("unknown kind has a default")
	}
}

func TestActionURL(t *testing.T) {
	cases := map[string]string{
		MailVerification:  "http://x.test/_/#/auth/confirm-verification/T",
		MailPasswordReset: "http://x.test/_/#/auth/confirm-password-reset/T",
		MailEmailChange:   "http://x.test/_/#/auth/confirm-email-change/T",
		MailOTP:           "",
	}
	for kind, want := range cases {
		if got := ActionURL("http://x.test/", kind, "T"); got != want {
			t.Errorf("%s: %q, want %q", kind, got, want)
		}
	}
}

func TestCollectionEmailTemplateAndVars(t *testing.T) {
	c := &galley.Collection{Name: "users", Type: galley.CollectionAuth, Auth: galley.DefaultAuthOptions(),
		Fields: []*galley.Field{{Name: "secretNote", Hidden: true}}}
	c.Auth.OTP.EmailTemplate = galley.EmailTemplate{Subject: "Code {OTP}"}
	if got := CollectionEmailTemplate(c, MailOTP); got.Subject != "Code {OTP}" {
		t.Errorf("otp template = %+v", got)
	}
	if got := CollectionEmailTemplate(nil, MailOTP); got != (galley.EmailTemplate{}) {
		t.Errorf("nil collection: %+v", got)
	}
	rec := &galley.Record{Collection: c, Data: map[string]any{
		"id": "abc", "email": "a@b.c", "password": "hash", "tokenKey": "k", "secretNote": "x", "age": 42.0, "tags": []string{"a", "b"},
	}}
	s := DefaultSettings()
	s.Meta.AppURL = "https://acme.test/"
	vars := MailVars(s, rec)
	if vars["APP_URL"] != "https://acme.test" || vars["RECORD:email"] != "a@b.c" || vars["RECORD:age"] != "42" || vars["RECORD:tags"] != "a, b" {
		t.Errorf("vars = %v", vars)
	}
	for _, k := range []string{"RECORD:password", "RECORD:tokenKey", "RECORD:secretNote"} {
		if _, ok := vars[k]; ok {
			t.Errorf("%s exposed", k)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	cases := []struct{ in, want string }{
		{`<p>Hello,</p><p>World</p>`, "Hello,\n\nWorld"},
		{`Line<br>two<br/>three`, "Line\ntwo\nthree"},
		{`<a href="https://x.test/a?b=1&amp;c=2">Click</a>`, "Click (https://x.test/a?b=1&c=2)"},
		{`<a href='https://x.test'>https://x.test</a>`, "https://x.test"},
		{`<a href="https://x.test"></a>`, "https://x.test"},
		{`<a href="#top">Top</a>`, "Top"},
		{`<head><title>T</title><style>p{x:y}</style></head><body><script>x<1</script>Hi &amp; bye &lt;3</body>`, "Hi & bye <3"},
		{`<ul><li>one</li><li>two</li></ul>`, "- one\n- two"},
		{"<p>  spaced\n   out  </p><!-- hidden -->", "spaced out"},
		{`a < b and <strong>c</strong>`, "a < b and c"},
		{`<p>Thanks,<br/>\n  The team</p>`, "Thanks,\n\\n The team"},
	}
	for _, c := range cases {
		if got := HTMLToText(c.in); got != c.want {
			t.Errorf("HTMLToText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
