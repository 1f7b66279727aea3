package api_test

import (
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

func TestCollectionsAPI(t *testing.T) {
	s := testserver.New(t)
	body := map[string]any{"name": "tasks", "type": "base", "listRule": "", "viewRule": "",
		"fields":  []map[string]any{{"name": "title", "type": "text", "required": true}, {"name": "done", "type": "bool"}},
		"indexes": []string{`CREATE INDEX idx_tasks_title ON tasks (title)`}}
	// Guests get 401; bad tokens are guests.
	s.Do("GET", "/api/collections", "", nil).Status(401)
	s.Do("POST", "/api/collections", "garbage", body).Status(401)
	c := s.Super("POST", "/api/collections", body).Status(200).JSON()
	id := c["id"].(string)
	fields := c["fields"].([]any)
	names := []string{}
	for _, f := range fields {
		names = append(names, f.(map[string]any)["name"].(string))
	}
	// Only id and the fields sent (PocketBase adds no created/updated either).
	if strings.Join(names, ",") != "id,title,done" {
		t.Fatalf("fields: %v", names)
	}
	s.Super("GET", "/api/collections/"+id, nil).Status(200).Contains(`"name":"tasks"`)
	s.Super("GET", "/api/collections?filter="+q(`name = "tasks"`), nil).Status(200).Contains(`"totalItems":1`)
	s.Super("POST", "/api/collections", body).Status(400).Contains("name")
	rec := s.Do("POST", "/api/collections/tasks/records", "", map[string]any{"title": "x"}).Status(403) // null createRule
	_ = rec
	tid := s.Super("POST", "/api/collections/tasks/records", map[string]any{"title": "keep me"}).Status(200).JSON()["id"].(string)
	// Rename the collection and a field: data survives, the API follows the new names.
	s.Super("PATCH", "/api/collections/tasks", map[string]any{"name": "todos", "fields": []map[string]any{
		{"id": fields[0].(map[string]any)["id"], "name": "id", "type": "text", "primaryKey": true, "required": true, "system": true, "min": 15, "max": 15, "pattern": "^[a-z0-9]+$", "autogeneratePattern": "[a-z0-9]{15}"},
		{"id": fields[1].(map[string]any)["id"], "name": "label", "type": "text", "required": true},
		{"id": fields[2].(map[string]any)["id"], "name": "done", "type": "bool"},
	}}).Status(200)
	s.Do("GET", "/api/collections/todos/records/"+tid, "", nil).Status(200).Contains(`"label":"keep me"`)
	s.Do("GET", "/api/collections/tasks/records/"+tid, "", nil).Status(404)
	// Bad input changes nothing.
	s.Super("PATCH", "/api/collections/todos", `{"name":"a","Name":"b"}`).Status(400)
	s.Super("PATCH", "/api/collections/todos", map[string]any{"indexes": []string{`CREATE INDEX x ON todos (label); DROP TABLE todos`}}).Status(400)
	s.Super("PATCH", "/api/collections/todos", map[string]any{"listRule": "nope = 1"}).Status(400).Contains("nope")
	s.Do("GET", "/api/collections/todos/records/"+tid, "", nil).Status(200)
	// View collection: read-only.
	s.Super("POST", "/api/collections", map[string]any{"name": "open_todos", "type": "view", "listRule": "",
		"viewQuery": "SELECT id, label FROM todos WHERE done = false"}).Status(200)
	s.Do("GET", "/api/collections/open_todos/records", "", nil).Status(200).Contains(`"label":"keep me"`)
	s.Super("POST", "/api/collections/open_todos/records", map[string]any{"label": "x"}).Status(400)
	s.Super("POST", "/api/collections", map[string]any{"name": "evil", "type": "view", "viewQuery": "SELECT id, password FROM _superusers"}).Status(400)
	s.Super("POST", "/api/collections", map[string]any{"name": "evil", "type": "view", "viewQuery": "DELETE FROM todos"}).Status(400)
	// A collection used by a view cannot be deleted; truncate and delete otherwise.
	s.Super("DELETE", "/api/collections/todos", nil).Status(400)
	s.Super("DELETE", "/api/collections/open_todos", nil).Status(204)
	s.Super("DELETE", "/api/collections/todos/truncate", nil).Status(204)
	s.Super("GET", "/api/collections/todos/records", nil).Status(200).Contains(`"totalItems":0`)
	s.Super("DELETE", "/api/collections/todos", nil).Status(204)
	s.Super("DELETE", "/api/collections/_superusers", nil).Status(400)
	s.Super("GET", "/api/collections/meta/scaffolds", nil).Status(200).Contains(`"base"`, `"view"`)
	s.Super("PUT", "/api/collections/import", map[string]any{"collections": []map[string]any{{"name": "imported", "type": "base"}}}).Status(204)
	s.Super("GET", "/api/collections/imported", nil).Status(200)
}
