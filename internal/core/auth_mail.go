package core

import (
	"context"
	"html"
	"strings"

	galley "github.com/galleyhq/galley"
)

// Kinds of auth mail.
const (
	mailVerification  = "verification"
	mailPasswordReset = "password-reset"
	mailEmailChange   = "email-change"
	mailOTP           = "otp"
)

// authMail builds the mail of kind for rec, with token (or OTP code) and,
// for email changes, the new address. The action URL points at the app URL
// in settings (PocketBase's /_/#/auth/... shapes).
func (app *App) authMail(ctx context.Context, kind string, c *galley.Collection, rec *galley.Record, token, newEmail string) Message {
	appName, appURL := "Galley", "http://127.0.0.1:8090"
	if set, err := app.Settings(ctx); err == nil {
		if set.Meta.AppName != "" {
			appName = set.Meta.AppName
		}
		if set.Meta.AppURL != "" {
			appURL = strings.TrimRight(set.Meta.AppURL, "/")
		}
	}
	var subject, action, intro string
	switch kind {
	case mailVerification:
		subject, intro, action = "Verify your "+appName+" email", "Thank you for joining us. Click the link below to verify your email address.",
			appURL+"/_/#/auth/confirm-verification/"+token
	case mailPasswordReset:
		subject, intro, action = "Reset your "+appName+" password", "Click the link below to reset your password.",
			appURL+"/_/#/auth/confirm-password-reset/"+token
	case mailEmailChange:
		subject, intro, action = "Confirm your "+appName+" new email address", "Click the link below to confirm your new email address "+newEmail+".",
			appURL+"/_/#/auth/confirm-email-change/"+token
	case mailOTP:
		subject, intro = "OTP for "+appName, "Your one-time password is: "+token
	}
	text := intro + "\n"
	body := "<p>" + html.EscapeString(intro) + "</p>"
	if action != "" {
		text += action + "\n"
		body += `<p><a href="` + html.EscapeString(action) + `">` + html.EscapeString(action) + `</a></p>`
	}
	return Message{To: []string{rec.GetString("email")}, Subject: subject, HTML: body, Text: text}
}
