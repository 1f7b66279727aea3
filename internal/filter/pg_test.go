package filter

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// testDialect is a dialect with a function that opens the seeded fixture.
type testDialect struct {
	name    string
	dialect Dialect
	open    func(testing.TB, map[string]*galley.Collection) *sql.DB
}

// testDialects returns SQLite and, when GALLEY_TEST_POSTGRES is set,
// PostgreSQL.
func testDialects(t testing.TB) []testDialect {
	ds := []testDialect{{"sqlite", SQLite(), openDB}}
	if pgDSN() == "" {
		t.Logf("GALLEY_TEST_POSTGRES is empty: PostgreSQL cases skipped")
		return ds
	}
	return append(ds, testDialect{"postgres", Postgres(), openPG})
}

func pgDSN() string { return os.Getenv("GALLEY_TEST_POSTGRES") }

// pgColumnType follows the PostgreSQL storage conventions.
func pgColumnType(f *galley.Field) string {
	switch {
	case f.Name == "id":
		return "TEXT PRIMARY KEY"
	case f.IsMulti():
		return "JSONB NOT NULL DEFAULT '[]'"
	case f.Type == "number":
		return "DOUBLE PRECISION NOT NULL DEFAULT 0"
	case f.Type == "bool":
		return "BOOLEAN NOT NULL DEFAULT FALSE"
	case f.Type == "json":
		return "JSONB"
	case f.Type == "geoPoint":
		return `JSONB NOT NULL DEFAULT '{"lon":0,"lat":0}'`
	}
	return "TEXT NOT NULL DEFAULT ''"
}

// pgSchema creates a schema of its own for the test (dropped at cleanup)
// and returns a database whose connections use it.
func pgSchema(t testing.TB) *sql.DB {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pgDSN())
	if err != nil {
		t.Fatalf("GALLEY_TEST_POSTGRES: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	cfg, err := pgx.ParseConfig(pgDSN())
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["search_path"] = schema
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(4)
	t.Cleanup(func() {
		db.Close()
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
		admin.Close(ctx)
	})
	return db
}

// openPG creates the schema's tables following the PostgreSQL storage
// conventions in a fresh schema and seeds them with the SQLite fixture's
// rows.
func openPG(t testing.TB, schema map[string]*galley.Collection) *sql.DB {
	t.Helper()
	db := pgSchema(t)
	done := map[string]bool{}
	for _, c := range schema {
		if done[c.Name] {
			continue
		}
		done[c.Name] = true
		var cols []string
		for _, f := range c.Fields {
			cols = append(cols, fmt.Sprintf("%q %s", f.Name, pgColumnType(f)))
		}
		if _, err := db.Exec(fmt.Sprintf("CREATE TABLE %q (%s)", c.Name, strings.Join(cols, ", "))); err != nil {
			t.Fatal(err)
		}
	}
	seedDB(t, db, schema, func(f *galley.Field) string {
		if strings.HasPrefix(pgColumnType(f), "JSONB") {
			return "?::text::jsonb"
		}
		return "?"
	}, Rebind)
	return db
}

func TestRebind(t *testing.T) {
	cases := map[string]string{
		"":                                       "",
		"a = ?":                                  "a = $1",
		"? ?? ?":                                 "$1 $2$3 $4",
		`x = '?' AND y = ?`:                      `x = '?' AND y = $1`,
		`x = 'it''s ?' AND y = ?`:                `x = 'it''s ?' AND y = $1`,
		`"we?rd" = ? AND "a""?" = ?`:             `"we?rd" = $1 AND "a""?" = $2`,
		`? -- what?` + "\n?":                     "$1 -- what?\n$2",
		`/* ? */ ?`:                              `/* ? */ $1`,
		`$$?$$ || $tag$ ? $tag$ || ?`:            `$$?$$ || $tag$ ? $tag$ || $1`,
		`$1 || ?`:                                `$1 || $1`,
		`x ~ '^a{0,1}$' AND y LIKE ? ESCAPE '\'`: `x ~ '^a{0,1}$' AND y LIKE $1 ESCAPE '\'`,
		`'unterminated ?`:                        `'unterminated ?`,
	}
	for in, want := range cases {
		if got := Rebind(in); got != want {
			t.Errorf("Rebind(%q) = %q, want %q", in, got, want)
		}
	}
	var many strings.Builder
	for i := 0; i < 12; i++ {
		many.WriteString("?,")
	}
	if got := Rebind(many.String()); !strings.HasSuffix(got, "$11,$12,") {
		t.Errorf("got %q", got)
	}
}

func TestCastParams(t *testing.T) {
	args := []any{"a\x00b", 1.5, true, nil, "\xff"}
	got := castParams(`f(?, ?, ?, ?, '?', ?)`, args)
	want := `f(?::text, ?::double precision, ?::boolean, ?::text, '?', ?::text)`
	if got != want {
		t.Fatalf("got %s", got)
	}
	if args[0] != "a\uFFFDb" || args[4] != "\uFFFD" {
		t.Fatalf("args not sanitized: %q", args)
	}
}

// TestPostgresNoJSONBQuestionOperators checks that compiled SQL never
// contains PostgreSQL's jsonb ? operators: every ? is a placeholder.
func TestPostgresNoJSONBQuestionOperators(t *testing.T) {
	s := testSchema()
	env := testEnv(s, authAs("u1"))
	env.Dialect = Postgres()
	for _, f := range allFilters() {
		e, err := Parse(f, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		where, args, err := Where(e, s["posts"], "r", env)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		n := 0
		forEachPlaceholder(where, func(_ string, p bool) {
			if p {
				n++
			}
		})
		if n != len(args) || strings.Count(where, "?") != n {
			t.Errorf("%s: %d placeholders, %d ?, %d args\n%s", f, n, strings.Count(where, "?"), len(args), where)
		}
		if strings.Contains(where, "?|") || strings.Contains(where, "?&") {
			t.Errorf("%s: jsonb ? operator in\n%s", f, where)
		}
	}
}

// allFilters returns the filters of the shared execution tables.
func allFilters() []string {
	var out []string
	for _, cs := range [][]matchCase{operatorCases, multiValuedCases, jsonGeoCases, requestCases, guestRequestCases, collectionJoinCases, macroCases} {
		for _, c := range cs {
			out = append(out, c.filter)
		}
	}
	return out
}
