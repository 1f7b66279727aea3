package filter

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
)

// addCorpus seeds f with the committed corpus in <repo>/testdata/fuzz/<name>
// (Go fuzz corpus files holding one string). New findings that go test
// -fuzz writes under internal/filter/testdata/fuzz are moved there once fixed.
func addCorpus(f *testing.F, name string) {
	dir := filepath.Join("..", "..", "testdata", "fuzz", name)
	entries, err := os.ReadDir(dir)
	if err != nil {
		f.Fatalf("corpus: %v", err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.SplitN(string(b), "\n", 3)
		if len(lines) < 2 || lines[0] != "go test fuzz v1" {
			f.Fatalf("corpus %s: not a fuzz v1 file", e.Name())
		}
		arg := strings.TrimSuffix(strings.TrimPrefix(lines[1], "string("), ")")
		s, err := strconv.Unquote(arg)
		if err != nil {
			f.Fatalf("corpus %s: %v", e.Name(), err)
		}
		f.Add(s)
	}
}

func FuzzLex(f *testing.F) {
	addCorpus(f, "FuzzLex")
	f.Fuzz(func(t *testing.T, src string) {
		toks, err := lex(src)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		last := -1
		for _, tk := range toks {
			if tk.pos < last || tk.pos > len(src) {
				t.Fatalf("token %v out of order", tk)
			}
			last = tk.pos
		}
		if toks[len(toks)-1].kind != tokEOF {
			t.Fatal("missing EOF")
		}
	})
}

func FuzzParse(f *testing.F) {
	addCorpus(f, "FuzzParse")
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src, Limits{})
		if err != nil {
			checkInvalid(t, err)
			return
		}
		n := 0
		Walk(e, func(*Comparison) { n++ })
		if n > DefaultMaxExprs {
			t.Fatalf("%d comparisons accepted", n)
		}
	})
}

func checkInvalid(t *testing.T, err error) {
	t.Helper()
	var ge *galley.Error
	if !errors.As(err, &ge) || ge.Code != galley.EInvalid || !strings.HasPrefix(ge.Message, "invalid filter") {
		t.Fatalf("bad error %#v", err)
	}
}

// allowedLiterals are the only quoted SQL strings the compiler writes itself.
var allowedLiterals = []string{`'[]'`, `'%'`, `'\'`, `''`}

// checkSQL asserts that sql carries user values only as bind parameters.
func checkSQL(t *testing.T, src, sql string, args []any) {
	t.Helper()
	if n := strings.Count(sql, "?"); n != len(args) {
		t.Fatalf("%q: %d placeholders, %d args\n%s", src, n, len(args), sql)
	}
	rest := sql
	for _, l := range allowedLiterals {
		rest = strings.ReplaceAll(rest, l, "")
	}
	if strings.ContainsAny(rest, "'\x00;") || strings.Contains(rest, "--") || strings.Contains(rest, "/*") {
		t.Fatalf("%q: unexpected literal text in SQL\n%s", src, sql)
	}
	for _, a := range args {
		switch a.(type) {
		case nil, string, float64, bool:
		default:
			t.Fatalf("%q: bind value of type %T", src, a)
		}
	}
}

func FuzzCompile(f *testing.F) {
	addCorpus(f, "FuzzCompile")
	s := testSchema()
	db := openDB(f, s)
	trusted := testEnv(s, authAs("u1"))
	untrusted := testEnv(s, authAs("u2"))
	untrusted.Trusted = false
	exec := func(t *testing.T, src, q string, args []any) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("%q: query took %v\n%s", src, d, q)
			}
		}()
		rows, err := db.Query(q, args...)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		if err != nil {
			t.Fatalf("%q: %v\n%s\n%v", src, err, q, args)
		}
	}
	pg := pgFuzz(f, s)
	f.Fuzz(func(t *testing.T, src string) {
		pg(t, src)
		if e, err := Parse(src, Limits{}); err == nil {
			for _, env := range []*Env{trusted, untrusted} {
				where, args, err := Where(e, s["posts"], "r", env)
				if err != nil {
					if c := galley.ErrorCodeOf(err); c != galley.EInvalid && c != galley.EForbidden {
						t.Fatalf("%q: %v", src, err)
					}
					continue
				}
				checkSQL(t, src, where, args)
				exec(t, src, `SELECT r.id FROM "posts" AS r WHERE `+where, args)
			}
		}
		order, args, err := Sort(src, s["posts"], "r", trusted, Limits{})
		if err != nil {
			if c := galley.ErrorCodeOf(err); c != galley.EInvalid && c != galley.EForbidden {
				t.Fatalf("sort %q: %v", src, err)
			}
			return
		}
		if order != "" {
			checkSQL(t, src, order, args)
			exec(t, src, `SELECT r.id FROM "posts" AS r ORDER BY `+order, args)
		}
	})
}

// pgAllowedLiterals are the quoted SQL strings the PostgreSQL dialect
// writes itself: those of its templates.
func pgAllowedLiterals() map[string]bool {
	d := postgresDialect{}
	src := []string{pgParsedDate, pgElems("x"), d.JSONArrayLength("x"), d.JSONExtract("x", "p"), d.Like("x", "p"),
		d.compare(value{frag: frag{sql: "x"}, typ: tAny}, "=", konst("y"), "''").sql,
		d.compare(value{frag: frag{sql: "x"}, typ: tAny}, "=", konst(1.0), "0").sql,
		d.toText(value{frag: frag{sql: "x"}, typ: tNumber}).sql, d.toText(value{frag: frag{sql: "x"}, typ: tAny}).sql,
		d.toNumber(value{frag: frag{sql: "x"}, typ: tText}).sql, d.jsonNumber(frag{sql: "x"}).sql,
		`'%' '' '[]' '{"lon":0,"lat":0}'`}
	for _, k := range d.sortKeys(value{frag: frag{sql: "x"}, typ: tAny}) {
		src = append(src, k.sql)
	}
	for _, e := range pgStrftime {
		src = append(src, e)
	}
	ok := map[string]bool{}
	for _, s := range src {
		for _, l := range quotedLiterals(s) {
			ok[l] = true
		}
	}
	return ok
}

// quotedLiterals returns the single-quoted literals of sql.
func quotedLiterals(sql string) []string {
	var out []string
	for i := 0; i < len(sql); i++ {
		switch sql[i] {
		case '\'':
			j := skipQuoted(sql, i, '\'')
			out = append(out, sql[i:j])
			i = j - 1
		case '"':
			i = skipQuoted(sql, i, '"') - 1
		}
	}
	return out
}

// pgFuzz returns a check that compiles src as a filter and a sort with the
// PostgreSQL dialect, checks that user values are only bind parameters,
// and, when GALLEY_TEST_POSTGRES is set, runs the rebound SQL on the
// PostgreSQL fixture: it must prepare (every parameter typed) and execute.
func pgFuzz(f *testing.F, s map[string]*galley.Collection) func(*testing.T, string) {
	var db *sql.DB
	if pgDSN() != "" {
		db = openPG(f, s)
		db.SetMaxOpenConns(1)
		if _, err := db.Exec("SET statement_timeout = '5s'"); err != nil {
			f.Fatal(err)
		}
	}
	allowed := pgAllowedLiterals()
	trusted := testEnv(s, authAs("u1"))
	trusted.Dialect = Postgres()
	untrusted := testEnv(s, authAs("u2"))
	untrusted.Dialect = Postgres()
	untrusted.Trusted = false
	check := func(t *testing.T, src, q string, args []any) {
		n := 0
		var outside strings.Builder
		forEachPlaceholder(q, func(chunk string, p bool) {
			if p {
				n++
			}
		})
		if n != len(args) {
			t.Fatalf("%q: %d placeholders, %d args\n%s", src, n, len(args), q)
		}
		rest := q
		for _, l := range quotedLiterals(q) {
			if !allowed[l] {
				t.Fatalf("%q: unexpected literal %s in SQL\n%s", src, l, q)
			}
			rest = strings.Replace(rest, l, "", 1)
		}
		outside.WriteString(rest)
		if o := outside.String(); strings.ContainsAny(o, "\x00;") || strings.Contains(o, "--") || strings.Contains(o, "/*") {
			t.Fatalf("%q: unexpected text in SQL\n%s", src, q)
		}
		for _, a := range args {
			switch a.(type) {
			case nil, string, float64, bool:
			default:
				t.Fatalf("%q: bind value of type %T", src, a)
			}
		}
		if db == nil {
			return
		}
		rows, err := db.Query(Rebind(q), args...)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		if err != nil {
			t.Fatalf("%q: postgres: %v\n%s\n%v", src, err, Rebind(q), args)
		}
	}
	return func(t *testing.T, src string) {
		if e, err := Parse(src, Limits{}); err == nil {
			for _, env := range []*Env{trusted, untrusted} {
				where, args, err := Where(e, s["posts"], "r", env)
				if err == nil {
					check(t, src, `SELECT r.id FROM "posts" AS r WHERE `+where, args)
				}
			}
		}
		if order, args, err := Sort(src, s["posts"], "r", trusted, Limits{}); err == nil && order != "" {
			check(t, src, `SELECT r.id FROM "posts" AS r ORDER BY `+order, args)
		}
	}
}
