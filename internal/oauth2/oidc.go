package oauth2

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	galley "github.com/galleyhq/galley"
	xoauth2 "golang.org/x/oauth2"
)

// oidcProvider is a generic OpenID Connect provider ("oidc", "oidc2",
// "oidc3"). The issuer is pinned: it comes from extra.issuer, or from
// extra.discoveryURL (issuer + "/.well-known/openid-configuration"), or is
// derived from authURL (its directory, then its origin), and discovery must
// answer with exactly that issuer. Endpoints come from discovery unless the
// configuration overrides them; extra.jwksURL together with extra.issuer
// skips discovery.
//
// The ID token of the token response is required and verified: signature
// against the issuer's JWKS, iss, aud (the client id; azp when there are
// several audiences), exp, and at_hash when present. User info, when the
// provider has an endpoint, must be about the same subject.
//
// No nonce is sent: the state is checked by the client, and PKCE binds the
// code to the client that started the flow.
type oidcProvider struct {
	*base
	clientID string
	verifier *oidc.IDTokenVerifier
}

// discoveryCache keeps discovered providers by issuer, so JWKS stay cached
// between log-ins (go-oidc refetches them when an unknown key id appears).
type discoveryCache struct {
	mu sync.Mutex
	m  map[string]discovered
}

type discovered struct {
	p  *oidc.Provider
	at time.Time
}

// discover returns the provider of issuer, from cache or by discovery.
func (r *Registry) discover(ctx context.Context, issuer string) (*oidc.Provider, error) {
	c := &r.oidc
	c.mu.Lock()
	d, ok := c.m[issuer]
	c.mu.Unlock()
	if ok && time.Since(d.at) < discoveryTTL {
		return d.p, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	p, err := oidc.NewProvider(r.ctx(ctx), issuer)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) > 256 {
		c.m = map[string]discovered{}
	}
	c.m[issuer] = discovered{p: p, at: time.Now()}
	c.mu.Unlock()
	return p, nil
}

// issuerCandidates lists the issuers to try for cfg, most explicit first.
func issuerCandidates(cfg galley.OAuth2Provider) []string {
	if s := extraString(cfg, "issuer"); s != "" {
		return []string{s}
	}
	if s := extraString(cfg, "discoveryURL"); s != "" {
		return []string{strings.TrimSuffix(s, "/.well-known/openid-configuration")}
	}
	u, err := url.Parse(cfg.AuthURL)
	if err != nil || u.Host == "" {
		return nil
	}
	origin := u.Scheme + "://" + u.Host
	var out []string
	if dir := path.Dir(u.Path); dir != "/" && dir != "." {
		out = append(out, origin+dir)
	}
	return append(out, origin)
}

func newOIDC(cfg galley.OAuth2Provider, r *Registry) (Provider, error) {
	if cfg.ClientID == "" {
		return nil, fmt.Errorf("oauth2: provider %q: missing clientId", cfg.Name)
	}
	ctx := r.ctx(context.Background())
	var prov *oidc.Provider
	if jwks, iss := extraString(cfg, "jwksURL"), extraString(cfg, "issuer"); jwks != "" && iss != "" {
		pc := oidc.ProviderConfig{IssuerURL: iss, AuthURL: cfg.AuthURL, TokenURL: cfg.TokenURL, UserInfoURL: cfg.UserInfoURL, JWKSURL: jwks}
		prov = pc.NewProvider(ctx)
	} else {
		var errs []error
		for _, iss := range issuerCandidates(cfg) {
			p, err := r.discover(ctx, iss)
			if err == nil {
				prov = p
				break
			}
			errs = append(errs, err)
		}
		if prov == nil {
			return nil, fmt.Errorf("oauth2: provider %q: OpenID Connect discovery failed (set extra.issuer): %w", cfg.Name, errors.Join(errs...))
		}
	}
	ep := prov.Endpoint()
	b, err := newBase(cfg, r, endpoints{auth: ep.AuthURL, token: ep.TokenURL, user: prov.UserInfoEndpoint(),
		scopes: []string{oidc.ScopeOpenID, "email", "profile"}, pkce: true})
	if err != nil {
		return nil, err
	}
	return &oidcProvider{base: b, clientID: cfg.ClientID, verifier: prov.Verifier(&oidc.Config{ClientID: cfg.ClientID})}, nil
}

// User implements Provider: it verifies the ID token and merges user info.
func (p *oidcProvider) User(ctx context.Context, tok *xoauth2.Token) (*User, error) {
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return nil, fmt.Errorf("oauth2: %s: the token response has no id_token", p.name)
	}
	idt, err := p.verifier.Verify(p.reg.ctx(ctx), rawID)
	if err != nil {
		return nil, fmt.Errorf("oauth2: %s: invalid ID token: %w", p.name, err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("oauth2: %s: ID token claims: %w", p.name, err)
	}
	if len(idt.Audience) > 1 && str(claims, "azp") != p.clientID {
		return nil, fmt.Errorf("oauth2: %s: invalid ID token: azp is not the client id", p.name)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, fmt.Errorf("oauth2: %s: invalid ID token: %w", p.name, err)
		}
	}
	if p.userURL != "" {
		info, err := p.getRaw(ctx, tok, p.userURL)
		if err != nil {
			return nil, err
		}
		if str(info, "sub") != idt.Subject {
			return nil, fmt.Errorf("oauth2: %s: user info is about another subject than the ID token", p.name)
		}
		mergeUserInfo(claims, info)
	}
	u := &User{ID: idt.Subject, Name: str(claims, "name"), Username: str(claims, "preferred_username"),
		Email: str(claims, "email"), EmailVerified: truthy(claims["email_verified"]),
		AvatarURL: str(claims, "picture"), Raw: claims}
	return finish(u, tok)
}

// mergeUserInfo adds user info claims missing from the ID token claims. The
// email and email_verified pair always comes from one source, so a verified
// flag about one address never vouches for another.
func mergeUserInfo(claims, info map[string]any) {
	_, idHasEmail := claims["email"]
	for k, v := range info {
		if k == "email" || k == "email_verified" {
			continue
		}
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	if !idHasEmail {
		if e, ok := info["email"]; ok {
			claims["email"] = e
			delete(claims, "email_verified")
			if v, ok := info["email_verified"]; ok {
				claims["email_verified"] = v
			}
		}
	}
}
