package migrate_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/migrate"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

type env struct {
	db     *store.DB
	app    *core.App
	files  *migrate.Files
	reg    *migrate.Registry
	runner *migrate.Runner
}

// newEnv opens a fresh database with a migrations directory and a Go
// registry.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, storetest.Options(t), t.TempDir())
}

func newEnvOn(t *testing.T, opts store.Options, dir string) *env {
	t.Helper()
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{db: db, app: core.New(db, nil), files: migrate.NewFiles(dir), reg: &migrate.Registry{}}
	e.runner = &migrate.Runner{DB: db, App: e.app, Sources: []migrate.Source{e.reg, e.files}}
	return e
}

func (e *env) write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(e.files.Dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (e *env) applied(t *testing.T) []string {
	t.Helper()
	got, err := e.db.AppliedMigrations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range got {
		names = append(names, m.Name)
	}
	return names
}

func (e *env) has(name string) bool { return e.db.Schema.Collection(name) != nil }

func eq(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: %q, want %q", what, got, want)
	}
}

// TestUpAndDown: files and Go migrations apply once each in name order
// whatever their source, are recorded, revert latest first; pending ones
// added later apply on the next run.
func TestUpAndDown(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var calls []string
	goStep := func(s string) migrate.Func {
		return func(ctx context.Context, app *core.App) error {
			if name, ok := migrate.Applying(ctx); !ok || !strings.HasPrefix(s, name) {
				t.Errorf("step %s runs with Applying = %q, %v", s, name, ok)
			}
			calls = append(calls, s)
			return nil
		}
	}
	must(t, e.reg.Register("2_go", goStep("2_go up"), goStep("2_go down")))
	must(t, e.reg.Register("4_go_no_down", goStep("4_go_no_down up"), nil))
	e.write(t, "1_posts.json", `{"up": {"collections": [{"name": "posts", "fields": [{"name": "title", "type": "text"}]}]}, "down": {"delete": ["posts"]}}`)
	e.write(t, "3_tags.json", `{"up": {"collections": [{"name": "tags"}, {"name": "posts", "fields": [{"name": "title", "type": "text"}, {"name": "tag", "type": "relation", "collectionId": "tags"}]}]},
		"down": {"collections": [{"name": "posts", "fields": [{"name": "title", "type": "text"}]}], "delete": ["tags"]}}`)
	e.write(t, "README.md", "not a migration")
	e.write(t, "_draft.json", "{not even JSON")

	got, err := e.runner.Up(ctx)
	must(t, err)
	eq(t, "applied", got, []string{"1_posts.json", "2_go", "3_tags.json", "4_go_no_down"})
	eq(t, "recorded", e.applied(t), got)
	eq(t, "calls", calls, []string{"2_go up", "4_go_no_down up"})
	if !e.has("posts") || !e.has("tags") || e.db.Schema.Collection("posts").Field("tag") == nil {
		t.Fatal("the JSON migrations did not make posts and tags")
	}
	if got, err := e.runner.Up(ctx); err != nil || len(got) != 0 {
		t.Fatalf("second Up: %v, %v", got, err)
	}

	// A file that sorts first but arrives later is applied next time.
	e.write(t, "0_notes.json", `{"up": {"collections": [{"name": "notes"}]}}`)
	got, err = e.runner.Up(ctx)
	must(t, err)
	eq(t, "late file", got, []string{"0_notes.json"})

	// Down reverts in the reverse order of application.
	got, err = e.runner.Down(ctx, 1)
	must(t, err)
	eq(t, "down 1", got, []string{"0_notes.json"}) // no down step: only forgotten
	if !e.has("notes") {
		t.Fatal("a migration without down changed something when reverted")
	}
	got, err = e.runner.Down(ctx, 3)
	must(t, err)
	eq(t, "down 3", got, []string{"4_go_no_down", "3_tags.json", "2_go"})
	eq(t, "calls", calls, []string{"2_go up", "4_go_no_down up", "2_go down"})
	if e.has("tags") || !e.has("posts") || e.db.Schema.Collection("posts").Field("tag") != nil {
		t.Fatal("3_tags down did not restore posts and drop tags")
	}
	eq(t, "recorded after down", e.applied(t), []string{"1_posts.json"})
	got, err = e.runner.Down(ctx, 5) // more than there are
	must(t, err)
	eq(t, "down past the first", got, []string{"1_posts.json"})
	if e.has("posts") {
		t.Fatal("posts not deleted")
	}
	if _, err := e.runner.Down(ctx, 0); err == nil {
		t.Fatal("Down(0) accepted")
	}

	// Status: pending and applied, and a recorded migration with no source.
	must(t, e.db.RecordMigration(ctx, "9_gone.json", time.Now()))
	st, err := e.runner.Status(ctx)
	must(t, err)
	if len(st) != 6 || st[0].Name != "0_notes.json" || !st[0].Applied.IsZero() || st[5].Name != "9_gone.json" || st[5].Origin != "" || st[5].Applied.IsZero() ||
		st[1].Origin != filepath.Join(e.files.Dir, "1_posts.json") || st[2].Origin != "go" {
		t.Fatalf("Status = %+v", st)
	}
	if _, err := e.runner.Down(ctx, 1); err == nil || !strings.Contains(err.Error(), "9_gone.json") {
		t.Fatalf("reverting a migration with no source: %v", err)
	}
}

// TestFailedMigration: the first failure stops the run — the failed
// migration is not recorded, its collection import rolled back, the later
// ones not applied — and the error names it; fixed, the next run goes on.
// A panic is an error too.
func TestFailedMigration(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.write(t, "1_ok.json", `{"up": {"collections": [{"name": "ok"}]}}`)
	// The relation points nowhere: the whole import is refused, "half" too.
	e.write(t, "2_bad.json", `{"up": {"collections": [{"name": "half"}, {"name": "bad", "fields": [{"name": "r", "type": "relation", "collectionId": "nowhere"}]}]}}`)
	e.write(t, "3_later.json", `{"up": {"collections": [{"name": "later"}]}}`)
	got, err := e.runner.Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "2_bad.json") || !strings.Contains(err.Error(), "collectionId") {
		t.Fatalf("Up: %v", err)
	}
	eq(t, "applied before the failure", got, []string{"1_ok.json"})
	eq(t, "recorded", e.applied(t), []string{"1_ok.json"})
	if e.has("half") || e.has("later") {
		t.Fatal("the failed migration was not rolled back, or a later one ran")
	}
	e.write(t, "2_bad.json", `{"up": {"collections": [{"name": "half"}]}}`)
	got, err = e.runner.Up(ctx)
	must(t, err)
	eq(t, "after the fix", got, []string{"2_bad.json", "3_later.json"})

	must(t, e.reg.Register("4_panics", func(context.Context, *core.App) error { panic("boom") }, nil))
	if _, err := e.runner.Up(ctx); err == nil || !strings.Contains(err.Error(), "4_panics") || !strings.Contains(err.Error(), "panic: boom") {
		t.Fatalf("a panicking migration: %v", err)
	}
	if slices.Contains(e.applied(t), "4_panics") {
		t.Fatal("a panicking migration was recorded")
	}
}

// TestSourcesRefuse: a file that does not load, a .js file without the
// JavaScript engine, two migrations of one name, and bad registrations
// stop every run before anything is applied.
func TestSourcesRefuse(t *testing.T) {
	for name, setup := range map[string]func(t *testing.T, e *env){
		"unknown key": func(t *testing.T, e *env) { e.write(t, "1_x.json", `{"up": {"colections": []}}`) },
		"no up":       func(t *testing.T, e *env) { e.write(t, "1_x.json", `{"down": {}}`) },
		"two values":  func(t *testing.T, e *env) { e.write(t, "1_x.json", `{"up": {}} {"up": {}}`) },
		"delete all":  func(t *testing.T, e *env) { e.write(t, "1_x.json", `{"up": {"deleteMissing": true}}`) },
		"javascript":  func(t *testing.T, e *env) { e.write(t, "1_x.js", `migrate((app) => {})`) },
		"duplicate names": func(t *testing.T, e *env) {
			e.write(t, "1_x.json", `{"up": {}}`)
			must(t, e.reg.Register("1_x.json", noop, nil))
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.write(t, "0_first.json", `{"up": {"collections": [{"name": "first"}]}}`)
			setup(t, e)
			if _, err := e.runner.Up(context.Background()); err == nil || !strings.Contains(err.Error(), "1_x") {
				t.Fatalf("Up: %v", err)
			}
			if e.has("first") || len(e.applied(t)) != 0 {
				t.Fatal("something was applied")
			}
		})
	}
	var r migrate.Registry
	for _, bad := range []string{"", ".hidden", "a/b", `a\b`, "tab\t", strings.Repeat("x", 201)} {
		if err := r.Register(bad, noop, nil); err == nil {
			t.Errorf("Register(%q) accepted", bad)
		}
	}
	if err := r.Register("ok", nil, noop); err == nil {
		t.Error("a nil up accepted")
	}
	must(t, r.Register("ok", noop, nil))
	if err := r.Register("ok", noop, nil); err == nil {
		t.Error("a name registered twice accepted")
	}
}

func noop(context.Context, *core.App) error { return nil }

// TestCreate: new files sort after every existing one, even within one
// second, never overwrite, and carry a clean description.
func TestCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "galley_migrations") // created on demand
	f := migrate.NewFiles(dir)
	now := time.Unix(1_800_000_000, 0)
	var names []string
	for _, d := range []string{"Add posts!", "add posts", "  x  "} {
		p, err := f.Create(d, now)
		must(t, err)
		names = append(names, filepath.Base(p))
	}
	eq(t, "names", names, []string{"1800000000_add_posts.json", "1800000001_add_posts.json", "1800000002_x.json"})
	if _, err := f.Create("!!!", now); err == nil {
		t.Fatal("an empty description accepted")
	}
	ms, err := f.Migrations()
	must(t, err)
	if len(ms) != 3 {
		t.Fatalf("%d migrations", len(ms))
	}
	// The template loads and does nothing.
	e := newEnvOn(t, storetest.Options(t), dir)
	got, err := e.runner.Up(context.Background())
	must(t, err)
	if len(got) != 3 || len(e.db.Schema.Collections()) != len(newEnv(t).db.Schema.Collections()) {
		t.Fatalf("templates applied %v and changed the schema", got)
	}
}

// TestSnapshot: galley migrate collections' snapshot, applied to a fresh
// database, reproduces every collection (system ones, auth options,
// relations, views, indexes, rules), and applied over a database with
// other collections deletes them (deleteMissing); secrets are not written.
func TestSnapshot(t *testing.T) {
	src := newEnv(t)
	ctx := context.Background()
	su := src.app.SystemActor()
	for _, body := range []string{
		`{"name": "members", "type": "auth", "listRule": "id = @request.auth.id", "fields": [{"name": "nick", "type": "text", "max": 20}]}`,
		`{"name": "posts", "listRule": "", "indexes": ["CREATE INDEX idx_posts_title ON posts (title)"], "fields": [{"name": "title", "type": "text", "required": true}, {"name": "author", "type": "relation", "collectionId": "members", "maxSelect": 1}]}`,
		`{"name": "titles", "type": "view", "viewQuery": "SELECT id, title FROM posts"}`,
	} {
		if _, err := src.app.CreateCollection(ctx, su, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	all, err := src.app.ListCollections(ctx, su, core.ListQuery{PerPage: core.MaxPerPage})
	must(t, err)
	path, err := migrate.Snapshot(src.files, all.Items, time.Unix(1_800_000_000, 0))
	must(t, err)
	if filepath.Base(path) != "1800000000_collections_snapshot.json" {
		t.Fatalf("path %s", path)
	}
	raw, _ := os.ReadFile(path)
	secret := src.db.Schema.Collection("members").Auth.AuthToken.Secret
	if strings.Contains(string(raw), secret) || strings.Contains(string(raw), `"secret"`) {
		t.Fatal("the snapshot holds a token secret")
	}

	dst := newEnvOn(t, storetest.Options(t), src.files.Dir)
	if _, err := dst.app.CreateCollection(ctx, dst.app.SystemActor(), []byte(`{"name": "stray"}`)); err != nil {
		t.Fatal(err)
	}
	_, err = dst.runner.Up(ctx)
	must(t, err)
	if dst.has("stray") {
		t.Fatal("deleteMissing kept a collection the snapshot does not have")
	}
	for _, c := range src.db.Schema.Collections() {
		d := dst.db.Schema.Collection(c.ID)
		if d == nil {
			t.Fatalf("%s missing", c.Name)
		}
		if got, want := comparable(t, d), comparable(t, c); got != want {
			t.Errorf("%s differs:\n got %s\nwant %s", c.Name, got, want)
		}
	}
	if u := dst.db.Schema.Collection("members"); u.Auth.AuthToken.Secret == "" || u.Auth.AuthToken.Secret == secret {
		t.Fatal("the imported auth collection has no fresh token secret")
	}
	if _, err := migrate.Snapshot(src.files, nil, time.Now()); err == nil {
		t.Fatal("an empty snapshot written")
	}
}

// comparable is c's JSON without the timestamps.
func comparable(t *testing.T, c *galley.Collection) string {
	t.Helper()
	c = c.Clone()
	c.Created, c.Updated = "", ""
	b, err := c.MarshalJSON()
	must(t, err)
	return string(b)
}

// TestAutoMigrate: collection changes outside migrations write a
// migration file each, recorded as applied; replayed on a fresh database
// they rebuild the schema, and reverted they undo the changes in order.
// Changes made by migrations write nothing.
func TestAutoMigrate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	clock := time.Unix(1_800_000_000, 0)
	auto := &migrate.AutoMigrate{Files: e.files, DB: e.db, Now: func() time.Time { clock = clock.Add(time.Second); return clock }}
	e.app.OnCollectionsChanged = auto.CollectionsChanged
	su := e.app.SystemActor()
	_, err := e.app.CreateCollection(ctx, su, []byte(`{"name": "posts", "fields": [{"name": "title", "type": "text"}]}`))
	must(t, err)
	_, err = e.app.CreateCollection(ctx, su, []byte(`{"name": "drafts"}`))
	must(t, err)
	_, err = e.app.UpdateCollection(ctx, su, "posts", []byte(`{"name": "articles", "listRule": "title != ''"}`))
	must(t, err)
	must(t, e.app.DeleteCollection(ctx, su, "drafts"))
	must(t, e.app.ImportCollections(ctx, su, []byte(`{"collections": [{"name": "a"}, {"name": "b"}]}`)))
	want := []string{"1800000001_created_posts.json", "1800000002_created_drafts.json", "1800000003_updated_articles.json",
		"1800000004_deleted_drafts.json", "1800000005_collections_changed.json"}
	eq(t, "recorded", e.applied(t), want)
	var files []string
	entries, _ := os.ReadDir(e.files.Dir)
	for _, d := range entries {
		files = append(files, d.Name())
	}
	eq(t, "files", files, want)
	if got, err := e.runner.Up(ctx); err != nil || len(got) != 0 {
		t.Fatalf("Up after automigrate: %v, %v (the files are recorded)", got, err)
	}

	// Replayed on a fresh database.
	fresh := newEnvOn(t, storetest.Options(t), e.files.Dir)
	got, err := fresh.runner.Up(ctx)
	must(t, err)
	eq(t, "replayed", got, want)
	for _, name := range []string{"articles", "a", "b"} {
		if !fresh.has(name) {
			t.Fatalf("replay: %s missing", name)
		}
	}
	if fresh.has("drafts") || fresh.has("posts") || *fresh.db.Schema.Collection("articles").ListRule != "title != ''" {
		t.Fatal("replay: the update or the delete did not happen")
	}
	if n, _ := os.ReadDir(e.files.Dir); len(n) != len(want) {
		t.Fatal("applying migrations wrote migration files")
	}

	// Reverted on the first database, latest first.
	reverted, err := e.runner.Down(ctx, 3)
	must(t, err)
	eq(t, "reverted", reverted, []string{want[4], want[3], want[2]})
	if e.has("a") || e.has("b") || !e.has("drafts") || !e.has("posts") || e.has("articles") {
		t.Fatal("down steps did not undo the import, the delete and the rename")
	}
	if n, _ := os.ReadDir(e.files.Dir); len(n) != len(want) {
		t.Fatal("reverting migrations wrote migration files")
	}
}

// TestTwoNodesUpAtOnce: on PostgreSQL, runners of two nodes started
// together apply each migration once in all.
func TestTwoNodesUpAtOnce(t *testing.T) {
	base := storetest.PostgresDSN()
	if base == "" {
		t.Skip("PostgreSQL only (GALLEY_TEST_POSTGRES): one SQLite database has one node")
	}
	opts := storetest.Options(t)
	dir := t.TempDir()
	var runs [3]atomic.Int32
	var nodes []*env
	for range 2 {
		e := newEnvOn(t, opts, dir)
		for i := range runs {
			must(t, e.reg.Register("go_"+string(rune('a'+i)), func(context.Context, *core.App) error {
				runs[i].Add(1)
				time.Sleep(10 * time.Millisecond) // widen the window an overlap would need
				return nil
			}, nil))
		}
		nodes = append(nodes, e)
	}
	nodes[0].write(t, "file_z.json", `{"up": {"collections": [{"name": "z"}]}}`)
	var wg sync.WaitGroup
	applied := make([][]string, len(nodes))
	for i, e := range nodes {
		wg.Go(func() {
			var err error
			applied[i], err = e.runner.Up(context.Background())
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range runs {
		if n := runs[i].Load(); n != 1 {
			t.Errorf("go_%c ran %d times", 'a'+i, n)
		}
	}
	all := slices.Concat(applied[0], applied[1])
	slices.Sort(all)
	eq(t, "applied by the two nodes together", all, []string{"file_z.json", "go_a", "go_b", "go_c"})
	eq(t, "recorded", nodes[1].applied(t), []string{"file_z.json", "go_a", "go_b", "go_c"})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
