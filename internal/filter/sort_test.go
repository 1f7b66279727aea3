package filter

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
)

func TestSort(t *testing.T) {
	for _, d := range testDialects(t) {
		t.Run(d.name, func(t *testing.T) { testSort(t, d) })
	}
}

func testSort(t *testing.T, d testDialect) {
	s := testSchema()
	db := d.open(t, s)
	env := testEnv(s, nil)
	env.Dialect = d.dialect
	cases := []struct{ sort, want string }{
		{"views", "p2,p3,p1,p4"},
		{"-views", "p4,p1,p3,p2"},
		{"+views", "p2,p3,p1,p4"},
		{"-published,title", "p1,p3,p4,p2"},
		{"published, -created", "p4,p2,p1,p3"},
		{"author.name,id", "p3,p1,p4,p2"},
		{"author.name:lower,id", "p3,p1,p2,p4"},
		{"author.team.name,id", "p3,p4,p2,p1"},
		{"meta.n,id", "p3,p4,p2,p1"},
		{"-location.lat", "p1,p4,p2,p3"},
		{"@rowid", "p1,p2,p3,p4"},
		{"-@rowid", "p4,p3,p2,p1"},
		{"tags:length,id", "p3,p2,p4,p1"},
		{"comments_via_post:length,id", "p3,p2,p4,p1"},
		{"meta,id", "p3,p4,p2,p1"},
		{"-meta.color,id", "p1,p2,p3,p4"},
		{"author,id", "p3,p1,p2,p4"},
	}
	for _, tc := range cases {
		t.Run(tc.sort, func(t *testing.T) {
			order, args, err := Sort(tc.sort, s["posts"], "r", env, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			q := fmt.Sprintf(`SELECT r.id FROM posts AS r ORDER BY %s`, order)
			if d.name == "postgres" {
				q = Rebind(q)
			}
			got := queryIDs(t, db, q, args)
			if strings.Join(got, ",") != tc.want {
				t.Errorf("got %v, want %s (SQL %s)", got, tc.want, order)
			}
		})
	}
	order, _, err := Sort("@random", s["posts"], "r", env, Limits{})
	if err != nil || order != env.Dialect.Random() {
		t.Fatalf("@random: %q %v", order, err)
	}
	if order, _, err := Sort(" ", s["posts"], "r", env, Limits{}); order != "" || err != nil {
		t.Fatalf("empty: %q %v", order, err)
	}
	for _, bad := range []string{"nope", "tags", "helpers.name", "title,,views", "title desc", "-", "@collection.users.id"} {
		if _, _, err := Sort(bad, s["posts"], "r", env, Limits{}); galley.ErrorCodeOf(err) != galley.EInvalid {
			t.Errorf("%q: got %v, want invalid", bad, err)
		}
	}
	_, _, err = Sort("nope", s["posts"], "r", env, Limits{})
	wantErr(t, err, galley.EInvalid, `unknown field "nope" in collection "posts"`)
}

func queryIDs(t testing.TB, db *sql.DB, q string, args []any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestSortView(t *testing.T) {
	s := testSchema()
	v := &galley.Collection{Name: "v", Type: galley.CollectionView, Fields: []*galley.Field{fld("id", "text")}}
	order, _, err := Sort("-@rowid", v, "r", testEnv(s, nil), Limits{})
	if err != nil || order != `r."id" DESC` {
		t.Fatalf("got %q %v", order, err)
	}
}
