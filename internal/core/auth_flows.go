package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/auth"
	"github.com/galleyhq/galley/internal/ratelimit"
	"github.com/galleyhq/galley/internal/store"
)

// errInvalidToken is the one answer for a bad, expired, used or foreign token.
func errInvalidToken() error {
	return galley.FieldInvalid("token", "validation_invalid_token", "Invalid or expired token.")
}

// findByEmail returns the record of c with email (compared ignoring ASCII
// case), or nil (and no error) when there is none: the auth flows answer an
// unknown address like a known one, so "none" is a value here, not an error.
func (app *App) findByEmail(ctx context.Context, q store.Querier, c *galley.Collection, email string) (*galley.Record, error) {
	f := c.Field("email")
	if email == "" || f == nil {
		return nil, nil
	}
	return noneIfNotFound(app.db.FindRecordByIdentity(ctx, q, c, f, email))
}

// findByID returns the record id of c through q, or nil (and no error) when
// there is none.
func findByID(ctx context.Context, q store.Querier, c *galley.Collection, id string) (*galley.Record, error) {
	return noneIfNotFound(store.FindRecordByID(ctx, q, c, id))
}

// noneIfNotFound turns the store's ENotFound into a nil record without error.
func noneIfNotFound(r *galley.Record, err error) (*galley.Record, error) {
	if galley.ErrorCodeOf(err) == galley.ENotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// signSpecial signs a verification, reset or email-change token for rec.
func signSpecial(rec *galley.Record, typ string, opts galley.TokenOptions, newEmail string) (string, error) {
	ttl := time.Duration(opts.Duration) * time.Second
	tok, err := auth.Sign(auth.Claims{ID: rec.ID(), CollectionID: rec.Collection.ID, Type: typ,
		Email: rec.GetString("email"), NewEmail: newEmail}, rec.GetString("tokenKey"), opts.Secret, ttl)
	if err != nil {
		return "", galley.Internal(err)
	}
	return tok, nil
}

// verifySpecial checks a token of type typ for a record of c and returns the
// record and claims. The token must be signed with the record's current
// tokenKey and the type's secret, and bound to the record's current email.
func (app *App) verifySpecial(ctx context.Context, c *galley.Collection, token, typ string, opts func(*galley.AuthOptions) galley.TokenOptions) (*galley.Record, *auth.Claims, error) {
	if token == "" {
		return nil, nil, galley.FieldInvalid("token", "validation_required", "Cannot be blank.")
	}
	claims, err := auth.ParseUnverified(token)
	if err != nil || claims.Type != typ || claims.CollectionID != c.ID {
		return nil, nil, errInvalidToken()
	}
	rec, err := findByID(ctx, app.db.Reader(), c, claims.ID)
	if err != nil {
		return nil, nil, err
	}
	if rec == nil {
		return nil, nil, errInvalidToken()
	}
	verified, err := auth.Verify(token, rec.GetString("tokenKey"), opts(c.Auth).Secret, typ)
	if err != nil || !strings.EqualFold(verified.Email, rec.GetString("email")) {
		return nil, nil, errInvalidToken()
	}
	return rec, verified, nil
}

// sendMail hands m to the mailer in the background, so the answer never
// waits for (or reveals) SMTP. Without a mailer the mail is logged.
func (app *App) sendMail(m Message) {
	if len(m.To) == 0 {
		return
	}
	e := &MailEvent{Context: context.Background(), App: app, Message: &m}
	if err := app.hooks.MailSend.trigger(e, nil, func() error { app.dispatchMail(*e.Message); return nil }); err != nil {
		app.Log.Warn("a mail hook stopped a mail", "to", m.To, "subject", m.Subject, "err", err)
	}
}

// dispatchMail hands m to the mailer (see sendMail).
func (app *App) dispatchMail(m Message) {
	if async, ok := app.Mailer.(interface{ SendAsync(Message) }); ok {
		async.SendAsync(m)
		return
	}
	if app.Mailer == nil {
		app.Log.Info("mail (no mailer configured)", "to", m.To, "subject", m.Subject, "text", m.Text)
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := app.Mailer.Send(ctx, m); err != nil {
			app.Log.Error("sending mail failed", "to", m.To, "err", err)
		}
	}()
}

// mailRecipient resolves the auth collection and the record with email for
// a mail-sending endpoint, after validating the address and charging the
// mail guard (before the lookup, so known and unknown addresses cost the
// same). A nil record with a nil error means "unknown address".
func (app *App) mailRecipient(ctx context.Context, a Actor, collection, email string) (*galley.Collection, *galley.Record, error) {
	c, err := app.authCollectionFor(ctx, a, collection)
	if err != nil {
		return nil, nil, err
	}
	if err := requireEmail(email); err != nil {
		return nil, nil, err
	}
	if ok, wait := app.Guards.Mail.Allow(a.IP, email); !ok {
		return nil, nil, ratelimit.TooMany(wait)
	}
	rec, err := app.findByEmail(ctx, app.db.Reader(), c, email)
	return c, rec, err
}

// RequestVerification mails a verification link to the unverified record of
// collection with email. Unknown, already verified and known addresses get the
// same answer (nil), so the endpoint reveals nothing.
func (app *App) RequestVerification(ctx context.Context, a Actor, collection, email string) error {
	c, rec, err := app.mailRecipient(ctx, a, collection, email)
	if err != nil || rec == nil {
		return err
	}
	if v, _ := rec.Data["verified"].(bool); v {
		return nil
	}
	tok, err := signSpecial(rec, auth.TypeVerification, c.Auth.VerificationToken, "")
	if err != nil {
		return err
	}
	app.sendMail(app.authMail(ctx, MailVerification, c, rec, tok, ""))
	return nil
}

// ConfirmVerification marks the record of a valid verification token as
// verified. The write is conditional (verified = false), so a token is
// redeemed at most once even under concurrency.
func (app *App) ConfirmVerification(ctx context.Context, collection, token string) error {
	c, err := app.authCollection(collection)
	if err != nil {
		return err
	}
	rec, claims, err := app.verifySpecial(ctx, c, token, auth.TypeVerification, func(o *galley.AuthOptions) galley.TokenOptions { return o.VerificationToken })
	if err != nil {
		return err
	}
	verified, unverified := true, false
	return app.conditionalUpdate(ctx, c, rec.ID(), store.AuthChange{Verified: &verified},
		store.AuthGuard{Verified: &unverified, Email: &claims.Email})
}

// conditionalUpdate applies set to record id of c while the row still
// matches guard (see store.Tx.UpdateAuthRecordIf) and fails with
// errInvalidToken unless it changed the row.
func (app *App) conditionalUpdate(ctx context.Context, c *galley.Collection, id string, set store.AuthChange, guard store.AuthGuard) error {
	return app.db.WithTx(ctx, func(tx *store.Tx) error {
		ok, err := tx.UpdateAuthRecordIf(ctx, c, id, set, guard)
		if err != nil {
			return err
		}
		if !ok {
			return errInvalidToken()
		}
		return app.reloadChanged(ctx, tx, c, id, set.TokenKey != nil)
	})
}

// RequestPasswordReset mails a reset link to the record with email; the
// answer is the same for unknown addresses.
func (app *App) RequestPasswordReset(ctx context.Context, a Actor, collection, email string) error {
	c, rec, err := app.mailRecipient(ctx, a, collection, email)
	if err != nil || rec == nil {
		return err
	}
	tok, err := signSpecial(rec, auth.TypePasswordReset, c.Auth.PasswordResetToken, "")
	if err != nil {
		return err
	}
	app.sendMail(app.authMail(ctx, MailPasswordReset, c, rec, tok, ""))
	return nil
}

// ConfirmPasswordReset sets a new password for the record of a valid reset
// token. The write is conditional on the token's tokenKey, which it rotates:
// the token (and every auth token) dies, and at most one redemption wins.
func (app *App) ConfirmPasswordReset(ctx context.Context, collection, token, password, confirm string) error {
	c, err := app.authCollection(collection)
	if err != nil {
		return err
	}
	// Every field is checked at once, the token too, as PocketBase does.
	errs := galley.ValidationErrors{}
	rec, claims, terr := app.verifySpecial(ctx, c, token, auth.TypePasswordReset, func(o *galley.AuthOptions) galley.TokenOptions { return o.PasswordResetToken })
	var tge *galley.Error
	if errors.As(terr, &tge) && tge.Code == galley.EInvalid && len(tge.Fields) > 0 {
		for k, fe := range tge.Fields {
			errs.AddParams(k, fe.Code, fe.Message, fe.Params)
		}
	} else if terr != nil {
		return terr
	}
	if confirm == "" {
		errs.Add("passwordConfirm", "validation_required", "Cannot be blank.")
	} else if password != confirm {
		errs.Add("passwordConfirm", "validation_values_mismatch", "Values don't match.")
	}
	var hash string
	if fe := passwordLength(c, password); fe != nil {
		errs.AddParams("password", fe.Code, fe.Message, fe.Params)
	} else if h, fe := app.hashNewPassword(c, password); fe != nil {
		errs.AddParams("password", fe.Code, fe.Message, fe.Params)
	} else {
		hash = h
	}
	if err := errs.Err(); err != nil {
		return err
	}
	newKey, oldKey, verified := galley.RandomString(50, tokenKeyAlphabet), rec.GetString("tokenKey"), true
	set := store.AuthChange{Password: &hash, TokenKey: &newKey, Verified: &verified}
	if f := c.Field("updated"); f != nil && f.Type == galley.FieldAutodate && f.OnUpdate {
		now := time.Now()
		set.Updated = &now
	}
	return app.conditionalUpdate(ctx, c, rec.ID(), set, store.AuthGuard{TokenKey: &oldKey, Email: &claims.Email})
}

// passwordLength checks a new password sent to a form (password reset) as
// PocketBase does there: required, then between the password field's min
// (default 8) and max (default 255) characters, with its code and params.
func passwordLength(c *galley.Collection, password string) *galley.FieldError {
	if password == "" {
		return fieldErr("validation_required", "Cannot be blank.")
	}
	min, max := 8, 255
	if f := c.Field("password"); f != nil {
		if f.Min > 0 {
			min = f.Min
		}
		if f.Max > 0 {
			max = f.Max
		}
	}
	if n := utf8.RuneCountInString(password); n < min || n > max {
		return withParams(fieldErr("validation_length_out_of_range", "The length must be between %d and %d.", min, max), map[string]any{"min": min, "max": max})
	}
	return nil
}

// hashNewPassword validates a new password against the password field's
// options and returns its hash.
func (app *App) hashNewPassword(c *galley.Collection, password string) (string, *galley.FieldError) {
	f := c.Field("password")
	if f == nil {
		return "", fieldErr("validation_invalid_value", "The collection has no password field.")
	}
	if password == "" {
		return "", fieldErr("validation_required", "Cannot be blank.")
	}
	return hashPassword(f, password)
}

// RequestEmailChange mails a confirmation link for newEmail to the new
// address; a must be authenticated as a record of the collection
// (EUnauthenticated for guests, EForbidden for a record of another
// collection). A missing newEmail is validation_required, an invalid one
// validation_is_email, both on newEmail.
func (app *App) RequestEmailChange(ctx context.Context, a Actor, collection, newEmail string) error {
	c, err := app.authCollection(collection)
	if err != nil {
		return err
	}
	if a.Auth == nil {
		return galley.Errorf(galley.EUnauthenticated, "The request requires valid record authorization token.")
	}
	if a.Auth.Collection.ID != c.ID {
		return galley.Errorf(galley.EForbidden, "The authorized record is not allowed to perform this action: it belongs to another collection.")
	}
	if newEmail == "" {
		return galley.FieldInvalid("newEmail", "validation_required", "Cannot be blank.")
	}
	if err := requireEmail(newEmail); err != nil {
		return galley.FieldInvalid("newEmail", "validation_is_email", "Must be a valid email address.")
	}
	if ok, wait := app.Guards.Mail.Allow(a.IP, newEmail); !ok {
		return ratelimit.TooMany(wait)
	}
	if fe := checkDomains(c.Field("email"), newEmail[strings.LastIndexByte(newEmail, '@')+1:]); fe != nil {
		return galley.FieldInvalid("newEmail", fe.Code, fe.Message)
	}
	if other, err := app.findByEmail(ctx, app.db.Reader(), c, newEmail); err != nil {
		return err
	} else if other != nil {
		// Answer as for a free address: taken addresses are not revealed.
		return nil
	}
	tok, err := signSpecial(a.Auth, auth.TypeEmailChange, c.Auth.EmailChangeToken, newEmail)
	if err != nil {
		return err
	}
	app.sendMail(app.authMail(ctx, MailEmailChange, c, a.Auth, tok, newEmail))
	return nil
}

// ConfirmEmailChange applies the email change of a valid token after
// checking the record's password; it rotates tokenKey and marks the new
// address verified, at most once.
func (app *App) ConfirmEmailChange(ctx context.Context, collection, token, password string) error {
	c, err := app.authCollection(collection)
	if err != nil {
		return err
	}
	errs := galley.ValidationErrors{}
	if token == "" {
		errs.Add("token", "validation_required", "Cannot be blank.")
	}
	if password == "" {
		errs.Add("password", "validation_required", "Cannot be blank.")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	rec, claims, err := app.verifySpecial(ctx, c, token, auth.TypeEmailChange, func(o *galley.AuthOptions) galley.TokenOptions { return o.EmailChangeToken })
	if err != nil {
		return err
	}
	if !auth.CheckPassword(rec.GetString("password"), password) {
		return galley.FieldInvalid("password", "validation_invalid_password", "Invalid password.")
	}
	if err := requireEmail(claims.NewEmail); err != nil {
		return errInvalidToken()
	}
	newKey, oldKey, verified := galley.RandomString(50, tokenKeyAlphabet), rec.GetString("tokenKey"), true
	return app.conditionalUpdate(ctx, c, rec.ID(), store.AuthChange{Email: &claims.NewEmail, TokenKey: &newKey, Verified: &verified},
		store.AuthGuard{TokenKey: &oldKey, Email: &claims.Email})
}

// RefreshAuth returns a new auth token for the actor's own record, which
// must belong to collection: EUnauthenticated for guests, EForbidden for a
// record of another collection (or a missing one) and for a token that may
// not be renewed (impersonation).
func (app *App) RefreshAuth(ctx context.Context, a Actor, collection string) (string, *galley.Record, error) {
	if a.Auth == nil {
		return "", nil, galley.Errorf(galley.EUnauthenticated, "The request requires valid record authorization token.")
	}
	c := app.db.Schema.Collection(collection)
	if c == nil || c.ID != a.Auth.Collection.ID {
		// PocketBase's words, naming the collection of the token's record.
		return "", nil, galley.Errorf(galley.EForbidden, "The request requires auth record from %s collection.", a.Auth.Collection.Name)
	}
	if !a.Refreshable {
		return "", nil, galley.Errorf(galley.EForbidden, "The token is not refreshable (impersonation tokens cannot be refreshed).")
	}
	token, err := app.NewAuthToken(a.Auth, true)
	if err != nil {
		return "", nil, err
	}
	return token, a.Auth, nil
}

// Impersonate returns a non-refreshable auth token for record id of
// collection, valid for duration seconds (0 = the collection's auth token
// duration). Superusers only: EUnauthenticated for guests, EForbidden for
// other auth records.
func (app *App) Impersonate(ctx context.Context, a Actor, collection, id string, duration int64) (string, *galley.Record, error) {
	if err := requireSuperuser(a); err != nil {
		return "", nil, err
	}
	c, err := app.authCollection(collection)
	if err != nil {
		return "", nil, err
	}
	if duration < 0 {
		return "", nil, galley.FieldInvalidParams("duration", "validation_min_greater_equal_than_required", "Must be no less than 0.", map[string]any{"threshold": 0})
	}
	if duration > maxTokenDuration {
		return "", nil, galley.FieldInvalidParams("duration", "validation_max_less_equal_than_required", fmt.Sprintf("Must be no greater than %d.", maxTokenDuration), map[string]any{"threshold": maxTokenDuration})
	}
	rec, err := findByID(ctx, app.db.Reader(), c, id)
	if err != nil {
		return "", nil, err
	}
	if rec == nil {
		return "", nil, galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
	}
	if duration == 0 {
		duration = c.Auth.AuthToken.Duration
	}
	tok, err := auth.Sign(auth.Claims{ID: rec.ID(), CollectionID: c.ID, Type: auth.TypeAuth, Refreshable: false},
		rec.GetString("tokenKey"), c.Auth.AuthToken.Secret, time.Duration(duration)*time.Second)
	if err != nil {
		return "", nil, galley.Internal(err)
	}
	return tok, rec, nil
}

// requireEmail returns a 400 on "email" unless s is a valid address.
func requireEmail(s string) error {
	if s == "" {
		return galley.FieldInvalid("email", "validation_required", "Cannot be blank.")
	}
	if !validEmail(s) {
		return galley.FieldInvalid("email", "validation_is_email", "Must be a valid email address.")
	}
	return nil
}
