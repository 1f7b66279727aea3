package store

import (
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
)

func indexTestCollection() *galley.Collection {
	return &galley.Collection{ID: "pbc_1", Name: "posts", Fields: []*galley.Field{
		{Name: "id", Type: galley.FieldText}, {Name: "title", Type: galley.FieldText}, {Name: "n", Type: galley.FieldNumber},
	}}
}

func TestParseIndex(t *testing.T) {
	c := indexTestCollection()
	valid := map[string]string{
		`CREATE INDEX idx_a ON posts (title)`:                                                            "CREATE INDEX `idx_a` ON `posts` (`title`)",
		`create unique index if not exists "idx_b" on "POSTS" (Title COLLATE nocase ASC, n DESC);`:       "CREATE UNIQUE INDEX `idx_b` ON `posts` (`title` COLLATE NOCASE ASC, `n` DESC)",
		"CREATE INDEX `idx_c` ON [posts] (`n`) WHERE n > 1.5 AND (title = 'it''s' OR title IS NOT NULL)": "CREATE INDEX `idx_c` ON `posts` (`n`) WHERE `n` > 1.5 AND ( `title` = 'it''s' OR `title` IS NOT NULL )",
		`CREATE INDEX idx_d ON posts (title) -- comment`:                                                 "CREATE INDEX `idx_d` ON `posts` (`title`)",
		"CREATE UNIQUE INDEX `idx_e` ON `posts` (`title`) WHERE `title` != ''":                           "CREATE UNIQUE INDEX `idx_e` ON `posts` (`title`) WHERE `title` != ''",
	}
	for src, want := range valid {
		ix, err := ParseIndex(src, c)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got := ix.SQL(); got != want {
			t.Errorf("%s:\n got %s\nwant %s", src, got, want)
		}
		// The canonical form parses back to itself.
		if again, err := ParseIndex(want, c); err != nil || again.SQL() != want {
			t.Errorf("%s does not round-trip: %v", want, err)
		}
		// SQLite runs the same statement with double-quoted identifiers.
		if got, want := ix.sqliteSQL(), strings.ReplaceAll(want, "`", `"`); got != want {
			t.Errorf("%s: sqliteSQL\n got %s\nwant %s", src, got, want)
		}
	}
	invalid := map[string]string{
		`CREATE INDEX x ON other (title)`:                             "must be on table",
		`CREATE INDEX x ON posts (nope)`:                              "unknown column",
		`CREATE INDEX x ON posts (title); DROP TABLE posts`:           "one statement",
		`CREATE INDEX x ON posts (title);; `:                          "one statement",
		`CREATE INDEX x ON posts (lower(title))`:                      "unknown column",
		`CREATE INDEX x ON posts (title COLLATE evil)`:                "unsupported collation",
		`CREATE INDEX "x; DROP TABLE posts" ON posts (title)`:         "invalid index name",
		`CREATE INDEX sqlite_x ON posts (title)`:                      "reserved prefix",
		`CREATE INDEX _rel_x ON posts (title)`:                        "reserved prefix",
		`CREATE INDEX main.x ON posts (title)`:                        "schema-qualified",
		`CREATE INDEX x ON posts (title) WHERE title = (SELECT 1)`:    "SELECT",
		`CREATE INDEX x ON posts (title) WHERE load_extension('x')`:   "unknown column",
		`CREATE INDEX x ON posts (title) WHERE title = ?`:             "unexpected",
		`CREATE INDEX x ON posts (title) WHERE n || 1`:                "operator",
		`CREATE INDEX x ON posts (title) WHERE (n = 1`:                "unbalanced",
		`CREATE TABLE x (a)`:                                          "expected INDEX",
		`DROP INDEX x`:                                                "expected CREATE",
		`CREATE INDEX x ON posts (title) WHERE title = 'unterminated`: "unterminated",
		`CREATE INDEX x ON posts (title) /* unterminated`:             "unterminated",
		`CREATE INDEX x ON posts ("title" ) WHERE "title" = "x"; --`:  "unknown column",
	}
	for src, want := range invalid {
		if _, err := ParseIndex(src, c); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want error containing %q, got %v", src, want, err)
		}
	}
}

func TestIndexRename(t *testing.T) {
	ix, err := ParseIndex(`CREATE INDEX i ON posts (title, n) WHERE title != ''`, indexTestCollection())
	if err != nil {
		t.Fatal(err)
	}
	ix.RenameColumn("title", "heading")
	if got := ix.SQL(); got != "CREATE INDEX `i` ON `posts` (`heading`, `n`) WHERE `heading` != ''" {
		t.Fatal(got)
	}
}

func TestNormalizeViewQuery(t *testing.T) {
	ok := map[string]string{
		"SELECT id FROM posts;  ":                             "SELECT id FROM posts",
		"select id, replace(title, 'a', 'b') AS t FROM posts": "select id, replace(title, 'a', 'b') AS t FROM posts",
		"WITH x AS (SELECT id FROM posts) SELECT id FROM x":   "WITH x AS (SELECT id FROM posts) SELECT id FROM x",
		"SELECT id, 'DELETE; _superusers' AS s FROM posts":    "SELECT id, 'DELETE; _superusers' AS s FROM posts",
	}
	for src, want := range ok {
		if got, err := NormalizeViewQuery(src); err != nil || got != want {
			t.Errorf("%q: %q %v", src, got, err)
		}
	}
	for _, src := range []string{"", "UPDATE posts SET a = 1", "SELECT 1; SELECT 2", "SELECT * FROM _params",
		"SELECT * FROM sqlite_schema", "SELECT :p AS id", "INSERT INTO posts VALUES (1)", "SELECT id FROM posts -- ok\n; DELETE FROM posts",
		"REPLACE INTO posts VALUES (1)", strings.Repeat("x", MaxViewQueryLength+1)} {
		if _, err := NormalizeViewQuery(src); err == nil {
			t.Errorf("%q accepted", src)
		}
	}
}
