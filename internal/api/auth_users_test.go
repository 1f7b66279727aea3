package api_test

import (
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

// usersCollection creates a public-sign-up "users" auth collection whose
// records see and update only themselves, and a "notes" collection owned by users.
func usersCollection(t *testing.T, s *testserver.Server, extra map[string]any) {
	t.Helper()
	body := map[string]any{"name": "users", "type": "auth",
		"createRule": "", "listRule": "id = @request.auth.id", "viewRule": "id = @request.auth.id",
		"updateRule": "id = @request.auth.id", "deleteRule": "id = @request.auth.id",
		"fields": []map[string]any{{"name": "name", "type": "text"}, {"name": "team", "type": "text"}}}
	for k, v := range extra {
		body[k] = v
	}
	s.Users(body).Status(200)
}

func signUp(t *testing.T, s *testserver.Server, email, password string) (id, token string) {
	t.Helper()
	id = s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": email, "password": password, "passwordConfirm": password, "name": "user"}).Status(200).JSON()["id"].(string)
	token = s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": email, "password": password}).Status(200).JSON()["token"].(string)
	return id, token
}

func TestUserSignUpAndProtectedFields(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	url := "/api/collections/users/records"
	// Client-set verified / tokenKey are refused at sign-up; a mismatched confirm is a 400.
	if r := s.Do("POST", url, "", map[string]any{"email": "a@example.com", "password": "password-1", "passwordConfirm": "password-1", "verified": true}).Status(400); r.FieldCode("verified") == "" {
		t.Fatalf("verified: %s", r.Body)
	}
	if r := s.Do("POST", url, "", map[string]any{"email": "a@example.com", "password": "password-1", "passwordConfirm": "password-1", "tokenKey": strings.Repeat("k", 50)}).Status(400); r.FieldCode("tokenKey") == "" {
		t.Fatalf("tokenKey: %s", r.Body)
	}
	if r := s.Do("POST", url, "", map[string]any{"email": "a@example.com", "password": "password-1", "passwordConfirm": "password-2"}).Status(400); r.FieldCode("passwordConfirm") != "validation_values_mismatch" {
		t.Fatalf("confirm: %s", r.Body)
	}
	if r := s.Do("POST", url, "", map[string]any{"email": "not-an-email", "password": "password-1", "passwordConfirm": "password-1"}).Status(400); r.FieldCode("email") == "" {
		t.Fatalf("email: %s", r.Body)
	}
	if r := s.Do("POST", url, "", map[string]any{"email": "a@example.com", "password": "short", "passwordConfirm": "short"}).Status(400); r.FieldCode("password") == "" {
		t.Fatalf("short password: %s", r.Body)
	}
	aID, aTok := signUp(t, s, "a@example.com", "password-1")
	if r := s.Do("POST", url, "", map[string]any{"email": "A@example.com", "password": "password-1", "passwordConfirm": "password-1"}).Status(400); r.FieldCode("email") != "validation_not_unique" {
		t.Fatalf("duplicate email (case-insensitive): %s", r.Body)
	}
	me := s.Do("GET", url+"/"+aID, aTok, nil).Status(200).JSON()
	if me["email"] != "a@example.com" || me["verified"] != false || me["password"] != nil || me["tokenKey"] != nil {
		t.Fatalf("own record: %v", me)
	}
	// The owner may not verify itself, change its email directly, or change its password without oldPassword.
	s.Do("PATCH", url+"/"+aID, aTok, map[string]any{"verified": true}).Status(400)
	s.Do("PATCH", url+"/"+aID, aTok, map[string]any{"email": "new@example.com"}).Status(400)
	if r := s.Do("PATCH", url+"/"+aID, aTok, map[string]any{"password": "password-2", "passwordConfirm": "password-2"}).Status(400); r.FieldCode("oldPassword") == "" {
		t.Fatalf("oldPassword required: %s", r.Body)
	}
	s.Do("PATCH", url+"/"+aID, aTok, map[string]any{"password": "password-2", "passwordConfirm": "password-2", "oldPassword": "wrong-one"}).Status(400)
	s.Do("PATCH", url+"/"+aID, aTok, map[string]any{"id": "otherid12345678"}).Status(400)
	s.Do("PATCH", url+"/"+aID, aTok, map[string]any{"emailVisibility": true, "name": "Ann"}).Status(200).Contains(`"name":"Ann"`)
	s.Do("PATCH", url+"/"+aID, aTok, map[string]any{"password": "password-2", "passwordConfirm": "password-2", "oldPassword": "password-1"}).Status(200)
	// The password change killed the old token.
	s.Do("GET", url+"/"+aID, aTok, nil).Status(404)
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-2"}).Status(200)
	// A superuser may set verified and email.
	s.Super("PATCH", url+"/"+aID, map[string]any{"verified": true, "email": "ann@example.com"}).Status(200).Contains(`"verified":true`, `"email":"ann@example.com"`)
}

func TestUserEmailVisibilityAndRuleLists(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, map[string]any{"listRule": "", "viewRule": ""})
	aID, aTok := signUp(t, s, "a@example.com", "password-1")
	_, bTok := signUp(t, s, "b@example.com", "password-1")
	// Others do not see a's email until a makes it visible; a filter on it matches nothing.
	if body := string(s.Do("GET", "/api/collections/users/records/"+aID, bTok, nil).Status(200).Body); strings.Contains(body, "a@example.com") {
		t.Fatalf("email visible to another user: %s", body)
	}
	if ids := s.Do("GET", "/api/collections/users/records?filter="+q(`email = "a@example.com"`), bTok, nil).Status(200).Items(); len(ids) != 0 {
		t.Fatalf("filter on a hidden email matched: %v", ids)
	}
	s.Do("GET", "/api/collections/users/records/"+aID, aTok, nil).Status(200).Contains("a@example.com")
	s.Do("PATCH", "/api/collections/users/records/"+aID, aTok, map[string]any{"emailVisibility": true}).Status(200)
	s.Do("GET", "/api/collections/users/records/"+aID, bTok, nil).Status(200).Contains("a@example.com")
	// Hidden fields cannot be filtered or sorted by non-superusers.
	s.Do("GET", "/api/collections/users/records?filter="+q(`tokenKey != ""`), bTok, nil).Status(400)
	s.Do("GET", "/api/collections/users/records?sort=password", bTok, nil).Status(400)
}

func TestAuthRuleAndImpersonation(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	aID, aTok := signUp(t, s, "a@example.com", "password-1")
	// authRule checked at every log-in.
	s.Super("PATCH", "/api/collections/users", map[string]any{"authRule": "verified = true"}).Status(200)
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(403)
	s.Super("PATCH", "/api/collections/users", map[string]any{"authRule": nil}).Status(200)
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(403)
	s.Super("PATCH", "/api/collections/users", map[string]any{"authRule": ""}).Status(200)
	// Impersonation: superusers only; the token works but cannot be refreshed.
	s.Do("POST", "/api/collections/users/impersonate/"+aID, aTok, map[string]any{}).Status(403)
	s.Do("POST", "/api/collections/users/impersonate/"+aID, "", map[string]any{}).Status(401)
	s.Super("POST", "/api/collections/users/impersonate/missing", map[string]any{}).Status(404)
	s.Super("POST", "/api/collections/users/impersonate/"+aID, map[string]any{"duration": -5}).Status(400)
	imp := s.Super("POST", "/api/collections/users/impersonate/"+aID, map[string]any{"duration": 60}).Status(200).JSON()["token"].(string)
	s.Do("GET", "/api/collections/users/records/"+aID, imp, nil).Status(200)
	s.Do("POST", "/api/collections/users/auth-refresh", imp, nil).Status(403)
	s.Do("POST", "/api/collections/users/auth-refresh", aTok, nil).Status(200)
	// Password log-in can be switched off.
	s.Super("PATCH", "/api/collections/users", map[string]any{"passwordAuth": map[string]any{"enabled": false}}).Status(200)
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(403)
}

func TestPasswordRehashOnCostChange(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	aID, _ := signUp(t, s, "a@example.com", "password-1")
	hashOf := func() string {
		var h string
		if err := s.DB.Reader().QueryRowContext(t.Context(), `SELECT "password" FROM "users" WHERE "id" = ?`, aID).Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	if h := hashOf(); !strings.HasPrefix(h, "$2a$10$") {
		t.Fatalf("default cost hash: %s", h)
	}
	c := s.Super("GET", "/api/collections/users", nil).Status(200).JSON()
	fields := c["fields"].([]any)
	for _, f := range fields {
		if m := f.(map[string]any); m["name"] == "password" {
			m["cost"] = 11
		}
	}
	s.Super("PATCH", "/api/collections/users", map[string]any{"fields": fields}).Status(200)
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(200)
	if h := hashOf(); !strings.HasPrefix(h, "$2a$11$") {
		t.Fatalf("not re-hashed at the new cost: %s", h)
	}
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(200)
}

func TestRulesKnowTheUserThroughRelations(t *testing.T) {
	s := testserver.New(t)
	teams := s.Super("POST", "/api/collections", map[string]any{"name": "teams", "listRule": "", "viewRule": "",
		"fields": []map[string]any{{"name": "name", "type": "text"}, {"name": "secret", "type": "text", "hidden": true}}}).Status(200).JSON()
	s.Users(map[string]any{"name": "users", "type": "auth", "createRule": "",
		"listRule": "", "viewRule": "",
		"fields": []map[string]any{{"name": "team", "type": "relation", "collectionId": teams["id"], "maxSelect": 1}}}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "docs",
		"listRule": `team_name = @request.auth.team.name`, "viewRule": `team_name = @request.auth.team.name`,
		"fields": []map[string]any{{"name": "team_name", "type": "text"}}}).Status(200)
	red := s.Super("POST", "/api/collections/teams/records", map[string]any{"name": "red", "secret": "s3cret"}).Status(200).JSON()["id"].(string)
	blue := s.Super("POST", "/api/collections/teams/records", map[string]any{"name": "blue"}).Status(200).JSON()["id"].(string)
	mk := func(email, team string) string {
		s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": email, "password": "password-1", "passwordConfirm": "password-1"}).Status(200)
		id := s.Super("GET", "/api/collections/users/records?filter="+q(`email = "`+email+`"`), nil).Items()[0]
		s.Super("PATCH", "/api/collections/users/records/"+id, map[string]any{"team": team}).Status(200)
		return s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": email, "password": "password-1"}).Status(200).JSON()["token"].(string)
	}
	aTok, bTok := mk("a@example.com", red), mk("b@example.com", blue)
	redDoc := s.Super("POST", "/api/collections/docs/records", map[string]any{"team_name": "red"}).Status(200).JSON()["id"].(string)
	blueDoc := s.Super("POST", "/api/collections/docs/records", map[string]any{"team_name": "blue"}).Status(200).JSON()["id"].(string)
	if ids := s.Do("GET", "/api/collections/docs/records", aTok, nil).Status(200).Items(); len(ids) != 1 || ids[0] != redDoc {
		t.Fatalf("user A (red) sees %v", ids)
	}
	if ids := s.Do("GET", "/api/collections/docs/records", bTok, nil).Status(200).Items(); len(ids) != 1 || ids[0] != blueDoc {
		t.Fatalf("user B (blue) sees %v", ids)
	}
	if ids := s.Do("GET", "/api/collections/docs/records", "", nil).Status(200).Items(); len(ids) != 0 {
		t.Fatalf("guest sees %v", ids)
	}
	s.Do("GET", "/api/collections/docs/records/"+redDoc, bTok, nil).Status(404)
	// Hidden fields never appear in expand for non-superusers.
	body := string(s.Do("GET", "/api/collections/users/records?expand=team", aTok, nil).Status(200).Body)
	if !strings.Contains(body, `"name":"red"`) || strings.Contains(body, "s3cret") {
		t.Fatalf("expand leaks hidden fields or misses the team: %s", body)
	}
	s.Super("GET", "/api/collections/users/records?expand=team", nil).Status(200).Contains("s3cret")
}
