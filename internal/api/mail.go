package api

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
)

// testEmailInput is the body of POST /api/settings/test/email.
type testEmailInput struct {
	Email      string `json:"email"`
	Template   string `json:"template"`
	Collection string `json:"collection"`
}

// testEmail answers POST /api/settings/test/email (superusers only: 401 for
// guests, 403 for other auth records). It renders the template named by
// "template" (verification, password-reset, email-change, otp,
// login-alert) of the auth collection "collection" (default _superusers)
// with sample values and sends it to "email", waiting for the SMTP
// exchange: this is a diagnostic, so an SMTP failure is a 400 whose message
// carries the cause. Bad input is 400 naming the field. With SMTP disabled
// the mail goes to the server log and the answer is still 204.
func (s *Server) testEmail(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	var in testEmailInput
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	c, err := s.validateTestEmail(&in)
	if err != nil {
		return err
	}
	if s.app.Mailer == nil {
		return galley.Errorf(galley.EInvalid, "Mail is not configured.")
	}
	m, err := s.app.ComposeAuthMail(r.Context(), sampleRecord(c, in.Email), in.Template, in.Email, sampleVars(c))
	if err != nil {
		return err
	}
	if err := s.app.Mailer.Send(r.Context(), m); err != nil {
		s.log.Warn("test email failed", "to", in.Email, "template", in.Template, "err", err)
		cause := err
		var ge *galley.Error
		if errors.As(err, &ge) && ge.Err != nil {
			cause = ge.Err
		}
		return &galley.Error{Code: galley.EInvalid, Message: "Failed to send the test email: " + cause.Error(), Err: err}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// validateTestEmail normalises in and returns the auth collection it names,
// or an EInvalid error with one entry per bad field.
func (s *Server) validateTestEmail(in *testEmailInput) (*galley.Collection, error) {
	v := galley.ValidationErrors{}
	in.Email = strings.TrimSpace(in.Email)
	if in.Email == "" {
		v.Add("email", "validation_required", "Cannot be blank.")
	} else if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		v.Add("email", "validation_is_email", "Must be a valid email address.")
	}
	known := false
	for _, k := range core.MailKinds() {
		known = known || in.Template == k
	}
	if in.Template == "" {
		v.Add("template", "validation_required", "Cannot be blank.")
	} else if !known {
		v.Add("template", "validation_in_invalid", "Must be one of: "+strings.Join(core.MailKinds(), ", ")+".")
	}
	if in.Collection == "" {
		in.Collection = galley.SuperusersName
	}
	c := s.app.DB.Schema.Collection(in.Collection)
	if c == nil || c.Type != galley.CollectionAuth {
		v.Add("collection", "validation_invalid_collection", "Missing or not an auth collection.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// sampleRecord is the stand-in auth record a test email is rendered for.
func sampleRecord(c *galley.Collection, email string) *galley.Record {
	return &galley.Record{Collection: c, Data: map[string]any{
		"id": "test_record_id", "collectionId": c.ID, "collectionName": c.Name,
		"email": email, "verified": false, "emailVisibility": false,
	}}
}

// sampleVars are the token, code and alert values of a test email. The
// token is JWT-shaped so the link looks like a real one, but it is unsigned
// and redeems nothing.
func sampleVars(c *galley.Collection) map[string]string {
	n := 8
	if c.Auth != nil && c.Auth.OTP.Length > 0 {
		n = c.Auth.OTP.Length
	}
	otp := strings.Repeat("1234567890", n/10+1)[:n]
	return map[string]string{
		"TOKEN":      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ0ZXN0Ijp0cnVlfQ.test_token_signature",
		"OTP":        otp,
		"ALERT_INFO": "Test email (sample device, 127.0.0.1)",
	}
}
