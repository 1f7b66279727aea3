package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

// noteAuthOrigin records the device (client IP and user agent) rec logged in
// from when the collection's authAlert is enabled, and mails a new-device
// alert when the device is new and the record had logged in from another one
// before (the first device ever is recorded silently). Failures are logged:
// the log-in itself already succeeded.
func (app *App) noteAuthOrigin(ctx context.Context, a Actor, rec *galley.Record) {
	c := rec.Collection
	if !c.Auth.AuthAlert.Enabled {
		return
	}
	ua := ""
	if a.Request != nil {
		ua = a.Request.Headers["user_agent"]
	}
	sum := sha256.Sum256([]byte(a.IP + "\x00" + ua))
	fp := hex.EncodeToString(sum[:])
	// A known device (the usual log-in) is a read; only a new one writes.
	if known, err := store.HasAuthOrigin(ctx, app.db.Reader(), c.ID, rec.ID(), fp); err == nil && known {
		return
	}
	var alert bool
	err := app.db.WithTx(ctx, func(tx *store.Tx) error {
		added, err := tx.AddAuthOrigin(ctx, c.ID, rec.ID(), fp, time.Now())
		if err != nil || !added {
			return err // nil for a known device
		}
		origins, err := tx.CountAuthOrigins(ctx, c.ID, rec.ID())
		alert = origins > 1
		return err
	})
	if err != nil {
		app.Log.Warn("recording the auth origin failed", "collection", c.Name, "err", err)
		return
	}
	if !alert {
		return
	}
	info := "IP " + a.IP
	if ua != "" {
		info += ", " + ua
	}
	m, err := app.ComposeAuthMail(ctx, rec, MailLoginAlert, "", map[string]string{"ALERT_INFO": info})
	if err != nil {
		app.Log.Warn("composing the login alert failed", "err", err)
		return
	}
	app.sendMail(m)
}
