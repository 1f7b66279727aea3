// Package oidctest is a small, standards-following OpenID Connect provider
// for tests: discovery, a JWKS with one RSA key, an authorization endpoint
// that binds each code to a client, redirect URI and PKCE challenge, a token
// endpoint that checks all three and issues an RS256 ID token, and a user
// info endpoint. Knobs forge the ID token (wrong key, issuer, audience,
// expiry) to test that relying parties refuse it.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// User is the account the provider logs in.
type User struct {
	Sub               string
	Email             string
	EmailVerified     bool
	Name              string
	PreferredUsername string
	Picture           string
}

// Knobs make the provider misbehave, one way each.
type Knobs struct {
	// ForgeSignature signs ID tokens with a key that is not in the JWKS
	// (under the published key id).
	ForgeSignature bool
	// WrongIssuer puts another issuer in ID tokens.
	WrongIssuer bool
	// WrongAudience puts another audience in ID tokens.
	WrongAudience bool
	// Expired issues ID tokens that expired an hour ago.
	Expired bool
	// NoIDToken leaves the id_token out of token responses.
	NoIDToken bool
	// UserInfoSub, when set, is the subject the user info endpoint claims.
	UserInfoSub string
}

// Provider is a running test OpenID Connect provider.
type Provider struct {
	// URL is the base URL and the issuer.
	URL          string
	ClientID     string
	ClientSecret string

	srv    *httptest.Server
	key    *rsa.PrivateKey
	forged *rsa.PrivateKey
	kid    string

	mu     sync.Mutex
	user   User
	knobs  Knobs
	codes  map[string]grant
	tokens map[string]User
	// Exchanges counts token endpoint calls that issued tokens.
	exchanges int
}

type grant struct {
	clientID, redirectURI, challenge, method string
	user                                     User
	expires                                  time.Time
}

// New starts a provider on 127.0.0.1 for client clientID/secret, logging in
// user; Close stops it.
func New(clientID, clientSecret string, user User) *Provider {
	p := &Provider{ClientID: clientID, ClientSecret: clientSecret, user: user, kid: "k1",
		codes: map[string]grant{}, tokens: map[string]User{}}
	p.key, p.forged = testKeys()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /userinfo", p.userinfo)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	return p
}

// Close stops the provider.
func (p *Provider) Close() { p.srv.Close() }

// SetUser changes the user that future codes log in.
func (p *Provider) SetUser(u User) { p.mu.Lock(); p.user = u; p.mu.Unlock() }

// SetKnobs replaces the misbehaviour knobs.
func (p *Provider) SetKnobs(k Knobs) { p.mu.Lock(); p.knobs = k; p.mu.Unlock() }

// Exchanges returns how many codes were successfully exchanged.
func (p *Provider) Exchanges() int { p.mu.Lock(); defer p.mu.Unlock(); return p.exchanges }

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"userinfo_endpoint":                     p.URL + "/userinfo",
		"jwks_uri":                              p.URL + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	pub := p.key.PublicKey
	writeJSON(w, 200, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": p.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// authorize issues a code at once (no log-in page) and redirects to
// redirect_uri with code and state, as a browser would follow.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if q.Get("client_id") != p.ClientID || q.Get("response_type") != "code" || err != nil || redirect.Scheme == "" {
		http.Error(w, "invalid_request", http.StatusBadRequest)
		return
	}
	method := q.Get("code_challenge_method")
	if q.Get("code_challenge") != "" && method != "S256" {
		http.Error(w, "invalid_request: only S256", http.StatusBadRequest)
		return
	}
	code := random()
	p.mu.Lock()
	p.codes[code] = grant{clientID: p.ClientID, redirectURI: redirect.String(), challenge: q.Get("code_challenge"),
		method: method, user: p.user, expires: time.Now().Add(time.Minute)}
	p.mu.Unlock()
	rq := redirect.Query()
	rq.Set("code", code)
	rq.Set("state", q.Get("state"))
	redirect.RawQuery = rq.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, 400, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.ClientSecret)) != 1 {
		oauthError(w, 401, "invalid_client")
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		oauthError(w, 400, "unsupported_grant_type")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	code := r.PostForm.Get("code")
	g, found := p.codes[code]
	// Codes are single-use: the first redemption attempt consumes them.
	delete(p.codes, code)
	if !found || time.Now().After(g.expires) || g.clientID != id || g.redirectURI != r.PostForm.Get("redirect_uri") {
		oauthError(w, 400, "invalid_grant")
		return
	}
	if g.challenge != "" {
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			oauthError(w, 400, "invalid_grant")
			return
		}
	}
	access := random()
	p.tokens[access] = g.user
	p.exchanges++
	res := map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 3600, "refresh_token": random()}
	if !p.knobs.NoIDToken {
		res["id_token"] = p.idToken(g.user)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, 200, res)
}

// idToken signs the ID token of u, misbehaving as the knobs say. The
// caller holds p.mu.
func (p *Provider) idToken(u User) string {
	now := time.Now()
	claims := jwt.MapClaims{
		"iss": p.URL, "sub": u.Sub, "aud": p.ClientID,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"email": u.Email, "email_verified": u.EmailVerified,
		"name": u.Name, "preferred_username": u.PreferredUsername, "picture": u.Picture,
	}
	if p.knobs.WrongIssuer {
		claims["iss"] = "https://evil.example.com"
	}
	if p.knobs.WrongAudience {
		claims["aud"] = "another-client"
	}
	if p.knobs.Expired {
		claims["iat"] = now.Add(-2 * time.Hour).Unix()
		claims["exp"] = now.Add(-time.Hour).Unix()
	}
	key := p.key
	if p.knobs.ForgeSignature {
		key = p.forged
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = p.kid
	s, err := t.SignedString(key)
	if err != nil {
		panic(err)
	}
	return s
}

func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	const prefix = "Bearer "
	h := r.Header.Get("Authorization")
	p.mu.Lock()
	u, ok := p.tokens[h[min(len(prefix), len(h)):]]
	sub := p.knobs.UserInfoSub
	p.mu.Unlock()
	if len(h) <= len(prefix) || h[:len(prefix)] != prefix || !ok {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		oauthError(w, 401, "invalid_token")
		return
	}
	if sub == "" {
		sub = u.Sub
	}
	writeJSON(w, 200, map[string]any{"sub": sub, "email": u.Email, "email_verified": u.EmailVerified,
		"name": u.Name, "preferred_username": u.PreferredUsername, "picture": u.Picture})
}

func oauthError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// testKeys returns the signing key and the forger's key, generated once per
// test binary: RSA key generation costs up to a second, and the keys are
// never modified.
var testKeys = sync.OnceValues(func() (*rsa.PrivateKey, *rsa.PrivateKey) {
	gen := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	}
	return gen(), gen()
})

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
