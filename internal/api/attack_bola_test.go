package api_test

import (
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

// The attacker's suite, part two: broken object level authorization. Two
// users, each with private notes; every route that takes an id is tried
// with the other user's ids, and every way of reading data (list, view,
// filter, sort, expand, back-relations, system collections) is tried on
// the other user's records. Runs on SQLite and PostgreSQL.

type bolaEnv struct {
	s                *testserver.Server
	a, aTok, aNote   string
	b, bTok, bNote   string
	notes, usersURL  string
	bNoteBody, bMail string
}

func newBOLA(t *testing.T) *bolaEnv {
	t.Helper()
	s := testserver.New(t)
	usersCollection(t, s, map[string]any{"fields": []map[string]any{{"name": "name", "type": "text"}, {"name": "pin", "type": "text", "hidden": true}}})
	e := &bolaEnv{s: s, notes: "/api/collections/notes/records", usersURL: "/api/collections/users/records", bMail: "b@example.com"}
	e.a, e.aTok = signUp(t, s, "a@example.com", "password-1")
	e.b, e.bTok = signUp(t, s, e.bMail, "password-2")
	s.Super("PATCH", e.usersURL+"/"+e.b, map[string]any{"pin": "4321"}).Status(200)
	own := "owner = @request.auth.id"
	s.Super("POST", "/api/collections", map[string]any{"name": "notes", "type": "base",
		"listRule": own, "viewRule": own, "deleteRule": own,
		"createRule": "@request.body.owner = @request.auth.id",
		"updateRule": own + " && (@request.body.owner:isset = false || @request.body.owner = @request.auth.id)",
		"fields": []map[string]any{{"name": "text", "type": "text"},
			{"name": "owner", "type": "relation", "collectionId": "users", "maxSelect": 1, "required": true},
			{"name": "links", "type": "relation", "collectionId": "notes", "maxSelect": 5}}}).Status(200)
	e.bNoteBody = "b's secret diary"
	e.aNote = s.Do("POST", e.notes, e.aTok, map[string]any{"text": "a's note", "owner": e.a}).Status(200).JSON()["id"].(string)
	e.bNote = s.Do("POST", e.notes, e.bTok, map[string]any{"text": e.bNoteBody, "owner": e.b}).Status(200).JSON()["id"].(string)
	return e
}

// noLeak fails when a response carries anything of B's.
func (e *bolaEnv) noLeak(t *testing.T, what string, r *testserver.Response) {
	t.Helper()
	for _, secret := range []string{e.bNoteBody, e.bMail, "4321"} {
		if strings.Contains(string(r.Body), secret) {
			t.Errorf("%s leaks %q: %s", what, secret, r.Body)
		}
	}
}

func TestBOLARecordsByID(t *testing.T) {
	e := newBOLA(t)
	s := e.s
	bn := e.notes + "/" + e.bNote
	e.noLeak(t, "view", s.Do("GET", bn, e.aTok, nil).Status(404))
	e.noLeak(t, "update", s.Do("PATCH", bn, e.aTok, map[string]any{"text": "mine now"}).Status(404))
	e.noLeak(t, "update owner", s.Do("PATCH", bn, e.aTok, map[string]any{"owner": e.a}).Status(404))
	e.noLeak(t, "invalid update", s.Do("PATCH", bn, e.aTok, map[string]any{"owner": 12}).Status(404))
	e.noLeak(t, "delete", s.Do("DELETE", bn, e.aTok, nil).Status(404))
	// Creating for someone else, or moving one's own note to them.
	s.Do("POST", e.notes, e.aTok, map[string]any{"text": "planted", "owner": e.b}).Status(400)
	s.Do("PATCH", e.notes+"/"+e.aNote, e.aTok, map[string]any{"owner": e.b}).Status(404)
	s.Do("PATCH", e.notes+"/"+e.aNote, e.aTok, map[string]any{"owner+": e.b}).Status(404)
	// B's user record, directly.
	bu := e.usersURL + "/" + e.b
	e.noLeak(t, "view user", s.Do("GET", bu, e.aTok, nil).Status(404))
	s.Do("PATCH", bu, e.aTok, map[string]any{"name": "pwned"}).Status(404)
	s.Do("DELETE", bu, e.aTok, nil).Status(404)
	// Nothing of B's changed.
	got := s.Do("GET", bn, e.bTok, nil).Status(200).JSON()
	if got["text"] != e.bNoteBody || got["owner"] != e.b {
		t.Fatalf("b's note changed: %v", got)
	}
	if ids := s.Super("GET", e.notes, nil).Status(200).Items(); len(ids) != 2 {
		t.Fatalf("notes: %v", ids)
	}
	s.Do("GET", bu, e.bTok, nil).Status(200).Contains(`"name":"user"`)
}

func TestBOLAReadPaths(t *testing.T) {
	e := newBOLA(t)
	s := e.s
	// Lists filter silently.
	if ids := s.Do("GET", e.notes, e.aTok, nil).Status(200).Items(); len(ids) != 1 || ids[0] != e.aNote {
		t.Fatalf("a lists %v", ids)
	}
	// A filter or sort cannot probe B's notes or B's hidden or private fields.
	for _, f := range []string{
		`text ~ "diary"`,
		`owner.email ~ "b@"`,
		`owner.pin = "4321"`,
		`owner.notes_via_owner.text ~ "diary"`,
		`links.text ~ "diary"`,
	} {
		r := s.Do("GET", e.notes+"?filter="+urlq(f), e.aTok, nil)
		if r.Code == 200 {
			if ids := r.Items(); len(ids) != 0 {
				t.Errorf("filter %s matches %v", f, ids)
			}
		} else if r.Code != 400 && r.Code != 403 {
			t.Errorf("filter %s: status %d", f, r.Code)
		}
		e.noLeak(t, "filter "+f, r)
	}
	s.Do("GET", e.notes+"?sort=owner.pin", e.aTok, nil).Status(400)
	// Linking B's note from one's own and expanding it shows nothing of B's.
	s.Do("PATCH", e.notes+"/"+e.aNote, e.aTok, map[string]any{"links": []string{e.bNote}}).Status(200)
	for _, ex := range []string{"links", "owner", "links.owner", "owner.notes_via_owner", "notes_via_links", "owner.pin"} {
		e.noLeak(t, "expand "+ex, s.Do("GET", e.notes+"/"+e.aNote+"?expand="+ex, e.aTok, nil).Status(200))
		e.noLeak(t, "list expand "+ex, s.Do("GET", e.notes+"?expand="+ex, e.aTok, nil).Status(200))
	}
	// fields= cannot reach into what expand hid.
	e.noLeak(t, "fields", s.Do("GET", e.notes+"/"+e.aNote+"?expand=links&fields=*,expand.links.text", e.aTok, nil).Status(200))
	// Guests see nothing at all.
	if ids := s.Do("GET", e.notes, "", nil).Status(200).Items(); len(ids) != 0 {
		t.Fatalf("guest lists %v", ids)
	}
	// System collections: another user's external auths, OTPs and MFA
	// sessions are not listed; superuser-only collections refuse.
	for _, c := range []string{"_externalAuths", "_otps", "_mfas", "_authOrigins"} {
		r := s.Do("GET", "/api/collections/"+c+"/records", e.aTok, nil)
		if r.Code == 200 && strings.Contains(string(r.Body), e.b) {
			t.Errorf("%s lists b's rows: %s", c, r.Body)
		}
	}
	s.Do("GET", "/api/collections/_superusers/records", e.aTok, nil).Status(403)
}

func TestBOLAAuthRoutes(t *testing.T) {
	e := newBOLA(t)
	s := e.s
	// Impersonation is for superusers; a user's token is not a superuser's.
	s.Do("POST", "/api/collections/users/impersonate/"+e.b, e.aTok, nil).Status(403)
	s.Do("POST", "/api/collections/users/impersonate/"+e.b, "", nil).Status(401)
	// A user token of one collection is no token in another collection.
	s.Do("POST", "/api/collections/_superusers/auth-refresh", e.aTok, nil).Status(403)
	// A's token refreshes A, never B.
	r := s.Do("POST", "/api/collections/users/auth-refresh", e.aTok, nil).Status(200).JSON()
	if rec, _ := r["record"].(map[string]any); rec["id"] != e.a {
		t.Fatalf("refresh gave %v", rec)
	}
	// Email change requests act on the token's record only.
	s.Do("POST", "/api/collections/users/request-email-change", "", map[string]any{"newEmail": "x@example.com"}).Status(401)
}
