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
