package filter

import (
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
)

// bodyRequest is a request by u1 whose body is body (keys as core hands
// them over: the coerced values of the fields that were sent).
func bodyRequest(body map[string]any) *RequestInfo {
	r := authAs("u1")
	r.Body = body
	return r
}

// A field the body does not carry is NULL: ordering comparisons with it
// are false, = and != treat it as an empty value (issue 17).
var bodyAbsentCases = []matchCase{
	{`@request.body.views < 10`, ""},
	{`@request.body.views <= 10`, ""},
	{`@request.body.views > -1`, ""},
	{`@request.body.views >= 0`, ""},
	{`(@request.body.views < 10) || id = "p2"`, "p2"},
	{`id = "p1" && @request.body.views < 10`, ""},
	{`views > @request.body.views`, ""},
	{`views ?> @request.body.views`, ""},
	{`tags ?< @request.body.title`, ""},
	{`tags < @request.body.title`, ""},
	{`@request.body.title < "z"`, ""},
	{`@request.body.title:lower < "z"`, ""},
	{`@request.body.tags:each ?< "z"`, ""},
	{`@request.body.meta.k < "z"`, ""},
	{`@request.body.views = 0 && id = "p1"`, "p1"},
	{`@request.body.views != 5 && id = "p1"`, "p1"},
	{`@request.body.views = null && id = "p1"`, "p1"},
	{`@request.body.title = "" && id = "p1"`, "p1"},
	{`@request.body.title != "" && id = "p1"`, ""},
	{`@request.body.title ~ "a" && id = "p1"`, ""},
	{`@request.body.title !~ "a" && id = "p1"`, "p1"},
	{`@request.body.tags:length < 1 && id = "p1"`, "p1"},
	{`@request.body.views:isset = false && id = "p1"`, "p1"},
	// A present value (null coerced by core, or a real value) is compared.
	{`@request.body.present < 10 && id = "p1"`, "p1"},
	{`@request.body.nulled < 10 && id = "p1"`, "p1"},
	{`@request.body.nulled >= 0 && id = "p1"`, "p1"},
	// Relations followed through an absent body field are NULL too.
	{`@request.body.author.age < 100`, ""},
	{`@request.body.author.name = "" && id = "p1"`, "p1"},
	{`@request.body.helpers.age ?< 100`, ""},
}

func TestRequestBodyAbsent(t *testing.T) {
	req := bodyRequest(map[string]any{"present": 5.0, "nulled": nil, "meta": map[string]any{"other": 1.0}})
	runMatches(t, "posts", req, bodyAbsentCases)
	runEvalMatches(t, "posts", req, bodyAbsentCases, true)
}

// A relation the body sets is followed like a stored one: the subquery
// reads the records whose ids the body holds (issue 17).
var bodyRelationCases = []matchCase{
	{`@request.body.author.team = @request.auth.team && id = "p1"`, "p1"},      // author u1, team t1
	{`@request.body.author.team = author.team`, "p1"},                          // p1's author u1 is in t1
	{`@request.body.author.name = "Alice" && id = "p2"`, "p2"},                 // not the stored author
	{`@request.body.author.team.name = "Red" && id = "p3"`, "p3"},              // nested hops
	{`@request.body.author.team.name:lower = "red" && id = "p3"`, "p3"},        // modifiers at the end
	{`@request.body.author.roles ?= "admin" && id = "p1"`, "p1"},               // multi select of the target
	{`@request.body.author.roles:length = 2 && id = "p1"`, "p1"},               // :length of the target field
	{`@request.body.author.roles:each ?= "editor" && id = "p1"`, "p1"},         // :each of the target field
	{`@request.body.author.age > 25 && id = "p1"`, "p1"},                       // ordering on a present path
	{`@request.body.helpers.name ?= "bob" && id = "p1"`, "p1"},                 // multi relation: any
	{`@request.body.helpers.name = "bob" && id = "p1"`, ""},                    // multi relation: every
	{`@request.body.helpers.name ?= "Carol" && id = "p1"`, ""},                 // u3 is not in the body
	{`@request.body.helpers.age ?> 25 && id = "p1"`, "p1"},                     // u1 is 30
	{`@request.body.helpers:length = 2 && id = "p1"`, "p1"},                    // the body value itself
	{`@request.body.helpers:each ?= "u2" && id = "p1"`, "p1"},                  // the body value itself
	{`@request.body.helpers.team.name ?= "Blue" && id = "p1"`, "p1"},           // u2 is in t2
	{`@request.body.author.comments_via_user.body ?= "ok" && id = "p1"`, "p1"}, // back-relation (c3 by u1)
	{`@request.body.unknownrel.x = "" && id = "p1"`, "p1"},                     // a key outside the schema: nested read
}

// bodyDanglingCases: a body id that names no record, and empty relations.
var bodyDanglingCases = []matchCase{
	{`@request.body.author.name = "Alice" && id = "p1"`, ""},
	{`@request.body.author.name = "" && id = "p1"`, "p1"},
	{`@request.body.author.age > -1 && id = "p1"`, "p1"}, // present: NULL as zero, as for stored paths
	{`@request.body.helpers.name ?= "" && id = "p1"`, "p1"},
	{`@request.body.helpers.name ?!= "bob" && id = "p1"`, "p1"},
	{`@request.body.helpers:length = 0 && id = "p1"`, "p1"},
}

func TestRequestBodyRelation(t *testing.T) {
	req := bodyRequest(map[string]any{
		"author": "u1", "helpers": []any{"u1", "u2"}, "missing": "nope", "emptyRel": "",
	})
	runMatches(t, "posts", req, bodyRelationCases)
	runEvalMatches(t, "posts", req, bodyRelationCases, false)
	dangling := bodyRequest(map[string]any{"author": "nope", "helpers": []any{}})
	runMatches(t, "posts", dangling, bodyDanglingCases)
	runEvalMatches(t, "posts", dangling, bodyDanglingCases, false)
}

// TestRequestBodyRelationErrors: paths through body fields that are not
// relations, or to fields the target lacks, are EInvalid when the rule is
// saved (Validate) and when it runs.
func TestRequestBodyRelationErrors(t *testing.T) {
	s := testSchema()
	cases := []struct{ filter, msg string }{
		{`@request.body.title.name = "x"`, `cannot access "name" of field "title" (type text)`},
		{`@request.body.views.x = 1`, `cannot access "x" of field "views" (type number)`},
		{`@request.body.tags.x = 1`, `cannot access "x" of field "tags" (type select)`},
		{`@request.body.id.x = 1`, `cannot access "x" of field "id"`},
		{`@request.body.author.nope = 1`, `unknown field "nope" in collection "users"`},
		{`@request.body.author.team.nme = 1`, `unknown field "nme" in collection "teams"`},
		{`@request.body.author.password = 1`, `cannot filter by password field`},
		{`@request.body.helpers.name:changed = 1`, `modifier ":changed" is not supported`},
		{`@request.body.author.name:isset = 1`, `modifier ":isset" is not supported`},
		{`@request.body.location.x = 1`, `geoPoint field "location" has only .lon and .lat`},
	}
	bodies := []map[string]any{nil, {"author": "u1", "helpers": []any{"u2"}, "title": "x", "views": 1.0, "tags": []any{"a"}, "id": "x"}}
	for _, tc := range cases {
		t.Run(tc.filter, func(t *testing.T) {
			env := *testEnv(s, nil)
			wantErr(t, Validate(tc.filter, s["posts"], env, Limits{}), galley.EInvalid, tc.msg)
			for _, body := range bodies {
				env := testEnv(s, bodyRequest(body))
				wantErr(t, compileErr(t, env, tc.filter), galley.EInvalid, tc.msg)
				e, _ := Parse(tc.filter, Limits{})
				rec := &galley.Record{Collection: s["posts"], Data: map[string]any{"id": "p1"}}
				if _, err := Eval(e, s["posts"], rec, env); !errors.Is(err, ErrNeedsSQL) {
					t.Errorf("Eval: %v, want ErrNeedsSQL", err)
				}
			}
		})
	}
}

// fixtureRecords returns the seeded rows of table name as records, with
// the Go values core would hold (multi-valued fields as []any, json
// decoded).
func fixtureRecords(t testing.TB, schema map[string]*galley.Collection, name string) []*galley.Record {
	t.Helper()
	c := schema[name]
	var out []*galley.Record
	for _, st := range seed {
		if st.name != name {
			continue
		}
		for _, row := range st.rows {
			rec := &galley.Record{Collection: c, Data: map[string]any{}}
			for i, col := range st.cols {
				rec.Data[col] = goFieldValue(t, c.Field(col), row[i])
			}
			out = append(out, rec)
		}
	}
	return out
}

// goFieldValue turns a seeded column value into the value a record holds.
func goFieldValue(t testing.TB, f *galley.Field, v any) any {
	t.Helper()
	s, isText := v.(string)
	if f == nil || !isText || !(f.IsMulti() || f.Type == galley.FieldJSON || f.Type == galley.FieldGeoPoint) {
		return v
	}
	var x any
	if err := json.Unmarshal([]byte(s), &x); err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return x
}

// runEvalMatches evaluates the cases in memory against the fixture
// records: where Eval answers, it must give the expected ids; with
// answered, it must answer every case.
func runEvalMatches(t *testing.T, coll string, req *RequestInfo, cases []matchCase, answered bool) {
	t.Helper()
	schema := testSchema()
	env := testEnv(schema, req)
	for _, tc := range cases {
		t.Run("memory/"+tc.filter, func(t *testing.T) {
			e, err := Parse(tc.filter, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, rec := range fixtureRecords(t, schema, coll) {
				ok, err := Eval(e, schema[coll], rec, env)
				if errors.Is(err, ErrNeedsSQL) && !answered {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					got = append(got, rec.ID())
				}
			}
			want := []string{}
			if tc.want != "" {
				want = strings.Split(tc.want, ",")
			}
			if !slices.Equal(got, want) {
				t.Errorf("memory: got %v, want %v", got, want)
			}
		})
	}
}

// :lower of a request value is folded to a constant: it converts to a
// column's type and serves as a ~ pattern exactly as the plain value does,
// in SQL and in memory alike (found by TestRuleProperty).
var lowerConstantCases = []matchCase{
	{`published = @request.body.title:lower`, "p1,p3"},
	{`published = @request.query.t:lower`, "p1,p3"},
	{`@request.body.views:isset < @request.body.title:lower && id = "p1"`, "p1"},
	{`@request.body.views:isset ?< @request.body.empty:lower && id = "p1"`, "p1"},
	{`title ~ @request.body.q:lower`, ""},
	{`title ~ @request.body.q`, ""},
	{`title ~ @request.query.q:lower`, ""},
	{`views = @request.body.views:lower`, "p1"},
	{`@request.method:lower = "patch" && id = "p2"`, "p2"},
}

func TestRequestLowerConstant(t *testing.T) {
	req := bodyRequest(map[string]any{"title": "TRUE", "views": 10.0, "q": "O_W", "empty": ""})
	req.Query = map[string]string{"t": "True", "q": "O_W"}
	runMatches(t, "posts", req, lowerConstantCases)
	runEvalMatches(t, "posts", req, lowerConstantCases, true)
}

// Values of the wrong type for a relation (core coerces them, the filter
// must still not fail): a single relation holding an array names no
// record, a multi relation holding one id is a one-item set.
var bodyWrongTypeCases = []matchCase{
	{`@request.body.author.name = "" && id = "p1"`, "p1"},
	{`@request.body.author.name ?= "Alice"`, ""},
	{`@request.body.helpers.name ?= "bob" && id = "p1"`, "p1"},
	{`@request.body.helpers:length = 1 && id = "p1"`, "p1"},
}

func TestRequestBodyWrongType(t *testing.T) {
	req := bodyRequest(map[string]any{"author": []any{"u1"}, "helpers": "u2", "views": "abc"})
	runMatches(t, "posts", req, bodyWrongTypeCases)
	runEvalMatches(t, "posts", req, bodyWrongTypeCases, false)
	wantErr(t, compileErr(t, testEnv(testSchema(), req), `@request.body.views.x = 1`), galley.EInvalid, `cannot access "x" of field "views" (type number)`)
}

// @request.query and @request.headers keys that were not sent are the
// null constant, compared as the zero value also by ordering operators
// (only @request.body distinguishes an absent key).
var queryAbsentCases = []matchCase{
	{`@request.query.none < 1 && id = "p1"`, "p1"},
	{`@request.headers.none >= 0 && id = "p1"`, "p1"},
	{`@request.query.none = "" && id = "p1"`, "p1"},
}

func TestRequestQueryAbsent(t *testing.T) {
	runMatches(t, "posts", authAs("u1"), queryAbsentCases)
	runEvalMatches(t, "posts", authAs("u1"), queryAbsentCases, true)
}

// TestRequestBodyOddValues: whatever Go values a body map holds (types
// core never hands over included), compiling and evaluating a rule never
// panics or fails with anything but EInvalid, every query runs on both
// databases, and Eval agrees with SQLite where it answers.
func TestRequestBodyOddValues(t *testing.T) {
	odd := []any{5, int64(-3), json.Number("5"), json.Number("x"), []string{"u1", "u2"}, map[string]string{"k": "v"},
		struct{ A int }{1}, []any{map[string]any{"a": 1.0}, []any{"x"}}, []any{1e300, 0.1, true, nil, "s"},
		galley.GeoPoint{Lon: 1, Lat: 2}, "", nil, []any{}, map[string]any{}, "\x00\xff", 1e20}
	rules := []string{
		`@request.body.x = views`, `@request.body.x < views`, `@request.body.x:each ?= tags`, `@request.body.x:length > 0`,
		`@request.body.x:lower ~ title`, `@request.body.x.k = "v"`, `@request.body.author.name = "Alice"`,
		`@request.body.helpers.name ?= "bob"`, `@request.body.helpers:each ?= "u1"`, `@request.body.author:changed = true`,
		`@request.body.views:changed = true`, `@request.body.meta:changed = true`, `@request.body.location.lon > 0`,
		`@request.body.tags:changed = false`, `@request.body.title:lower = title`, `@request.body.x:isset = true`,
	}
	schema := testSchema()
	ds := testDialects(t)
	dbs := make([]*sql.DB, len(ds))
	for i, d := range ds {
		dbs[i] = d.open(t, schema)
	}
	records := fixtureRecords(t, schema, "posts")
	for _, v := range odd {
		body := map[string]any{"x": v, "author": v, "helpers": v, "views": v, "meta": v, "location": v, "tags": v, "title": v}
		for _, src := range rules {
			e, err := Parse(src, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			var inSQLite []string
			for i, d := range ds {
				env := testEnv(schema, bodyRequest(body))
				env.Dialect = d.dialect
				ids, err := propertyMatch(dbs[i], env, schema["posts"], e)
				if err != nil {
					if galley.ErrorCodeOf(err) != galley.EInvalid {
						t.Fatalf("%s with %#v on %s: %v", src, v, d.name, err)
					}
					continue
				}
				if i == 0 {
					inSQLite = ids
				}
			}
			env := testEnv(schema, bodyRequest(body))
			for _, rec := range records {
				ok, err := Eval(e, schema["posts"], rec, env)
				if errors.Is(err, ErrNeedsSQL) {
					continue
				}
				if err != nil {
					t.Fatalf("%s with %#v: Eval: %v", src, v, err)
				}
				if ok != slices.Contains(inSQLite, rec.ID()) {
					t.Fatalf("%s with %#v: record %s: memory %v, SQLite %v", src, v, rec.ID(), ok, inSQLite)
				}
			}
		}
	}
}

// TestJSONTextNUL: bound JSON never carries \u0000, which PostgreSQL's
// jsonb refuses (found by TestRequestBodyOddValues); an escaped backslash
// before "u0000" is text and stays.
func TestJSONTextNUL(t *testing.T) {
	got := jsonText([]any{"a\x00b", `\u0000`, map[string]any{"k\x00": "\x00"}})
	want := `["a\ufffdb","\\u0000",{"k\ufffd":"\ufffd"}]`
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// Functions of request body values: geoDistance takes request values that
// are not literals (a value that is not a number makes the distance NULL),
// and a function of an absent body key is absent itself.
var bodyFunctionCases = []matchCase{
	{`geoDistance(location.lon, location.lat, @request.body.lon, @request.body.lat) < 50`, "p1,p4"},
	{`geoDistance(location.lon, location.lat, @request.body.lon, @request.body.nope) < 50`, ""},
	{`geoDistance(location.lon, location.lat, @request.body.lon, @request.body.nope) = null && id = "p2"`, "p2"},
	{`geoDistance(location.lon, location.lat, @request.body.lon, @request.body.text) < 50`, "p1,p2,p3,p4"}, // NULL as zero
	{`geoDistance(location.lon, location.lat, @request.body.lon, @request.body.latText) < 50`, "p1,p4"},
	{`strftime("%Y", @request.body.nope) < "2025"`, ""},
	{`strftime("%Y", @request.body.nope) = "" && id = "p1"`, "p1"},
	{`strftime("%Y", @request.body.day) = strftime("%Y", created)`, "p1,p2"},
}

func TestRequestBodyFunctions(t *testing.T) {
	req := bodyRequest(map[string]any{"lon": 13.4, "lat": 52.5, "text": "abc", "latText": "52.5", "day": "2024-06-01 10:00:00.000Z"})
	runMatches(t, "posts", req, bodyFunctionCases)
	runEvalMatches(t, "posts", req, bodyFunctionCases, false)
	s := testSchema()
	if err := Validate(`geoDistance(location.lon, location.lat, @request.body.lon, @request.body.lat) < 10`, s["posts"], *testEnv(s, nil), Limits{}); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}
