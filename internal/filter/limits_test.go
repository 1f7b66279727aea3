package filter

import (
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
)

func TestLimitLength(t *testing.T) {
	src := `title = "` + strings.Repeat("a", DefaultMaxLength) + `"`
	_, err := Parse(src, Limits{})
	wantErr(t, err, galley.EInvalid, "longer than 3500 bytes")
	if _, err := Parse(src, Limits{MaxLength: len(src)}); err != nil {
		t.Fatal(err)
	}
	_, err = Parse(`title = "abc"`, Limits{MaxLength: 5})
	wantErr(t, err, galley.EInvalid, "longer than 5 bytes")
}

func TestLimitExprs(t *testing.T) {
	many := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "views = 1"
		}
		return strings.Join(parts, " || ")
	}
	if _, err := Parse(many(DefaultMaxExprs), Limits{MaxLength: 1 << 20}); err != nil {
		t.Fatal(err)
	}
	_, err := Parse(many(DefaultMaxExprs+1), Limits{MaxLength: 1 << 20})
	wantErr(t, err, galley.EInvalid, "more than 200 comparisons")
	_, err = Parse(many(4), Limits{MaxExprs: 3})
	wantErr(t, err, galley.EInvalid, "at position 39: more than 3 comparisons")
}

func TestLimitDepth(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("(", n) + "views = 1" + strings.Repeat(")", n) }
	if _, err := Parse(nest(DefaultMaxDepth), Limits{}); err != nil {
		t.Fatal(err)
	}
	_, err := Parse(nest(DefaultMaxDepth+1), Limits{})
	wantErr(t, err, galley.EInvalid, "at position 20: parentheses nested deeper than 20")
	_, err = Parse(`((views = 1) && (views = 2)) || (((views = 3)))`, Limits{MaxDepth: 2})
	wantErr(t, err, galley.EInvalid, "at position 34: parentheses nested deeper than 2")
	// Function calls count as nesting too.
	_, err = Parse(`(strftime("%Y", created) = "2024")`, Limits{MaxDepth: 1})
	wantErr(t, err, galley.EInvalid, "at position 1: parentheses nested deeper than 1")
}

func TestLimitSortKeys(t *testing.T) {
	s := testSchema()
	env := testEnv(s, nil)
	keys := strings.TrimSuffix(strings.Repeat("title,", DefaultMaxSortKeys), ",")
	if _, _, err := Sort(keys, s["posts"], "r", env, Limits{}); err != nil {
		t.Fatal(err)
	}
	_, _, err := Sort(keys+",views", s["posts"], "r", env, Limits{})
	wantErr(t, err, galley.EInvalid, "more than 8 sort keys")
	_, _, err = Sort("title,views", s["posts"], "r", env, Limits{MaxSortKeys: 1})
	wantErr(t, err, galley.EInvalid, "more than 1 sort keys")
}

// compileWith parses and compiles src against coll with env's trust and
// path limits lim.
func compileWith(src string, coll *galley.Collection, env *Env, lim Limits) error {
	e, err := Parse(src, Limits{})
	if err != nil {
		return err
	}
	env.Limits = lim
	_, _, err = Where(e, coll, "r", env)
	return err
}

func TestLimitHops(t *testing.T) {
	s := testSchema()
	user := testEnv(s, nil)
	user.Trusted = false
	rule := testEnv(s, nil)
	// comments.post → posts.author → users.team → teams: 3 hops.
	three := `post.author.team.name = "Red"`
	if err := compileWith(three, s["comments"], user, Limits{}); err != nil {
		t.Fatal(err)
	}
	// Back-relations count as hops too: teams ← users ← posts ← comments.
	four := `users_via_team.posts_via_author.comments_via_post.post.title ?= "x"`
	err := compileWith(four, s["teams"], user, Limits{})
	wantErr(t, err, galley.EInvalid, `too many relation hops in "users_via_team.posts_via_author.comments_via_post.post.title": at most 3`)
	// Rules and superuser filters allow DefaultRuleMaxHops.
	if err := compileWith(four, s["teams"], rule, Limits{}); err != nil {
		t.Fatal(err)
	}
	seven := `users_via_team.posts_via_author.comments_via_post.post.author.team.users_via_team.name ?= "x"`
	err = compileWith(seven, s["teams"], rule, Limits{})
	wantErr(t, err, galley.EInvalid, "at most 6 relations may be followed in one path")
	// The limit is configurable, and applies to sorts and @request.auth paths.
	err = compileWith(`post.author.name = "x"`, s["comments"], user, Limits{MaxHops: 1})
	wantErr(t, err, galley.EInvalid, `too many relation hops in "post.author.name": at most 1`)
	_, _, err = Sort("post.author.name", s["comments"], "r", &Env{Collection: user.Collection, Limits: Limits{MaxHops: 1}}, Limits{})
	wantErr(t, err, galley.EInvalid, "at most 1 relations may be followed")
	auth := &galley.Record{Collection: s["users"], Data: map[string]any{"id": "u1", "team": "t1"}}
	authEnv := testEnv(s, &RequestInfo{Auth: auth})
	err = compileWith(`@request.auth.team.users_via_team.name ?= "x"`, s["posts"], authEnv, Limits{MaxHops: 1})
	wantErr(t, err, galley.EInvalid, `too many relation hops in "@request.auth.team.users_via_team.name"`)
}

func TestLimitJoins(t *testing.T) {
	s := testSchema()
	user := testEnv(s, nil)
	user.Trusted = false
	paths := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = `author.team.name = "x"` // 2 joins each
		}
		return strings.Join(parts, " || ")
	}
	if err := compileWith(paths(DefaultMaxJoins/2), s["posts"], user, Limits{}); err != nil {
		t.Fatal(err)
	}
	err := compileWith(paths(DefaultMaxJoins/2+1), s["posts"], user, Limits{})
	wantErr(t, err, galley.EInvalid, "too many joined relations: at most 10 relation joins")
	rule := testEnv(s, nil)
	if err := compileWith(paths(DefaultMaxJoins/2+1), s["posts"], rule, Limits{}); err != nil {
		t.Fatal(err)
	}
	// @collection references count one each.
	colls := strings.TrimSuffix(strings.Repeat(`@collection.members.level > 1 || `, 4), " || ")
	err = compileWith(colls, s["posts"], rule, Limits{MaxJoins: 3})
	wantErr(t, err, galley.EInvalid, "at most 3 relation joins")
	// Sorts count their keys together.
	_, _, err = Sort("author.team.name,author.name", s["posts"], "r", &Env{Collection: user.Collection, Limits: Limits{MaxJoins: 2}}, Limits{})
	wantErr(t, err, galley.EInvalid, "at most 2 relation joins")
}

func TestValidateHops(t *testing.T) {
	s := testSchema()
	env := *testEnv(s, nil)
	// A rule is checked when saved, including @request.auth paths (which
	// compile to nothing for guests) as every auth collection.
	if err := Validate(`@request.auth.team.name = "x"`, s["posts"], env, Limits{MaxHops: 1}); err != nil {
		t.Fatal(err)
	}
	err := Validate(`@request.auth.team.users_via_team.name ?= "x"`, s["posts"], env, Limits{MaxHops: 1})
	wantErr(t, err, galley.EInvalid, "at most 1 relations may be followed")
	err = Validate(`author.team.users_via_team.name ?= "x"`, s["posts"], env, Limits{MaxHops: 2})
	wantErr(t, err, galley.EInvalid, "at most 2 relations may be followed")
}
