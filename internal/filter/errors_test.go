package filter

import (
	"errors"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
)

func wantErr(t *testing.T, err error, code galley.ErrorCode, msg string) {
	t.Helper()
	var ge *galley.Error
	if !errors.As(err, &ge) {
		t.Fatalf("got %v, want *galley.Error %s %q", err, code, msg)
	}
	if ge.Code != code || !strings.Contains(ge.Message, msg) {
		t.Fatalf("got %s %q, want %s containing %q", ge.Code, ge.Message, code, msg)
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct{ src, msg string }{
		{`title = `, "at position 8: expected a value or field, got end of input"},
		{`title foo "x"`, `at position 6: expected operator, got "foo"`},
		{`title = "abc`, "at position 8: unterminated string"},
		{`(title = "a"`, "at position 12: expected ), got end of input"},
		{`title = "a")`, `at position 11: expected && or ||, got ")"`},
		{`title = "a" & x = 1`, `at position 12: unexpected "&"`},
		{`title = "a" | x = 1`, `at position 12: unexpected "|"`},
		{`title == "a"`, `at position 7: expected a value or field, got "="`},
		{`title = #`, `at position 8: unexpected character "#"`},
		{`views > 12abc`, `at position 10: unexpected "a" after number`},
		{`foo(1) = 1`, `at position 0: unknown function "foo"`},
		{`strftime("%Y") = 1`, "at position 0: strftime expects 2 arguments, got 1"},
		{`strftime("%Y" created) = 1`, `at position 14: expected , or ), got "created"`},
		{`&& x = 1`, `at position 0: expected a value or field, got "&&"`},
		{`a. = 1`, `at position 0: invalid identifier "a."`},
		{`x = 1 &&`, "at position 8: expected a value or field, got end of input"},
		{`x = 1 x = 2`, `at position 6: expected && or ||, got "x"`},
	}
	for _, tc := range cases {
		t.Run(tc.src, func(t *testing.T) {
			_, err := Parse(tc.src, Limits{})
			wantErr(t, err, galley.EInvalid, "invalid filter "+tc.msg)
		})
	}
}

func TestEmptyFilter(t *testing.T) {
	for _, src := range []string{"", "  ", "// just a comment"} {
		e, err := Parse(src, Limits{})
		if e != nil || err != nil {
			t.Fatalf("%q: got %v, %v", src, e, err)
		}
		s := testSchema()
		sql, args, err := Where(e, s["posts"], "r", testEnv(s, nil))
		if sql != "1=1" || args != nil || err != nil {
			t.Fatalf("got %q %v %v", sql, args, err)
		}
	}
}

func compileErr(t *testing.T, env *Env, filter string) error {
	t.Helper()
	e, err := Parse(filter, Limits{})
	if err != nil {
		t.Fatalf("parse %q: %v", filter, err)
	}
	_, _, err = Where(e, testSchema()["posts"], "r", env)
	return err
}

func TestCompileErrors(t *testing.T) {
	s := testSchema()
	env := testEnv(s, nil)
	cases := []struct{ filter, msg string }{
		{`titel = "x"`, `unknown field "titel" in collection "posts"`},
		{`author.nam = "x"`, `unknown field "nam" in collection "users"`},
		{`helpers.team.nme = "x"`, `unknown field "nme" in collection "teams"`},
		{`comments_via_post.bdy = "x"`, `unknown field "bdy" in collection "comments"`},
		{`nope_via_post = "x"`, `unknown field "nope_via_post" in collection "posts"`},
		{`author.password = "x"`, `cannot filter by password field "password"`},
		{`title.x = 1`, `cannot access "x" of field "title"`},
		{`title:each = 1`, `modifier ":each" is not supported on field "title"`},
		{`author.name:each = 1`, `modifier ":each" is not supported on field "name": it applies to multi-valued fields`},
		{`author.team.name:each = 1`, `modifier ":each" is not supported on field "name"`},
		{`location.lon:each = 1`, `modifier ":each" is not supported on field "location"`},
		{`title:length = 1`, `modifier ":length" is not supported`},
		{`title:isset = 1`, `modifier ":isset" is not supported`},
		{`title:bogus = 1`, `unknown modifier ":bogus"`},
		{`author:lower.name = 1`, `modifier ":lower" must be at the end`},
		{`location.x = 1`, `geoPoint field "location" has only .lon and .lat`},
		{`@nope = 1`, `unknown macro "@nope"`},
		{`@collection.nope.x = 1`, `unknown collection "nope"`},
		{`@collection.users = 1`, `expected @collection.<name>.<field>`},
		{`@request.nope = 1`, `unknown request field "@request.nope"`},
		{`@request.body.nope:changed = 1`, `:changed needs a field of collection "posts"`},
		{`strftime(title, created) = 1`, `strftime format must be a string`},
		{`geoDistance("a", 1, 2, 3) < 1`, `geoDistance arguments must be numbers`},
		{`meta.a-b = 1`, `unexpected character "-"`},
	}
	for _, tc := range cases {
		t.Run(tc.filter, func(t *testing.T) {
			e, err := Parse(tc.filter, Limits{})
			if err == nil {
				_, _, err = Where(e, s["posts"], "r", env)
			}
			wantErr(t, err, galley.EInvalid, tc.msg)
		})
	}
}

func TestUntrusted(t *testing.T) {
	s := testSchema()
	db := openDB(t, s)
	env := testEnv(s, authAs("u2"))
	env.Trusted = false
	for _, f := range []string{`@request.auth.id != ""`, `title = "x" || (@request.body.a = 1)`} {
		wantErr(t, compileErr(t, env, f), galley.EForbidden, "Only superusers can filter by @request.")
	}
	wantErr(t, compileErr(t, env, `@collection.users.id ?= author`), galley.EForbidden, "Only superusers can filter and sort by @collection.* and @request.*")
	wantErr(t, compileErr(t, env, `secret = "s1"`), galley.EInvalid, `hidden field "secret"`)
	wantErr(t, compileErr(t, env, `author.tokenKey = "s1"`), galley.EInvalid, `hidden field "tokenKey"`)
	if _, _, err := Sort("@request.auth.id", s["posts"], "r", env, Limits{}); galley.ErrorCodeOf(err) != galley.EForbidden {
		t.Fatalf("sort by @request: %v", err)
	}
	if _, _, err := Sort("secret", s["posts"], "r", env, Limits{}); galley.ErrorCodeOf(err) != galley.EInvalid {
		t.Fatalf("sort by hidden: %v", err)
	}
	// Non-visible emails match nothing, except the viewer's own.
	got, err := match(t, db, env, s["users"], `email ~ "x.io"`)
	if err != nil || strings.Join(got, ",") != "u1,u2,u3" {
		t.Fatalf("got %v %v", got, err)
	}
	env.Request = authAs("u1")
	got, _ = match(t, db, env, s["users"], `email ~ "x.io"`)
	if strings.Join(got, ",") != "u1,u3" {
		t.Fatalf("got %v", got)
	}
	env.Trusted = true
	got, _ = match(t, db, env, s["users"], `email ~ "x.io"`)
	if strings.Join(got, ",") != "u1,u2,u3" {
		t.Fatalf("trusted: got %v", got)
	}
}

func TestValidate(t *testing.T) {
	s := testSchema()
	env := *testEnv(s, nil)
	if err := Validate(`author = @request.auth.id && @collection.members.user ?= @request.auth.id`, s["posts"], env, Limits{}); err != nil {
		t.Fatal(err)
	}
	if err := Validate("", s["posts"], env, Limits{}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, Validate(`@request.body.titel:changed = false`, s["posts"], env, Limits{}), galley.EInvalid, `"posts"`)
	wantErr(t, Validate(`autor = 1`, s["posts"], env, Limits{}), galley.EInvalid, `unknown field "autor"`)
	wantErr(t, Validate(`title = `, s["posts"], env, Limits{}), galley.EInvalid, "position 8")
}
