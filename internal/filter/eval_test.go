package filter

import (
	"database/sql"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
)

// The differential test: random rules on random records, evaluated in
// memory (Eval) and as the compiled SQL on SQLite; both must agree on
// every record. Expressions Eval declines (ErrNeedsSQL) are counted, and
// most must be evaluated, so the test proves the in-memory path.

var (
	evalTexts      = []string{"", "a", "A", "abc", "ABC", "5", "5.0", "10", "-1", "a_b", "a%b", `x\y`, "é", "É", "Z", "1e3", " 5", "0.1"}
	evalNumbers    = []float64{0, 5, -1, 2.5, 10, 1e20, 0.1, 1000, -0.5}
	evalTags       = []string{"a", "B", "5", "abc"}
	evalLits       = []string{`"a"`, `"A"`, `"5"`, `"5.0"`, `""`, `"%a%"`, `"a_b"`, `"a\%b"`, `"\\"`, `5`, `0`, `-1`, `2.5`, `true`, `false`, `null`, `"10"`, `"abc"`, `"true"`, `"1"`, `"0.1"`, `100000000000000000000`, `"é"`, `"b%"`}
	evalFields     = []string{"t", "n", "b", "tags", "tags:length", "tags:each", "t:lower", "id", "rel", "tags:lower", "u", "n:lower", "b:lower"}
	evalRequestOps = []string{"@request.auth.id", "@request.auth.name", "@request.auth.age", "@request.auth.roles", "@request.auth.collectionName",
		"@request.auth.missing", "@request.auth.name:lower", "@request.auth.roles:length", "@request.auth.roles:each", "@request.auth.email",
		"@request.query.q", "@request.method", "@request.headers.x_h", "@request.query.q:isset", "@request.query.none", "@request.context", "@year"}
	evalOps = []string{"=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~"}
)

func evalSchema() (map[string]*galley.Collection, *galley.Collection, *galley.Collection) {
	schema := testSchema()
	ev := &galley.Collection{ID: "c_ev", Name: "ev", Type: "base", Fields: []*galley.Field{
		fld("id", "text"), fld("t", "text"), fld("n", "number"), fld("b", "bool"), fld("tags", "select", multi),
		fld("rel", "relation", to("c_users")), fld("u", "url")}}
	evu := &galley.Collection{ID: "c_evu", Name: "evu", Type: "auth", Fields: []*galley.Field{
		fld("id", "text"), fld("email", "email"), fld("emailVisibility", "bool"), fld("name", "text")}}
	for _, c := range []*galley.Collection{ev, evu} {
		schema[c.ID], schema[c.Name] = c, c
	}
	return schema, ev, evu
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func randomTags(r *rand.Rand) []string {
	var out []string
	for _, t := range evalTags {
		if r.IntN(3) == 0 {
			out = append(out, t)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func randomExpr(r *rand.Rand, depth int, operands []string) string {
	if depth > 0 && r.IntN(3) == 0 {
		op := pick(r, []string{"&&", "||"})
		return "(" + randomExpr(r, depth-1, operands) + " " + op + " " + randomExpr(r, depth-1, operands) + ")"
	}
	return pick(r, operands) + " " + pick(r, evalOps) + " " + pick(r, operands)
}

func TestEvalDifferential(t *testing.T) {
	schema, ev, evu := evalSchema()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "diff.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	records := map[string][]*galley.Record{}
	for _, c := range []*galley.Collection{ev, evu} {
		var cols, marks []string
		for _, f := range c.Fields {
			cols = append(cols, `"`+f.Name+`" `+columnType(f))
			marks = append(marks, "?")
		}
		if _, err := db.Exec(`CREATE TABLE "` + c.Name + `" (` + strings.Join(cols, ", ") + `)`); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 40; i++ {
			rec := &galley.Record{Collection: c, Data: map[string]any{"id": "r" + string(rune('a'+i%26)) + string(rune('a'+i/26))}}
			var args []any
			for _, f := range c.Fields {
				var v, stored any
				switch {
				case f.Name == "id":
					v = rec.Data["id"]
				case f.IsMulti():
					tags := randomTags(rng)
					b, _ := json.Marshal(tags)
					v, stored = tags, string(b)
				case f.Type == "number":
					v = pick(rng, evalNumbers)
				case f.Type == "bool":
					v = rng.IntN(2) == 0
				default:
					v = pick(rng, evalTexts)
				}
				if stored == nil {
					stored = v
				}
				rec.Data[f.Name] = v
				args = append(args, stored)
			}
			if _, err := db.Exec(`INSERT INTO "`+c.Name+`" VALUES (`+strings.Join(marks, ",")+`)`, args...); err != nil {
				t.Fatal(err)
			}
			records[c.Name] = append(records[c.Name], rec)
		}
	}
	users := schema["users"]
	auths := []*galley.Record{nil}
	for i := 0; i < 4; i++ {
		auths = append(auths, &galley.Record{Collection: users, Data: map[string]any{
			"id": pick(rng, []string{"u1", "ra", "rb"}), "name": pick(rng, evalTexts), "age": pick(rng, evalNumbers),
			"roles": randomTags(rng), "email": "x@example.com", "emailVisibility": false}})
	}
	// An auth record of evu itself, to exercise the own-email visibility.
	auths = append(auths, records["evu"][0])
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

	n, evaluated := 0, 0
	iterations := 3000
	if testing.Short() {
		iterations = 500
	}
	for i := 0; i < iterations; i++ {
		c := ev
		operands := append(append(append([]string{}, evalFields...), evalLits...), evalRequestOps...)
		if i%4 == 3 {
			c = evu
			operands = append(append([]string{"email", "name", "emailVisibility", "id", "email:lower"}, evalLits...), evalRequestOps...)
		}
		src := randomExpr(rng, 3, operands)
		e, err := Parse(src, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		auth := pick(rng, auths)
		env := &Env{Collection: func(s string) *galley.Collection { return schema[s] }, Trusted: i%5 != 0, Now: func() time.Time { return now },
			Request: &RequestInfo{Auth: auth, Method: "GET", Context: "realtime", Query: map[string]string{"q": pick(rng, evalTexts)}, Headers: map[string]string{"x_h": "5"}}}
		where, args, err := Where(e, c, "_r", env)
		if err != nil {
			continue // the compiler refuses it (untrusted @request, ...): nothing to compare
		}
		rows, err := db.Query(`SELECT "id" FROM "`+c.Name+`" AS "_r" WHERE `+where, args...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", src, err, where)
		}
		inSQL := map[string]bool{}
		for rows.Next() {
			var id string
			rows.Scan(&id)
			inSQL[id] = true
		}
		rows.Close()
		n++
		declined := false
		for _, rec := range records[c.Name] {
			got, err := Eval(e, c, rec, env)
			if errors.Is(err, ErrNeedsSQL) {
				declined = true
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if got != inSQL[rec.ID()] {
				t.Fatalf("%s (auth %v, trusted %v)\nrecord %v\nmemory %v, SQL %v\nSQL: %s %v", src, auth, env.Trusted, rec.Data, got, inSQL[rec.ID()], where, args)
			}
		}
		if !declined {
			evaluated++
		}
	}
	t.Logf("%d expressions compared, %d fully evaluated in memory", n, evaluated)
	if evaluated*10 < n*7 {
		t.Fatalf("only %d of %d expressions evaluated in memory", evaluated, n)
	}
}

// Eval declines what it does not model, so callers fall back to SQL.
func TestEvalNeedsSQL(t *testing.T) {
	schema := testSchema()
	posts := schema["posts"]
	env := &Env{Collection: func(s string) *galley.Collection { return schema[s] }, Trusted: true,
		Request: &RequestInfo{Body: map[string]any{"author": "u1", "tags": []any{"a"}}}}
	rec := &galley.Record{Collection: posts, Data: map[string]any{"id": "p1", "title": "x", "meta": map[string]any{"a": 1}}}
	for _, src := range []string{
		`author.name = "x"`, `comments_via_post.body ?= "x"`, `@collection.teams.name = "x"`, `meta.a = 1`,
		`strftime("%Y", created) = "2024"`, `@request.body.author.name = "x"`, `@request.body.tags:changed = true`, `unknown = 1`,
	} {
		e, err := Parse(src, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Eval(e, posts, rec, env); !errors.Is(err, ErrNeedsSQL) {
			t.Errorf("%s: %v, want ErrNeedsSQL", src, err)
		}
	}
	e, _ := Parse(`title = "x" && views = 0`, Limits{})
	if ok, err := Eval(e, posts, rec, env); err != nil || !ok {
		t.Fatalf("own fields: %v %v", ok, err)
	}
}
