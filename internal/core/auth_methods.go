package core

import (
	"context"
	"slices"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/oauth2"
)

// AuthMethods is the answer of GET /api/collections/{c}/auth-methods, in
// the shape of the SDK's AuthMethodsList.
type AuthMethods struct {
	Password AuthMethodPassword `json:"password"`
	OAuth2   AuthMethodOAuth2   `json:"oauth2"`
	MFA      AuthMethodDuration `json:"mfa"`
	OTP      AuthMethodDuration `json:"otp"`

	// The keys of PocketBase's older answer, which it still sends:
	// the OAuth2 providers again, and whether password log-in takes a
	// username or an email.
	AuthProviders    []AuthProviderInfo `json:"authProviders"`
	UsernamePassword bool               `json:"usernamePassword"`
	EmailPassword    bool               `json:"emailPassword"`
}

// AuthMethodPassword says whether password log-in is on, and on which fields.
type AuthMethodPassword struct {
	Enabled        bool     `json:"enabled"`
	IdentityFields []string `json:"identityFields"`
}

// AuthMethodDuration says whether MFA or OTP is on, and for how long (s;
// 0 while off).
type AuthMethodDuration struct {
	Enabled  bool  `json:"enabled"`
	Duration int64 `json:"duration"`
}

// AuthMethodOAuth2 lists the OAuth2 providers ready to start a log-in.
type AuthMethodOAuth2 struct {
	Enabled   bool               `json:"enabled"`
	Providers []AuthProviderInfo `json:"providers"`
}

// AuthProviderInfo is one provider with a fresh state and PKCE pair: the
// client keeps State and CodeVerifier, opens AuthURL + its redirect URL,
// checks the state it gets back and sends the code with CodeVerifier to
// auth-with-oauth2. CodeChallenge and CodeChallengeMethod are empty when
// the provider has PKCE off.
type AuthProviderInfo struct {
	Name                string `json:"name"`
	DisplayName         string `json:"displayName"`
	State               string `json:"state"`
	AuthURL             string `json:"authURL"`
	CodeVerifier        string `json:"codeVerifier"`
	CodeChallenge       string `json:"codeChallenge"`
	CodeChallengeMethod string `json:"codeChallengeMethod"`
}

// AuthMethods returns the auth methods of an auth collection for anyone
// (the endpoint is public). A missing or non-auth collection is ENotFound.
// Providers that cannot be built (unknown name, failed OpenID Connect
// discovery) are left out and logged, so one broken provider does not hide
// the others; with oauth2 disabled the list is empty.
func (app *App) AuthMethods(ctx context.Context, collection string) (*AuthMethods, error) {
	c, err := app.authCollection(collection)
	if err != nil {
		return nil, err
	}
	o := c.Auth
	fields := o.PasswordAuth.IdentityFields
	if fields == nil || !o.PasswordAuth.Enabled {
		fields = []string{} // none while password log-in is off, as PocketBase answers
	}
	out := &AuthMethods{
		Password: AuthMethodPassword{Enabled: o.PasswordAuth.Enabled, IdentityFields: fields},
		OAuth2:   AuthMethodOAuth2{Enabled: o.OAuth2.Enabled, Providers: []AuthProviderInfo{}},
		MFA:      AuthMethodDuration{Enabled: o.MFA.Enabled},
		OTP:      AuthMethodDuration{Enabled: o.OTP.Enabled},
	}
	if o.MFA.Enabled {
		out.MFA.Duration = o.MFA.Duration
	}
	if o.OTP.Enabled {
		out.OTP.Duration = o.OTP.Duration
	}
	if o.PasswordAuth.Enabled {
		out.UsernamePassword = slices.Contains(fields, "username")
		out.EmailPassword = slices.Contains(fields, "email")
	}
	defer func() { out.AuthProviders = out.OAuth2.Providers }()
	if !o.OAuth2.Enabled {
		return out, nil
	}
	reg := app.OAuth2Registry()
	for _, cfg := range o.OAuth2.Providers {
		p, err := reg.Provider(cfg)
		if err != nil {
			app.Log.Warn("oauth2 provider unavailable", "collection", c.Name, "provider", cfg.Name, "err", err)
			continue
		}
		info := AuthProviderInfo{Name: p.Name(), DisplayName: p.DisplayName(), State: oauth2.NewState(),
			CodeVerifier: oauth2.NewCodeVerifier()}
		if p.PKCE() {
			info.CodeChallenge = oauth2.CodeChallengeS256(info.CodeVerifier)
			info.CodeChallengeMethod = "S256"
		}
		info.AuthURL = p.AuthURL(info.State, info.CodeChallenge, nil)
		out.OAuth2.Providers = append(out.OAuth2.Providers, info)
	}
	return out, nil
}

// oauth2Registries holds each App's OAuth2 registry.
//
// Interim: this belongs in a field of App (`OAuth2 *oauth2.Registry`),
// which this file's owner may not add; until then the registry is keyed by
// App here. Entries live as long as the process (one per App).
// SetOAuth2Registry sets the registry of OAuth2 providers app uses. Tests
// set one built with oauth2.Options{AllowPrivateNetworks: true} to reach an
// in-process provider; production keeps the default. Call it before serving.
func (app *App) SetOAuth2Registry(r *oauth2.Registry) { app.oauth2 = r }

// OAuth2Registry returns app's registry of OAuth2 providers (the safe
// default, public addresses only, unless SetOAuth2Registry replaced it).
func (app *App) OAuth2Registry() *oauth2.Registry { return app.oauth2 }

// oauth2ProviderConfig returns the configuration of provider name in c.
func oauth2ProviderConfig(c *galley.Collection, name string) (galley.OAuth2Provider, bool) {
	for _, p := range c.Auth.OAuth2.Providers {
		if p.Name == name {
			return p, true
		}
	}
	return galley.OAuth2Provider{}, false
}
