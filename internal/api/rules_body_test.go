package api_test

import (
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

// Issue 17 through the whole stack: @request.body in rules means what it
// means in PocketBase (shared/contract-notes.md, "@request.body in rules").

func TestBodyFieldAbsentIsNull(t *testing.T) {
	s := testserver.New(t)
	s.Super("POST", "/api/collections", map[string]any{"name": "things", "type": "base",
		"listRule": "", "viewRule": "", "createRule": "", "updateRule": "@request.body.n < 10",
		"fields": []map[string]any{{"name": "title", "type": "text"}, {"name": "n", "type": "number"}, {"name": "public", "type": "bool"}}}).Status(200)
	id := s.Do("POST", "/api/collections/things/records", "", map[string]any{"title": "t"}).Status(200).JSON()["id"].(string)
	u := "/api/collections/things/records/" + id
	// No n in the body: NULL, and NULL < 10 is false.
	s.Do("PATCH", u, "", map[string]any{"title": "data", "public": true}).Status(404)
	s.Do("PATCH", u, "", map[string]any{"n": 5}).Status(200)
	s.Do("PATCH", u, "", map[string]any{"n": 50}).Status(404)
	// A value sent as null is the field's zero value, 0 < 10.
	s.Do("PATCH", u, "", map[string]any{"n": nil}).Status(200)
	for _, c := range []struct {
		rule string
		want int
	}{
		{"@request.body.n <= 10", 404},
		{"@request.body.n > -1", 404},
		{"@request.body.n >= 0", 404},
		{"(@request.body.n < 10) || title = 'nope'", 404},
		{"title != '' && @request.body.n < 10", 404},
		{"@request.body.n:isset = false", 200},
	} {
		s.Super("PATCH", "/api/collections/things", map[string]any{"updateRule": c.rule}).Status(200)
		if r := s.Do("PATCH", u, "", map[string]any{"title": "data", "public": true}); r.Code != c.want {
			t.Errorf("rule %s: status %d, want %d", c.rule, r.Code, c.want)
		}
	}
}

func TestBodyRelationIsFollowed(t *testing.T) {
	s := testserver.New(t)
	s.Super("POST", "/api/collections", map[string]any{"name": "teams", "type": "base", "listRule": "", "viewRule": "",
		"fields": []map[string]any{{"name": "name", "type": "text"}}}).Status(200)
	usersCollection(t, s, map[string]any{"listRule": "", "viewRule": "",
		"fields": []map[string]any{{"name": "team", "type": "relation", "collectionId": "teams", "maxSelect": 1}}})
	red := s.Super("POST", "/api/collections/teams/records", map[string]any{"name": "red"}).Status(200).JSON()["id"].(string)
	blue := s.Super("POST", "/api/collections/teams/records", map[string]any{"name": "blue"}).Status(200).JSON()["id"].(string)
	a, _ := signUp(t, s, "a@example.com", "password-1")
	b, _ := signUp(t, s, "b@example.com", "password-1")
	s.Super("PATCH", "/api/collections/users/records/"+a, map[string]any{"team": red}).Status(200)
	s.Super("PATCH", "/api/collections/users/records/"+b, map[string]any{"team": blue}).Status(200)
	aTok := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(200).JSON()["token"].(string)
	same := "@request.body.owner.team = @request.auth.team"
	s.Super("POST", "/api/collections", map[string]any{"name": "tasks", "type": "base", "listRule": "", "viewRule": "",
		"createRule": same, "updateRule": same,
		"fields": []map[string]any{{"name": "title", "type": "text"},
			{"name": "owner", "type": "relation", "collectionId": "users", "maxSelect": 1},
			{"name": "helpers", "type": "relation", "collectionId": "users", "maxSelect": 5}}}).Status(200)
	url := "/api/collections/tasks/records"
	task := s.Do("POST", url, aTok, map[string]any{"title": "x", "owner": a}).Status(200).JSON()["id"].(string)
	s.Do("POST", url, aTok, map[string]any{"title": "x", "owner": b}).Status(400)
	s.Do("POST", url, aTok, map[string]any{"title": "x", "owner": "nosuchrecord12"}).Status(400)
	s.Do("POST", url, aTok, map[string]any{"title": "x"}).Status(400)
	s.Do("PATCH", url+"/"+task, aTok, map[string]any{"owner": a}).Status(200)
	s.Do("PATCH", url+"/"+task, aTok, map[string]any{"owner": b}).Status(404)
	s.Do("PATCH", url+"/"+task, aTok, map[string]any{"owner+": b}).Status(404)
	// Multi relations in the body: any helper, every helper, how many.
	s.Super("PATCH", "/api/collections/tasks", map[string]any{"updateRule": "@request.body.helpers.team.name ?= 'blue'"}).Status(200)
	s.Do("PATCH", url+"/"+task, aTok, map[string]any{"helpers": []string{a}}).Status(404)
	s.Do("PATCH", url+"/"+task, aTok, map[string]any{"helpers": []string{a, b}}).Status(200)
	s.Super("PATCH", "/api/collections/tasks", map[string]any{"updateRule": "@request.body.helpers:each.team != ''"}).Status(400)
	s.Super("PATCH", "/api/collections/tasks", map[string]any{"updateRule": "@request.body.helpers:length = 1 && @request.body.helpers.team.name = 'red'"}).Status(200)
	s.Do("PATCH", url+"/"+task, aTok, map[string]any{"helpers": []string{a, b}}).Status(404)
	s.Do("PATCH", url+"/"+task, aTok, map[string]any{"helpers": []string{a}}).Status(200)
	s.Do("PATCH", url+"/"+task, aTok, map[string]any{"helpers+": b}).Status(404)
	// A path through a field that is not a relation is refused when the rule is saved.
	s.Super("PATCH", "/api/collections/tasks", map[string]any{"updateRule": "@request.body.title.name = 'x'"}).Status(400)
}
