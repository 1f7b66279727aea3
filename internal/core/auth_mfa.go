package core

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/ratelimit"
	"github.com/galleyhq/galley/internal/store"
)

// MFARequiredError is returned by a first successful auth method when the
// collection requires MFA for the record: the client must authenticate again
// with a different method within the MFA duration, sending MFAID.
type MFARequiredError struct{ MFAID string }

func (e *MFARequiredError) Error() string { return "mfa required" }

// Auth methods, for MFA ("a second, different method").
const (
	MethodPassword = "password"
	MethodOTP      = "otp"
	MethodOAuth2   = "oauth2"
)

// FinishAuth completes a successful first-factor authentication of rec by
// method: it checks the authRule (null or unmet → EForbidden), handles MFA
// (a first factor answers *MFARequiredError; a second, different factor with
// a valid mfaID consumes it at most once) and returns a fresh auth token.
func (app *App) FinishAuth(ctx context.Context, a Actor, rec *galley.Record, method, mfaID string) (string, error) {
	c := rec.Collection
	if c.Name == galley.SuperusersName { // the log-in endpoints check first; this is the backstop
		if err := app.checkSuperuserIP(ctx, a.IP); err != nil {
			return "", err
		}
	}
	if c.Auth.AuthRule == nil && c.Name != galley.SuperusersName {
		return "", galley.Errorf(galley.EForbidden, "The authentication is not allowed for this collection.")
	}
	if c.Auth.AuthRule != nil && *c.Auth.AuthRule != "" {
		ok, err := app.recordMatches(ctx, app.db.Reader(), Actor{Auth: rec}, c, rec.ID(), *c.Auth.AuthRule)
		if err != nil {
			return "", err
		}
		if !ok {
			return "", galley.Errorf(galley.EForbidden, "The authenticated record doesn't satisfy the collection's authRule.")
		}
	}
	if c.Auth.MFA.Enabled {
		need, err := app.recordMatches(ctx, app.db.Reader(), Actor{Auth: rec}, c, rec.ID(), c.Auth.MFA.Rule)
		if err != nil {
			return "", err
		}
		if need {
			if mfaID == "" {
				id, err := app.startMFA(ctx, rec, method)
				if err != nil {
					return "", err
				}
				return "", &MFARequiredError{MFAID: id}
			}
			if err := app.completeMFA(ctx, rec, method, mfaID); err != nil {
				return "", err
			}
		}
	}
	app.noteAuthOrigin(ctx, a, rec)
	return app.NewAuthToken(rec, true)
}

func (app *App) startMFA(ctx context.Context, rec *galley.Record, method string) (string, error) {
	id := galley.NewID()
	err := app.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.InsertMFA(ctx, store.MFA{ID: id, CollectionID: rec.Collection.ID, RecordID: rec.ID(), Method: method, Created: time.Now()})
	})
	return id, err
}

// completeMFA consumes mfaID for rec: it must exist, be younger than the
// MFA duration, belong to rec and have been started by another method. The
// DELETE is the conditional write that makes it single-use.
func (app *App) completeMFA(ctx context.Context, rec *galley.Record, method, mfaID string) error {
	bad := galley.Errorf(galley.EInvalid, "Invalid or expired MFA session.") // PocketBase's answer: no field data
	since := time.Now().Add(-time.Duration(rec.Collection.Auth.MFA.Duration) * time.Second)
	return app.db.WithTx(ctx, func(tx *store.Tx) error {
		first, err := tx.FindMFA(ctx, mfaID, rec.Collection.ID, rec.ID(), since)
		if err != nil {
			return bad
		}
		if first.Method == method {
			return galley.FieldInvalid("mfaId", "validation_same_mfa_method", "The second factor must use a different auth method.")
		}
		consumed, err := tx.ConsumeMFA(ctx, mfaID)
		if err != nil {
			return err
		}
		if !consumed {
			return bad
		}
		return nil
	})
}

// otpHash binds an OTP code to its row and the collection's secret, so a
// leaked _otps table does not reveal codes; comparison is constant-time.
func otpHash(c *galley.Collection, otpID, code string) string {
	m := hmac.New(sha256.New, []byte(c.Auth.PasswordResetToken.Secret))
	m.Write([]byte(otpID + ":" + code))
	return hex.EncodeToString(m.Sum(nil))
}

// RequestOTP mails a one-time password to the record with email and returns
// the OTP id to redeem it with. Unknown addresses get an id too (that never
// works), so the answer reveals nothing.
func (app *App) RequestOTP(ctx context.Context, a Actor, collection, email string) (string, error) {
	// OTP switched off is said before anything about the body, as
	// PocketBase does.
	if c, err := app.authCollection(collection); err != nil {
		return "", err
	} else if !c.Auth.OTP.Enabled {
		return "", galley.Errorf(galley.EForbidden, "The collection is not configured to allow OTP authentication.")
	}
	c, rec, err := app.mailRecipient(ctx, a, collection, email)
	if err != nil {
		return "", err
	}
	otpID := galley.NewID()
	if rec == nil {
		return otpID, nil
	}
	code := galley.RandomString(c.Auth.OTP.Length, "0123456789")
	err = app.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.InsertOTP(ctx, store.OTP{ID: otpID, CollectionID: c.ID, RecordID: rec.ID(),
			PasswordHash: otpHash(c, otpID, code), SentTo: rec.GetString("email"), Created: time.Now()})
	})
	if err != nil {
		return "", err
	}
	app.sendMail(app.authMail(ctx, MailOTP, c, rec, code, ""))
	return otpID, nil
}

// AuthWithOTP redeems an OTP: the code must match and the OTP be younger
// than the OTP duration; the row is deleted by a conditional write, so at
// most one redemption succeeds. A record whose OTP went to its own email
// becomes verified. A missing otpId or password is EInvalid ("Failed to
// authenticate.") naming them with validation_required.
func (app *App) AuthWithOTP(ctx context.Context, a Actor, collection, otpID, code, mfaID string) (string, *galley.Record, error) {
	c, err := app.authCollectionFor(ctx, a, collection)
	if err != nil {
		return "", nil, err
	}
	if !c.Auth.OTP.Enabled {
		return "", nil, galley.Errorf(galley.EForbidden, "The collection is not configured to allow OTP authentication.")
	}
	if otpID == "" || code == "" {
		// As PocketBase answers it: the missing keys under data.
		errs := galley.ValidationErrors{}
		if otpID == "" {
			errs.Add("otpId", "validation_required", "Cannot be blank.")
		}
		if code == "" {
			errs.Add("password", "validation_required", "Cannot be blank.")
		}
		e := errs.Err().(*galley.Error)
		e.Message = "Failed to authenticate."
		return "", nil, e
	}
	bad := galley.Errorf(galley.EInvalid, "Invalid or expired OTP.")
	acct := ratelimit.AccountKey(c.ID, "otp:"+otpID)
	if ok, wait := app.Guards.Login.Attempt(a.IP, acct); !ok {
		return "", nil, ratelimit.TooMany(wait)
	}
	since := time.Now().Add(-time.Duration(c.Auth.OTP.Duration) * time.Second)
	var recID string
	err = app.db.WithTx(ctx, func(tx *store.Tx) error {
		otp, err := tx.FindOTP(ctx, otpID, c.ID, since)
		if err != nil || !hmac.Equal([]byte(otp.PasswordHash), []byte(otpHash(c, otpID, code))) {
			return bad
		}
		recID = otp.RecordID
		consumed, err := tx.ConsumeOTP(ctx, otpID)
		if err != nil {
			return err
		}
		if !consumed {
			return bad
		}
		// The OTP proves the address it went to: the record is verified
		// if that is still its email.
		verified := true
		_, err = tx.UpdateAuthRecordIf(ctx, c, recID, store.AuthChange{Verified: &verified}, store.AuthGuard{Email: &otp.SentTo})
		return err
	})
	if err != nil {
		return "", nil, err
	}
	app.Guards.Login.Succeeded(a.IP, acct)
	rec, err := findByID(ctx, app.db.Reader(), c, recID)
	if err != nil {
		return "", nil, err
	}
	if rec == nil {
		return "", nil, bad
	}
	tok, err := app.FinishAuth(ctx, a, rec, MethodOTP, mfaID)
	return tok, rec, err
}
