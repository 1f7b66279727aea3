package core

import (
	"context"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
)

func TestViewCollections(t *testing.T) {
	app := collApp(t)
	ctx := context.Background()
	posts := mustCreate(t, app, `{"name":"posts","fields":[{"name":"title","type":"text","max":10},{"name":"n","type":"number"},
		{"name":"tags","type":"select","values":["a","b"],"maxSelect":2}]}`)
	mustExec(t, app, `INSERT INTO posts (id, title, n, tags) VALUES ('a', 'x', 2, '["a"]')`)
	v := mustCreate(t, app, `{"name":"stats","type":"view","listRule":"","viewQuery":"SELECT p.id, p.title AS t, tags, n * 2 AS double, CAST(n AS INTEGER) AS whole, count(*) AS c FROM posts AS p GROUP BY p.id;"}`)
	want := map[string]string{"id": "text", "t": "text", "tags": "select", "double": "json", "whole": "number", "c": "json"}
	if app.db.DialectName() == "postgres" { // PostgreSQL knows the type of every expression
		want["double"], want["c"] = "number", "number"
	}
	if len(v.Fields) != len(want) {
		t.Fatalf("fields %+v", v.Fields)
	}
	for name, typ := range want {
		if f := v.Field(name); f == nil || f.Type != typ {
			t.Errorf("field %s: %+v, want %s", name, f, typ)
		}
	}
	if v.Field("t").Max != 10 || v.Field("tags").MaxSelect != 2 || !v.Field("id").PrimaryKey {
		t.Fatal("source options not carried over")
	}
	if strings.HasSuffix(v.ViewQuery, ";") {
		t.Fatal("trailing ; kept")
	}
	if got := rows(t, app, `SELECT t, double FROM stats`); len(got) != 1 || got[0][0] != "x" {
		t.Fatalf("view rows %v", got)
	}
	bad := []string{
		`DELETE FROM posts`,
		`SELECT id FROM posts; DELETE FROM posts`,
		`SELECT id FROM posts; SELECT id FROM posts`,
		`SELECT id, email FROM _superusers`,
		`SELECT id FROM "_superusers"`,
		`SELECT name AS id FROM sqlite_master`,
		`SELECT id FROM [_collections]`,
		`SELECT * FROM pragma_table_info('posts')`,
		`WITH x AS (SELECT id FROM posts) DELETE FROM posts`,
		`WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id+1 FROM c) SELECT id FROM c`,
		`SELECT title FROM posts`,
		`SELECT id, title, title FROM posts`,
		`SELECT id FROM nope`,
		`SELECT id FROM posts WHERE title = ?`,
		`ATTACH DATABASE 'x.db' AS x`,
		`PRAGMA writable_schema = 1`,
		`SELECT id FROM posts /* unterminated`,
		`SELECT load_extension('x') AS id`,
		`SELECT id FROM main._params`,
		``,
	}
	for _, q := range bad {
		body := `{"name":"bad","type":"view","viewQuery":` + mustJSON(t, q) + `}`
		_, err := app.CreateCollection(ctx, app.SystemActor(), []byte(body))
		want := "validation_invalid_view_query"
		if q == "" {
			want = "validation_required"
		}
		if fe := errFields(t, err); fe["viewQuery"].Code != want || fe["fields"].Code == "" {
			t.Errorf("%q: want viewQuery error, got %v", q, err)
		}
	}
	if app.db.Schema.Collection("bad") != nil || relationExists(t, app, "bad") {
		t.Fatal("a refused view was created")
	}
	// Views are read-only: only list/view rules, no indexes, no type change.
	for body, key := range map[string]string{
		`{"createRule":""}`:                           "createRule",
		`{"indexes":["CREATE INDEX i ON stats (t)"]}`: "indexes",
		`{"type":"base"}`:                             "type",
	} {
		_, err := app.UpdateCollection(ctx, app.SystemActor(), "stats", []byte(body))
		if _, ok := errFields(t, err)[key]; !ok {
			t.Errorf("%s: %v", body, err)
		}
	}
	if err := app.TruncateCollection(ctx, app.SystemActor(), "stats"); galley.ErrorCodeOf(err) != galley.EInvalid {
		t.Fatalf("truncate view: %v", err)
	}
	_, err := app.CreateCollection(ctx, app.SystemActor(), []byte(`{"name":"r","fields":[{"name":"s","type":"relation","collectionId":"`+v.ID+`"}]}`))
	if errFields(t, err)["fields.1.collectionId"].Code != "validation_view_relation" {
		t.Fatalf("relation to a view: %v", err)
	}
	// A field change in the source re-infers the view; removing a used field is refused.
	pc := app.db.Schema.Collection("posts").Clone()
	pc.Field("n").Type = "text"
	if app.db.DialectName() == "postgres" {
		// PostgreSQL types the view's expressions: text * 2 no longer
		// compiles, so the change is refused naming the view.
		_, err := app.UpdateCollection(ctx, app.SystemActor(), "posts", []byte(`{"fields":`+mustJSON(t, pc.Fields)+`}`))
		if galley.ErrorCodeOf(err) != galley.EInvalid || !strings.Contains(err.Error(), "stats") {
			t.Fatalf("retype under a typed view: %v", err)
		}
		pc = app.db.Schema.Collection("posts").Clone()
	} else {
		mustUpdate(t, app, "posts", `{"fields":`+mustJSON(t, pc.Fields)+`}`)
		if f := app.db.Schema.Collection("stats").Field("whole"); f == nil {
			t.Fatal("view lost a column")
		}
	}
	pc.Fields = pc.Fields[:2]
	_, err = app.UpdateCollection(ctx, app.SystemActor(), "posts", []byte(`{"fields":`+mustJSON(t, pc.Fields)+`}`))
	if galley.ErrorCodeOf(err) != galley.EInvalid || !strings.Contains(err.Error(), "stats") {
		t.Fatalf("removing a field a view uses: %v", err)
	}
	if app.db.Schema.Collection(posts.ID).Field("tags") == nil {
		t.Fatal("refused update changed the schema")
	}
	// Changing the query re-infers the fields.
	v2 := mustUpdate(t, app, "stats", `{"viewQuery":"SELECT id, title FROM posts"}`)
	if len(v2.Fields) != 2 || v2.Field("id").ID != v.Field("id").ID {
		t.Fatalf("re-inferred: %+v", v2.Fields)
	}
}
