// Package oauth2 holds Galley's OAuth2 and OpenID Connect log-in providers:
// building the authorization URL, exchanging a code (with its PKCE verifier)
// for tokens, and fetching the user, including ID token verification for
// OpenID Connect. Every server-side fetch goes through one safe HTTP client
// (see NewHTTPClient) that refuses non-public addresses. The package knows
// nothing about records or HTTP handlers: internal/core decides what a user
// means for an auth collection.
package oauth2

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	galley "github.com/galleyhq/galley"
	xoauth2 "golang.org/x/oauth2"
)

// User is the account a provider vouches for.
type User struct {
	// ID is the provider's stable user id (OIDC "sub"); never empty on success.
	ID       string
	Name     string
	Username string
	Email    string
	// EmailVerified is true only when the provider explicitly says it has
	// verified Email. Account linking by email relies on it.
	EmailVerified bool
	AvatarURL     string
	// Raw is the provider's user document (merged ID token claims and user
	// info for OpenID Connect).
	Raw map[string]any
	// Token is the token the user was fetched with.
	Token *xoauth2.Token
}

// Provider is one configured OAuth2 provider of one auth collection.
type Provider interface {
	// Name is the configured provider name ("google", "oidc2", ...).
	Name() string
	// DisplayName is the name shown to users.
	DisplayName() string
	// PKCE reports whether the authorization URL carries a code challenge.
	PKCE() bool
	// AuthURL returns the authorization URL for state, with codeChallenge
	// (S256) when PKCE is on and not empty, and scopes (the provider's
	// defaults when nil). It ends with "redirect_uri=" so that clients can
	// append their redirect URL, as PocketBase clients do.
	AuthURL(state, codeChallenge string, scopes []string) string
	// Exchange trades an authorization code for tokens, sending verifier
	// (PKCE) when not empty and redirectURL as redirect_uri. A refused code
	// (unknown, replayed, wrong verifier or redirect) is an error.
	Exchange(ctx context.Context, code, verifier, redirectURL string) (*xoauth2.Token, error)
	// User fetches and, for OpenID Connect, verifies the user of token.
	// It never returns a User with an empty ID.
	User(ctx context.Context, token *xoauth2.Token) (*User, error)
}

// Factory builds a Provider from its configuration; client is the safe HTTP
// client and r the registry (for shared caches such as OIDC discovery).
type Factory func(cfg galley.OAuth2Provider, r *Registry) (Provider, error)

// Registry builds providers by name. It is safe for concurrent use; the
// zero value is not usable, use NewRegistry.
type Registry struct {
	opts      Options
	client    *http.Client
	mu        sync.RWMutex
	factories map[string]Factory
	display   map[string]string
	oidc      discoveryCache
}

// NewRegistry returns a registry with the built-in providers (see Names)
// and a safe HTTP client configured by opts.
func NewRegistry(opts Options) *Registry {
	r := &Registry{opts: opts.withDefaults(), factories: map[string]Factory{}, display: map[string]string{}}
	r.client = NewHTTPClient(r.opts)
	registerBuiltins(r)
	return r
}

// Register adds or replaces the factory of provider name, shown to users as
// displayName unless the configuration sets one.
func (r *Registry) Register(name, displayName string, f Factory) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.factories[name] = f
	r.display[name] = displayName
}

// Names returns the registered provider names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.factories))
	for n := range r.factories {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// HTTPClient returns the registry's safe HTTP client.
func (r *Registry) HTTPClient() *http.Client { return r.client }

// Options returns the options the registry was built with (defaults applied).
func (r *Registry) Options() Options { return r.opts }

// Provider builds the provider configured by cfg. It returns an
// *UnknownProviderError when no factory is registered for cfg.Name, and an
// error when the configuration is unusable (e.g. an OpenID Connect provider
// whose discovery fails).
func (r *Registry) Provider(cfg galley.OAuth2Provider) (Provider, error) {
	r.mu.RLock()
	f, ok := r.factories[cfg.Name]
	display := r.display[cfg.Name]
	r.mu.RUnlock()
	if !ok {
		return nil, &UnknownProviderError{Name: cfg.Name}
	}
	if cfg.DisplayName == "" {
		cfg.DisplayName = display
	}
	return f(cfg, r)
}

// UnknownProviderError is returned for a provider name with no factory.
type UnknownProviderError struct{ Name string }

func (e *UnknownProviderError) Error() string {
	return fmt.Sprintf("oauth2: unknown provider %q", e.Name)
}

// ctx returns ctx carrying the safe client for x/oauth2 and go-oidc.
func (r *Registry) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, xoauth2.HTTPClient, r.client)
}

// CodeChallengeS256 returns the PKCE S256 challenge of verifier
// (base64url(SHA-256(verifier)) without padding, RFC 7636).
func CodeChallengeS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// NewCodeVerifier returns a random 64-character PKCE verifier from the
// unreserved alphabet of RFC 7636.
func NewCodeVerifier() string {
	return galley.RandomString(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

// NewState returns a random state value.
func NewState() string {
	return galley.RandomString(30, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
}

// pkceOn returns the configured PKCE flag, or def when unset.
func pkceOn(cfg galley.OAuth2Provider, def bool) bool {
	if cfg.PKCE != nil {
		return *cfg.PKCE
	}
	return def
}

// extraString returns cfg.Extra[key] when it is a string.
func extraString(cfg galley.OAuth2Provider, key string) string {
	s, _ := cfg.Extra[key].(string)
	return s
}

// discoveryTTL is how long an OpenID Connect discovery result is reused.
const discoveryTTL = time.Hour
