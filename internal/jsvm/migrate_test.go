package jsvm_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/jsvm"
	"github.com/galleyhq/galley/internal/migrate"
	"github.com/galleyhq/galley/internal/testserver"
)

// JavaScript migrate(up, down) files: collections created, changed and
// deleted, records written, applied in order, a throwing migration stops
// the run unrecorded, down reverts; a syntax error names file:line.
func TestJSMigrations(t *testing.T) {
	s := testserver.New(t)
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("1_things.js", `
migrate((app) => {
	const c = new Collection({name: "things", listRule: "", viewRule: ""});
	c.fields.add(new TextField({name: "label", max: 50}));
	app.save(c);
	app.save(new Record("things", {label: "first"}));
}, (app) => {
	app.delete(app.findCollectionByNameOrId("things"));
});`)
	write("2_more.js", `
migrate((app) => {
	const c = app.findCollectionByNameOrId("things");
	c.fields.add(new NumberField({name: "n"}));
	c.fields.getByName("label").max = 80;
	c.listRule = null;
	app.save(c);
	const r = app.findFirstRecordByData("things", "label", "first");
	r.set("n", 7);
	app.save(r);
}, (app) => {
	const c = app.findCollectionByNameOrId("things");
	c.fields.removeByName("n");
	c.listRule = "";
	app.save(c);
});`)
	files := migrate.NewFiles(dir)
	files.Register(jsvm.MigrationFormat{}, true)
	runner := &migrate.Runner{DB: s.DB, App: s.App, Sources: []migrate.Source{files}}
	applied, err := runner.Up(ctx)
	if err != nil || strings.Join(applied, ",") != "1_things.js,2_more.js" {
		t.Fatalf("up: %v %v", applied, err)
	}
	rec := s.Super("GET", "/api/collections/things/records", nil).Status(200).JSON()["items"].([]any)[0].(map[string]any)
	if rec["label"] != "first" || rec["n"] != 7.0 {
		t.Fatalf("record: %v", rec)
	}
	s.Do("GET", "/api/collections/things/records", "", nil).Status(403) // listRule null: superusers only

	write("3_fail.js", `
migrate((app) => {
	app.save(new Record("things", {label: "x"}));
	throw new Error("no, not this one");
});`)
	write("4_after.js", `migrate((app) => { app.save(new Record("things", {label: "never"})); });`)
	_, err = runner.Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "3_fail.js") || !strings.Contains(err.Error(), "no, not this one") {
		t.Fatalf("failing migration: %v", err)
	}
	if st, _ := runner.Status(ctx); len(st) != 4 || !st[2].Applied.IsZero() || !st[3].Applied.IsZero() {
		t.Fatalf("status: %+v", st)
	}
	os.Remove(filepath.Join(dir, "3_fail.js"))
	os.Remove(filepath.Join(dir, "4_after.js"))

	reverted, err := runner.Down(ctx, 1)
	if err != nil || strings.Join(reverted, ",") != "2_more.js" {
		t.Fatalf("down 1: %v %v", reverted, err)
	}
	c := s.Super("GET", "/api/collections/things", nil).Status(200)
	if strings.Contains(string(c.Body), `"name":"n"`) {
		t.Fatalf("down did not remove the field: %s", c.Body)
	}
	if _, err := runner.Down(ctx, 1); err != nil {
		t.Fatal(err)
	}
	s.Super("GET", "/api/collections/things", nil).Status(404)

	write("5_broken.js", "migrate((app) => {\n\tconst = 1;\n});")
	if _, err := runner.Up(ctx); err == nil || !strings.Contains(err.Error(), "5_broken.js:2:") {
		t.Fatalf("syntax error: %v", err)
	}
}

// A generated (automigrate / snapshot) JavaScript migration applies on
// another database and reverts.
func TestJSMigrationEncode(t *testing.T) {
	s := testserver.New(t)
	ctx := context.Background()
	dir := t.TempDir()
	files := migrate.NewFiles(dir)
	files.Register(jsvm.MigrationFormat{}, true)
	coll := &galley.Collection{ID: "pbc_notes", Name: "notes", Type: galley.CollectionBase,
		Fields: []*galley.Field{{Name: "body", Type: galley.FieldText}}}
	path, err := files.Write("created_notes", migrate.Plan{Up: migrate.Step{Collections: []*galley.Collection{coll}}, Down: migrate.Step{Delete: []string{"pbc_notes", "missing_one"}}}, time.Unix(1700000000, 0))
	if err != nil || !strings.HasSuffix(path, "_created_notes.js") {
		t.Fatalf("write: %q %v", path, err)
	}
	runner := &migrate.Runner{DB: s.DB, App: s.App, Sources: []migrate.Source{files}}
	if _, err := runner.Up(ctx); err != nil {
		src, _ := os.ReadFile(path)
		t.Fatalf("up: %v\n%s", err, src)
	}
	s.Super("GET", "/api/collections/notes", nil).Status(200).Contains(`"name":"body"`)
	if _, err := runner.Down(ctx, 1); err != nil {
		t.Fatal(err)
	}
	s.Super("GET", "/api/collections/notes", nil).Status(404)
}

// $app.settings() and $app.save(settings) in a migration: the realtime
// channels and the app name are stored as PATCH /api/settings stores them,
// the secrets (never shown to JavaScript) are kept, an invalid value stops
// the migration, and inside a transaction the save is refused.
func TestJSMigrationSettings(t *testing.T) {
	s := testserver.New(t)
	ctx := context.Background()
	if _, err := s.App.UpdateSettings(ctx, s.App.SystemActor(), []byte(`{"smtp":{"password":"hunter2"}}`)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("1_channels.js", `
migrate((app) => {
	const settings = app.settings();
	if (settings.smtp.password) throw new Error("a secret reached JavaScript");
	settings.meta.appName = "Chat";
	settings.realtime.channels = [{pattern: "room:*", joinRule: "@request.auth.id != ''", sendRule: null}];
	app.save(settings);
}, (app) => {
	const settings = app.settings();
	settings.realtime.channels = [];
	app.save(settings);
});`)
	files := migrate.NewFiles(dir)
	files.Register(jsvm.MigrationFormat{}, true)
	runner := &migrate.Runner{DB: s.DB, App: s.App, Sources: []migrate.Source{files}}
	if _, err := runner.Up(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.App.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ch := got.Realtime.Channels
	if got.Meta.AppName != "Chat" || len(ch) != 1 || ch[0].Pattern != "room:*" || ch[0].JoinRule == nil || *ch[0].JoinRule != "@request.auth.id != ''" || ch[0].SendRule != nil {
		t.Fatalf("settings after up: %q %+v", got.Meta.AppName, ch)
	}
	if got.SMTP.Password != "hunter2" {
		t.Fatalf("the SMTP password was not kept: %q", got.SMTP.Password)
	}

	write("2_bad.js", `
migrate((app) => {
	const settings = app.settings();
	settings.realtime.channels = [{pattern: "", joinRule: "", sendRule: ""}];
	app.save(settings);
});`)
	if _, err := runner.Up(ctx); err == nil || !strings.Contains(err.Error(), "2_bad.js") {
		t.Fatalf("an invalid channel: %v", err)
	}
	write("2_bad.js", `
migrate((app) => {
	app.runInTransaction((tx) => {
		const settings = tx.settings();
		tx.save(settings);
	});
});`)
	if _, err := runner.Up(ctx); err == nil || !strings.Contains(err.Error(), "inside a transaction") {
		t.Fatalf("settings saved in a transaction: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "2_bad.js")); err != nil {
		t.Fatal(err)
	}
	if _, err := runner.Down(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.App.Settings(ctx); len(got.Realtime.Channels) != 0 || got.Meta.AppName != "Chat" {
		t.Fatalf("settings after down: %q %+v", got.Meta.AppName, got.Realtime.Channels)
	}
}
