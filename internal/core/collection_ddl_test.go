package core

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

func TestUpdateFieldsKeepsData(t *testing.T) {
	app := collApp(t)
	c := mustCreate(t, app, `{"name":"posts","fields":[
		{"name":"title","type":"text"},{"name":"n","type":"number"},{"name":"flag","type":"bool"},
		{"name":"tag","type":"select","values":["a","b","c"]},{"name":"tags","type":"select","values":["a","b","c"],"maxSelect":3},
		{"name":"code","type":"text"},{"name":"gone","type":"text"}]}`)
	mustExec(t, app, `INSERT INTO posts (id, title, n, flag, tag, tags, code, gone) VALUES
		('r1', 'hello', 2.5, TRUE, 'a', '["b","c"]', '42', 'x'),
		('r2', 'world', 3, FALSE, '', '[]', 'abc', 'y')`)
	id := func(name string) string { return c.Field(name).ID }
	// rename title→headline, retype n number→text, flag bool→number, tag single→multi,
	// tags multi→single, code text→number; remove gone; add extra.
	body := fmt.Sprintf(`{"fields":[
		{"id":%q,"name":"id","type":"text"},
		{"id":%q,"name":"headline","type":"text"},
		{"id":%q,"name":"n","type":"text"},
		{"id":%q,"name":"flag","type":"number"},
		{"id":%q,"name":"tag","type":"select","values":["a","b","c"],"maxSelect":2},
		{"id":%q,"name":"tags","type":"select","values":["a","b","c"],"maxSelect":1},
		{"id":%q,"name":"code","type":"number"},
		{"name":"extra","type":"json"}]}`,
		id("id"), id("title"), id("n"), id("flag"), id("tag"), id("tags"), id("code"))
	nc := mustUpdate(t, app, "posts", body)
	if nc.Field("title") != nil || nc.Field("headline") == nil || nc.Field("gone") != nil || nc.Field("headline").ID != id("title") {
		t.Fatalf("fields after update: %+v", nc.Fields)
	}
	got := rows(t, app, `SELECT id, headline, n, flag, tag, tags, code, extra FROM posts ORDER BY id`)
	want := [][]string{
		{"r1", "hello", "2.5", "1", `["a"]`, "b", "42", "NULL"},
		{"r2", "world", "3", "0", `[]`, "", "0", "NULL"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("data after retype:\n got %v\nwant %v", got, want)
	}
	if cols := columnNames(t, app, "posts"); len(cols) != 8 {
		t.Fatalf("columns %v", cols)
	}
	// Rows added after the rebuild come after the copied ones.
	mustExec(t, app, `INSERT INTO posts (id) VALUES ('r0')`)
	list, err := app.ListRecords(context.Background(), Actor{Auth: &galley.Record{Collection: app.db.Schema.Collection(galley.SuperusersName)}}, "posts", RecordQuery{ListQuery: ListQuery{Page: 1, PerPage: 10, SkipTotal: true}})
	if err != nil || len(list.Items) != 3 || list.Items[2].ID() != "r0" {
		t.Fatalf("insertion order after a rebuild: %v %+v", err, list)
	}
	// Rename the collection; data follows.
	mustUpdate(t, app, "posts", `{"name":"articles"}`)
	if got := rows(t, app, `SELECT count(*) FROM articles`); got[0][0] != "3" {
		t.Fatalf("rows after rename: %v", got)
	}
	if app.db.Schema.Collection("posts") != nil || app.db.Schema.Collection("articles") == nil {
		t.Fatal("schema cache not reloaded")
	}
}

func TestUpdateAddColumnAndIndexes(t *testing.T) {
	app := collApp(t)
	mustCreate(t, app, `{"name":"posts","fields":[{"name":"title","type":"text"}],"indexes":["CREATE INDEX idx_title ON posts (title)"]}`)
	mustExec(t, app, `INSERT INTO posts (id, title) VALUES ('a', 'same'), ('b', 'same')`)
	c := mustUpdate(t, app, "posts", `{"fields":[{"name":"title","type":"text"},{"name":"n","type":"number"}]}`)
	if c.Field("created") != nil {
		t.Fatal("a fields list without created removes it")
	}
	if got := rows(t, app, `SELECT title, n FROM posts ORDER BY id`); fmt.Sprint(got) != "[[same 0] [same 0]]" {
		t.Fatalf("after add column: %v", got)
	}
	// A unique index the data violates: 400 naming the index, nothing changes.
	_, err := app.UpdateCollection(context.Background(), app.SystemActor(), "posts", []byte(`{"indexes":["CREATE UNIQUE INDEX idx_u ON posts (title)"]}`))
	if fe := errFields(t, err); !strings.Contains(fe["indexes"].Message, "idx_u") {
		t.Fatalf("unique violation: %v", err)
	}
	if got := indexStatements(t, app, "posts"); len(got) != 1 || got["idx_title"] == "" {
		t.Fatalf("indexes after failed update: %v", got)
	}
	mustUpdate(t, app, "posts", `{"indexes":["create index IF NOT EXISTS idx_n on POSTS (N desc, title collate nocase) where n > 0 and title != 'x'"]}`)
	got := indexStatements(t, app, "posts")
	want := `CREATE INDEX "idx_n" ON "posts" ("n" DESC, "title" COLLATE NOCASE) WHERE "n" > 0 AND "title" != 'x'`
	if app.db.DialectName() == "postgres" {
		want = `CREATE INDEX "idx_n" ON "posts" ("n" DESC, lower("title")) WHERE "n" > 0 AND "title" != 'x'`
	}
	if len(got) != 1 || got["idx_n"] != want {
		t.Fatalf("canonical index: %v", got)
	}
	// Index names are unique across the database.
	_, err = app.CreateCollection(context.Background(), app.SystemActor(), []byte(`{"name":"other","fields":[{"name":"t","type":"text"}],"indexes":["CREATE INDEX idx_n ON other (t)"]}`))
	if errFields(t, err)["indexes"].Code != "validation_invalid_index" {
		t.Fatalf("duplicate index name: %v", err)
	}
	// Removing a field that an index uses is refused clearly.
	_, err = app.UpdateCollection(context.Background(), app.SystemActor(), "posts", []byte(`{"fields":[{"name":"title","type":"text"}]}`))
	if fe := errFields(t, err); !strings.Contains(fe["indexes.0"].Message, "removed field") {
		t.Fatalf("index on removed field: %v", err)
	}
}

func TestRelationIndexesAndRenameRewrites(t *testing.T) {
	app := collApp(t)
	users := mustCreate(t, app, `{"name":"people","fields":[{"name":"nick","type":"text"}]}`)
	mustCreate(t, app, `{"name":"posts","fields":[{"name":"title","type":"text"},{"name":"author","type":"relation","collectionId":"`+users.ID+`"}],
		"listRule":"author.nick = 'nick' && title != \"title\" // title",
		"viewRule":"@collection.people.nick ?= title",
		"indexes":["CREATE INDEX idx_t ON posts (title)"]}`)
	mustUpdate(t, app, "people", `{"listRule":"posts_via_author.title ?= 'x' && @request.body.nick:isset = false"}`)
	mustCreate(t, app, `{"name":"v","type":"view","viewQuery":"SELECT p.id, p.title FROM posts p"}`)
	if got := indexStatements(t, app, "posts"); len(got) != 2 || got["_rel_"+app.db.Schema.Collection("posts").ID+"_author"] == "" {
		t.Fatalf("relation index: %v", got)
	}
	// Rename a field used by another collection's rule and by a rule path.
	mustUpdate(t, app, "people", `{"name":"members","fields":[{"id":"`+users.Field("nick").ID+`","name":"handle","type":"text"}]}`)
	p := app.db.Schema.Collection("posts")
	if *p.ListRule != `author.handle = 'nick' && title != "title" // title` {
		t.Fatalf("listRule: %s", *p.ListRule)
	}
	if *p.ViewRule != `@collection.members.handle ?= title` {
		t.Fatalf("viewRule: %s", *p.ViewRule)
	}
	if r := *app.db.Schema.Collection("members").ListRule; r != `posts_via_author.title ?= 'x' && @request.body.handle:isset = false` {
		t.Fatalf("members listRule: %s", r)
	}
	// Rename posts.title: own rules, indexes and the view follow.
	pc := p.Clone()
	pc.Field("title").Name = "heading"
	body := fmt.Sprintf(`{"name":"entries","fields":%s}`, mustJSON(t, pc.Fields))
	mustUpdate(t, app, "posts", body)
	e := app.db.Schema.Collection("entries")
	if *e.ListRule != `author.handle = 'nick' && heading != "title" // title` {
		t.Fatalf("own rule: %s", *e.ListRule)
	}
	if r := *app.db.Schema.Collection("members").ListRule; r != `entries_via_author.heading ?= 'x' && @request.body.handle:isset = false` {
		t.Fatalf("back-relation rewrite: %s", r)
	}
	if len(e.Indexes) != 1 || e.Indexes[0] != "CREATE INDEX `idx_t` ON `entries` (`heading`)" {
		t.Fatalf("indexes: %v", e.Indexes)
	}
	v := app.db.Schema.Collection("v")
	// SQLite rewrites the stored text in place; PostgreSQL gives back its
	// own rendering of the view (unquoted names).
	// PostgreSQL also keeps the view's result column names (p.heading AS title).
	col := "heading"
	if app.db.DialectName() == "postgres" {
		col = "title"
	}
	if !strings.Contains(strings.ReplaceAll(v.ViewQuery, `"`, ""), "FROM entries") || v.Field(col) == nil {
		t.Fatalf("view after renames: %q %+v", v.ViewQuery, v.Fields)
	}
	if got := rows(t, app, `SELECT count(*) FROM v`); got[0][0] != "0" {
		t.Fatal(got)
	}
	if app.db.DialectName() == "postgres" {
		// The view's columns do not follow source renames on PostgreSQL, so
		// a rule on them never breaks: the rename goes through.
		mustUpdate(t, app, "v", `{"listRule":"title != ''"}`)
		mustUpdate(t, app, "entries", body2(t, app, "entries", "heading", "subject"))
		if got := rows(t, app, `SELECT count(*) FROM v`); got[0][0] != "0" {
			t.Fatal(got)
		}
		return
	}
	// A rename that would break a rule that cannot be rewritten is refused.
	mustUpdate(t, app, "v", `{"listRule":"heading != ''"}`)
	_, err := app.UpdateCollection(context.Background(), app.SystemActor(), "entries", []byte(body2(t, app, "entries", "heading", "subject")))
	if galley.ErrorCodeOf(err) != galley.EInvalid || !strings.Contains(err.Error(), `"v"`) {
		t.Fatalf("breaking rename: %v", err)
	}
	if app.db.Schema.Collection("entries").Field("heading") == nil {
		t.Fatal("refused rename changed the schema")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := jsonMarshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// body2 returns a PATCH body renaming field from→to in collection name.
func body2(t *testing.T, app *App, name, from, to string) string {
	c := app.db.Schema.Collection(name).Clone()
	c.Field(from).Name = to
	return `{"fields":` + mustJSON(t, c.Fields) + `}`
}

func TestTruncateCollection(t *testing.T) {
	app := collApp(t)
	ctx := context.Background()
	posts := mustCreate(t, app, `{"name":"posts"}`)
	mustCreate(t, app, `{"name":"likes","fields":[{"name":"post","type":"relation","collectionId":"`+posts.ID+`","cascadeDelete":true}]}`)
	mustCreate(t, app, `{"name":"notes","fields":[{"name":"posts","type":"relation","collectionId":"`+posts.ID+`","maxSelect":5}]}`)
	mustExec(t, app, `INSERT INTO posts (id) VALUES ('p1'), ('p2')`)
	mustExec(t, app, `INSERT INTO likes (id, post) VALUES ('l1', 'p1'), ('l2', '')`)
	mustExec(t, app, `INSERT INTO notes (id, posts) VALUES ('n1', '["p1","x"]')`)
	if err := app.TruncateCollection(ctx, app.SystemActor(), "posts"); err != nil {
		t.Fatal(err)
	}
	got := rows(t, app, `SELECT (SELECT count(*) FROM posts), (SELECT min(id) || ',' || count(*) FROM likes), (SELECT posts FROM notes)`)
	if fmt.Sprint(got) != `[[0 l2,1 ["x"]]]` {
		t.Fatalf("after truncate: %v", got)
	}
	mustCreate(t, app, `{"name":"pins","fields":[{"name":"post","type":"relation","required":true,"collectionId":"`+posts.ID+`"}]}`)
	mustExec(t, app, `INSERT INTO posts (id) VALUES ('p3')`)
	mustExec(t, app, `INSERT INTO pins (id, post) VALUES ('x1', 'p3')`)
	if err := app.TruncateCollection(ctx, app.SystemActor(), "posts"); galley.ErrorCodeOf(err) != galley.EInvalid ||
		err.(*galley.Error).Message != "Failed to truncate collection (most likely due to required cascade delete record references)." {
		t.Fatalf("required relation: %v", err)
	}
	if got := rows(t, app, `SELECT count(*) FROM posts`); got[0][0] != "1" {
		t.Fatal("refused truncate deleted rows")
	}
	for _, name := range []string{"_superusers", "nope"} {
		if err := app.TruncateCollection(ctx, app.SystemActor(), name); err == nil {
			t.Errorf("truncate %s accepted", name)
		}
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func TestSwapFieldAndCollectionNames(t *testing.T) {
	app := collApp(t)
	a := mustCreate(t, app, `{"name":"a","fields":[{"name":"x","type":"text"},{"name":"y","type":"number"}]}`)
	b := mustCreate(t, app, `{"name":"b"}`)
	mustExec(t, app, `INSERT INTO a (id, x, y) VALUES ('r', 'text', 7)`)
	c := a.Clone()
	c.Field("x").Name, c.Field("y").Name = "y", "x"
	mustUpdate(t, app, "a", `{"fields":`+mustJSON(t, c.Fields)+`}`)
	if got := rows(t, app, `SELECT x, y FROM a`); fmt.Sprint(got) != "[[7 text]]" {
		t.Fatalf("swapped columns: %v", got)
	}
	body := `{"collections":[{"id":"` + a.ID + `","name":"b"},{"id":"` + b.ID + `","name":"a"}]}`
	if err := app.ImportCollections(context.Background(), app.SystemActor(), []byte(body)); err != nil {
		t.Fatal(err)
	}
	if got := rows(t, app, `SELECT x FROM b`); fmt.Sprint(got) != "[[7]]" {
		t.Fatalf("swapped tables: %v", got)
	}
	// A stale definition (a concurrent update won) is a conflict, not a silent overwrite.
	stale := app.db.Schema.Collection("b")
	mustUpdate(t, app, "b", `{"listRule":""}`)
	err := app.applySchema(context.Background(), []store.CollectionChange{{Old: stale, New: stale.Clone()}}, nil, nil)
	if galley.ErrorCodeOf(err) != galley.EConflict {
		t.Fatalf("stale update: %v", err)
	}
}

// indexStatements returns name → statement of the explicit indexes of table.
func indexStatements(t *testing.T, app *App, table string) map[string]string {
	t.Helper()
	got, err := app.db.Indexes(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
