package filter

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	_ "modernc.org/sqlite"
)

func fld(name, typ string, opts ...func(*galley.Field)) *galley.Field {
	f := &galley.Field{Name: name, Type: typ}
	for _, o := range opts {
		o(f)
	}
	return f
}

func multi(f *galley.Field)  { f.MaxSelect = 5 }
func hidden(f *galley.Field) { f.Hidden = true }
func to(id string) func(*galley.Field) {
	return func(f *galley.Field) { f.CollectionID = id }
}

// testSchema returns the collections used by the tests.
func testSchema() map[string]*galley.Collection {
	cols := []*galley.Collection{
		{ID: "c_teams", Name: "teams", Type: "base", Fields: []*galley.Field{
			fld("id", "text"), fld("name", "text")}},
		{ID: "c_users", Name: "users", Type: "auth", Fields: []*galley.Field{
			fld("id", "text"), fld("name", "text"), fld("email", "email"), fld("emailVisibility", "bool"),
			fld("password", "password", hidden), fld("tokenKey", "text", hidden),
			fld("team", "relation", to("c_teams")), fld("roles", "select", multi), fld("age", "number"),
			fld("friends", "relation", to("c_users"), multi)}},
		{ID: "c_posts", Name: "posts", Type: "base", Fields: []*galley.Field{
			fld("id", "text"), fld("title", "text"), fld("views", "number"), fld("published", "bool"),
			fld("created", "autodate"), fld("tags", "select", multi), fld("author", "relation", to("c_users")),
			fld("helpers", "relation", to("c_users"), multi), fld("meta", "json"), fld("location", "geoPoint"),
			fld("secret", "text", hidden), fld("files", "file", multi)}},
		{ID: "c_comments", Name: "comments", Type: "base", Fields: []*galley.Field{
			fld("id", "text"), fld("post", "relation", to("c_posts")), fld("body", "text"), fld("approved", "bool"),
			fld("user", "relation", to("c_users"))}},
		{ID: "c_members", Name: "members", Type: "base", Fields: []*galley.Field{
			fld("id", "text"), fld("user", "relation", to("c_users")), fld("team", "relation", to("c_teams")),
			fld("level", "number")}},
	}
	m := map[string]*galley.Collection{}
	for _, c := range cols {
		m[c.Name] = c
		m[c.ID] = c
	}
	return m
}

func columnType(f *galley.Field) string {
	switch {
	case f.Name == "id":
		return "TEXT PRIMARY KEY"
	case f.IsMulti():
		return "JSON NOT NULL DEFAULT '[]'"
	case f.Type == "number":
		return "REAL NOT NULL DEFAULT 0"
	case f.Type == "bool":
		return "BOOLEAN NOT NULL DEFAULT FALSE"
	case f.Type == "json":
		return "JSON DEFAULT NULL"
	case f.Type == "geoPoint":
		return `JSON NOT NULL DEFAULT '{"lon":0,"lat":0}'`
	}
	return "TEXT NOT NULL DEFAULT ''"
}

// seedTable is one table's fixture rows: bools are Go bools, json and
// multi-valued fields JSON text, nil is NULL.
type seedTable struct {
	name string
	cols []string
	rows [][]any
}

var seed = []seedTable{
	{"teams", []string{"id", "name"}, [][]any{{"t1", "Red"}, {"t2", "Blue"}}},
	{"users", []string{"id", "name", "email", "emailVisibility", "team", "roles", "age", "friends"}, [][]any{
		{"u1", "Alice", "alice@x.io", true, "t1", `["admin","editor"]`, 30.0, `["u2","u3"]`},
		{"u2", "bob", "bob@x.io", false, "t2", `["editor"]`, 20.0, `[]`},
		{"u3", "Carol", "carol@x.io", true, "", `[]`, 40.0, `["u1"]`}}},
	{"posts", []string{"id", "title", "views", "published", "created", "tags", "author", "helpers", "meta", "location", "secret"}, [][]any{
		{"p1", "Hello World", 10.0, true, "2024-01-15 10:00:00.000Z", `["a","b"]`, "u1", `["u2","u3"]`, `{"color":"red","n":3,"list":[1,2,3]}`, `{"lon":13.4,"lat":52.5}`, "s1"},
		{"p2", "hello_there", 0.0, false, "2024-02-20 12:30:00.000Z", `["a"]`, "u2", `["u2"]`, `{"color":"blue","n":0}`, `{"lon":2.35,"lat":48.85}`, ""},
		{"p3", "Third 50% off", 5.5, true, "2023-12-31 23:59:59.999Z", `[]`, "", `[]`, nil, `{"lon":0,"lat":0}`, ""},
		{"p4", `Fourth \ back`, 100.0, false, "2025-06-01 00:00:00.000Z", `["c"]`, "u3", `["u1"]`, `[10,20]`, `{"lon":13.3,"lat":52.4}`, ""}}},
	{"comments", []string{"id", "post", "body", "approved", "user"}, [][]any{
		{"c1", "p1", "nice", true, "u2"}, {"c2", "p1", "meh", false, "u3"}, {"c3", "p2", "ok", true, "u1"}, {"c4", "p4", "great", true, "u1"}}},
	{"members", []string{"id", "user", "team", "level"}, [][]any{
		{"m1", "u1", "t1", 2.0}, {"m2", "u2", "t1", 1.0}, {"m3", "u2", "t2", 5.0}}},
}

// seedDB inserts the fixture rows; placeholder returns the placeholder for
// a column (so that PostgreSQL can cast JSON text to jsonb).
func seedDB(t testing.TB, db *sql.DB, schema map[string]*galley.Collection, placeholder func(*galley.Field) string, rebind func(string) string) {
	t.Helper()
	insertRows(t, db, schema, seed, placeholder, rebind)
}

// insertRows inserts the rows of tables (see seedDB).
func insertRows(t testing.TB, db *sql.DB, schema map[string]*galley.Collection, tables []seedTable, placeholder func(*galley.Field) string, rebind func(string) string) {
	t.Helper()
	for _, st := range tables {
		var cols, ph []string
		for _, c := range st.cols {
			cols = append(cols, fmt.Sprintf("%q", c))
			ph = append(ph, placeholder(schema[st.name].Field(c)))
		}
		q := rebind(fmt.Sprintf("INSERT INTO %q (%s) VALUES (%s)", st.name, strings.Join(cols, ", "), strings.Join(ph, ", ")))
		for _, row := range st.rows {
			if _, err := db.Exec(q, row...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
}

// openDB creates the schema's tables in a fresh in-memory SQLite database
// following the storage conventions, and seeds them.
func openDB(t testing.TB, schema map[string]*galley.Collection) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	done := map[string]bool{}
	for _, c := range schema {
		if done[c.Name] {
			continue
		}
		done[c.Name] = true
		var cols []string
		for _, f := range c.Fields {
			cols = append(cols, fmt.Sprintf("%q %s", f.Name, columnType(f)))
		}
		if _, err := db.Exec(fmt.Sprintf("CREATE TABLE %q (%s)", c.Name, strings.Join(cols, ", "))); err != nil {
			t.Fatal(err)
		}
	}
	seedDB(t, db, schema, func(*galley.Field) string { return "?" }, func(q string) string { return q })
	return db
}

func testEnv(schema map[string]*galley.Collection, req *RequestInfo) *Env {
	return &Env{
		Collection: func(n string) *galley.Collection { return schema[n] },
		Collections: func() []*galley.Collection {
			var out []*galley.Collection
			for k, c := range schema {
				if k == c.Name {
					out = append(out, c)
				}
			}
			return out
		},
		Request: req,
		Trusted: true,
		Now:     func() time.Time { return time.Date(2024, 2, 20, 15, 4, 5, 0, time.UTC) },
	}
}

// match compiles filter against coll and returns the matching ids, sorted.
func match(t testing.TB, db *sql.DB, env *Env, coll *galley.Collection, filter string) ([]string, error) {
	t.Helper()
	e, err := Parse(filter, Limits{})
	if err != nil {
		return nil, err
	}
	where, args, err := Where(e, coll, "r", env)
	if err != nil {
		return nil, err
	}
	q := fmt.Sprintf(`SELECT r.id FROM %q AS r WHERE %s ORDER BY r.id`, coll.Name, where)
	if env.Dialect != nil && env.Dialect.Name() == "postgres" {
		q = Rebind(q)
	}
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("filter %q: %v\nSQL: %s\nargs: %v", filter, err, q, args)
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids, nil
}

type matchCase struct {
	filter string
	want   string // comma-separated ids
}

// runMatches runs the cases against the SQLite fixture and, when
// GALLEY_TEST_POSTGRES holds a DSN, against the same fixture on PostgreSQL:
// both dialects must return the same ids.
func runMatches(t *testing.T, coll string, req *RequestInfo, cases []matchCase) {
	t.Helper()
	for _, d := range testDialects(t) {
		t.Run(d.name, func(t *testing.T) {
			schema := testSchema()
			db := d.open(t, schema)
			env := testEnv(schema, req)
			env.Dialect = d.dialect
			for _, tc := range cases {
				t.Run(tc.filter, func(t *testing.T) {
					got, err := match(t, db, env, schema[coll], tc.filter)
					if err != nil {
						t.Fatalf("error: %v", err)
					}
					want := []string{}
					if tc.want != "" {
						want = strings.Split(tc.want, ",")
					}
					slices.Sort(want)
					if !slices.Equal(got, want) {
						t.Errorf("got %v, want %v", got, want)
					}
				})
			}
		})
	}
}
