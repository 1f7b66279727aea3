package core

import (
	"context"
	"errors"
	"net/mail"
	"slices"
	"strings"

	galley "github.com/galleyhq/galley"
)

// Message is one mail. To holds plain addresses.
type Message struct {
	To      []string
	Subject string
	HTML    string
	Text    string
}

// Mailer sends mail. Implementations read the current SMTP settings on each
// send (settings change at runtime) and, with SMTP disabled, write the mail
// to the log so local development works. Send returns an error the caller
// logs; auth flows never reveal it to the requester.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// TestEmail is the input of SendTestEmail.
type TestEmail struct {
	// Email is the address to send to.
	Email string `json:"email"`
	// Template is one of MailKinds.
	Template string `json:"template"`
	// Collection names the auth collection whose template is used
	// (default _superusers).
	Collection string `json:"collection"`
}

// SendTestEmail renders in.Template of the auth collection in.Collection
// with sample values and sends it to in.Email, waiting for the SMTP
// exchange: this is a diagnostic, so a send failure is EInvalid whose
// message carries the cause. Superusers only (EUnauthenticated for guests,
// EForbidden for other auth records), checked before the input. Bad input
// is EInvalid naming each field, with PocketBase's message "Failed to send
// the test email."; no Mailer is EInvalid "Mail is not
// configured.".
func (app *App) SendTestEmail(ctx context.Context, a Actor, in TestEmail) error {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	c, err := app.validateTestEmail(&in)
	if err != nil {
		var ge *galley.Error
		if errors.As(err, &ge) {
			n := *ge
			n.Message = "Failed to send the test email." // PocketBase's message
			return &n
		}
		return err
	}
	if app.Mailer == nil {
		return galley.Errorf(galley.EInvalid, "Mail is not configured.")
	}
	m, err := app.ComposeAuthMail(ctx, sampleRecord(c, in.Email), in.Template, in.Email, sampleVars(c))
	if err != nil {
		return err
	}
	if err := app.Mailer.Send(ctx, m); err != nil {
		app.Log.Warn("test email failed", "to", in.Email, "template", in.Template, "err", err)
		cause := err
		var ge *galley.Error
		if errors.As(err, &ge) && ge.Err != nil {
			cause = ge.Err
		}
		return &galley.Error{Code: galley.EInvalid, Message: "Failed to send the test email: " + cause.Error(), Err: err}
	}
	return nil
}

// validateTestEmail normalises in and returns the auth collection it names,
// or an EInvalid error with one entry per bad field.
func (app *App) validateTestEmail(in *TestEmail) (*galley.Collection, error) {
	v := galley.ValidationErrors{}
	in.Email = strings.TrimSpace(in.Email)
	if in.Email == "" {
		v.Add("email", "validation_required", "Cannot be blank.")
	} else if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		v.Add("email", "validation_is_email", "Must be a valid email address.")
	}
	if in.Template == "" {
		v.Add("template", "validation_required", "Cannot be blank.")
	} else if !slices.Contains(MailKinds(), in.Template) {
		v.Add("template", "validation_in_invalid", "Must be a valid value.")
	}
	if in.Collection == "" {
		in.Collection = galley.SuperusersName
	}
	c := app.db.Schema.Collection(in.Collection)
	if c == nil || c.Type != galley.CollectionAuth {
		v.Add("collection", "validation_invalid_auth_collection", "Must be a valid auth collection id or name.")
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
