package api_test

import (
	"slices"
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

// TestCollectionsCompat: PocketBase's shapes for new collections — a base
// collection holds only id and the fields sent, indexes are [] never null,
// indexes read back in PocketBase's form (and work on both databases), a
// bad name is validation_match_invalid; the scaffolds keep created and
// updated.
func TestCollectionsCompat(t *testing.T) {
	s := testserver.New(t)
	c := s.Super("POST", "/api/collections", map[string]any{"name": "notes", "createRule": "", "listRule": "",
		"fields": []map[string]any{{"name": "title", "type": "text"}, {"name": "slug", "type": "text"}}}).Status(200)
	c.Contains(`"indexes":[]`)
	var names []string
	for _, f := range c.JSON()["fields"].([]any) {
		names = append(names, f.(map[string]any)["name"].(string))
	}
	if !slices.Equal(names, []string{"id", "title", "slug"}) {
		t.Fatalf("fields %v, want id title slug", names)
	}
	s.Super("POST", "/api/collections", map[string]any{"name": "v_notes", "type": "view", "viewQuery": "SELECT id, title FROM notes"}).Status(200).Contains(`"indexes":[]`)
	r := s.Super("PATCH", "/api/collections/notes", map[string]any{"indexes": []string{
		`create unique index idx_slug on notes (slug) where slug != ''`, `CREATE INDEX "idx_title" ON "notes" ("title" DESC)`}}).Status(200)
	want := []any{"CREATE UNIQUE INDEX `idx_slug` ON `notes` (`slug`) WHERE `slug` != ''", "CREATE INDEX `idx_title` ON `notes` (`title` DESC)"}
	if got := r.JSON()["indexes"].([]any); !slices.Equal(got, want) {
		t.Fatalf("indexes %q, want %q", got, want)
	}
	// The partial unique index is in force on this database.
	s.Do("POST", "/api/collections/notes/records", "", map[string]any{"title": "a", "slug": "x"}).Status(200)
	s.Do("POST", "/api/collections/notes/records", "", map[string]any{"title": "b", "slug": "x"}).Status(400)
	s.Do("POST", "/api/collections/notes/records", "", map[string]any{"title": "c"}).Status(200)
	s.Do("POST", "/api/collections/notes/records", "", map[string]any{"title": "d"}).Status(200)
	// Sending the definitions back as read is a no-op.
	s.Super("PATCH", "/api/collections/notes", map[string]any{"indexes": want}).Status(200)

	m := s.Super("POST", "/api/collections", map[string]any{"name": "members", "type": "auth"}).Status(200).JSON()
	id := m["id"].(string)
	if got := m["indexes"].([]any); !slices.Equal(got, []any{
		"CREATE UNIQUE INDEX `idx_email_" + id + "` ON `members` (`email` COLLATE NOCASE) WHERE `email` != ''",
		"CREATE UNIQUE INDEX `idx_tokenKey_" + id + "` ON `members` (`tokenKey`)"}) {
		t.Fatalf("auth indexes %q", got)
	}
	s.Super("POST", "/api/collections/members/records", map[string]any{"email": "x@example.com", "password": "password-1", "passwordConfirm": "password-1"}).Status(200)
	s.Super("POST", "/api/collections/members/records", map[string]any{"email": "X@example.com", "password": "password-1", "passwordConfirm": "password-1"}).Status(400)

	for _, name := range []string{"bad name", "bad-name", "naïve", "semi;colon"} {
		if code := s.Super("POST", "/api/collections", map[string]any{"name": name}).Status(400).FieldCode("name"); code != "validation_match_invalid" {
			t.Errorf("name %q: %s", name, code)
		}
	}

	sc := s.Super("GET", "/api/collections/meta/scaffolds", nil).Status(200).JSON()
	for _, typ := range []string{"base", "auth"} {
		var fs []string
		for _, f := range sc[typ].(map[string]any)["fields"].([]any) {
			fs = append(fs, f.(map[string]any)["name"].(string))
		}
		if !slices.Contains(fs, "created") || !slices.Contains(fs, "updated") || fs[0] != "id" {
			t.Errorf("%s scaffold fields %v", typ, fs)
		}
	}
}
