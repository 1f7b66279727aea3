package core

import (
	"context"
	"crypto/subtle"
	"slices"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/auth"
	"github.com/galleyhq/galley/internal/ratelimit"
	"github.com/galleyhq/galley/internal/store"
)

// errAuthFailed is the one answer for an unknown identity and a wrong password.
func errAuthFailed() error { return galley.Errorf(galley.EInvalid, "Failed to authenticate.") }

// authCollection resolves an auth collection (ENotFound when missing or not auth).
func (app *App) authCollection(nameOrID string) (*galley.Collection, error) {
	c := app.db.Schema.Collection(nameOrID)
	if c == nil || !c.IsAuth() || c.Auth == nil {
		return nil, galley.Errorf(galley.ENotFound, "Missing or invalid auth collection context.")
	}
	return c, nil
}

// AuthWithPassword finds the record of collection whose identity field
// (email by default, case-insensitive) equals identity and checks password.
// An unknown identity and a wrong password both cost one bcrypt comparison
// and return the same EInvalid "Failed to authenticate.".
func (app *App) AuthWithPassword(ctx context.Context, a Actor, collection, identity, password, identityField, mfaID string) (string, *galley.Record, error) {
	c, err := app.authCollectionFor(ctx, a, collection)
	if err != nil {
		return "", nil, err
	}
	if !c.Auth.PasswordAuth.Enabled {
		return "", nil, galley.Errorf(galley.EForbidden, "The collection is not configured to allow password authentication.")
	}
	fields := c.Auth.PasswordAuth.IdentityFields
	if len(fields) == 0 {
		fields = []string{"email"}
	}
	if identityField != "" {
		if !slices.Contains(fields, identityField) {
			return "", nil, galley.FieldInvalid("identityField", "validation_in_invalid", "Must be a valid value.")
		}
		fields = []string{identityField}
	}
	acct := ratelimit.AccountKey(c.ID, identity)
	if ok, wait := app.Guards.Login.Attempt(a.IP, acct); !ok {
		return "", nil, ratelimit.TooMany(wait)
	}
	var rec *galley.Record
	if identity != "" {
		for _, name := range fields {
			f := c.Field(name)
			if f == nil {
				continue
			}
			found, err := app.db.FindRecordByIdentity(ctx, app.db.Reader(), c, f, identity)
			if err == nil {
				rec = found
				break
			}
			if galley.ErrorCodeOf(err) != galley.ENotFound {
				return "", nil, err
			}
		}
	}
	hash := ""
	if rec != nil {
		hash = rec.GetString("password")
	}
	if !auth.CheckPassword(hash, password) || rec == nil {
		return "", nil, errAuthFailed()
	}
	app.Guards.Login.Succeeded(a.IP, acct)
	if f := c.Field("password"); f != nil && auth.NeedsRehash(hash, f.Cost) {
		app.rehash(ctx, rec, hash, password, f.Cost)
	}
	token, err := app.FinishAuth(ctx, a, rec, MethodPassword, mfaID)
	return token, rec, err
}

// rehash replaces rec's password hash with one at the configured cost (only
// if the hash did not change meanwhile). Failures are logged: the log-in
// itself already succeeded.
func (app *App) rehash(ctx context.Context, rec *galley.Record, old, password string, cost int) {
	h, err := auth.HashPassword(password, cost)
	if err == nil {
		err = app.db.WithTx(ctx, func(tx *store.Tx) error {
			_, err := tx.UpdateAuthRecordIf(ctx, rec.Collection, rec.ID(), store.AuthChange{Password: &h}, store.AuthGuard{Password: &old})
			return err
		})
	}
	if err != nil {
		app.Log.Warn("password re-hash failed", "collection", rec.Collection.Name, "id", rec.ID(), "err", err)
	}
}

// NewAuthToken signs an auth token for rec with its tokenKey and its
// collection's secret.
func (app *App) NewAuthToken(rec *galley.Record, refreshable bool) (string, error) {
	c := rec.Collection
	ttl := time.Duration(c.Auth.AuthToken.Duration) * time.Second
	if ttl <= 0 {
		ttl = 7 * 24 * time.Hour
	}
	tok, err := auth.Sign(auth.Claims{ID: rec.ID(), CollectionID: c.ID, Type: auth.TypeAuth, Refreshable: refreshable},
		rec.GetString("tokenKey"), c.Auth.AuthToken.Secret, ttl)
	if err != nil {
		return "", galley.Internal(err)
	}
	return tok, nil
}

// Authenticate returns the auth record a token belongs to, used by a
// client at ip (after trusted-proxy resolution). A malformed, expired,
// wrongly signed or non-auth token, or one whose record is gone or whose
// tokenKey changed (password change), is EUnauthenticated. A superuser's
// token used from an IP the superuserIPs setting does not list is
// EForbidden.
func (app *App) Authenticate(ctx context.Context, token, ip string) (*galley.Record, *auth.Claims, error) {
	rec, claims, err := app.verifyRecordToken(ctx, token, auth.TypeAuth, func(o *galley.AuthOptions) string { return o.AuthToken.Secret })
	if err != nil {
		return nil, nil, err
	}
	if rec.Collection.Name == galley.SuperusersName {
		if err := app.checkSuperuserIP(ctx, ip); err != nil {
			return nil, nil, err
		}
	}
	return rec, claims, nil
}

// verifyRecordToken returns the auth record a token of type typ belongs
// to; secret picks the collection's secret for that type. Every failure
// is EUnauthenticated, except a failed database read.
func (app *App) verifyRecordToken(ctx context.Context, token, typ string, secret func(*galley.AuthOptions) string) (*galley.Record, *auth.Claims, error) {
	bad := galley.Errorf(galley.EUnauthenticated, "The request requires valid record authorization token.")
	var rec *galley.Record
	var lookupErr error
	claims, err := auth.VerifyWithKey(token, typ, func(cl *auth.Claims) (string, string, error) {
		c := app.db.Schema.Collection(cl.CollectionID)
		if cl.ID == "" || c == nil || !c.IsAuth() || c.Auth == nil || c.ID != cl.CollectionID {
			return "", "", bad
		}
		r, err := findByID(ctx, app.db.Reader(), c, cl.ID)
		if err != nil {
			lookupErr = err
			return "", "", err
		}
		if r == nil {
			return "", "", bad
		}
		rec = r
		return rec.GetString("tokenKey"), secret(c.Auth), nil
	})
	if lookupErr != nil {
		return nil, nil, lookupErr
	}
	if err != nil || rec == nil {
		return nil, nil, bad
	}
	return rec, claims, nil
}

// HasSuperusers reports whether at least one superuser exists.
func (app *App) HasSuperusers(ctx context.Context) (bool, error) {
	n, err := store.CountSuperusers(ctx, app.db.Reader())
	return n > 0, err
}

// UpsertSuperuser creates the superuser email or sets its password.
func (app *App) UpsertSuperuser(ctx context.Context, email, password string) (*galley.Record, error) {
	c, err := app.authCollection(galley.SuperusersName)
	if err != nil {
		return nil, err
	}
	root := Actor{Auth: &galley.Record{Collection: c, Data: map[string]any{}}}
	body := Body{"password": jsonString(password), "passwordConfirm": jsonString(password)}
	rec, err := app.findByEmail(ctx, app.db.Reader(), c, email)
	if err != nil {
		return nil, err
	}
	if rec != nil {
		return app.UpdateRecord(ctx, root, c.Name, rec.ID(), RecordInput{Body: body}, "")
	}
	body["email"] = jsonString(email)
	return app.CreateRecord(ctx, root, c.Name, RecordInput{Body: body}, "")
}

// DeleteSuperuser deletes the superuser with email (ENotFound when missing).
func (app *App) DeleteSuperuser(ctx context.Context, email string) error {
	c, err := app.authCollection(galley.SuperusersName)
	if err != nil {
		return err
	}
	rec, err := app.findByEmail(ctx, app.db.Reader(), c, email)
	if err != nil {
		return err
	}
	if rec == nil {
		return galley.Errorf(galley.ENotFound, "No superuser with email %q.", email)
	}
	root := Actor{Auth: &galley.Record{Collection: c, Data: map[string]any{}}}
	return app.DeleteRecord(ctx, root, c.Name, rec.ID())
}

// InstallSuperuser creates the first superuser when none exists, if token
// matches the one-time install token.
func (app *App) InstallSuperuser(ctx context.Context, want, token, email, password string) (*galley.Record, error) {
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(strings.TrimSpace(token))) != 1 {
		return nil, galley.Errorf(galley.EForbidden, "Invalid or expired install token.")
	}
	has, err := app.HasSuperusers(ctx)
	if err != nil {
		return nil, err
	}
	if has {
		return nil, galley.Errorf(galley.EForbidden, "A superuser already exists.")
	}
	return app.UpsertSuperuser(ctx, email, password)
}
