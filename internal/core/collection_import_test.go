package core

import (
	"context"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
)

func TestImportCollections(t *testing.T) {
	app := collApp(t)
	ctx := context.Background()
	old := mustCreate(t, app, `{"name":"old_stuff"}`)
	keep := mustCreate(t, app, `{"name":"posts","fields":[{"name":"title","type":"text"}]}`)
	mustExec(t, app, `INSERT INTO posts (id, title) VALUES ('p1', 'kept')`)
	// posts matched by id (and renamed), tags created with a forward relation
	// to notes (created later in the list), a view over both.
	body := `{"deleteMissing":true,"collections":[
		{"id":"` + keep.ID + `","name":"articles","fields":[{"name":"title","type":"text"},{"name":"tag","type":"relation","collectionId":"pbc_tags"}]},
		{"id":"pbc_tags","name":"tags","fields":[{"name":"label","type":"text"},{"name":"note","type":"relation","collectionId":"pbc_notes"}],"listRule":"note.body != ''"},
		{"id":"pbc_notes","name":"notes","fields":[{"name":"body","type":"editor"}]},
		{"name":"article_titles","type":"view","viewQuery":"SELECT id, title FROM articles"}
	]}`
	if err := app.ImportCollections(ctx, app.SystemActor(), []byte(body)); err != nil {
		t.Fatal(err)
	}
	if app.db.Schema.Collection(old.ID) != nil || app.db.Schema.Collection("_superusers") == nil {
		t.Fatal("deleteMissing: old_stuff kept or _superusers deleted")
	}
	if got := rows(t, app, `SELECT title, tag FROM articles`); len(got) != 1 || got[0][0] != "kept" {
		t.Fatalf("data through import: %v", got)
	}
	for _, n := range []string{"tags", "notes", "article_titles"} {
		if app.db.Schema.Collection(n) == nil {
			t.Errorf("missing %s", n)
		}
	}
	// Failures change nothing and name the item.
	snapshot := len(app.db.Schema.Collections())
	for body, key := range map[string]string{
		`{"collections":[{"name":"a"},{"name":"A"}]}`:                                                    "collections.0.name",
		`{"collections":[{"name":"ok"},{"name":"bad name"}],"deleteMissing":true}`:                       "collections.1.name",
		`{"collections":[{"name":"x","fields":[{"name":"r","type":"relation","collectionId":"nope"}]}]}`: "collections.0.fields.1.collectionId",
		`{"collections":[]}`: "collections",
		`{"collections":[{"name":"a"}],"deleteMissing":"yes"}`: "deleteMissing",
		`{"Collections":[{"name":"a"}]}`:                       "Collections",
		`{"collections":[{"name":"a","listRule":"nope = 1"}]}`: "collections.0.listRule",
	} {
		err := app.ImportCollections(ctx, app.SystemActor(), []byte(body))
		if _, ok := errFields(t, err)[key]; !ok {
			t.Errorf("%s: want %s, got %v", body, key, err)
		}
	}
	// deleteMissing that would drop a referenced collection is refused.
	err := app.ImportCollections(ctx, app.SystemActor(), []byte(`{"deleteMissing":true,"collections":[{"name":"tags"},{"name":"articles"},{"name":"article_titles"}]}`))
	if galley.ErrorCodeOf(err) != galley.EInvalid || !strings.Contains(err.Error(), "relation collection doesn't exist") {
		t.Fatalf("dangling relation: %v", err)
	}
	if len(app.db.Schema.Collections()) != snapshot || app.db.Schema.Collection("ok") != nil {
		t.Fatal("failed import changed the schema")
	}
	if err := app.ImportCollections(ctx, app.SystemActor(), []byte(`{"collections":[{"name":"a","name":"b"}]}`)); galley.ErrorCodeOf(err) != galley.EInvalid {
		t.Fatalf("duplicate keys: %v", err)
	}
}

func TestCaseVariantAndDuplicateKeys(t *testing.T) {
	app := collApp(t)
	ctx := context.Background()
	mustCreate(t, app, `{"name":"posts","listRule":""}`)
	for _, body := range []string{
		`{"name":"posts2","Name":"_evil"}`,
		`{"NAME":"_evil"}`,
		`{"name":"x","listRule":"","listRule":null}`,
		`{"name":"x","fields":[{"name":"a","type":"text","Hidden":true}]}`,
		`{"name":"x","fields":[{"name":"a","type":"text","type":"bool"}]}`,
	} {
		if _, err := app.CreateCollection(ctx, app.SystemActor(), []byte(body)); galley.ErrorCodeOf(err) != galley.EInvalid {
			t.Errorf("create %s: want EInvalid, got %v", body, err)
		}
		if _, err := app.UpdateCollection(ctx, app.SystemActor(), "posts", []byte(body)); galley.ErrorCodeOf(err) != galley.EInvalid {
			t.Errorf("update %s: want EInvalid, got %v", body, err)
		}
	}
	c := mustUpdate(t, app, "posts", `{"viewRule":"id != ''"}`)
	if c.ListRule == nil || *c.ListRule != "" || c.ViewRule == nil || c.Name != "posts" {
		t.Fatalf("PATCH semantics: %+v", c)
	}
	c = mustUpdate(t, app, "posts", `{"viewRule":null}`)
	if c.ViewRule != nil {
		t.Fatal("null rule not applied")
	}
	if _, err := app.UpdateCollection(ctx, app.SystemActor(), "_superusers", []byte(`{"name":"admins"}`)); errFields(t, err)["name"].Code == "" {
		t.Fatalf("renaming a system collection: %v", err)
	}
	if _, err := app.UpdateCollection(ctx, app.SystemActor(), "nope", []byte(`{}`)); galley.ErrorCodeOf(err) != galley.ENotFound {
		t.Fatal(err)
	}
}
