package core

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

func collApp(t *testing.T) *App {
	t.Helper()
	db, err := store.Open(context.Background(), storetest.Options(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db, nil)
}

func mustCreate(t *testing.T, app *App, body string) *galley.Collection {
	t.Helper()
	c, err := app.CreateCollection(context.Background(), app.SystemActor(), []byte(body))
	if err != nil {
		t.Fatalf("create %s: %v", body, err)
	}
	return c
}

func mustUpdate(t *testing.T, app *App, name, body string) *galley.Collection {
	t.Helper()
	c, err := app.UpdateCollection(context.Background(), app.SystemActor(), name, []byte(body))
	if err != nil {
		t.Fatalf("update %s %s: %v", name, body, err)
	}
	return c
}

func mustExec(t *testing.T, app *App, q string, args ...any) {
	t.Helper()
	err := app.db.WithTx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), q, args...)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// rows returns the rows of q as strings (NULL as "NULL").
func rows(t *testing.T, app *App, q string, args ...any) [][]string {
	t.Helper()
	rs, err := app.db.Reader().QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out [][]string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			switch x := v.(type) {
			case nil:
				row[i] = "NULL"
			case []byte:
				row[i] = string(x)
			case bool: // PostgreSQL booleans read as SQLite's 0 and 1
				row[i] = map[bool]string{false: "0", true: "1"}[x]
			case string:
				row[i] = x
			default:
				b, _ := json.Marshal(x)
				row[i] = strings.Trim(string(b), `"`)
			}
		}
		out = append(out, row)
	}
	return out
}

// columnNames returns the column names of table.
func columnNames(t *testing.T, app *App, table string) []string {
	t.Helper()
	cols, err := app.db.Columns(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cols {
		out = append(out, c.Name)
	}
	return out
}

// relationExists reports whether a table or view named name exists.
func relationExists(t *testing.T, app *App, name string) bool {
	t.Helper()
	names, err := app.db.Relations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return slices.Contains(names, name)
}

func errFields(t *testing.T, err error) map[string]galley.FieldError {
	t.Helper()
	var ge *galley.Error
	if !errors.As(err, &ge) || ge.Code != galley.EInvalid {
		t.Fatalf("want EInvalid, got %v", err)
	}
	return ge.Fields
}

func TestCreateCollectionDefaults(t *testing.T) {
	app := collApp(t)
	c := mustCreate(t, app, `{"name":"posts","fields":[{"name":"title","type":"text"}]}`)
	if c.Type != "base" || !strings.HasPrefix(c.ID, "pbc_") || c.Created == "" {
		t.Fatalf("defaults: %+v", c)
	}
	var names []string
	for _, f := range c.Fields {
		names = append(names, f.Name)
		if f.ID == "" {
			t.Errorf("field %s has no id", f.Name)
		}
	}
	// Only id and the fields sent, as in PocketBase: no created/updated.
	if got := strings.Join(names, ","); got != "id,title" {
		t.Fatalf("fields %s", got)
	}
	if out, _ := json.Marshal(c); !strings.Contains(string(out), `"indexes":[]`) {
		t.Fatalf("indexes not [] in %s", out)
	}
	v := mustCreate(t, app, `{"name":"v","type":"view","viewQuery":"SELECT id, title FROM posts"}`)
	if out, _ := json.Marshal(v); !strings.Contains(string(out), `"indexes":[]`) {
		t.Fatalf("view indexes not [] in %s", out)
	}
	if c.Field("id").PrimaryKey != true || !c.Field("id").System {
		t.Fatal("id not a system primary key")
	}
	if got := columnNames(t, app, "posts"); len(got) != 2 || got[1] != "title" {
		t.Fatalf("table: %v", got)
	}
	if _, err := app.ViewCollection(context.Background(), app.SystemActor(), "POSTS"); err != nil {
		t.Fatal(err)
	}
	if _, err := app.ViewCollection(context.Background(), app.SystemActor(), "nope"); galley.ErrorCodeOf(err) != galley.ENotFound {
		t.Fatalf("missing: %v", err)
	}
}

func TestCreateCollectionValidation(t *testing.T) {
	app := collApp(t)
	mustCreate(t, app, `{"name":"users_x","fields":[{"name":"title","type":"text"}]}`)
	cases := []struct{ body, key, code string }{
		{`{"name":""}`, "name", "validation_required"},
		{`{"name":"bad name"}`, "name", "validation_match_invalid"},
		{`{"name":"bad-name"}`, "name", "validation_match_invalid"},
		{`{"name":"` + strings.Repeat("a", 56) + `"}`, "name", "validation_length_too_long"},
		{`{"name":"users"}`, "name", "validation_collection_name_exists"},
		{`{"name":"_hidden"}`, "name", "validation_collection_name_exists"},
		{`{"name":"USERS_X"}`, "name", "validation_collection_name_exists"},
		{`{"name":"_superusers"}`, "name", "validation_collection_name_exists"},
		{`{"name":"a","type":"other"}`, "type", "validation_in_invalid"},
		{`{"name":"a","system":true}`, "system", "validation_system"},
		{`{"name":"a","fields":[{"name":"x","type":"text"},{"name":"X","type":"bool"}]}`, "fields.2.name", "validation_duplicated_field_name"},
		{`{"name":"a","fields":[{"name":"x y","type":"text"}]}`, "fields.1.name", "validation_match_invalid"},
		{`{"name":"a","fields":[{"name":"expand","type":"text"}]}`, "fields.1.name", "validation_not_in_invalid"},
		{`{"name":"a","fields":[{"name":"collectionId","type":"text"}]}`, "fields.1.name", "validation_not_in_invalid"},
		{`{"name":"a","fields":[{"name":"x","type":"nope"}]}`, "fields.1.type", "validation_invalid_type"},
		{`{"name":"a","fields":[{"name":"id","type":"number"}]}`, "fields", "validation_missing_primary_key"},
		{`{"name":"a","fields":[{"name":"x","type":"text","primaryKey":true}]}`, "fields.1.primaryKey", "validation_unsupported_composite_pk"},
		{`{"name":"a","fields":[{"name":"x","type":"number","onlyInt":true,"min":1.5}]}`, "fields.1.min", "validation_only_int_constraint"},
		{`{"name":"a","fields":[{"name":"x","type":"text","min":5,"max":2}]}`, "fields.1.max", "validation_min_greater_equal_than_required"},
		{`{"name":"a","fields":[{"name":"x","type":"text","pattern":"("}]}`, "fields.1.pattern", "validation_invalid_regex"},
		{`{"name":"a","fields":[{"name":"x","type":"text","autogeneratePattern":"a+"}]}`, "fields.1.autogeneratePattern", "validation_invalid_pattern"},
		{`{"name":"a","fields":[{"name":"x","type":"text","pattern":"^[0-9]+$","autogeneratePattern":"[a-z]{5}"}]}`, "fields.1.autogeneratePattern", "validation_invalid_autogenerate_pattern_value"},
		{`{"name":"a","fields":[{"name":"x","type":"number","min":5,"max":1}]}`, "fields.1.max", "validation_min_number_constraint"},
		{`{"name":"a","fields":[{"name":"x","type":"select","values":[]}]}`, "fields.1.values", "validation_required"},
		{`{"name":"a","fields":[{"name":"x","type":"select","values":["a","a"]}]}`, "fields.1.values", "validation_invalid_values"},
		{`{"name":"a","fields":[{"name":"x","type":"select","values":["a"],"maxSelect":3}]}`, "fields.1.maxSelect", "validation_max_less_equal_than_required"},
		{`{"name":"a","fields":[{"name":"x","type":"relation","collectionId":"nope"}]}`, "fields.1.collectionId", "validation_field_relation_missing_collection"},
		{`{"name":"a","fields":[{"name":"x","type":"relation"}]}`, "fields.1.collectionId", "validation_required"},
		{`{"name":"a","fields":[{"name":"x","type":"date","min":"yesterday"}]}`, "fields.1.min", "validation_invalid_date"},
		{`{"name":"a","fields":[{"name":"x","type":"email","onlyDomains":["a.com"],"exceptDomains":["b.com"]}]}`, "fields.1.onlyDomains", "validation_empty"},
		{`{"name":"a","fields":[{"name":"x","type":"text"}],"indexes":["CREATE INDEX i ON other (x)"]}`, "indexes.0", "validation_invalid_index_expression"},
		{`{"name":"a","fields":[{"name":"x","type":"text"}],"indexes":["CREATE INDEX i ON a (nope)"]}`, "indexes.0", "validation_invalid_index_expression"},
		{`{"name":"a","fields":[{"name":"x","type":"text"}],"indexes":["CREATE INDEX i ON a (x); DROP TABLE a"]}`, "indexes.0", "validation_invalid_index_expression"},
		{`{"name":"a","fields":[{"name":"x","type":"text"}],"indexes":["CREATE INDEX i ON a (x)","CREATE INDEX I ON a (id)"]}`, "indexes.1", "validation_duplicated_index_name"},
		{`{"name":"a","listRule":"nope = 1"}`, "listRule", "validation_invalid_rule"},
		{`{"name":"a","listRule":"id ="}`, "listRule", "validation_invalid_rule"},
		{`{"name":"a","name2":1,"Name":"b"}`, "Name", "validation_unknown_key"},
		{`{"name":"a","fields":[{"name":"x","Type":"text","type":"text"}]}`, "fields.1.Type", "validation_unknown_key"},
		{`{"name":5}`, "name", "validation_invalid_type"},
		{`{"name":"a","fields":{}}`, "fields", "validation_invalid_type"},
		{`{"name":"a","fields":[{"name":"x","type":"text","max":"big"}]}`, "fields.1", "validation_invalid_type"},
		{`{"name":"a","fields":[5]}`, "fields.1", "validation_invalid_type"},
		{`{"name":"a","listRule":5}`, "listRule", "validation_invalid_type"},
		{`{"name":"a","id":"bad id!"}`, "id", "validation_match_invalid"},
		{`{"name":"a","id":"_pb_users_auth_"}`, "id", "validation_invalid_or_existing_id"},
		{`{"name":"a","type":"view","viewQuery":"DELETE FROM users_x"}`, "viewQuery", "validation_invalid_view_query"},
		{`{"name":"a","type":"view","viewQuery":"DELETE FROM users_x"}`, "fields", "validation_required"},
		{`{"name":"a","type":"view","viewQuery":"SELECT 1 AS x"}`, "fields", "validation_missing_primary_key"},
		{`{"name":"a","type":"view","viewQuery":"SELECT id FROM users_x","createRule":""}`, "createRule", "validation_nil"},
		// Fields are numbered as PocketBase numbers them: the id field it
		// adds first counts, an id field sent does not shift them.
		{`{"name":"a","fields":[{"name":"x","type":"text"},{"name":"id","type":"text"},{"name":"y y","type":"text"}]}`, "fields.2.name", "validation_match_invalid"},
		{`{"name":"a","type":"auth","fields":[{"name":"x","type":"text"},{"name":"email","type":"email"},{"name":"y y","type":"text"}]}`, "fields.3.name", "validation_match_invalid"},
		{`{"name":"a","fields":[{"name":"ID","type":"text"}]}`, "fields.1.name", "validation_duplicated_field_name"},
		{`{"name":"a","fields":[{"name":"x","type":"autodate"}]}`, "fields.1.onCreate", "validation_required"},
		{`{"name":"a","fields":[{"name":"x","type":"file","maxSize":-1}]}`, "fields.1.maxSize", "validation_min_greater_equal_than_required"},
		{`{"name":"a","fields":[{"name":"x","type":"file","thumbs":["big"]}]}`, "fields.1.thumbs.0", "validation_match_invalid"},
		{`{"name":"a","fields":[{"name":"x","type":"json","maxSize":-1}]}`, "fields.1.maxSize", "validation_min_greater_equal_than_required"},
		{`{"name":"a","fields":[{"name":"x","type":"relation","collectionId":"users_x","minSelect":3,"maxSelect":2}]}`, "fields.1.maxSelect", "validation_min_greater_equal_than_required"},
		{`{"name":"a","fields":[{"name":"x","type":"password","cost":40}]}`, "fields.1.cost", "validation_max_less_equal_than_required"},
		{`{"name":"a","fields":[{"name":"x","type":"url","onlyDomains":["not a domain"]}]}`, "fields.1.onlyDomains.0", "validation_is_domain"},
	}
	before := len(app.db.Schema.Collections())
	for _, tc := range cases {
		t.Run(tc.body, func(t *testing.T) {
			_, err := app.CreateCollection(context.Background(), app.SystemActor(), []byte(tc.body))
			fe := errFields(t, err)
			if fe[tc.key].Code != tc.code {
				t.Fatalf("want %s=%s, got %v", tc.key, tc.code, err)
			}
			// PocketBase's top-level messages; errors are nested.
			msg := err.(*galley.Error).Message
			if msg != "Failed to create collection." && msg != msgBadSubmittedData && msg != msgBadCollectionJSON || !err.(*galley.Error).Nested {
				t.Fatalf("message %q (nested %v)", msg, err.(*galley.Error).Nested)
			}
		})
	}
	if len(app.db.Schema.Collections()) != before {
		t.Fatal("a failed create changed the schema")
	}
	for _, body := range []string{`{"name":"a","name":"b"}`, `not json`, `[]`, `{"name":"a","fields":[{"name":"x","name":"y","type":"text"}]}`} {
		if _, err := app.CreateCollection(context.Background(), app.SystemActor(), []byte(body)); galley.ErrorCodeOf(err) != galley.EInvalid {
			t.Errorf("%s: want EInvalid, got %v", body, err)
		}
	}
}

func TestCreateAuthCollection(t *testing.T) {
	app := collApp(t)
	c := mustCreate(t, app, `{"name":"members","type":"auth","authRule":"verified = true","fields":[{"name":"nick","type":"text"}]}`)
	// PocketBase's fields and order: id, the fields sent, the auth system
	// fields; no created/updated unless sent.
	var names []string
	for _, f := range c.Fields {
		names = append(names, f.Name)
	}
	if want := []string{"id", "nick", "password", "tokenKey", "email", "emailVisibility", "verified"}; !slices.Equal(names, want) {
		t.Errorf("fields %v, want %v", names, want)
	}
	if c.Auth == nil || len(c.Auth.AuthToken.Secret) != 50 || c.Auth.AuthRule == nil || *c.Auth.AuthRule != "verified = true" {
		t.Fatalf("auth options %+v", c.Auth)
	}
	// PocketBase's form; the email index ignores case (log-in does too).
	want := []string{"CREATE UNIQUE INDEX `idx_email_" + c.ID + "` ON `members` (`email` COLLATE NOCASE) WHERE `email` != ''",
		"CREATE UNIQUE INDEX `idx_tokenKey_" + c.ID + "` ON `members` (`tokenKey`)"}
	if !slices.Equal(c.Indexes, want) {
		t.Fatalf("auth indexes %q, want %q", c.Indexes, want)
	}
	out, _ := json.Marshal(c)
	if strings.Contains(string(out), c.Auth.AuthToken.Secret) {
		t.Fatal("token secret in JSON output")
	}
	mustExec(t, app, `INSERT INTO members (id, email, "tokenKey") VALUES ('a', 'x@y.z', 'k1')`)
	err := app.db.WithTx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.ExecContext(context.Background(), `INSERT INTO members (id, email, "tokenKey") VALUES ('b', 'X@Y.z', 'k2')`)
		return err
	})
	if err == nil {
		t.Fatal("duplicate email (another case) accepted")
	}
	// System fields left out of an update are kept, after the ones sent.
	u, err := app.UpdateCollection(context.Background(), app.SystemActor(), "members", []byte(`{"fields":[{"name":"nick","type":"text"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	names = names[:0]
	for _, f := range u.Fields {
		names = append(names, f.Name)
	}
	if want := []string{"id", "nick", "password", "tokenKey", "email", "emailVisibility", "verified"}; !slices.Equal(names, want) || u.Field("email").ID != c.Field("email").ID {
		t.Fatalf("fields after update %v", names)
	}
}

func TestScaffolds(t *testing.T) {
	app := collApp(t)
	s, err := app.CollectionScaffolds(app.SystemActor())
	if err != nil {
		t.Fatal(err)
	}
	if s["base"] == nil || s["auth"] == nil || s["view"] == nil || s["auth"].Field("email") == nil || s["base"].Field("id") == nil {
		t.Fatalf("scaffolds %+v", s)
	}
}

func TestListCollections(t *testing.T) {
	app := collApp(t)
	mustCreate(t, app, `{"name":"b_posts"}`)
	mustCreate(t, app, `{"name":"a_posts"}`)
	ctx := context.Background()
	l, err := app.ListCollections(ctx, app.SystemActor(), ListQuery{})
	// _superusers, _externalAuths, _mfas, _otps, _authOrigins, users, then ours.
	if err != nil || l.TotalItems != 8 || len(l.Items) != 8 || l.Items[0].Name != "_superusers" || l.Items[1].Name != "_externalAuths" || l.Items[5].Name != "users" {
		t.Fatalf("list: %+v %v", l, err)
	}
	l, err = app.ListCollections(ctx, app.SystemActor(), ListQuery{Filter: `system = false && name ~ "posts"`, Sort: "-name", PerPage: 1, Page: 2})
	if err != nil || l.TotalItems != 2 || l.TotalPages != 2 || len(l.Items) != 1 || l.Items[0].Name != "a_posts" {
		t.Fatalf("filtered: %+v %v", l, err)
	}
	for _, q := range []ListQuery{{Filter: "nope = 1"}, {Sort: "nope"}, {Filter: "name ="}, {Filter: `@collection.posts.id = "x"`}} {
		if _, err := app.ListCollections(ctx, app.SystemActor(), q); galley.ErrorCodeOf(err) != galley.EInvalid {
			t.Errorf("%+v: want EInvalid, got %v", q, err)
		}
	}
}

func TestDeleteCollection(t *testing.T) {
	app := collApp(t)
	ctx := context.Background()
	posts := mustCreate(t, app, `{"name":"posts"}`)
	mustCreate(t, app, `{"name":"comments","fields":[{"name":"post","type":"relation","collectionId":"`+posts.ID+`"}]}`)
	mustCreate(t, app, `{"name":"v","type":"view","viewQuery":"SELECT id FROM comments"}`)
	for _, name := range []string{"_superusers", "posts", "comments"} {
		if err := app.DeleteCollection(ctx, app.SystemActor(), name); galley.ErrorCodeOf(err) != galley.EInvalid {
			t.Errorf("delete %s: want EInvalid, got %v", name, err)
		}
	}
	if err := app.DeleteCollection(ctx, app.SystemActor(), "nope"); galley.ErrorCodeOf(err) != galley.ENotFound {
		t.Fatal(err)
	}
	for _, name := range []string{"v", "comments", "posts"} {
		if err := app.DeleteCollection(ctx, app.SystemActor(), name); err != nil {
			t.Fatalf("delete %s: %v", name, err)
		}
	}
	for _, name := range []string{"posts", "comments", "v"} {
		if relationExists(t, app, name) {
			t.Fatalf("left over: %s", name)
		}
	}
}

// TestUpdateWithoutFieldsKeys: an update without "fields" numbers the
// stored fields as they are (id first), not shifted as for a list sent
// without an id field.
func TestUpdateWithoutFieldsKeys(t *testing.T) {
	app := collApp(t)
	mustCreate(t, app, `{"name":"stamps","fields":[{"name":"at","type":"autodate","onCreate":true}]}`)
	app.db.Schema.Collection("stamps").Fields[1].OnCreate = false // a stored field no longer valid
	_, err := app.UpdateCollection(context.Background(), app.SystemActor(), "stamps", []byte(`{"listRule":""}`))
	if errFields(t, err)["fields.1.onCreate"].Code != "validation_required" {
		t.Fatalf("got %v", err)
	}
}

// TestNullLists: fields and indexes sent as null are taken as not sent, as
// PocketBase takes them (an empty list on create; an update keeps them).
func TestNullLists(t *testing.T) {
	app := collApp(t)
	c := mustCreate(t, app, `{"name":"nulls","fields":null,"indexes":null}`)
	if len(c.Fields) != 1 || len(c.Indexes) != 0 {
		t.Fatalf("created %+v", c)
	}
	mustCreate(t, app, `{"name":"kept","fields":[{"name":"t","type":"text"}],"indexes":["CREATE INDEX idx_kept_t ON kept (t)"]}`)
	u, err := app.UpdateCollection(context.Background(), app.SystemActor(), "kept", []byte(`{"fields":null,"indexes":null}`))
	if err != nil || u.Field("t") == nil || len(u.Indexes) != 1 {
		t.Fatalf("updated %+v %v", u, err)
	}
}
