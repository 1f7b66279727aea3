package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/oauth2"
	"github.com/galleyhq/galley/internal/oauth2/oidctest"
	"github.com/galleyhq/galley/internal/testserver"
)

const oauth2Redirect = "https://app.example.com/oauth2-redirect"

// oauth2Stack is a test server with an auth collection "users" logging in
// through an in-process OpenID Connect provider.
type oauth2Stack struct {
	*testserver.Server
	op *oidctest.Provider
	t  *testing.T
}

func newOAuth2Stack(t *testing.T, user oidctest.User, collection map[string]any) *oauth2Stack {
	t.Helper()
	s := testserver.New(t)
	s.App.SetOAuth2Registry(oauth2.NewRegistry(oauth2.Options{AllowPrivateNetworks: true}))
	op := oidctest.New("galley-client", "galley-secret", user)
	t.Cleanup(op.Close)
	body := map[string]any{"name": "users", "type": "auth", "createRule": "", "viewRule": "id = @request.auth.id",
		"fields": []map[string]any{{"name": "name", "type": "text"}, {"name": "avatar", "type": "url"}},
		"oauth2": map[string]any{"enabled": true, "mappedFields": map[string]any{"name": "name", "avatarURL": "avatar"},
			"providers": []map[string]any{{"name": "oidc", "displayName": "Test IdP", "clientId": op.ClientID, "clientSecret": op.ClientSecret,
				"authURL": op.URL + "/authorize", "extra": map[string]any{"issuer": op.URL}}}}}
	for k, v := range collection {
		body[k] = v
	}
	s.Users(body).Status(200)
	return &oauth2Stack{Server: s, op: op, t: t}
}

// login runs the client side of the flow: auth-methods, the provider's
// authorization page (as a browser), then auth-with-oauth2 with the code.
func (s *oauth2Stack) login(token string, createData map[string]any) *testserver.Response {
	s.t.Helper()
	code, verifier := s.authorize()
	return s.exchange(token, code, verifier, createData)
}

func (s *oauth2Stack) authorize() (code, verifier string) {
	s.t.Helper()
	m := s.Do("GET", "/api/collections/users/auth-methods", "", nil).Status(200).JSON()
	providers := m["oauth2"].(map[string]any)["providers"].([]any)
	if len(providers) != 1 {
		s.t.Fatalf("providers: %v", providers)
	}
	p := providers[0].(map[string]any)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(p["authURL"].(string) + url.QueryEscape(oauth2Redirect))
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		s.t.Fatalf("authorize: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if loc.Query().Get("state") != p["state"] {
		s.t.Fatalf("state %q, want %q", loc.Query().Get("state"), p["state"])
	}
	return loc.Query().Get("code"), p["codeVerifier"].(string)
}

func (s *oauth2Stack) exchange(token, code, verifier string, createData map[string]any) *testserver.Response {
	s.t.Helper()
	body := map[string]any{"provider": "oidc", "code": code, "codeVerifier": verifier, "redirectURL": oauth2Redirect}
	if createData != nil {
		body["createData"] = createData
	}
	return s.Do("POST", "/api/collections/users/auth-with-oauth2", token, body)
}

// counts returns how many users and external auths exist.
func (s *oauth2Stack) counts() (users, links int) {
	s.t.Helper()
	ctx := context.Background()
	if err := s.DB.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM "users"`).Scan(&users); err != nil {
		s.t.Fatal(err)
	}
	if err := s.DB.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM "_externalAuths"`).Scan(&links); err != nil {
		s.t.Fatal(err)
	}
	return users, links
}

func (s *oauth2Stack) wantCounts(users, links int) {
	s.t.Helper()
	if u, l := s.counts(); u != users || l != links {
		s.t.Fatalf("users %d, external auths %d; want %d, %d", u, l, users, links)
	}
}

func record(r *testserver.Response) map[string]any { return r.JSON()["record"].(map[string]any) }

func TestAuthMethods(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "u1"}, map[string]any{"otp": map[string]any{"enabled": true}})
	m := s.Do("GET", "/api/collections/users/auth-methods", "", nil).Status(200)
	m.Contains(`"password":{"enabled":true,"identityFields":["email"]}`, `"mfa":{"enabled":false,"duration":0}`, `"usernamePassword":false`, `"emailPassword":true`, `"otp":{"enabled":true,"duration":180}`)
	o := m.JSON()["oauth2"].(map[string]any)
	p := o["providers"].([]any)[0].(map[string]any)
	if o["enabled"] != true || p["name"] != "oidc" || p["displayName"] != "Test IdP" || p["codeChallengeMethod"] != "S256" ||
		p["codeChallenge"] != oauth2.CodeChallengeS256(p["codeVerifier"].(string)) || len(p["state"].(string)) < 20 {
		t.Fatalf("provider info %v", p)
	}
	// PocketBase's older keys: the same providers under authProviders.
	if legacy := m.JSON()["authProviders"].([]any); len(legacy) != 1 || legacy[0].(map[string]any)["state"] != p["state"] {
		t.Fatalf("authProviders %v, want the oauth2 providers", legacy)
	}
	authURL := p["authURL"].(string)
	for _, want := range []string{s.op.URL + "/authorize?", "client_id=galley-client", "response_type=code", "scope=openid+email+profile",
		"state=" + p["state"].(string), "code_challenge=" + p["codeChallenge"].(string)} {
		if !strings.Contains(authURL, want) {
			t.Errorf("authURL %s lacks %s", authURL, want)
		}
	}
	if !strings.HasSuffix(authURL, "&redirect_uri=") || strings.Contains(string(m.Body), "galley-secret") {
		t.Errorf("authURL %s / body %s", authURL, m.Body)
	}
	// Each call starts a new flow.
	if p2 := s.Do("GET", "/api/collections/users/auth-methods", "", nil).JSON()["oauth2"].(map[string]any)["providers"].([]any)[0].(map[string]any); p2["state"] == p["state"] || p2["codeVerifier"] == p["codeVerifier"] {
		t.Fatal("state or verifier reused")
	}
	s.Super("POST", "/api/collections", map[string]any{"name": "posts"}).Status(200)
	s.Do("GET", "/api/collections/posts/auth-methods", "", nil).Status(404)
	s.Do("GET", "/api/collections/nope/auth-methods", "", nil).Status(404)
	s.Super("PATCH", "/api/collections/users", map[string]any{"oauth2": map[string]any{"enabled": false}}).Status(200)
	s.Do("GET", "/api/collections/users/auth-methods", "", nil).Status(200).Contains(`"oauth2":{"enabled":false,"providers":[]}`)
}

func TestOAuth2NewUserThenLinkedLogIn(t *testing.T) {
	user := oidctest.User{Sub: "sub-1", Email: "Ann@Example.com", EmailVerified: true, Name: "Ann", Picture: "https://img.example.com/ann.png"}
	s := newOAuth2Stack(t, user, nil)
	res := s.login("", map[string]any{"emailVisibility": true}).Status(200)
	body := res.JSON()
	rec, meta := record(res), body["meta"].(map[string]any)
	if meta["isNew"] != true || meta["id"] != "sub-1" || meta["email"] != user.Email || meta["name"] != "Ann" ||
		meta["avatarURL"] != user.Picture || meta["accessToken"] == "" || meta["refreshToken"] == "" || meta["expiry"] == "" {
		t.Fatalf("meta %v", meta)
	}
	if raw := meta["rawUser"].(map[string]any); raw["sub"] != "sub-1" {
		t.Fatalf("rawUser %v", raw)
	}
	if rec["verified"] != true || rec["email"] != user.Email || rec["name"] != "Ann" || rec["avatar"] != user.Picture || rec["emailVisibility"] != true {
		t.Fatalf("record %v", rec)
	}
	if _, ok := rec["password"]; ok {
		t.Fatal("password in the answer")
	}
	token := body["token"].(string)
	s.Do("POST", "/api/collections/users/auth-refresh", token, nil).Status(200)
	s.wantCounts(1, 1)

	// The second log-in finds the record through _externalAuths, even
	// after the provider's email changed.
	s.op.SetUser(oidctest.User{Sub: "sub-1", Email: "ann.new@example.com", EmailVerified: true, Name: "Ann"})
	again := s.login("", map[string]any{"name": "ignored"}).Status(200)
	if r2 := record(again); r2["id"] != rec["id"] || r2["name"] != "Ann" || again.JSON()["meta"].(map[string]any)["isNew"] != false {
		t.Fatalf("second log-in: %s", again.Body)
	}
	s.wantCounts(1, 1)
}

func TestOAuth2NewUserWithUnverifiedEmail(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "sub-2", Email: "bob@example.com"}, nil)
	// The client cannot declare the record verified, nor pick its email.
	res := s.login("", map[string]any{"verified": true, "email": "other@example.com", "name": "Bobby"}).Status(200)
	if rec := record(res); rec["verified"] != false || rec["name"] != "Bobby" {
		t.Fatalf("record %v", rec)
	}
	var email string
	if err := s.DB.Reader().QueryRowContext(context.Background(), `SELECT "email" FROM "users"`).Scan(&email); err != nil || email != "bob@example.com" {
		t.Fatalf("email %q %v", email, err)
	}
}

func TestOAuth2RefusesBadIDTokens(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "sub-3", Email: "eve@example.com", EmailVerified: true}, nil)
	for name, k := range map[string]oidctest.Knobs{
		"forged signature": {ForgeSignature: true},
		"wrong issuer":     {WrongIssuer: true},
		"wrong audience":   {WrongAudience: true},
		"expired":          {Expired: true},
	} {
		s.op.SetKnobs(k)
		res := s.login("", nil)
		if res.Code != 400 || !strings.Contains(string(res.Body), "Failed to fetch OAuth2 user.") {
			t.Errorf("%s: %d %s", name, res.Code, res.Body)
		}
	}
	s.wantCounts(0, 0)
}

// TestOAuth2CodeIsSingleUse: Galley does not keep the state (the client
// checks it, as with PocketBase); a replayed code is refused by the
// provider, and so is a code sent with another PKCE verifier.
func TestOAuth2CodeIsSingleUse(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "sub-4", Email: "cy@example.com", EmailVerified: true}, nil)
	code, verifier := s.authorize()
	s.exchange("", code, verifier, nil).Status(200)
	s.exchange("", code, verifier, nil).Status(400).Contains("Failed to fetch OAuth2 token.")
	code, _ = s.authorize()
	_, otherVerifier := s.authorize()
	s.exchange("", code, otherVerifier, nil).Status(400).Contains("Failed to fetch OAuth2 token.")
	s.exchange("", "made-up-code", verifier, nil).Status(400)
	s.wantCounts(1, 1)
	if n := s.op.Exchanges(); n != 1 {
		t.Fatalf("%d exchanges succeeded at the provider, want 1", n)
	}
}

// TestOAuth2DoesNotTakeOverUnverifiedAccount: an attacker pre-registers the
// victim's email with a password; the victim's later OAuth2 log-in (with a
// verified email) must not link to that account, or the attacker would keep
// a password into the victim's account.
func TestOAuth2DoesNotTakeOverUnverifiedAccount(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "victim", Email: "victim@example.com", EmailVerified: true}, nil)
	s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": "victim@example.com",
		"password": "attacker-pass", "passwordConfirm": "attacker-pass"}).Status(200)
	res := s.login("", nil).Status(400)
	res.Contains("already exists")
	if strings.Contains(string(res.Body), "token") {
		t.Fatalf("a token was issued: %s", res.Body)
	}
	s.wantCounts(1, 0)
	var verified bool
	if err := s.DB.Reader().QueryRowContext(context.Background(), `SELECT "verified" FROM "users"`).Scan(&verified); err != nil || verified {
		t.Fatalf("verified %v %v", verified, err)
	}
}

func TestOAuth2LinksVerifiedAccountByVerifiedEmail(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "dee", Email: "DEE@example.com", EmailVerified: false}, nil)
	created := s.Super("POST", "/api/collections/users/records", map[string]any{"email": "dee@example.com",
		"password": "dee-password", "passwordConfirm": "dee-password", "verified": true}).Status(200).JSON()
	// An unverified provider email is not enough, even for a verified account.
	s.login("", nil).Status(400).Contains("already exists")
	s.wantCounts(1, 0)
	s.op.SetUser(oidctest.User{Sub: "dee", Email: "DEE@example.com", EmailVerified: true})
	res := s.login("", nil).Status(200)
	if rec := record(res); rec["id"] != created["id"] || res.JSON()["meta"].(map[string]any)["isNew"] != false {
		t.Fatalf("linked %s", res.Body)
	}
	s.wantCounts(1, 1)
}

// TestOAuth2LinksSignedInRecord: a signed-in user links a provider account
// whatever its email; an identity linked to another record is refused.
func TestOAuth2LinksSignedInRecord(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "gus-idp", Email: "gus@elsewhere.example", EmailVerified: false}, nil)
	s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": "gus@example.com", "password": "gus-password", "passwordConfirm": "gus-password"}).Status(200)
	token := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "gus@example.com", "password": "gus-password"}).Status(200).JSON()["token"].(string)
	res := s.login(token, nil).Status(200)
	if record(res)["email"] != "gus@example.com" {
		t.Fatalf("linked to %s", res.Body)
	}
	s.wantCounts(1, 1)
	s.login("", nil).Status(200) // now found through the link
	s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": "hal@example.com", "password": "hal-password", "passwordConfirm": "hal-password"}).Status(200)
	hal := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "hal@example.com", "password": "hal-password"}).Status(200).JSON()["token"].(string)
	s.login(hal, nil).Status(400).Contains("already linked")
	s.wantCounts(2, 1)
}

func TestOAuth2BadRequests(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "ivy", Email: "ivy@example.com", EmailVerified: true}, nil)
	post := func(body map[string]any) *testserver.Response {
		return s.Do("POST", "/api/collections/users/auth-with-oauth2", "", body)
	}
	if r := post(map[string]any{}).Status(400); r.FieldCode("provider") != "validation_required" || r.FieldCode("code") != "validation_required" {
		t.Fatalf("%s", r.Body)
	}
	if r := post(map[string]any{"provider": "github", "code": "x", "redirectURL": oauth2Redirect}).Status(400); r.FieldCode("provider") != "validation_invalid_value" {
		t.Fatalf("%s", r.Body)
	}
	s.Super("POST", "/api/collections", map[string]any{"name": "posts"}).Status(200)
	s.Do("POST", "/api/collections/posts/auth-with-oauth2", "", map[string]any{"provider": "oidc", "code": "x", "redirectURL": oauth2Redirect}).Status(404)
	code, verifier := s.authorize()
	s.Super("PATCH", "/api/collections/users", map[string]any{"oauth2": map[string]any{"enabled": false}}).Status(200)
	s.exchange("", code, verifier, nil).Status(403)
	s.wantCounts(0, 0)
}

func TestOAuth2AuthRule(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "jo", Email: "jo@example.com", EmailVerified: false}, map[string]any{"authRule": "verified = true"})
	s.login("", nil).Status(403).Contains("authRule")
	s.wantCounts(0, 0) // the new record is not kept
	s.op.SetUser(oidctest.User{Sub: "jo", Email: "jo@example.com", EmailVerified: true})
	s.login("", nil).Status(200)
	s.Super("PATCH", "/api/collections/users", map[string]any{"authRule": nil}).Status(200)
	s.login("", nil).Status(403).Contains("not allowed")
	s.wantCounts(1, 1)
}

// TestOAuth2DefaultClientRefusesLoopbackProvider: without the test-only
// AllowPrivateNetworks switch, a provider on 127.0.0.1 is never contacted.
func TestOAuth2DefaultClientRefusesLoopbackProvider(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "kim"}, nil)
	s.App.SetOAuth2Registry(oauth2.NewRegistry(oauth2.Options{}))
	s.Do("GET", "/api/collections/users/auth-methods", "", nil).Status(200).Contains(`"providers":[]`)
	s.Do("POST", "/api/collections/users/auth-with-oauth2", "", map[string]any{"provider": "oidc", "code": "x", "redirectURL": oauth2Redirect}).
		Status(400).Contains("Failed to initialize the OAuth2 provider.")
	if s.op.Exchanges() != 0 {
		t.Fatal("the provider was contacted")
	}
	s.wantCounts(0, 0)
}

// TestOAuth2MFA: OAuth2 as the first factor answers 401 {mfaId}; a password
// log-in with that mfaId completes it. And the other way round.
func TestOAuth2MFA(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "mo", Email: "mo@example.com", EmailVerified: true}, map[string]any{"mfa": map[string]any{"enabled": true}})
	s.Super("POST", "/api/collections/users/records", map[string]any{"email": "mo@example.com",
		"password": "mo-password", "passwordConfirm": "mo-password", "verified": true}).Status(200)
	res := s.login("", nil).Status(401)
	mfaID, _ := res.JSON()["mfaId"].(string)
	if mfaID == "" || strings.Contains(string(res.Body), "token") {
		t.Fatalf("first factor: %s", res.Body)
	}
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "mo@example.com", "password": "mo-password", "mfaId": mfaID}).
		Status(200).Contains(`"token"`)
	res = s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "mo@example.com", "password": "mo-password"}).Status(401)
	code, verifier := s.authorize()
	body := map[string]any{"provider": "oidc", "code": code, "codeVerifier": verifier, "redirectURL": oauth2Redirect, "mfaId": res.JSON()["mfaId"]}
	s.Do("POST", "/api/collections/users/auth-with-oauth2", "", body).Status(200).Contains(`"token"`, `"meta"`)
}

// TestOAuth2StaleLink: deleting the linked record does not block the
// identity: the next log-in creates a new record.
func TestOAuth2StaleLink(t *testing.T) {
	s := newOAuth2Stack(t, oidctest.User{Sub: "st", Email: "st@example.com", EmailVerified: true}, nil)
	id := record(s.login("", nil).Status(200))["id"].(string)
	s.Super("DELETE", "/api/collections/users/records/"+id, nil).Status(204)
	res := s.login("", nil).Status(200)
	if rec := record(res); rec["id"] == id || res.JSON()["meta"].(map[string]any)["isNew"] != true {
		t.Fatalf("%s", res.Body)
	}
	s.wantCounts(1, 1)
}

// TestExternalAuthsListAndUnlink: a record lists and unlinks only its own
// OAuth2 identities through the _externalAuths collection (the SDK's
// listExternalAuths / unlinkExternalAuth).
func TestExternalAuthsListAndUnlink(t *testing.T) {
	user := oidctest.User{Sub: "sub-x", Email: "x@example.com", EmailVerified: true, Name: "X"}
	s := newOAuth2Stack(t, user, nil)
	body := s.login("", nil).Status(200).JSON()
	token, id := body["token"].(string), body["record"].(map[string]any)["id"].(string)
	url := "/api/collections/_externalAuths/records"
	links := s.Do("GET", url+"?filter="+q(`recordRef = "`+id+`"`), token, nil).Status(200).JSON()["items"].([]any)
	if len(links) != 1 || links[0].(map[string]any)["provider"] != "oidc" || links[0].(map[string]any)["providerId"] != "sub-x" {
		t.Fatalf("own links: %v", links)
	}
	// Guests and other users see nothing; nobody creates links by hand.
	if n := len(s.Do("GET", url, "", nil).Status(200).Items()); n != 0 {
		t.Fatalf("guest sees %d links", n)
	}
	s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": "other@example.com", "password": "password-1", "passwordConfirm": "password-1"}).Status(200)
	other := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "other@example.com", "password": "password-1"}).Status(200).JSON()["token"].(string)
	if n := len(s.Do("GET", url, other, nil).Status(200).Items()); n != 0 {
		t.Fatalf("another user sees %d links", n)
	}
	linkID := links[0].(map[string]any)["id"].(string)
	s.Do("DELETE", url+"/"+linkID, other, nil).Status(404)
	s.Do("POST", url, token, map[string]any{"collectionRef": "x", "recordRef": id, "provider": "oidc", "providerId": "forged"}).Status(403)
	s.Do("DELETE", url+"/"+linkID, token, nil).Status(204)
	s.wantCounts(2, 0)
}
