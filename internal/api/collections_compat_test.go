package api_test

import (
	"slices"
	"strings"
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

	// The scaffolds are PocketBase's: no created/updated (clients add
	// them), a view's viewQuery key, the auth indexes on a table not named
	// yet, which a create sent back with them reads as its own.
	scr := s.Super("GET", "/api/collections/meta/scaffolds", nil).Status(200)
	scr.Contains(`"viewQuery":""`)
	sc := scr.JSON()
	for typ, want := range map[string][]string{"base": {"id"}, "auth": {"id", "password", "tokenKey", "email", "emailVisibility", "verified"}} {
		var fs []string
		for _, f := range sc[typ].(map[string]any)["fields"].([]any) {
			fs = append(fs, f.(map[string]any)["name"].(string))
		}
		if !slices.Equal(fs, want) {
			t.Errorf("%s scaffold fields %v, want %v", typ, fs, want)
		}
	}
	auth := sc["auth"].(map[string]any)
	auth["name"] = "from_scaffold"
	delete(auth, "id")
	got := s.Super("POST", "/api/collections", auth).Status(200).JSON()["indexes"].([]any)
	if len(got) != 2 || !strings.Contains(got[0].(string), "ON `from_scaffold` (`tokenKey`)") {
		t.Errorf("indexes from the scaffold: %v", got)
	}
}

// TestCollectionsCompatErrors: PocketBase's error shapes for collections —
// top-level messages, field errors nested under the field's position (the
// id field PocketBase adds first counts), not-found messages; and its JSON
// for fields (help, no required on autodate, maxSelect 0 kept) and new auth
// collections (no created/updated, PocketBase's option defaults).
func TestCollectionsCompatErrors(t *testing.T) {
	s := testserver.New(t)
	r := s.Super("POST", "/api/collections", map[string]any{"name": "a", "fields": []map[string]any{{"name": "x x", "type": "text"}}}).Status(400)
	r.Contains(`"message":"Failed to create collection."`, `"data":{"fields":{"1":{"name":{"code":"validation_match_invalid","message":"Must be in a valid format."}}}}`)
	s.Super("POST", "/api/collections", map[string]any{"name": "a", "indexes": []string{"CREATE INDEX nope"}}).Status(400).
		Contains(`"indexes":{"0":{"code":"validation_invalid_index_expression","message":"Invalid CREATE INDEX expression."}}`)
	s.Super("POST", "/api/collections", map[string]any{"name": "a", "listRule": "nope = 1"}).Status(400).Contains(`"message":"Invalid rule. Raw error: `)
	s.Super("POST", "/api/collections", map[string]any{"name": "_superusers"}).Status(400).
		Contains(`"name":{"code":"validation_collection_name_exists","message":"Collection name must be unique (case insensitive)."}`)
	s.Super("POST", "/api/collections", map[string]any{"name": "a", "type": "view", "viewQuery": "SELECT 1 AS x"}).Status(400).
		Contains(`"fields":{"code":"validation_missing_primary_key"`, "Invalid query - missing required id column")
	if s.DB.DialectName() == "sqlite" {
		s.Super("POST", "/api/collections", map[string]any{"name": "a", "type": "view", "viewQuery": "SELECT nope"}).Status(400).
			Contains(`"viewQuery":{"code":"validation_invalid_view_query","message":"Invalid query - no such column: nope."}`, `"fields":{"code":"validation_required"`)
	}
	s.Super("POST", "/api/collections", `{"name":`).Status(400).Contains(`"message":"Failed to load the collection type data due to invalid formatting."`)
	for _, p := range []string{"GET /api/collections/nope", "DELETE /api/collections/nope", "DELETE /api/collections/nope/truncate", "PATCH /api/collections/nope"} {
		m, path, _ := strings.Cut(p, " ")
		s.Super(m, path, map[string]any{}).Status(404).Contains(`"message":"The requested resource wasn't found."`)
	}

	c := s.Super("POST", "/api/collections", map[string]any{"name": "docs", "createRule": "", "fields": []map[string]any{
		{"name": "f", "type": "file"}, {"name": "s", "type": "select", "values": []string{"a", "b"}},
		{"name": "when", "type": "autodate", "onCreate": true}, {"name": "t", "type": "text", "help": "Say it"}}}).Status(200)
	c.Contains(`"help":"Say it"`, `"help":""`)
	for _, f := range c.JSON()["fields"].([]any) {
		m := f.(map[string]any)
		if m["type"] == "autodate" {
			if _, ok := m["required"]; ok {
				t.Errorf("autodate has required: %v", m)
			}
		} else if _, ok := m["help"]; !ok {
			t.Errorf("no help: %v", m)
		}
		if (m["type"] == "file" || m["type"] == "select") && m["maxSelect"] != 0.0 {
			t.Errorf("maxSelect not kept at 0: %v", m)
		}
	}
	// maxSelect 0 holds one value.
	s.Multipart("POST", "/api/collections/docs/records", "", testserver.Part{Name: "f", File: "a.txt", Data: []byte("a")}).Status(200)
	s.Multipart("POST", "/api/collections/docs/records", "",
		testserver.Part{Name: "f", File: "a.txt", Data: []byte("a")}, testserver.Part{Name: "f", File: "b.txt", Data: []byte("b")}).Status(400)
	s.Do("POST", "/api/collections/docs/records", "", map[string]any{"s": "a"}).Status(200).Contains(`"s":"a"`)

	v := s.Super("POST", "/api/collections", map[string]any{"name": "v", "type": "view", "viewQuery": "SELECT id FROM docs"}).Status(200).JSON()
	if id := v["fields"].([]any)[0].(map[string]any); id["pattern"] != "^[a-z0-9]+$" {
		t.Errorf("view id field %v", id)
	}

	// Deletes and truncates refused with PocketBase's messages; ?fields=.
	s.Super("POST", "/api/collections", map[string]any{"name": "refs", "fields": []map[string]any{{"name": "d", "type": "relation", "collectionId": "docs"}}}).Status(200)
	s.Super("DELETE", "/api/collections/v", nil).Status(204)
	s.Super("DELETE", "/api/collections/docs", nil).Status(400).Contains(`"message":"Failed to delete collection probably due to existing reference in refs."`)
	s.Super("POST", "/api/collections", map[string]any{"name": "v2", "type": "view", "viewQuery": "SELECT id FROM docs"}).Status(200)
	s.Super("DELETE", "/api/collections/v2/truncate", nil).Status(400).Contains(`"message":"View collections cannot be truncated since they don't store their own records."`)
	if got := strings.TrimSpace(string(s.Super("GET", "/api/collections/refs?fields=name,type", nil).Status(200).Body)); got != `{"name":"refs","type":"base"}` {
		t.Errorf("view with fields: %s", got)
	}
	s.Super("GET", "/api/collections?filter=name='refs'&fields=name", nil).Status(200).Contains(`"items":[{"name":"refs"}]`, `"totalItems":1`)

	m := s.Super("POST", "/api/collections", map[string]any{"name": "members", "type": "auth"}).Status(200)
	var names []string
	for _, f := range m.JSON()["fields"].([]any) {
		names = append(names, f.(map[string]any)["name"].(string))
	}
	if !slices.Equal(names, []string{"id", "password", "tokenKey", "email", "emailVisibility", "verified"}) {
		t.Errorf("auth fields %v", names)
	}
	m.Contains(`"authAlert":{"enabled":true,"emailTemplate":{"subject":"Login from a new location"`, `"mfa":{"enabled":false,"duration":600`,
		`"authToken":{"duration":432000}`, `"verificationToken":{"duration":86400}`, `"subject":"Verify your {APP_NAME} email"`,
		`{APP_URL}/_/#/auth/confirm-verification/{TOKEN}`, `{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}`,
		`{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}`, `{OTP}`, `{ALERT_INFO}`,
		`"mappedFields":{"avatarURL":"","id":"","name":"","username":""}`)
	// System fields: renamed, listed twice, the id retyped.
	var emailID, idID string
	for _, f := range m.JSON()["fields"].([]any) {
		switch fm := f.(map[string]any); fm["name"] {
		case "email":
			emailID = fm["id"].(string)
		case "id":
			idID = fm["id"].(string)
		}
	}
	changed := `"fields":{"code":"validation_system_field_change","message":"System fields cannot be deleted or renamed."}`
	s.Super("PATCH", "/api/collections/members", map[string]any{"fields": []map[string]any{{"id": emailID, "name": "mail", "type": "email"}}}).Status(400).Contains(changed)
	s.Super("PATCH", "/api/collections/members", map[string]any{"fields": []map[string]any{{"id": emailID, "name": "email", "type": "email"}, {"id": emailID, "name": "email", "type": "email"}}}).Status(400).Contains(changed)
	s.Super("PATCH", "/api/collections/members", map[string]any{"fields": []map[string]any{{"id": idID, "name": "id", "type": "number"}}}).Status(400).
		Contains(`"fields":{"code":"validation_missing_primary_key","message":"Missing or invalid \"id\" PK field."}`)
	s.Super("PATCH", "/api/collections/members", `{"name":`).Status(400).Contains(`"message":"Failed to load the submitted data due to invalid formatting."`)
}

// TestImportCompat: a refused import answers as PocketBase does — one
// error under "collections" naming the first collection that failed and
// listing its errors; unreadable bodies "An error occurred while loading
// the submitted data.".
func TestImportCompat(t *testing.T) {
	s := testserver.New(t)
	r := s.Super("PUT", "/api/collections/import", map[string]any{"collections": []map[string]any{
		{"name": "fine"}, {"name": "bad", "fields": []map[string]any{{"name": "x y", "type": "text"}}}}}).Status(400)
	r.Contains(`"message":"Failed to import collections."`, `"code":"validation_collections_import_failure"`,
		`"message":"Data validations failed for collection \"bad\" (pbc_`, `\"name\": \"must be in a valid format\"`)
	s.Super("PUT", "/api/collections/import", map[string]any{"collections": []any{}}).Status(400).
		Contains(`"collections":{"code":"validation_required","message":"Cannot be blank."}`)
	s.Super("PUT", "/api/collections/import", map[string]any{"collections": "x"}).Status(400).
		Contains(`"message":"An error occurred while loading the submitted data."`)
	s.Super("PUT", "/api/collections/import", `{"collections":`).Status(400).
		Contains(`"message":"An error occurred while loading the submitted data."`)
	s.Super("GET", "/api/collections/fine", nil).Status(404)
}
