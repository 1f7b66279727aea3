package core

import (
	"context"

	galley "github.com/galleyhq/galley"
)

// authMail builds the mail of kind for rec with the collection's template
// (or the default), token (the OTP code for MailOTP) and, for email changes,
// the new address as recipient. A mail that cannot be composed is logged and
// returned empty (To nil), so callers skip sending.
func (app *App) authMail(ctx context.Context, kind string, c *galley.Collection, rec *galley.Record, token, newEmail string) Message {
	extra := map[string]string{"TOKEN": token}
	if kind == MailOTP {
		extra = map[string]string{"OTP": token}
	}
	m, err := app.ComposeAuthMail(ctx, rec, kind, newEmail, extra)
	if err != nil {
		app.Log.Error("composing auth mail failed", "kind", kind, "collection", c.Name, "err", err)
		return Message{}
	}
	return m
}
