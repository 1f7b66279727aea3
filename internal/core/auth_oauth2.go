package core

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/oauth2"
	"github.com/galleyhq/galley/internal/store"
)

// OAuth2Login is the body of auth-with-oauth2.
type OAuth2Login struct {
	Provider     string
	Code         string
	CodeVerifier string
	RedirectURL  string
	// CreateData holds field values for a record created by this log-in;
	// it is ignored when the log-in finds an existing record.
	CreateData Body
	// MFAID completes a pending MFA started by another auth method.
	MFAID string
}

// OAuth2Meta is the "meta" of an OAuth2 log-in answer.
type OAuth2Meta struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Username     string         `json:"username"`
	Email        string         `json:"email"`
	AvatarURL    string         `json:"avatarURL"`
	AccessToken  string         `json:"accessToken"`
	RefreshToken string         `json:"refreshToken"`
	Expiry       string         `json:"expiry"`
	IsNew        bool           `json:"isNew"`
	RawUser      map[string]any `json:"rawUser"`
}

// OAuth2Auth is the result of a successful OAuth2 log-in.
type OAuth2Auth struct {
	Token  string
	Record *galley.Record
	Meta   OAuth2Meta
}

// errOAuth2Unlinkable refuses to link an OAuth2 identity to an existing
// account by email when either side has not verified the address: an
// attacker could otherwise pre-register the victim's email with a password
// and keep access after the victim's first OAuth2 log-in (pre-hijacking),
// or claim an account through a provider that does not verify emails.
func errOAuth2Unlinkable() error {
	return galley.Errorf(galley.EInvalid, "An account with this email already exists. "+
		"It is linked automatically only when both the account and the OAuth2 provider have verified the email; "+
		"sign in to the account another way, then authenticate with OAuth2 while signed in to link it.")
}

// AuthWithOAuth2 logs in with an OAuth2 provider of an auth collection:
// it exchanges in.Code (with in.CodeVerifier for PKCE) at the provider,
// fetches the user (an OpenID Connect ID token is verified against the
// issuer's keys) and then picks the record:
//
//  1. the record linked to (collection, provider, provider user id) in
//     _externalAuths;
//  2. when a is signed in to a record of the same collection: that record,
//     which gets linked (refused if the identity is linked to another);
//  3. the record with the provider's email, linked only if the provider
//     says the email is verified AND the record is verified (otherwise
//     EInvalid and nothing changes: see errOAuth2Unlinkable);
//  4. a new record: the provider's email (verified only if the provider
//     says so), a random password unless CreateData sets one, CreateData
//     through the normal create path (validation and createRule), and the
//     collection's mappedFields (name, username, avatarURL into text or url
//     fields; avatars are not downloaded into file fields yet). Mapped
//     values that fail validation are dropped rather than failing the
//     log-in.
//
// The authRule is checked for the chosen record before it is linked or
// created (null or not matching: EForbidden, and nothing is kept), then
// FinishAuth checks it again and handles MFA (*MFARequiredError for a first
// factor; in.MFAID completes one). Errors: ENotFound for a
// missing or non-auth collection, EForbidden when oauth2 is disabled,
// EInvalid for missing fields, an unknown provider, a refused code or an
// invalid user or ID token. The OAuth2 state is checked by the client (as
// in PocketBase); the server relies on the provider's single-use codes and
// the PKCE verifier.
func (app *App) AuthWithOAuth2(ctx context.Context, a Actor, collection string, in OAuth2Login) (*OAuth2Auth, error) {
	c, err := app.authCollectionFor(ctx, a, collection)
	if err != nil {
		return nil, err
	}
	if !c.Auth.OAuth2.Enabled {
		return nil, galley.Errorf(galley.EForbidden, "The collection is not configured to allow OAuth2 authentication.")
	}
	errs := galley.ValidationErrors{}
	for field, v := range map[string]string{"provider": in.Provider, "code": in.Code, "redirectURL": in.RedirectURL} {
		if strings.TrimSpace(v) == "" {
			errs.Add(field, "validation_required", "Cannot be blank.")
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if err := app.checkRedirectURL(ctx, in.RedirectURL); err != nil {
		return nil, err
	}
	cfg, ok := oauth2ProviderConfig(c, in.Provider)
	if !ok {
		return nil, galley.FieldInvalid("provider", "validation_invalid_value", "Missing or invalid OAuth2 provider.")
	}
	p, err := app.OAuth2Registry().Provider(cfg)
	if err != nil {
		var unknown *oauth2.UnknownProviderError
		if errors.As(err, &unknown) {
			return nil, galley.FieldInvalid("provider", "validation_invalid_value", "Missing or invalid OAuth2 provider.")
		}
		app.Log.Warn("oauth2 provider unavailable", "collection", c.Name, "provider", cfg.Name, "err", err)
		return nil, &galley.Error{Code: galley.EInvalid, Message: "Failed to initialize the OAuth2 provider.", Err: err}
	}
	tok, err := p.Exchange(ctx, in.Code, in.CodeVerifier, in.RedirectURL)
	if err != nil {
		return nil, &galley.Error{Code: galley.EInvalid, Message: "Failed to fetch OAuth2 token.", Err: err}
	}
	user, err := p.User(ctx, tok)
	if err != nil {
		return nil, &galley.Error{Code: galley.EInvalid, Message: "Failed to fetch OAuth2 user.", Err: err}
	}
	rec, isNew, err := app.oauth2Record(ctx, a, c, cfg.Name, user, in.CreateData)
	if err != nil {
		return nil, err
	}
	// authRule and MFA: a first factor answers *MFARequiredError (401
	// {mfaId}); with in.MFAID this log-in is the second factor.
	token, err := app.FinishAuth(ctx, a, rec, MethodOAuth2, in.MFAID)
	if err != nil {
		return nil, err
	}
	meta := OAuth2Meta{ID: user.ID, Name: user.Name, Username: user.Username, Email: user.Email,
		AvatarURL: user.AvatarURL, IsNew: isNew, RawUser: user.Raw}
	if meta.RawUser == nil {
		meta.RawUser = map[string]any{}
	}
	if t := user.Token; t != nil {
		meta.AccessToken, meta.RefreshToken = t.AccessToken, t.RefreshToken
		if !t.Expiry.IsZero() {
			meta.Expiry = galley.FormatTime(t.Expiry)
		}
	}
	return &OAuth2Auth{Token: token, Record: rec, Meta: meta}, nil
}

// oauth2Record picks, links or creates the record of user (steps 1-4 of
// AuthWithOAuth2) and checks its authRule.
func (app *App) oauth2Record(ctx context.Context, a Actor, c *galley.Collection, provider string, user *oauth2.User, createData Body) (*galley.Record, bool, error) {
	for attempt := 0; ; attempt++ {
		linked, err := app.oauth2Linked(ctx, app.db.Reader(), c, provider, user.ID)
		if err != nil {
			return nil, false, err
		}
		var target *galley.Record
		switch {
		case a.Auth != nil && a.Auth.Collection != nil && a.Auth.Collection.ID == c.ID:
			if linked != nil && linked.ID() != a.Auth.ID() {
				return nil, false, galley.Errorf(galley.EInvalid, "This OAuth2 account is already linked to another record.")
			}
			if linked != nil {
				return linked, false, nil
			}
			target = a.Auth
		case linked != nil:
			return linked, false, nil
		case user.Email != "":
			existing, err := app.oauth2ByEmail(ctx, c, user.Email)
			if err != nil {
				return nil, false, err
			}
			if existing != nil {
				if !user.EmailVerified || !oauth2Verified(existing) {
					return nil, false, errOAuth2Unlinkable()
				}
				target = existing
			}
		}
		if target != nil {
			err = app.oauth2Link(ctx, target, provider, user.ID)
			if err == nil {
				return target, false, nil
			}
		} else {
			var rec *galley.Record
			if rec, err = app.oauth2Create(ctx, a, c, provider, user, createData); err == nil {
				return rec, true, nil
			}
		}
		// A concurrent first log-in of the same identity may have linked it
		// meanwhile: look again once.
		if galley.ErrorCodeOf(err) != galley.EConflict || attempt > 0 {
			return nil, false, err
		}
	}
}

// oauth2Verified reports whether an auth record has verified its email.
func oauth2Verified(r *galley.Record) bool { v, _ := r.Data["verified"].(bool); return v }

// oauth2Linked returns the record linked to the identity, or nil. A link
// whose record is gone is ignored (and removed by record deletion later).
func (app *App) oauth2Linked(ctx context.Context, q store.Querier, c *galley.Collection, provider, providerID string) (*galley.Record, error) {
	recordID, err := store.ExternalAuthRecordID(ctx, q, c.ID, provider, providerID)
	if err != nil {
		if galley.ErrorCodeOf(err) == galley.ENotFound {
			return nil, nil
		}
		return nil, err
	}
	rec, err := store.FindRecordByID(ctx, q, c, recordID)
	if galley.ErrorCodeOf(err) == galley.ENotFound {
		return nil, nil
	}
	return rec, err
}

// oauth2ByEmail returns the record of c with email (case-insensitive), or nil.
func (app *App) oauth2ByEmail(ctx context.Context, c *galley.Collection, email string) (*galley.Record, error) {
	if c.Field("email") == nil {
		return nil, nil
	}
	return app.findByEmail(ctx, app.db.Reader(), c, email)
}

// oauth2InsertLink records the identity → record link in tx, first
// dropping a link of the same identity whose record no longer exists (so a
// deleted account does not block the identity forever).
func oauth2InsertLink(ctx context.Context, tx *store.Tx, rec *galley.Record, provider, providerID string) error {
	return tx.LinkExternalAuth(ctx, rec.Collection, rec.ID(), provider, providerID, time.Now())
}

// oauth2Link links an existing record after checking its authRule, in one
// transaction.
func (app *App) oauth2Link(ctx context.Context, rec *galley.Record, provider, providerID string) error {
	return app.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := app.oauth2CheckAuthRule(ctx, tx, rec); err != nil {
			return err
		}
		return oauth2InsertLink(ctx, tx, rec, provider, providerID)
	})
}

// oauth2CheckAuthRule checks c's authRule for rec through q (a transaction
// that is about to link or create it), as FinishAuth does: null (except for
// superusers) or not matching is EForbidden.
func (app *App) oauth2CheckAuthRule(ctx context.Context, q store.Querier, rec *galley.Record) error {
	c := rec.Collection
	if c.Auth.AuthRule == nil {
		if c.Name == galley.SuperusersName {
			return nil
		}
		return galley.Errorf(galley.EForbidden, "The authentication is not allowed for this collection.")
	}
	if *c.Auth.AuthRule == "" {
		return nil
	}
	ok, err := app.recordMatches(ctx, q, Actor{Auth: rec}, c, rec.ID(), *c.Auth.AuthRule)
	if err != nil {
		return err
	}
	if !ok {
		return galley.Errorf(galley.EForbidden, "The authenticated record doesn't satisfy the collection's authRule.")
	}
	return nil
}

// oauth2MappedKeys are the user data keys mappedFields may name, with the
// field types each may be written to.
var oauth2MappedKeys = []string{"id", "name", "username", "avatarURL"}

// oauth2Create creates the record of a first OAuth2 log-in and links it, in
// one transaction, so a refused createRule or authRule leaves nothing. It
// retries without a mapped value that fails validation (e.g. a username
// already taken).
func (app *App) oauth2Create(ctx context.Context, a Actor, c *galley.Collection, provider string, user *oauth2.User, createData Body) (*galley.Record, error) {
	mapped := map[string]string{} // field name → value from the provider
	values := map[string]string{"id": user.ID, "name": user.Name, "username": user.Username, "avatarURL": user.AvatarURL}
	for _, key := range oauth2MappedKeys {
		name := c.Auth.OAuth2.MappedFields[key]
		f := c.Field(name)
		if name == "" || f == nil || values[key] == "" || name == "id" {
			continue
		}
		if _, set := createData[name]; set {
			continue // the client's createData wins over mapped values
		}
		switch f.Type {
		case galley.FieldText, galley.FieldURL, galley.FieldEditor:
			mapped[name] = values[key]
		}
		// File fields (the avatar downloaded through the safe client) are a
		// later issue: the URL is never fetched until then.
	}
	for {
		rec, err := app.oauth2CreateOnce(ctx, a, c, provider, user, createData, mapped)
		var ge *galley.Error
		if err == nil || !errors.As(err, &ge) || (ge.Code != galley.EInvalid && ge.Code != galley.EConflict) {
			return rec, err
		}
		dropped := false
		for name := range ge.Fields {
			if _, ok := mapped[name]; ok {
				delete(mapped, name)
				dropped = true
			}
		}
		if !dropped {
			return nil, err
		}
	}
}

func (app *App) oauth2CreateOnce(ctx context.Context, a Actor, c *galley.Collection, provider string, user *oauth2.User, createData Body, mapped map[string]string) (*galley.Record, error) {
	body := make(Body, len(createData)+len(mapped)+3)
	for k, v := range createData {
		body[k] = v
	}
	delete(body, "verified") // only the provider can vouch for the email
	if err := checkAuthBody(Actor{}, nil, body, false); err != nil {
		return nil, err
	}
	for name, v := range mapped {
		body[name] = jsonString(v)
	}
	if user.Email != "" && c.Field("email") != nil {
		// The provider's address wins: the client cannot pick an address
		// and have it count as verified.
		body["email"] = jsonString(user.Email)
	}
	if _, ok := body["password"]; !ok {
		pw := galley.RandomString(32, tokenKeyAlphabet)
		body["password"], body["passwordConfirm"] = jsonString(pw), jsonString(pw)
	}
	guest := Actor{Request: a.Request, IP: a.IP}
	r := newRecord(c)
	resolved, err := applyBody(guest, r, RecordInput{Body: body}, true)
	if err != nil {
		return nil, err
	}
	guest = withBody(guest, resolved)
	ruleSQL, ruleArgs, err := app.ruleWhere(guest, c, "create")
	if err != nil {
		return nil, err
	}
	if _, ok := r.Data["verified"]; ok {
		r.Data["verified"] = user.EmailVerified && user.Email != "" && strings.EqualFold(r.GetString("email"), user.Email)
	}
	normalizeSingle(r)
	if err := app.fillAuto(r, true); err != nil {
		return nil, err
	}
	err = app.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := app.insertChecked(ctx, tx, r, ruleSQL, ruleArgs); err != nil {
			return err
		}
		if err := app.oauth2CheckAuthRule(ctx, tx, r); err != nil {
			return err
		}
		return oauth2InsertLink(ctx, tx, r, provider, user.ID)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// checkRedirectURL accepts an absolute http(s) redirect URL (no userinfo).
// When the server is configured with explicit allowed origins (--origins,
// not "*"), the URL's origin must be one of them or the origin of settings
// meta.appURL, so a stolen code cannot be redeemed for a foreign redirect;
// with the default "*", any origin is accepted (local development).
func (app *App) checkRedirectURL(ctx context.Context, raw string) error {
	bad := galley.FieldInvalid("redirectURL", "validation_invalid_redirect_url", "The redirect URL must be an absolute http(s) URL of an allowed origin.")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return bad
	}
	var allowed []string
	for _, o := range app.AllowedOrigins {
		if o != "*" {
			allowed = append(allowed, strings.TrimRight(o, "/"))
		}
	}
	if len(allowed) == 0 {
		return nil
	}
	if set, err := app.Settings(ctx); err == nil && set.Meta.AppURL != "" {
		if a, err := url.Parse(set.Meta.AppURL); err == nil && a.Host != "" {
			allowed = append(allowed, a.Scheme+"://"+a.Host)
		}
	}
	origin := u.Scheme + "://" + u.Host
	for _, o := range allowed {
		if strings.EqualFold(o, origin) {
			return nil
		}
	}
	return bad
}
