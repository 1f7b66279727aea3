package filter

import (
	"strings"
	"testing"
)

// TestPlanUsesIndexes checks that relation lookups go through the primary
// key and back-relations through the relation column's index.
func TestPlanUsesIndexes(t *testing.T) {
	s := testSchema()
	db := openDB(t, s)
	if _, err := db.Exec(`CREATE INDEX idx_comments_post ON comments (post)`); err != nil {
		t.Fatal(err)
	}
	env := testEnv(s, nil)
	cases := map[string]string{
		`comments_via_post.body ?= "ok"`:    "USING INDEX idx_comments_post (post=?)",
		`comments_via_post.approved = true`: "USING INDEX idx_comments_post (post=?)",
		`comments_via_post:length > 1`:      "USING COVERING INDEX idx_comments_post (post=?)",
		`author.name = "x"`:                 "USING INDEX sqlite_autoindex_users_1 (id=?)",
		`helpers.name ?= "x"`:               "USING INDEX sqlite_autoindex_users_1 (id=?)",
		`author.team.name = "x"`:            "USING INDEX sqlite_autoindex_teams_1 (id=?)",
	}
	for f, want := range cases {
		e, err := Parse(f, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		where, args, err := Where(e, s["posts"], "r", env)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(`EXPLAIN QUERY PLAN SELECT r.id FROM posts AS r WHERE `+where, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "\n")
		if !strings.Contains(p, want) {
			t.Errorf("%s: plan lacks %q:\n%s", f, want, p)
		}
	}
}
