package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

// noteAuthOrigin records the device (client IP and user agent) a record
// logged in from and, when the collection's authAlert is enabled and the
// record had logged in before from other devices only, mails a new-device
// alert. The first device ever is recorded silently. Failures are logged:
// the log-in itself already succeeded.
func (app *App) noteAuthOrigin(ctx context.Context, a Actor, rec *galley.Record) {
	c := rec.Collection
	ua := ""
	if a.Request != nil {
		ua = a.Request.Headers["user_agent"]
	}
	sum := sha256.Sum256([]byte(a.IP + "\x00" + ua))
	fp := hex.EncodeToString(sum[:])
	var known, inserted bool
	err := app.DB.WithTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM "_authOrigins" WHERE "collectionRef" = ? AND "recordRef" = ?`, c.ID, rec.ID()).Scan(&n); err != nil {
			return err
		}
		known = n > 0
		now := galley.FormatTime(time.Now())
		res, err := tx.ExecContext(ctx, `INSERT INTO "_authOrigins" ("id","collectionRef","recordRef","fingerprint","created","updated") VALUES (?,?,?,?,?,?)
			ON CONFLICT ("collectionRef","recordRef","fingerprint") DO NOTHING`,
			galley.NewID(), c.ID, rec.ID(), fp, now, now)
		if err != nil {
			return err
		}
		n64, err := res.RowsAffected()
		inserted = n64 == 1
		if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		app.Log.Warn("recording the auth origin failed", "collection", c.Name, "err", err)
		return
	}
	if !inserted || !known || !c.Auth.AuthAlert.Enabled {
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
