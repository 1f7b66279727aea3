package oauth2_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/oauth2"
	"github.com/galleyhq/galley/internal/oauth2/oidctest"
)

const redirectURL = "https://app.example.com/oauth2-redirect"

// authorize plays the browser: it opens the authorization URL (with the
// redirect URL appended, as PocketBase clients do) and returns the code.
func authorize(t *testing.T, authURL string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authURL + url.QueryEscape(redirectURL))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), redirectURL) {
		t.Fatalf("authorize: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

func newOIDC(t *testing.T, op *oidctest.Provider, extra map[string]any) oauth2.Provider {
	t.Helper()
	reg := oauth2.NewRegistry(oauth2.Options{AllowPrivateNetworks: true})
	p, err := reg.Provider(galley.OAuth2Provider{Name: "oidc", ClientID: op.ClientID, ClientSecret: op.ClientSecret,
		AuthURL: op.URL + "/authorize", Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOIDCLogIn(t *testing.T) {
	user := oidctest.User{Sub: "u1", Email: "ann@example.com", EmailVerified: true, Name: "Ann", PreferredUsername: "ann", Picture: "https://img.example.com/a.png"}
	op := oidctest.New("client-1", "s3cret", user)
	defer op.Close()
	ctx := context.Background()
	// The issuer is derived from authURL (no extra.issuer) and pinned.
	p := newOIDC(t, op, nil)
	if p.DisplayName() != "OpenID Connect" || !p.PKCE() {
		t.Fatalf("display %q pkce %v", p.DisplayName(), p.PKCE())
	}
	verifier := oauth2.NewCodeVerifier()
	authURL := p.AuthURL("st4te", oauth2.CodeChallengeS256(verifier), nil)
	for _, want := range []string{"client_id=client-1", "response_type=code", "state=st4te", "code_challenge_method=S256", "scope=openid+email+profile"} {
		if !strings.Contains(authURL, want) {
			t.Errorf("authURL %s lacks %s", authURL, want)
		}
	}
	if !strings.HasSuffix(authURL, "&redirect_uri=") {
		t.Errorf("authURL %s does not end with redirect_uri=", authURL)
	}
	code := authorize(t, authURL)
	tok, err := p.Exchange(ctx, code, verifier, redirectURL)
	if err != nil {
		t.Fatal(err)
	}
	u, err := p.User(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "u1" || u.Email != "ann@example.com" || !u.EmailVerified || u.Name != "Ann" || u.Username != "ann" || u.AvatarURL != user.Picture {
		t.Fatalf("user %+v", u)
	}
	// The code is single-use.
	if _, err := p.Exchange(ctx, code, verifier, redirectURL); err == nil {
		t.Fatal("replayed code accepted")
	}
	// A wrong PKCE verifier or redirect URL is refused.
	if _, err := p.Exchange(ctx, authorize(t, p.AuthURL("s", oauth2.CodeChallengeS256(verifier), nil)), oauth2.NewCodeVerifier(), redirectURL); err == nil {
		t.Fatal("wrong verifier accepted")
	}
	if _, err := p.Exchange(ctx, authorize(t, p.AuthURL("s", oauth2.CodeChallengeS256(verifier), nil)), verifier, redirectURL+"x"); err == nil {
		t.Fatal("wrong redirect URL accepted")
	}
}

func TestOIDCRefusesBadIDTokens(t *testing.T) {
	op := oidctest.New("client-1", "s3cret", oidctest.User{Sub: "u1", Email: "ann@example.com", EmailVerified: true})
	defer op.Close()
	ctx := context.Background()
	p := newOIDC(t, op, map[string]any{"issuer": op.URL})
	for name, k := range map[string]oidctest.Knobs{
		"forged signature": {ForgeSignature: true},
		"wrong issuer":     {WrongIssuer: true},
		"wrong audience":   {WrongAudience: true},
		"expired":          {Expired: true},
		"no id token":      {NoIDToken: true},
		"userinfo subject": {UserInfoSub: "someone-else"},
	} {
		op.SetKnobs(k)
		v := oauth2.NewCodeVerifier()
		tok, err := p.Exchange(ctx, authorize(t, p.AuthURL("s", oauth2.CodeChallengeS256(v), nil)), v, redirectURL)
		if err != nil {
			t.Fatalf("%s: exchange: %v", name, err)
		}
		u, err := p.User(ctx, tok)
		if err == nil {
			t.Errorf("%s: accepted user %+v", name, u)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
}

func TestOIDCDiscoveryPinsIssuer(t *testing.T) {
	op := oidctest.New("client-1", "s3cret", oidctest.User{Sub: "u1"})
	defer op.Close()
	reg := oauth2.NewRegistry(oauth2.Options{AllowPrivateNetworks: true})
	// The discovery document names op.URL, not this issuer: refused.
	if _, err := reg.Provider(galley.OAuth2Provider{Name: "oidc2", ClientID: "client-1", Extra: map[string]any{"issuer": op.URL + "/other"}}); err == nil {
		t.Fatal("issuer mismatch accepted")
	}
	// The default registry cannot even reach the loopback provider.
	if _, err := oauth2.NewRegistry(oauth2.Options{}).Provider(galley.OAuth2Provider{Name: "oidc", ClientID: "client-1", Extra: map[string]any{"issuer": op.URL}}); err == nil {
		t.Fatal("the default registry reached a loopback issuer")
	}
	if _, err := reg.Provider(galley.OAuth2Provider{Name: "nope", ClientID: "x"}); err == nil {
		t.Fatal("unknown provider built")
	}
}

// TestGitHubVerifiedPrimaryEmail: the email is the primary entry of
// /user/emails, verified only as GitHub says.
func TestGitHubVerifiedPrimaryEmail(t *testing.T) {
	verified := false
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/token" && r.Header.Get("Authorization") != "Bearer at" {
			w.WriteHeader(401)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/token":
			json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "bearer"})
		case "/user":
			json.NewEncoder(w).Encode(map[string]any{"id": 12345678901, "login": "octo", "name": "Octo", "email": "public@example.com", "avatar_url": "https://a/x.png"})
		case "/user/emails":
			json.NewEncoder(w).Encode([]map[string]any{{"email": "other@example.com", "primary": false, "verified": true}, {"email": "octo@example.com", "primary": true, "verified": verified}})
		}
	}))
	defer api.Close()
	reg := oauth2.NewRegistry(oauth2.Options{AllowPrivateNetworks: true})
	p, err := reg.Provider(galley.OAuth2Provider{Name: "github", ClientID: "c", ClientSecret: "s", TokenURL: api.URL + "/token", UserInfoURL: api.URL + "/user"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []bool{false, true} {
		verified = v
		tok, err := p.Exchange(context.Background(), "code", "", redirectURL)
		if err != nil {
			t.Fatal(err)
		}
		u, err := p.User(context.Background(), tok)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != "12345678901" || u.Username != "octo" || u.Email != "octo@example.com" || u.EmailVerified != v {
			t.Fatalf("verified=%v: user %+v", v, u)
		}
	}
}
