package store

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestLexPostgres: the PostgreSQL lexer splits where PostgreSQL splits, so
// no call can hide in what the checks take for a string, a comment or a
// quoted name; what it cannot split the same way is an error.
func TestLexPostgres(t *testing.T) {
	kinds := func(toks []sqlTok) string {
		var b []string
		for _, t := range toks {
			b = append(b, map[sqlTokKind]string{tokIdent: "I", tokQIdent: "Q", tokString: "S", tokBlob: "B",
				tokNumber: "N", tokParam: "P", tokPunct: "", tokOp: ""}[t.Kind]+t.Val)
		}
		return strings.Join(b, " ")
	}
	for src, want := range map[string]string{
		// [ ] are subscripts, not a quoted name hiding the call.
		`a[f(1)]`: `Ia [ If ( N1 ) ]`,
		// E'' strings have backslash escapes: the string ends where PostgreSQL ends it.
		`E'\'', f(1) --'`: `S\' , If ( N1 )`,
		// "--" ends at a carriage return.
		"x -- c\r\n f(1)": `Ix If ( N1 )`,
		// Operators are runs of operator characters; :: is the cast.
		`a !~~ 'x'::text #> b`: `Ia !~~ Sx :: Itext #> Ib`,
		`a+-b`:                 `Ia +- Ib`,
		"a*--c\nb":             `Ia * Ib`,
		`a$b(1)`:               `Ia$b ( N1 )`,
		`"a""b"(1)`:            `Qa"b ( N1 )`,
		`$1`:                   `P$1`,
		`$$x$$`:                `P$ P$x P$ P$`,
		"x -- c\r f(1)":        `Ix If ( N1 )`,
	} {
		toks, err := lexSQLMode(src, lexPostgres)
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if got := kinds(toks); got != want {
			t.Errorf("%q: got %q, want %q", src, got, want)
		}
	}
	toks, err := lexSQLMode(`'a\'', f(1) --'`, lexPostgresBackslash)
	if err != nil || kinds(toks) != `Sa\' , If ( N1 )` {
		t.Errorf("standard_conforming_strings off: %q %v", kinds(toks), err)
	}
	for _, src := range []string{
		`U&"\0070g_read_file"('x')`, `u&'\0041'`, // unicode escapes
		`/* /* */ f(1) */`,       // PostgreSQL nests comments, SQLite does not
		`1e'\''`, `0x1f`, `1abc`, // numbers PostgreSQL versions split differently
		`'open`, `"open`, `/* open`,
	} {
		if toks, err := lexSQLMode(src, lexPostgres); err == nil {
			t.Errorf("%q: lexed as %q", src, kinds(toks))
		}
	}
	// SQLite mode refuses a lone carriage return in a "--" comment, which
	// PostgreSQL would end there, and keeps [x] and `x` as quoted names.
	if toks, err := lexSQL("x -- c\r f(1)"); err == nil {
		t.Errorf("sqlite: lone CR lexed as %q", kinds(toks))
	}
	if toks, err := lexSQL("[a b] `c`"); err != nil || kinds(toks) != "Qa b Qc" {
		t.Errorf("sqlite: %q %v", kinds(toks), err)
	}
}

// TestCheckViewTokens checks the allow-lists on their own, including on
// definitions in the form PostgreSQL stores them (pg_get_viewdef).
func TestCheckViewTokens(t *testing.T) {
	type tc struct {
		q      string
		mode   lexMode
		stored bool
	}
	pg, lite := lexPostgres, lexSQLite
	ok := []tc{
		{`SELECT id, lower(title) AS t, count(*) AS c FROM posts GROUP BY id`, pg, false},
		{`SELECT id, lower(title) AS t, count(*) AS c FROM posts GROUP BY id`, lite, false},
		{`WITH t(a, b) AS (SELECT 1, 2), u AS MATERIALIZED (SELECT 3) SELECT a AS id FROM t`, pg, false},
		{`SELECT e.value AS id FROM posts, json_each(posts.tags) AS e(key, value)`, lite, false},
		{`SELECT CAST(n AS VARCHAR(10)) AS id, CAST(n AS numeric(10, 2)) AS m FROM posts`, pg, false},
		{`SELECT CAST(n AS DATETIME) AS id FROM posts`, lite, false},
		{`SELECT x AS id, INTERVAL '1 day' AS i, DATE '2020-01-01' AS d, now() AT TIME ZONE 'UTC' AS z FROM t`, pg, false},
		{`SELECT sum(n) FILTER (WHERE n > 1) AS s, percentile_cont(0.5) WITHIN GROUP (ORDER BY n) AS p FROM t`, pg, false},
		{`SELECT pg_catalog.lower(title) AS id FROM posts`, pg, false},
		{`SELECT id FROM posts p JOIN (SELECT 1) x ON TRUE WHERE title NOT LIKE ('a' || 'b') ORDER BY (n) DESC`, pg, false},
		{`SELECT id FROM posts WHERE title GLOB ('a*') AND title LIKE ('a%') ESCAPE ('!')`, lite, false},
		// PostgreSQL's rendering of a stored view.
		{` SELECT posts.id,
    posts._rowid,
    "substring"(p.title, 1, 2) AS ss,
    TRIM(BOTH FROM p.title) AS tr,
    EXTRACT(year FROM now()) AS ey,
    p.n::numeric(10,2) AS nu,
    p.created::timestamp with time zone AS ts,
    p.title !~~ 'x'::text AS nlk,
    p.data #> '{a}'::text[] AS j2,
    POSITION(('a'::text) IN (p.title)) AS po,
    NULL::text AS nu2,
    "left"(p.title, 2) AS le
   FROM posts p,
    jsonb_array_elements_text('[1]'::jsonb) e(value),
    unnest(ARRAY[1, 2]) u(u);`, pg, true},
	}
	for _, c := range ok {
		if err := checkViewTokens(c.q, c.mode, c.stored); err != nil {
			t.Errorf("%q (mode %d, stored %v): %v", c.q, c.mode, c.stored, err)
		}
	}
	bad := []tc{
		{`SELECT posts.id, posts._rowid FROM posts`, pg, false},
		{`SELECT 'x'::regclass AS id`, pg, true},
		{`SELECT 'x'::regclass::text AS id`, pg, true},
		{`SELECT '<a/>'::xml AS id`, pg, true},
		{`SELECT CAST('x' AS pg_lsn) AS id`, pg, false},
		{`SELECT CAST('x' AS regclass) AS id`, lite, false},
		{`SELECT "query_to_xml"('select 1', true, false, '') AS id`, pg, true},
		{`SELECT "Lower"(title) AS id FROM posts`, pg, false}, // quoted names are exact
		{`SELECT public.lower(title) AS id FROM posts`, pg, false},
		{`SELECT pg_catalog.pg_read_file('x') AS id`, pg, false},
		{`SELECT x.pg_catalog.lower(title) AS id FROM posts`, pg, false},
		{`SELECT id FROM posts p(a, b)`, pg, false},
		{`SELECT id, title AND lower(id) FROM posts WHERE x AND f(y)`, lite, false},
		{`SELECT id FROM posts WHERE id IN (SELECT id FROM posts) AND current_schema IS NULL`, pg, false},
		{`SELECT id, OPERATOR(pg_catalog.+)(1, 2) FROM posts`, pg, true},
		{`SELECT id FROM posts FOR KEY SHARE`, pg, false},
		{`SELECT id FROM posts, LATERAL ROWS FROM (unnest(ARRAY[1])) r`, pg, false},
		{`SELECT * FROM json_each('[]') AS j WHERE randomblob(1)`, lite, false},
		// Words PostgreSQL does not reserve could name functions: only in
		// their place in the grammar.
		{`SELECT filter(title) AS id FROM posts`, pg, false},
		{`SELECT over(title) AS id FROM posts`, pg, false},
		{`SELECT by(title) AS id FROM posts`, pg, false},
		{`SELECT escape(title) AS id FROM posts`, pg, false},
		{`SELECT id FROM posts WHERE materialized(title)`, pg, false},
		{`SELECT glob('a*', title) AS id FROM posts`, pg, false},
		{`SELECT id FROM posts WHERE title AND like(title, 'a')`, pg, false},
	}
	for _, c := range bad {
		err := checkViewTokens(c.q, c.mode, c.stored)
		if err == nil {
			t.Errorf("%q (mode %d, stored %v): accepted", c.q, c.mode, c.stored)
		} else if !strings.Contains(err.Error(), "viewQuery") {
			t.Errorf("%q: not a viewQuery error: %v", c.q, err)
		}
	}
}

// TestPGCheckPlan: a plan may scan the collections' schema and allowed
// pg_catalog functions only.
func TestPGCheckPlan(t *testing.T) {
	plan := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for s, want := range map[string]string{
		`[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "posts", "Schema": "app"}}]`: "",
		`[{"Plan": {"Node Type": "Nested Loop", "Plans": [{"Node Type": "Seq Scan", "Relation Name": "posts", "Schema": "app"},
			{"Node Type": "Function Scan", "Function Name": "jsonb_array_elements_text", "Schema": "pg_catalog"}]}}]`: "",
		`[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "_superusers", "Schema": "app"}}]`:                                                    "system tables",
		`[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "pg_authid", "Schema": "pg_catalog"}}]`:                                               "schema",
		`[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "posts", "Schema": "other"}}]`:                                                        "schema",
		`[{"Plan": {"Node Type": "Nested Loop", "Plans": [{"Node Type": "Function Scan", "Function Name": "pg_ls_dir", "Schema": "pg_catalog"}]}}]`: "pg_ls_dir",
		`[{"Plan": {"Node Type": "Function Scan", "Function Name": "lower", "Schema": "public"}}]`:                                                  "lower",
		`[{"Plan": {"Node Type": "Table Function Scan", "Alias": "x"}}]`:                                                                            "table functions",
	} {
		got := pgCheckPlan(plan(s), "app")
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", s, got, want)
		}
	}
}

// TestNormalizeViewQueryCasts: PostgreSQL's "::" casts pass the
// dialect-neutral first filter (the PostgreSQL check holds their types to
// the allow-list); parameters still do not.
func TestNormalizeViewQueryCasts(t *testing.T) {
	if _, err := NormalizeViewQuery(`SELECT id::text AS id, n::numeric(10,2) AS m FROM posts`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SELECT :a AS id`, `SELECT id, : :a FROM posts`, `SELECT id:::a FROM posts`, `SELECT id FROM posts WHERE id = ?`} {
		if _, err := NormalizeViewQuery(q); err == nil {
			t.Errorf("%q accepted", q)
		}
	}
}
