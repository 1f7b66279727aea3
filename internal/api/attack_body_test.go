package api_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

// The attacker's suite, part one: broken property level authorization and
// mass assignment through request bodies. Every key spelling and modifier
// must mean the same to the rules, to the protected-field checks and to the
// write. The tests run on SQLite and, with GALLEY_TEST_POSTGRES, PostgreSQL.

// ownedPosts makes a users collection (every signed-in user may list and
// view users), two users and a "posts" collection with an owner relation
// and the given updateRule; it returns the owner's and the victim's ids and
// tokens and the id of a post owned by the owner.
func ownedPosts(t *testing.T, s *testserver.Server, updateRule string) (me, meTok, victim, post string) {
	t.Helper()
	usersCollection(t, s, map[string]any{"listRule": "@request.auth.id != ''", "viewRule": "@request.auth.id != ''"})
	me, meTok = signUp(t, s, "me@example.com", "password-1")
	victim, _ = signUp(t, s, "victim@example.com", "password-2")
	s.Super("POST", "/api/collections", map[string]any{"name": "posts", "type": "base",
		"listRule": "", "viewRule": "", "createRule": "@request.auth.id != ''", "updateRule": updateRule,
		"fields": []map[string]any{{"name": "title", "type": "text"}, {"name": "views", "type": "number"},
			{"name": "owner", "type": "relation", "collectionId": "users", "maxSelect": 1},
			{"name": "editors", "type": "relation", "collectionId": "users", "maxSelect": 5}}}).Status(200)
	post = s.Do("POST", "/api/collections/posts/records", meTok, map[string]any{"title": "mine", "owner": me, "views": 8}).Status(200).JSON()["id"].(string)
	return me, meTok, victim, post
}

func TestBodyModifiersCannotSkipBodyRules(t *testing.T) {
	s := testserver.New(t)
	_, meTok, victim, post := ownedPosts(t, s, "owner = @request.auth.id && @request.body.owner:isset = false")
	u := "/api/collections/posts/records/" + post
	for _, body := range []map[string]any{
		{"owner+": victim},
		{"+owner": victim},
		{"owner-": victim},
		{"title": "x", "owner+": victim},
	} {
		s.Do("PATCH", u, meTok, body).Status(404)
	}
	s.Do("PATCH", u, meTok, map[string]any{"title": "still mine"}).Status(200)
	if got := s.Super("GET", u, nil).Status(200).JSON()["owner"]; got == victim {
		t.Fatalf("the post was given away")
	}
}

func TestBodyRuleSeesTheValueThatIsStored(t *testing.T) {
	s := testserver.New(t)
	me, meTok, victim, post := ownedPosts(t, s,
		"owner = @request.auth.id && (@request.body.owner:isset = false || @request.body.owner = @request.auth.id) && (@request.body.views:isset = false || @request.body.views <= 10)")
	u := "/api/collections/posts/records/" + post
	// The plain key says "me", the modifier replaces it with the victim: the
	// rule must judge the victim.
	s.Do("PATCH", u, meTok, map[string]any{"owner": me, "owner+": victim}).Status(404)
	// views is 8: +5 stores 13, which the rule forbids; +2 stores 10.
	s.Do("PATCH", u, meTok, map[string]any{"views+": 5}).Status(404)
	s.Do("PATCH", u, meTok, map[string]any{"views": 1, "views+": 20}).Status(404)
	s.Do("PATCH", u, meTok, map[string]any{"views+": 2}).Status(200).Contains(`"views":10`)
	rec := s.Super("GET", u, nil).Status(200).JSON()
	if rec["owner"] != me || rec["views"] != 10.0 {
		t.Fatalf("stored %v", rec)
	}
	// Multi relations: the rule sees the list after the modifier.
	s.Super("PATCH", "/api/collections/posts", map[string]any{"updateRule": "owner = @request.auth.id && @request.body.editors:length <= 1"}).Status(200)
	s.Do("PATCH", u, meTok, map[string]any{"editors": []string{me}}).Status(200)
	s.Do("PATCH", u, meTok, map[string]any{"editors+": victim}).Status(404)
	s.Do("PATCH", u, meTok, map[string]any{"editors-": me, "editors+": victim}).Status(200)
}

func TestCreateRuleSeesResolvedModifiers(t *testing.T) {
	s := testserver.New(t)
	me, meTok, victim, _ := ownedPosts(t, s, "owner = @request.auth.id")
	s.Super("PATCH", "/api/collections/posts", map[string]any{"createRule": "@request.body.owner = @request.auth.id"}).Status(200)
	url := "/api/collections/posts/records"
	s.Do("POST", url, meTok, map[string]any{"owner": me, "owner+": victim}).Status(400)
	s.Do("POST", url, meTok, map[string]any{"owner": me, "+owner": victim}).Status(400)
	s.Do("POST", url, meTok, map[string]any{"owner+": me}).Status(200)
	if n := s.Super("GET", url+"?filter="+urlq(fmt.Sprintf("owner=%q", victim)), nil).Status(200).JSON()["totalItems"]; n != 0.0 {
		t.Fatalf("posts created for the victim: %v", n)
	}
}

// moderated makes users that moderators (role = "mod") may update, without
// a manageRule: a moderator can rename people, never take their accounts.
func moderated(t *testing.T, s *testserver.Server) (modTok, victim string) {
	t.Helper()
	usersCollection(t, s, map[string]any{
		"updateRule": "id = @request.auth.id || @request.auth.role = 'mod'",
		"fields":     []map[string]any{{"name": "name", "type": "text"}, {"name": "role", "type": "text"}},
	})
	mod, _ := signUp(t, s, "mod@example.com", "password-1")
	s.Super("PATCH", "/api/collections/users/records/"+mod, map[string]any{"role": "mod"}).Status(200)
	modTok = s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "mod@example.com", "password": "password-1"}).Status(200).JSON()["token"].(string)
	victim, _ = signUp(t, s, "victim@example.com", "password-2")
	return modTok, victim
}

func TestProtectedAuthFieldsWhateverTheSpelling(t *testing.T) {
	s := testserver.New(t)
	modTok, victim := moderated(t, s)
	url := "/api/collections/users/records/" + victim
	s.Do("PATCH", url, modTok, map[string]any{"name": "renamed"}).Status(200)
	pw := "Newpass1234"
	for _, body := range []map[string]any{
		{"password": pw, "passwordConfirm": pw},
		{"password+": pw, "passwordConfirm": pw},
		{"+password": pw, "passwordConfirm": pw},
		{"password-": pw, "passwordConfirm": pw},
		{"password+": pw, "passwordConfirm+": pw},
		{"password": pw, "passwordConfirm": pw, "oldPassword+": "password-2"},
		{"Password": pw, "passwordConfirm": pw},
		{"email": "mine@example.com"},
		{"email+": "mine@example.com"},
		{"+email": "mine@example.com"},
		{"verified": true},
		{"verified+": true},
		{"verified-": false},
		{"tokenKey": "x"},
		{"tokenKey+": "x"},
		{"id+": "newid1234567890"},
		{"+id": "newid1234567890"},
	} {
		r := s.Do("PATCH", url, modTok, body)
		if r.Code != 400 {
			t.Errorf("PATCH %v: status %d, want 400; %s", body, r.Code, r.Body)
		}
	}
	// The victim's password and email are unchanged.
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "victim@example.com", "password": pw}).Status(400)
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "victim@example.com", "password": "password-2"}).Status(200)
	rec := s.Super("GET", url, nil).Status(200).JSON()
	if rec["email"] != "victim@example.com" || rec["verified"] != false || rec["id"] != victim {
		t.Fatalf("victim changed: %v", rec)
	}
}

func TestProtectedAuthFieldsAtSignUp(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	url := "/api/collections/users/records"
	base := func(extra map[string]any) map[string]any {
		b := map[string]any{"email": "new@example.com", "password": "password-1", "passwordConfirm": "password-1"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	for _, extra := range []map[string]any{
		{"verified+": true}, {"+verified": true}, {"verified": true},
		{"tokenKey": "k"}, {"tokenKey+": "k"}, {"+tokenKey": "k"},
		{"password+": "password-9"},
	} {
		if r := s.Do("POST", url, "", base(extra)); r.Code != 400 {
			t.Errorf("sign-up with %v: status %d, want 400; %s", extra, r.Code, r.Body)
		}
	}
	// A form-encoded or multipart sign-up is not a way around the checks.
	r := s.DoWith("POST", url, "", "email=f%40example.com&password=password-1&passwordConfirm=password-1&verified=true", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if r.Code == 200 {
		if v := r.JSON()["verified"]; v == true {
			t.Fatalf("form sign-up set verified: %s", r.Body)
		}
	}
	if n := s.Super("GET", url+"?filter="+urlq("verified=true"), nil).Status(200).JSON()["totalItems"]; n != 0.0 {
		t.Fatalf("verified users: %v", n)
	}
}

func urlq(s string) string { return url.QueryEscape(s) }

// Auth record ids are unique across auth collections: otherwise a record
// of another auth collection with a user's id would pass
// `owner = @request.auth.id` on that user's data.
func TestAuthIDsAreUniqueAcrossAuthCollections(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	victim, _ := signUp(t, s, "victim@example.com", "password-1")
	s.Super("POST", "/api/collections", map[string]any{"name": "clients", "type": "auth", "createRule": "",
		"listRule": "id = @request.auth.id", "viewRule": "id = @request.auth.id"}).Status(200)
	body := map[string]any{"id": victim, "email": "evil@example.com", "password": "password-1", "passwordConfirm": "password-1"}
	if r := s.Do("POST", "/api/collections/clients/records", "", body).Status(400); r.FieldCode("id") != "validation_invalid_auth_id" {
		t.Fatalf("same id in another auth collection: %s", r.Body)
	}
	// A superuser cannot make such a record either, and a superuser's id is taken too.
	s.Super("POST", "/api/collections/clients/records", body).Status(400)
	su := s.Super("GET", "/api/collections/_superusers/records", nil).Status(200).Items()[0]
	body["id"] = su
	s.Do("POST", "/api/collections/clients/records", "", body).Status(400)
	// A fresh id works; base collections may reuse ids freely.
	body["id"] = "clientid1234567"
	s.Do("POST", "/api/collections/clients/records", "", body).Status(200)
}
