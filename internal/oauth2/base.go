package oauth2

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	galley "github.com/galleyhq/galley"
	xoauth2 "golang.org/x/oauth2"
)

// base is the plain OAuth2 part shared by every provider: the authorization
// URL and the code exchange. Providers embed it and add User.
type base struct {
	reg     *Registry
	name    string
	display string
	pkce    bool
	conf    xoauth2.Config
	userURL string
}

// endpoints are a provider's default URLs and scopes.
type endpoints struct {
	auth, token, user string
	scopes            []string
	pkce              bool
}

// newBase applies cfg's overrides to the defaults d.
func newBase(cfg galley.OAuth2Provider, r *Registry, d endpoints) (*base, error) {
	b := &base{reg: r, name: cfg.Name, display: cfg.DisplayName, pkce: pkceOn(cfg, d.pkce), userURL: d.user}
	b.conf = xoauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		Endpoint:     xoauth2.Endpoint{AuthURL: d.auth, TokenURL: d.token},
		Scopes:       d.scopes,
	}
	if cfg.AuthURL != "" {
		b.conf.Endpoint.AuthURL = cfg.AuthURL
	}
	if cfg.TokenURL != "" {
		b.conf.Endpoint.TokenURL = cfg.TokenURL
	}
	if cfg.UserInfoURL != "" {
		b.userURL = cfg.UserInfoURL
	}
	if b.conf.ClientID == "" {
		return nil, fmt.Errorf("oauth2: provider %q: missing clientId", cfg.Name)
	}
	if b.conf.Endpoint.AuthURL == "" || b.conf.Endpoint.TokenURL == "" {
		return nil, fmt.Errorf("oauth2: provider %q: missing authURL or tokenURL", cfg.Name)
	}
	return b, nil
}

func (b *base) Name() string        { return b.name }
func (b *base) DisplayName() string { return b.display }
func (b *base) PKCE() bool          { return b.pkce }

// AuthURL implements Provider.
func (b *base) AuthURL(state, codeChallenge string, scopes []string) string {
	conf := b.conf
	if scopes != nil {
		conf.Scopes = scopes
	}
	var opts []xoauth2.AuthCodeOption
	if b.pkce && codeChallenge != "" {
		opts = append(opts,
			xoauth2.SetAuthURLParam("code_challenge", codeChallenge),
			xoauth2.SetAuthURLParam("code_challenge_method", "S256"))
	}
	u := conf.AuthCodeURL(state, opts...)
	// The client appends its redirect URL (PocketBase clients do
	// authURL + redirectURL), so redirect_uri goes last and empty.
	return u + "&redirect_uri="
}

// Exchange implements Provider.
func (b *base) Exchange(ctx context.Context, code, verifier, redirectURL string) (*xoauth2.Token, error) {
	conf := b.conf
	conf.RedirectURL = redirectURL
	var opts []xoauth2.AuthCodeOption
	if verifier != "" {
		opts = append(opts, xoauth2.VerifierOption(verifier))
	}
	tok, err := conf.Exchange(b.reg.ctx(ctx), code, opts...)
	if err != nil {
		return nil, fmt.Errorf("oauth2: %s: code exchange: %w", b.name, err)
	}
	return tok, nil
}

// getJSON fetches url with the bearer token into v (a JSON document). A
// non-2xx answer is an error naming the status.
func (b *base) getJSON(ctx context.Context, tok *xoauth2.Token, url string, v any) error {
	if url == "" {
		return fmt.Errorf("oauth2: %s: no user info URL", b.name)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("oauth2: %s: %w", b.name, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Galley")
	tok.SetAuthHeader(req)
	res, err := b.reg.client.Do(req)
	if err != nil {
		return fmt.Errorf("oauth2: %s: fetch %s: %w", b.name, req.URL.Redacted(), err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("oauth2: %s: read %s: %w", b.name, req.URL.Redacted(), err)
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("oauth2: %s: %s answered %d: %.200s", b.name, req.URL.Redacted(), res.StatusCode, body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keep big numeric ids exact
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("oauth2: %s: decode %s: %w", b.name, req.URL.Redacted(), err)
	}
	return nil
}

// getRaw fetches the user document as a map.
func (b *base) getRaw(ctx context.Context, tok *xoauth2.Token, url string) (map[string]any, error) {
	var raw map[string]any
	if err := b.getJSON(ctx, tok, url, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, fmt.Errorf("oauth2: %s: user info is not a JSON object", b.name)
	}
	return raw, nil
}

// errNoUserID is returned when a provider's user document has no id.
var errNoUserID = errors.New("oauth2: the provider returned no user id")

// str returns raw[key] as a string: strings as is, numbers (e.g. GitHub's
// numeric ids) without exponent, anything else "".
func str(raw map[string]any, key string) string {
	switch v := raw[key].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	}
	return ""
}

// truthy reads a boolean claim that some providers send as a string.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return strings.EqualFold(x, "true")
	}
	return false
}

// finish checks u and attaches tok.
func finish(u *User, tok *xoauth2.Token) (*User, error) {
	if u.ID == "" {
		return nil, errNoUserID
	}
	if u.Email == "" {
		u.EmailVerified = false
	}
	u.Token = tok
	return u, nil
}
