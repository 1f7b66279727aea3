package filter

import (
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
)

// Relation paths are what Eval never answers (they need SQL), so
// TestRuleProperty can only check SQLite against PostgreSQL there. This
// file adds an oracle of its own: relOracle resolves a path through the
// fixture rows in Go (following multi relations, single relations and
// back-relations the way the compiled joins do) and compares the values it
// finds with the evaluator's comparison (compareMV). TestRelationPathProperty
// checks the SQL of random comparisons on such paths, with every operator,
// against it; the table tests below pin exact record sets.

// A longer run (the seed flag is TestRuleProperty's):
//
//	go test ./internal/filter -run TestRelationPathProperty -relpath.n=50000 -property.seed=0
var relPathN = flag.Int("relpath.n", 1500, "TestRelationPathProperty: number of random expressions")

// relPaths are the relation paths the oracle resolves: multi relations
// (helpers, friends), single relations (author, team, user) and
// back-relations, one to three hops, with :each, :lower and :length.
var relPaths = []string{
	"helpers.name", "helpers.age", "helpers.name:lower", "helpers.name:each", "helpers.age:each", "helpers.id",
	"helpers.team", "helpers.team.name", "helpers.team.name:each", "helpers.roles", "helpers.roles:each",
	"helpers.roles:length", "helpers.friends", "helpers.friends.name", "helpers.friends.age:each",
	"helpers.friends.team.name", "helpers.friends:length", "helpers.comments_via_user.body",
	"helpers.comments_via_user.body:lower:each", "helpers.members_via_user.level",
	"author.name", "author.age", "author.team.name", "author.roles", "author.roles:length", "author.friends.name",
	"author.friends.name:each", "author.friends.roles", "author.comments_via_user.body", "author.comments_via_user:length",
	"comments_via_post", "comments_via_post:each", "comments_via_post:length", "comments_via_post.body",
	"comments_via_post.body:each", "comments_via_post.approved", "comments_via_post.user.name",
	"comments_via_post.user.name:each", "comments_via_post.user.friends.name", "comments_via_post.user.age",
}

// relLits are the constants compared with the paths.
var relLits = []string{`"bob"`, `"Alice"`, `"alice"`, `"Carol"`, `""`, `"m"`, `"C"`, `"o"`, `"%o%"`, `"Red"`, `"Blue"`,
	`"editor"`, `"admin"`, `"nice"`, `"ok"`, `"u1"`, `"u2"`, `"c4"`, `0`, `1`, `2`, `20`, `25`, `30`, `40`, `5`,
	`-1`, `true`, `false`, `null`, `"20"`, `"t1"`}

// relFixture holds every fixture row (seed and propertyRows) as records.
type relFixture struct {
	schema map[string]*galley.Collection
	rows   map[string][]*galley.Record // by collection name
}

func newRelFixture(t testing.TB, schema map[string]*galley.Collection) *relFixture {
	fx := &relFixture{schema: schema, rows: map[string][]*galley.Record{}}
	for _, tables := range [][]seedTable{seed, propertyRows} {
		for _, st := range tables {
			c := schema[st.name]
			for _, row := range st.rows {
				rec := &galley.Record{Collection: c, Data: map[string]any{}}
				for i, col := range st.cols {
					rec.Data[col] = goFieldValue(t, c.Field(col), row[i])
				}
				fx.rows[c.Name] = append(fx.rows[c.Name], rec)
			}
		}
	}
	return fx
}

func (fx *relFixture) byID(coll, id string) *galley.Record {
	for _, r := range fx.rows[coll] {
		if r.ID() == id {
			return r
		}
	}
	return nil
}

// relOracle evaluates "<path> <op> <literal>" (either side) for record
// rec of collection coll in memory. ok is false when the comparison is not
// of that shape.
func (fx *relFixture) relOracle(cmp *Comparison, coll *galley.Collection, rec *galley.Record) (result, ok bool, err error) {
	side := func(o Operand) (mv, bool) {
		switch n := o.(type) {
		case *Literal:
			return konstMV(n.Value), true
		case *Identifier:
			m, ok := fx.path(coll, rec, n.Name)
			return m, ok
		}
		return mv{}, false
	}
	l, okL := side(cmp.Left)
	r, okR := side(cmp.Right)
	if !okL || !okR {
		return false, false, nil
	}
	res, err := compareMV(l, cmp.Op, r)
	return res, true, err
}

// path resolves a relation path of rec: the values the compiled joins
// produce. A path through a multi relation or back-relation is a set (a
// related row whose single relation further on is empty or dangling
// drops out, as the inner joins drop it); a path of single relations is
// one value, NULL when a hop is empty. Every value is nullable (the SQL
// is a subquery), so no column affinity applies.
func (fx *relFixture) path(coll *galley.Collection, rec *galley.Record, name string) (mv, bool) {
	segs, err := splitIdent(&Identifier{Name: name})
	if err != nil || len(segs) < 1 {
		return mv{}, false
	}
	cur := []relNode{{coll, rec}}
	isSet := false
	hops := 0
	for i, s := range segs {
		last := i == len(segs)-1
		var next []relNode
		f := fieldOf(cur[0].c, s.name)
		if f == nil { // back-relation <coll>_via_<field>
			k := strings.LastIndex(s.name, "_via_")
			if k <= 0 {
				return mv{}, false
			}
			other := fx.schema[s.name[:k]]
			if other == nil || other.Field(s.name[k+5:]) == nil {
				return mv{}, false
			}
			fk := s.name[k+5:]
			hops++
			if last && hasMod(s.mods, "length") {
				var elems []sv
				for _, n := range cur {
					cnt := 0
					for _, o := range fx.rows[other.Name] {
						if o.GetString(fk) == n.r.ID() {
							cnt++
						}
					}
					elems = append(elems, sv{kind: 'i', f: float64(cnt)})
				}
				return mv{val: value{typ: tNumber, nullable: isSet}, set: isSet, elems: elems}, true
			}
			for _, n := range cur {
				for _, o := range fx.rows[other.Name] {
					if o.GetString(fk) == n.r.ID() {
						next = append(next, relNode{other, o})
					}
				}
			}
			isSet = true
			cur = next
			if last {
				return fx.leaf(cur, fieldOf(other, "id"), s.mods, isSet, true), true
			}
			if len(cur) == 0 {
				return emptyOf(isSet, fx.leafType(other, segs[i+1:])), true
			}
			continue
		}
		if last || f.Type != galley.FieldRelation {
			if !last {
				return mv{}, false
			}
			return fx.leaf(cur, f, s.mods, isSet, hops > 0), true
		}
		hops++
		target := fx.schema[f.CollectionID]
		for _, n := range cur {
			ids := []string{}
			switch v := n.r.Data[f.Name].(type) {
			case string:
				if v != "" {
					ids = append(ids, v)
				}
			case []any:
				for _, x := range v {
					ids = append(ids, stringOf(x))
				}
			}
			for _, id := range ids {
				if t := fx.byID(target.Name, id); t != nil {
					next = append(next, relNode{target, t})
				}
			}
		}
		if f.IsMulti() {
			isSet = true
		}
		cur = next
		if len(cur) == 0 {
			return emptyOf(isSet, fx.leafType(target, segs[i+1:])), true
		}
	}
	return mv{}, false
}

// leafType is the static type of the path rest within collection c.
func (fx *relFixture) leafType(c *galley.Collection, rest []seg) vtype {
	for i, s := range rest {
		f := fieldOf(c, s.name)
		if f == nil {
			if hasMod(s.mods, "length") {
				return tNumber
			}
			k := strings.LastIndex(s.name, "_via_")
			c = fx.schema[s.name[:k]]
			continue
		}
		if hasMod(s.mods, "length") {
			return tNumber
		}
		if i < len(rest)-1 {
			c = fx.schema[f.CollectionID]
			continue
		}
		if f.IsMulti() {
			return tText
		}
		return typeOf(f)
	}
	return tText
}

// emptyOf is what a path yields when no related row is left: an empty
// set (one NULL element) or a NULL value.
func emptyOf(isSet bool, typ vtype) mv {
	m := mv{val: value{typ: typ, nullable: true}, set: isSet}
	if !isSet {
		m.elems = []sv{{kind: 'n'}}
	}
	return m
}

// leaf reads field f of the rows in cur with the modifiers mods.
func (fx *relFixture) leaf(cur []relNode, f *galley.Field, mods []string, isSet, nullable bool) mv {
	out := mv{val: value{typ: typeOf(f), nullable: nullable}, set: isSet}
	if f.IsMulti() {
		out.val.typ = tText
		if !hasMod(mods, "length") {
			out.set = true
		}
	}
	if hasMod(mods, "length") {
		out.val.typ = tNumber
	}
	for _, n := range cur {
		raw := n.r.Data[f.Name]
		if f.Name == "id" {
			raw = n.r.ID()
		}
		var plain []string
		for _, m := range mods {
			if m != "each" {
				plain = append(plain, m)
			}
		}
		m, err := storedValue(f, storedForm(f, normalize(raw)), plain)
		if err != nil {
			panic(fmt.Sprintf("leaf %s: %v", f.Name, err))
		}
		out.elems = append(out.elems, m.elems...)
	}
	if !out.set && len(out.elems) == 0 {
		out.elems = []sv{{kind: 'n'}}
	}
	if hasMod(mods, "lower") {
		// storedValue applied :lower already; the static type is text.
		out.val.typ = tText
	}
	return out
}

// relNode is a row a path has reached.
type relNode struct {
	c *galley.Collection
	r *galley.Record
}

func relExpr(r *rand.Rand, depth int) string {
	if depth > 0 && r.IntN(4) == 0 {
		return "(" + relExpr(r, depth-1) + " " + pick(r, []string{"&&", "||"}) + " " + relExpr(r, depth-1) + ")"
	}
	p, l := pick(r, relPaths), pick(r, relLits)
	if r.IntN(5) == 0 {
		p, l = l, p
	}
	return p + " " + pick(r, propOps) + " " + l
}

// evalOracle evaluates e for rec with relOracle on every comparison.
func (fx *relFixture) evalOracle(e Expr, coll *galley.Collection, rec *galley.Record) (bool, error) {
	switch n := e.(type) {
	case *Logical:
		l, err := fx.evalOracle(n.Left, coll, rec)
		if err != nil {
			return false, err
		}
		r, err := fx.evalOracle(n.Right, coll, rec)
		if err != nil {
			return false, err
		}
		if n.Op == "||" {
			return l || r, nil
		}
		return l && r, nil
	case *Comparison:
		res, ok, err := fx.relOracle(n, coll, rec)
		if !ok {
			return false, errors.New("not a path-literal comparison")
		}
		return res, err
	}
	return false, errors.New("unknown expression")
}

// TestRelationPathProperty: random comparisons of relation paths (every
// operator, :each/:lower/:length, one to three hops, multi relations,
// back-relations, empty and dangling relations) with constants, compiled
// and run on SQLite and PostgreSQL, must select exactly the posts the
// in-memory oracle selects.
func TestRelationPathProperty(t *testing.T) {
	schema := testSchema()
	fx := newRelFixture(t, schema)
	posts := schema["posts"]
	dbs := propertyDBs(t, schema)
	seedV := *propertySeed
	if seedV == 0 {
		seedV = rand.Uint64()
	}
	rng := rand.New(rand.NewPCG(seedV, 11))
	for i := 0; i < *relPathN; i++ {
		src := relExpr(rng, 2)
		e, err := Parse(src, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		want := []string{}
		for _, rec := range fx.rows["posts"] {
			ok, err := fx.evalOracle(e, posts, rec)
			if err != nil {
				t.Fatalf("%s: oracle: %v", src, err)
			}
			if ok {
				want = append(want, rec.ID())
			}
		}
		slices.Sort(want)
		for _, d := range dbs {
			env := testEnv(schema, nil)
			env.Dialect = d.dialect
			got, err := propertyMatch(d.db, env, posts, e)
			if err != nil {
				t.Fatalf("%s on %s: %v", src, d.name, err)
			}
			if !slices.Equal(got, want) {
				if d.name == "postgres" && pgKnownDifference(e, posts, env) {
					continue
				}
				t.Fatalf("seed %d, rule %d: %s\n%s: %v\noracle: %v", seedV, i, src, d.name, got, want)
			}
		}
	}
}

// propertyDB is a seeded fixture database (seed and propertyRows).
type propertyDB struct {
	name    string
	dialect Dialect
	db      *sql.DB
}

// propertyDBs opens the fixture with propertyRows on SQLite and, when
// GALLEY_TEST_POSTGRES is set, on PostgreSQL.
func propertyDBs(t testing.TB, schema map[string]*galley.Collection) []propertyDB {
	var out []propertyDB
	for _, d := range testDialects(t) {
		db := d.open(t, schema)
		placeholder := func(*galley.Field) string { return "?" }
		rebind := func(q string) string { return q }
		if d.name == "postgres" {
			placeholder = func(f *galley.Field) string {
				if strings.HasPrefix(pgColumnType(f), "JSONB") {
					return "?::text::jsonb"
				}
				return "?"
			}
			rebind = Rebind
		}
		insertRows(t, db, schema, propertyRows, placeholder, rebind)
		out = append(out, propertyDB{d.name, d.dialect, db})
	}
	return out
}

// relationOperatorCases pin every operator through multi relations (one
// and two hops, multi→multi, back-relations) and :each on relation paths.
// In the fixture helpers.name is p1 {bob, Carol}, p2 {bob}, p3 {} and p4
// {Alice}; helpers.team.name p1 {Blue} (Carol has no team), p2 {Blue},
// p3 {}, p4 {Red}; helpers.friends.name p1 {Alice}, p2 {}, p3 {}, p4
// {bob, Carol}; comments_via_post.user.name p1 {bob, Carol}, p2 {Alice},
// p3 {}, p4 {Alice}. Text compares bytewise ("Alice" < "C" < "Carol" <
// "bob"); an empty set is one NULL element, which compares as "" or 0.
var relationOperatorCases = []matchCase{
	{`helpers.name ?= "Carol"`, "p1"},
	{`helpers.name ?!= "Carol"`, "p1,p2,p3,p4"},
	{`helpers.name ?< "C"`, "p3,p4"},
	{`helpers.name ?<= "Carol"`, "p1,p3,p4"},
	{`helpers.name ?> "C"`, "p1,p2"},
	{`helpers.name ?>= "bob"`, "p1,p2"},
	{`helpers.name ?~ "o"`, "p1,p2"},
	{`helpers.name ?!~ "o"`, "p3,p4"},
	{`helpers.name ?!~ "b"`, "p1,p3,p4"},
	{`helpers.name < "C"`, "p3,p4"},
	{`helpers.name !~ "o"`, "p3,p4"},
	{`helpers.age ?< 25`, "p1,p2,p3"},
	{`helpers.age ?<= 20`, "p1,p2,p3"},
	{`helpers.age ?>= 40`, "p1"},
	{`helpers.age ?> "35"`, "p1"},
	// two hops: multi relation then single relation
	{`helpers.team.name ?= "Blue"`, "p1,p2"},
	{`helpers.team.name ?< "C"`, "p1,p2,p3"},
	{`helpers.team.name ?> "Blue"`, "p4"},
	{`helpers.team.name ?!~ "e"`, "p3"},
	{`helpers.team.name ?~ "R"`, "p4"},
	// two hops: multi relation then multi relation
	{`helpers.friends.name ?= "Alice"`, "p1"},
	{`helpers.friends.name ?< "B"`, "p1,p2,p3"},
	{`helpers.friends.name ?~ "o"`, "p4"},
	{`helpers.friends.name ?!~ "o"`, "p1,p2,p3"},
	{`author.friends.name ?= "bob"`, "p1"},
	// back-relation then single relation
	{`comments_via_post.user.name ?< "B"`, "p2,p3,p4"},
	{`comments_via_post.user.name ?>= "C"`, "p1"},
	{`comments_via_post.user.name ?!= "Alice"`, "p1,p3"},
	// :each on relation paths: every related value (an empty relation is
	// one NULL element, as without :each)
	{`helpers.name:each ~ "o"`, "p1,p2"},
	{`helpers.name:each ?= "bob"`, "p1,p2"},
	{`helpers.name:each != "bob"`, "p3,p4"},
	{`helpers.name:each = ""`, "p3"},
	{`helpers.name:lower:each ?= "alice"`, "p4"},
	{`helpers.team.name:each = "Blue"`, "p1,p2"},
	{`helpers.friends.name:each ~ "o"`, "p4"},
	{`author.friends.name:each = "Alice"`, "p4"},
	{`comments_via_post.body:each ~ "e"`, "p1,p4"},
	{`comments_via_post:each ?= "c3"`, "p2"},
}

func TestRelationOperators(t *testing.T) {
	runMatches(t, "posts", nil, relationOperatorCases)
	// The oracle of TestRelationPathProperty agrees with every case.
	schema := testSchema()
	fx := newRelFixture(t, schema)
	for _, tc := range relationOperatorCases {
		e, err := Parse(tc.filter, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, rec := range fixtureRecords(t, schema, "posts") {
			rec = fx.byID("posts", rec.ID())
			ok, err := fx.evalOracle(e, schema["posts"], rec)
			if err != nil {
				t.Fatalf("%s: %v", tc.filter, err)
			}
			if ok {
				got = append(got, rec.ID())
			}
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("oracle %s: %v, want %s", tc.filter, got, tc.want)
		}
	}
}
