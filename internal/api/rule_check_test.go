package api_test

import (
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

func TestCheckRule(t *testing.T) {
	s := testserver.New(t)
	authors := s.Super("POST", "/api/collections", map[string]any{"name": "authors", "fields": []map[string]any{{"name": "name", "type": "text"}}}).Status(200).JSON()
	draft := map[string]any{"name": "drafts", "type": "base", "fields": []map[string]any{
		{"name": "title", "type": "text"},
		{"name": "author", "type": "relation", "collectionId": authors["id"], "maxSelect": 1},
	}}
	check := func(coll map[string]any, rule, kind string) *testserver.Response {
		return s.Super("POST", "/api/collections/meta/check-rule", map[string]any{"collection": coll, "rule": rule, "kind": kind})
	}
	check(draft, `title = "x" && author.name != "" && @request.auth.id != ""`, "rule").Status(204)
	check(draft, `@collection.authors.name ?= title`, "").Status(204)
	check(draft, "", "rule").Status(204)
	for _, bad := range []string{`title = `, `nope = 1`, `author.nope = 1`, `title ~~ "x"`, `(title = "x"`} {
		res := check(draft, bad, "rule").Status(400)
		if res.FieldCode("rule") != "validation_invalid_rule" {
			t.Fatalf("%q: %s", bad, res.Body)
		}
	}
	// Editing a saved collection: a field the editor added but did not save yet.
	edit := map[string]any{"id": authors["id"], "name": "authors", "fields": []map[string]any{
		{"id": authors["fields"].([]any)[0].(map[string]any)["id"], "name": "id", "type": "text", "primaryKey": true, "system": true, "required": true,
			"min": 15, "max": 15, "pattern": "^[a-z0-9]+$", "autogeneratePattern": "[a-z0-9]{15}"},
		{"name": "name", "type": "text"}, {"name": "bio", "type": "text"},
	}}
	check(edit, `bio != ""`, "filter").Status(204)
	if res := check(draft, "title = 1", "other").Status(400); res.FieldCode("kind") == "" {
		t.Fatalf("bad kind: %s", res.Body)
	}
	if res := check(map[string]any{"name": "bad name!"}, "", "").Status(400); res.FieldCode("collection.name") == "" {
		t.Fatalf("bad collection: %s", res.Body)
	}
	s.Do("POST", "/api/collections/meta/check-rule", "", map[string]any{"collection": draft, "rule": "x"}).Status(401)
	// Nothing was saved.
	s.Super("GET", "/api/collections/drafts", nil).Status(404)
}

// TestRuleTester: the records a rule lets a chosen requester reach.
func TestRuleTester(t *testing.T) {
	s := testserver.New(t)
	fileCollection(t, s) // users (auth) and docs (owner relation, listRule title != "hidden")
	u1, _ := newUser(t, s, "one@example.com")
	u2, _ := newUser(t, s, "two@example.com")
	for _, d := range []struct{ title, owner string }{{"a", u1}, {"b", u1}, {"hidden", u1}, {"c", u2}} {
		s.Super("POST", "/api/collections/docs/records", map[string]any{"title": d.title, "owner": d.owner}).Status(200)
	}
	try := func(body map[string]any) map[string]any {
		return s.Super("POST", "/api/collections/docs/rule-test", body).Status(200).JSON()
	}
	if n := try(map[string]any{"action": "list"})["totalItems"].(float64); n != 3 {
		t.Fatalf("saved listRule as a guest: %v, want 3", n)
	}
	mine := "owner = @request.auth.id"
	for who, want := range map[string]float64{u1: 3, u2: 1} {
		if n := try(map[string]any{"action": "list", "rule": mine, "authCollection": "users", "authId": who})["totalItems"].(float64); n != want {
			t.Fatalf("%q for %s: %v, want %v", mine, who, n, want)
		}
	}
	if n := try(map[string]any{"action": "list", "rule": mine})["totalItems"].(float64); n != 0 {
		t.Fatalf("%q as a guest: %v", mine, n)
	}
	if res := try(map[string]any{"action": "view", "rule": nil}); res["locked"] != false {
		t.Fatalf("saved viewRule: %v", res)
	}
	s.Super("PATCH", "/api/collections/docs", map[string]any{"deleteRule": nil}).Status(200)
	if res := try(map[string]any{"action": "delete"}); res["locked"] != true || res["totalItems"].(float64) != 0 {
		t.Fatalf("null deleteRule: %v", res)
	}
	for _, bad := range []map[string]any{
		{"action": "explode"},
		{"action": "list", "rule": "title ="},
		{"action": "list", "authCollection": "users", "authId": "nope"},
		{"action": "list", "authCollection": "docs", "authId": u1},
	} {
		s.Super("POST", "/api/collections/docs/rule-test", bad).Status(400)
	}
	s.Do("POST", "/api/collections/docs/rule-test", "", map[string]any{"action": "list"}).Status(401)
}
