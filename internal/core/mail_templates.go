package core

import (
	"context"
	"fmt"
	"html"
	"strings"

	galley "github.com/galleyhq/galley"
)

// Mail template kinds, as named by POST /api/settings/test/email.
const (
	MailVerification  = "verification"
	MailPasswordReset = "password-reset"
	MailEmailChange   = "email-change"
	MailOTP           = "otp"
	MailLoginAlert    = "login-alert"
)

// MailKinds returns every template kind, in a stable order.
func MailKinds() []string {
	return []string{MailVerification, MailPasswordReset, MailEmailChange, MailOTP, MailLoginAlert}
}

// DefaultEmailTemplate returns Galley's built-in template of kind (one of
// MailKinds); ok is false for an unknown kind.
func DefaultEmailTemplate(kind string) (t galley.EmailTemplate, ok bool) {
	switch kind {
	case MailVerification:
		return galley.DefaultVerificationTemplate, true
	case MailPasswordReset:
		return galley.DefaultResetPasswordTemplate, true
	case MailEmailChange:
		return galley.DefaultConfirmEmailChangeTemplate, true
	case MailOTP:
		return galley.DefaultOTPTemplate, true
	case MailLoginAlert:
		return galley.DefaultAuthAlertTemplate, true
	}
	return galley.EmailTemplate{}, false
}

// CollectionEmailTemplate returns the template of kind configured on the
// auth collection c: the zero template (meaning "use the default") when c is
// nil, not an auth collection, has no such template, or kind is unknown.
func CollectionEmailTemplate(c *galley.Collection, kind string) galley.EmailTemplate {
	if c == nil || c.Auth == nil {
		return galley.EmailTemplate{}
	}
	switch kind {
	case MailVerification:
		return c.Auth.VerificationTemplate
	case MailPasswordReset:
		return c.Auth.ResetPasswordTemplate
	case MailEmailChange:
		return c.Auth.ConfirmEmailChangeTemplate
	case MailOTP:
		return c.Auth.OTP.EmailTemplate
	case MailLoginAlert:
		return c.Auth.AuthAlert.EmailTemplate
	}
	return galley.EmailTemplate{}
}

// ActionURL returns the default action link of kind for token under appURL,
// in PocketBase's shape (appURL + "/_/#/auth/confirm-verification/" +
// token, and likewise for password-reset and email-change); "" for kinds
// without a link.
func ActionURL(appURL, kind, token string) string {
	var path string
	switch kind {
	case MailVerification:
		path = "/_/#/auth/confirm-verification/"
	case MailPasswordReset:
		path = "/_/#/auth/confirm-password-reset/"
	case MailEmailChange:
		path = "/_/#/auth/confirm-email-change/"
	default:
		return ""
	}
	return strings.TrimRight(appURL, "/") + path + token
}

// MailVars returns the placeholder values shared by every mail: APP_NAME,
// APP_URL (without a trailing slash) from s, and RECORD:<field> for each
// field of rec except password, tokenKey and hidden fields (rec may be
// nil). Non-string values are formatted with fmt; multi values are joined
// with ", ".
func MailVars(s *Settings, rec *galley.Record) map[string]string {
	vars := map[string]string{}
	if s != nil {
		vars["APP_NAME"] = s.Meta.AppName
		vars["APP_URL"] = strings.TrimRight(s.Meta.AppURL, "/")
	}
	if rec == nil {
		return vars
	}
	hidden := map[string]bool{"password": true, "tokenKey": true}
	if rec.Collection != nil {
		for _, f := range rec.Collection.Fields {
			if f.Hidden {
				hidden[f.Name] = true
			}
		}
	}
	for k, v := range rec.Data {
		if hidden[k] {
			continue
		}
		vars["RECORD:"+k] = formatVar(v)
	}
	return vars
}

func formatVar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []string:
		return strings.Join(x, ", ")
	case float64:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}

// RenderTemplate renders t, or def when t's subject or body is empty (each
// part falls back on its own), with vars: the keys are placeholder names
// without braces ("APP_NAME", "TOKEN", "OTP", "ACTION_URL",
// "RECORD:email"). Placeholders are replaced in a single pass, so a value
// that itself contains "{TOKEN}" is not expanded again. A {RECORD:field}
// without a value becomes ""; other unknown {NAMES} and any other braces
// (CSS in a <style> block) stay as written. Values are HTML-escaped in
// html and inserted verbatim in subject; CR and LF in the subject become
// spaces so no value can inject a header. text is derived from html by
// HTMLToText.
func RenderTemplate(t, def galley.EmailTemplate, vars map[string]string) (subject, htmlBody, text string) {
	subj, body := t.Subject, t.Body
	if strings.TrimSpace(subj) == "" {
		subj = def.Subject
	}
	if strings.TrimSpace(body) == "" {
		body = def.Body
	}
	subject = expand(subj, vars, func(s string) string { return s })
	subject = strings.Join(strings.Fields(subject), " ")
	htmlBody = expand(body, vars, html.EscapeString)
	return subject, htmlBody, HTMLToText(htmlBody)
}

// expand replaces the placeholders of s in one left-to-right pass, writing
// each value through esc.
func expand(s string, vars map[string]string, esc func(string) string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		j := strings.IndexByte(s, '}')
		if j < 0 || !isPlaceholder(s[1:j]) {
			b.WriteByte('{')
			s = s[1:]
			continue
		}
		name := s[1:j]
		if v, ok := lookupVar(vars, name); ok {
			b.WriteString(esc(v))
		} else if strings.HasPrefix(name, "RECORD:") {
			// A missing record field renders empty, like an unset one.
		} else {
			b.WriteString(s[:j+1])
		}
		s = s[j+1:]
	}
}

// lookupVar finds name in vars, also accepting keys written with braces.
func lookupVar(vars map[string]string, name string) (string, bool) {
	if v, ok := vars[name]; ok {
		return v, true
	}
	v, ok := vars["{"+name+"}"]
	return v, ok
}

// isPlaceholder reports whether name is NAME or RECORD:field: upper-case
// letters, digits and underscores, optionally followed by ":" and a field
// name.
func isPlaceholder(name string) bool {
	head, field, hasField := strings.Cut(name, ":")
	if head == "" || (hasField && field == "") {
		return false
	}
	for _, c := range head {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	for _, c := range field {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ComposeAuthMail builds the mail of kind (one of MailKinds) for an auth
// record: the template configured on rec's collection or the default,
// rendered with MailVars from the current settings plus extra (for example
// TOKEN, OTP, ALERT_INFO). When extra has a TOKEN but no ACTION_URL, the
// default ActionURL of kind is used. The mail goes to to, or to rec's email
// when to is "" (an email change mails the new address). Errors: EInvalid
// for an unknown kind or no recipient; EInternal when the settings cannot
// be read.
func (app *App) ComposeAuthMail(ctx context.Context, rec *galley.Record, kind, to string, extra map[string]string) (Message, error) {
	def, ok := DefaultEmailTemplate(kind)
	if !ok {
		return Message{}, galley.Errorf(galley.EInvalid, "Unknown mail template %q.", kind)
	}
	if to == "" {
		to = rec.GetString("email")
	}
	if to == "" {
		return Message{}, galley.Errorf(galley.EInvalid, "The record has no email address.")
	}
	s, err := app.Settings(ctx)
	if err != nil {
		return Message{}, err
	}
	vars := MailVars(s, rec)
	for k, v := range extra {
		vars[strings.Trim(k, "{}")] = v
	}
	if tok, ok := vars["TOKEN"]; ok {
		if _, set := vars["ACTION_URL"]; !set {
			if u := ActionURL(vars["APP_URL"], kind, tok); u != "" {
				vars["ACTION_URL"] = u
			}
		}
	}
	subject, body, text := RenderTemplate(CollectionEmailTemplate(rec.Collection, kind), def, vars)
	return Message{To: []string{to}, Subject: subject, HTML: body, Text: text}, nil
}

// HTMLToText derives the plain-text part of a mail from its HTML: tags are
// dropped (with the contents of style, script, head and title), block
// elements and <br> become line breaks, list items start with "- ", entities
// are decoded, and each link keeps its URL visible as "text (url)" (just
// "url" when the text is the URL itself), so action links and codes survive
// in mail clients that show only text.
func HTMLToText(src string) string {
	var out strings.Builder
	type link struct {
		href  string
		start int
	}
	var links []link
	skip := "" // the element whose content is being skipped
	for len(src) > 0 {
		i := strings.IndexByte(src, '<')
		if i < 0 {
			i = len(src)
		}
		if skip == "" {
			writeText(&out, src[:i])
		}
		src = src[i:]
		if src == "" {
			break
		}
		if strings.HasPrefix(src, "<!--") {
			end := strings.Index(src, "-->")
			if end < 0 {
				break
			}
			src = src[end+3:]
			continue
		}
		end := tagEnd(src)
		if end < 0 { // a stray "<": keep it as text
			if skip == "" {
				out.WriteByte('<')
			}
			src = src[1:]
			continue
		}
		name, closing, attrs := parseTag(src[1:end])
		src = src[end+1:]
		if skip != "" {
			if closing && name == skip {
				skip = ""
			}
			continue
		}
		switch name {
		case "style", "script", "head", "title":
			if !closing {
				skip = name
			}
		case "br":
			out.WriteByte('\n')
		case "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "hr", "pre":
			out.WriteString("\n\n")
		case "div", "tr", "section", "article", "header", "footer", "dl", "dt", "dd":
			out.WriteByte('\n')
		case "li":
			if !closing {
				out.WriteString("\n- ")
			}
		case "td", "th":
			if closing {
				out.WriteByte(' ')
			}
		case "a":
			if !closing {
				links = append(links, link{href: strings.TrimSpace(attrs["href"]), start: out.Len()})
			} else if n := len(links); n > 0 {
				l := links[n-1]
				links = links[:n-1]
				text := strings.TrimSpace(out.String()[l.start:])
				switch {
				case l.href == "" || strings.HasPrefix(l.href, "#"):
				case text == "":
					out.WriteString(l.href)
				case text != l.href && text != strings.TrimPrefix(l.href, "mailto:"):
					out.WriteString(" (" + l.href + ")")
				}
			}
		}
	}
	return tidyText(out.String())
}

// writeText writes a text node with its entities decoded and its white
// space collapsed, as a browser would render it.
func writeText(out *strings.Builder, s string) {
	if s == "" {
		return
	}
	s = strings.ReplaceAll(html.UnescapeString(s), "\u00a0", " ")
	lead := strings.IndexFunc(s, isNotSpace) != 0
	words := strings.Fields(s)
	if len(words) == 0 {
		out.WriteByte(' ')
		return
	}
	if lead {
		out.WriteByte(' ')
	}
	out.WriteString(strings.Join(words, " "))
	if last := s[len(s)-1]; last == ' ' || last == '\n' || last == '\t' || last == '\r' {
		out.WriteByte(' ')
	}
}

func isNotSpace(r rune) bool { return !(r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f') }

// tagEnd returns the index of the ">" closing the tag that starts s ("<…"),
// skipping quoted attribute values; -1 when s does not start a tag.
func tagEnd(s string) int {
	if len(s) < 2 || !(s[1] == '/' || s[1] == '!' || s[1] >= 'a' && s[1] <= 'z' || s[1] >= 'A' && s[1] <= 'Z') {
		return -1
	}
	var quote byte
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// parseTag splits the inside of a tag ("a href='x'", "/p", "br/") into its
// lower-case name, whether it closes an element, and its attributes (names
// lower-cased, values with entities decoded).
func parseTag(s string) (name string, closing bool, attrs map[string]string) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "/")
	if strings.HasPrefix(s, "/") {
		closing = true
		s = s[1:]
	}
	n := strings.IndexFunc(s, func(r rune) bool { return !isNotSpace(r) })
	if n < 0 {
		return strings.ToLower(s), closing, nil
	}
	name, s = strings.ToLower(s[:n]), s[n:]
	attrs = map[string]string{}
	for {
		s = strings.TrimLeft(s, " \t\r\n\f")
		if s == "" {
			return name, closing, attrs
		}
		k := strings.IndexAny(s, "= \t\r\n\f")
		if k < 0 {
			attrs[strings.ToLower(s)] = ""
			return name, closing, attrs
		}
		key := strings.ToLower(s[:k])
		s = strings.TrimLeft(s[k:], " \t\r\n\f")
		if !strings.HasPrefix(s, "=") {
			attrs[key] = ""
			continue
		}
		s = strings.TrimLeft(s[1:], " \t\r\n\f")
		var val string
		if s != "" && (s[0] == '"' || s[0] == '\'') {
			e := strings.IndexByte(s[1:], s[0])
			if e < 0 {
				val, s = s[1:], ""
			} else {
				val, s = s[1:e+1], s[e+2:]
			}
		} else {
			e := strings.IndexAny(s, " \t\r\n\f")
			if e < 0 {
				e = len(s)
			}
			val, s = s[:e], s[e:]
		}
		attrs[key] = html.UnescapeString(val)
	}
}

// tidyText trims every line and keeps at most one blank line in a row.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := true // drops leading blank lines
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, l)
		blank = false
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}
