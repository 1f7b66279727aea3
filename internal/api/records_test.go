package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/testserver"
)

func ptr(s string) *string { return &s }

// mustCollection creates c through the store (the collections API has its own tests).
func mustCollection(t *testing.T, s *testserver.Server, c *galley.Collection) *galley.Collection {
	t.Helper()
	if c.ID == "" {
		c.ID = "pbc_" + c.Name
	}
	c.Type = galley.CollectionBase
	c.Fields = append(append([]*galley.Field{store.IDField()}, c.Fields...), store.AutodateFields()...)
	err := s.DB.WithTx(context.Background(), func(tx *store.Tx) error { return tx.CreateCollection(context.Background(), c) })
	if err != nil {
		t.Fatalf("create collection %s: %v", c.Name, err)
	}
	return s.DB.Schema.Collection(c.Name)
}

// blogSchema creates authors, posts (author relation, tags multi select) and
// comments (post relation, required, cascade) collections, all public.
func blogSchema(t *testing.T, s *testserver.Server) {
	t.Helper()
	pub := ptr("")
	authors := mustCollection(t, s, &galley.Collection{Name: "authors", ListRule: pub, ViewRule: pub, CreateRule: pub, UpdateRule: pub, DeleteRule: pub,
		Fields: []*galley.Field{{ID: "f_name", Name: "name", Type: galley.FieldText, Required: true}, {ID: "f_secret", Name: "secret", Type: galley.FieldText, Hidden: true}}})
	posts := mustCollection(t, s, &galley.Collection{Name: "posts", ListRule: pub, ViewRule: pub, CreateRule: pub, UpdateRule: pub, DeleteRule: pub,
		Fields: []*galley.Field{
			{ID: "f_title", Name: "title", Type: galley.FieldText, Required: true, Max: 100},
			{ID: "f_body", Name: "body", Type: galley.FieldEditor},
			{ID: "f_views", Name: "views", Type: galley.FieldNumber},
			{ID: "f_public", Name: "public", Type: galley.FieldBool},
			{ID: "f_tags", Name: "tags", Type: galley.FieldSelect, Values: []string{"a", "b", "c"}, MaxSelect: 3},
			{ID: "f_author", Name: "author", Type: galley.FieldRelation, CollectionID: authors.ID, MaxSelect: 1},
			{ID: "f_editors", Name: "editors", Type: galley.FieldRelation, CollectionID: authors.ID, MaxSelect: 5},
			{ID: "f_meta", Name: "meta", Type: galley.FieldJSON},
			{ID: "f_slug", Name: "slug", Type: galley.FieldText},
		},
		Indexes: []string{`CREATE UNIQUE INDEX "idx_slug" ON "posts" ("slug") WHERE "slug" != ''`}})
	mustCollection(t, s, &galley.Collection{Name: "comments", ListRule: pub, ViewRule: pub, CreateRule: pub, UpdateRule: pub, DeleteRule: pub,
		Fields: []*galley.Field{
			{ID: "f_text", Name: "text", Type: galley.FieldText},
			{ID: "f_post", Name: "post", Type: galley.FieldRelation, CollectionID: posts.ID, MaxSelect: 1, Required: true, CascadeDelete: true},
			{ID: "f_by", Name: "by", Type: galley.FieldRelation, CollectionID: authors.ID, MaxSelect: 1},
		}})
}

func create(t *testing.T, s *testserver.Server, coll string, body map[string]any) string {
	t.Helper()
	return s.Super("POST", "/api/collections/"+coll+"/records", body).Status(200).JSON()["id"].(string)
}

func TestRecordsCRUD(t *testing.T) {
	s := testserver.New(t)
	blogSchema(t, s)
	a := create(t, s, "authors", map[string]any{"name": "Ann", "secret": "s3"})
	res := s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "Hello", "views": "42", "tags": "a", "author": a, "meta": map[string]any{"color": "red"}}).Status(200)
	m := res.JSON()
	id := m["id"].(string)
	if len(id) != 15 || m["views"].(float64) != 42 || m["collectionName"] != "posts" || m["author"] != a {
		t.Fatalf("created: %s", res.Body)
	}
	if tags := m["tags"].([]any); len(tags) != 1 || tags[0] != "a" {
		t.Fatalf("tags: %v", m["tags"])
	}
	if created, _ := m["created"].(string); len(created) != len(galley.DateLayout) || !strings.HasSuffix(created, "Z") {
		t.Fatalf("created date %q", created)
	}
	s.Do("GET", "/api/collections/posts/records/"+id, "", nil).Status(200).Contains(`"title":"Hello"`, `"meta":{"color":"red"}`)
	s.Do("GET", "/api/collections/pbc_posts/records/"+id, "", nil).Status(200) // by collection id
	s.Do("PATCH", "/api/collections/posts/records/"+id, "", map[string]any{"title": "Changed", "views+": 8}).Status(200).Contains(`"title":"Changed"`, `"views":50`)
	s.Do("DELETE", "/api/collections/posts/records/"+id, "", nil).Status(204)
	s.Do("GET", "/api/collections/posts/records/"+id, "", nil).Status(404)
	s.Do("GET", "/api/collections/nope/records", "", nil).Status(404)
	// hidden field: invisible to guests, visible to superusers.
	if strings.Contains(string(s.Do("GET", "/api/collections/authors/records/"+a, "", nil).Status(200).Body), "secret") {
		t.Fatal("hidden field shown to a guest")
	}
	s.Super("GET", "/api/collections/authors/records/"+a, nil).Status(200).Contains(`"secret":"s3"`)
}

func TestRecordsListPagingSortFilter(t *testing.T) {
	s := testserver.New(t)
	blogSchema(t, s)
	for i := range 25 {
		create(t, s, "posts", map[string]any{"title": fmt.Sprintf("post %02d", i), "views": i % 5, "public": i%2 == 0})
	}
	res := s.Do("GET", "/api/collections/posts/records?perPage=10&page=2&sort=-title", "", nil).Status(200)
	m := res.JSON()
	if m["totalItems"].(float64) != 25 || m["totalPages"].(float64) != 3 || m["page"].(float64) != 2 || len(m["items"].([]any)) != 10 {
		t.Fatalf("paging: %s", res.Body)
	}
	if first := m["items"].([]any)[0].(map[string]any)["title"]; first != "post 14" {
		t.Fatalf("sort -title page 2 starts with %v", first)
	}
	m = s.Do("GET", "/api/collections/posts/records?skipTotal=1&perPage=5", "", nil).Status(200).JSON()
	if m["totalItems"].(float64) != -1 || m["totalPages"].(float64) != -1 {
		t.Fatalf("skipTotal: %v", m)
	}
	m = s.Do("GET", "/api/collections/posts/records?filter="+q(`views >= 3 && public = true`)+"&sort=views,-title", "", nil).Status(200).JSON()
	if m["totalItems"].(float64) != 5 {
		t.Fatalf("filter total %v", m["totalItems"])
	}
	// Totals are cached but invalidated by writes.
	create(t, s, "posts", map[string]any{"title": "new", "views": 4, "public": true})
	m = s.Do("GET", "/api/collections/posts/records?filter="+q(`views >= 3 && public = true`), "", nil).Status(200).JSON()
	if m["totalItems"].(float64) != 6 {
		t.Fatalf("cached total not invalidated: %v", m["totalItems"])
	}
	// perPage is clamped, page/perPage 0 fall back to defaults.
	m = s.Do("GET", "/api/collections/posts/records?perPage=5000", "", nil).Status(200).JSON()
	if m["perPage"].(float64) != 1000 {
		t.Fatalf("perPage clamp: %v", m["perPage"])
	}
	m = s.Do("GET", "/api/collections/posts/records?perPage=0&page=0", "", nil).Status(200).JSON()
	if m["perPage"].(float64) != 30 || m["page"].(float64) != 1 {
		t.Fatalf("defaults: %v %v", m["perPage"], m["page"])
	}
	// Bad input: 400 naming the problem.
	s.Do("GET", "/api/collections/posts/records?filter="+q(`titel = "x"`), "", nil).Status(400).Contains("titel")
	s.Do("GET", "/api/collections/posts/records?filter="+q(`title = `), "", nil).Status(400).Contains("position")
	s.Do("GET", "/api/collections/posts/records?sort=nope", "", nil).Status(400).Contains("nope")
	s.Do("GET", "/api/collections/posts/records?page=x", "", nil).Status(400).Contains("page")
	s.Do("GET", "/api/collections/posts/records?filter="+q(`@collection.authors.name = "x"`), "", nil).Status(403)
}

func q(s string) string {
	return strings.NewReplacer(" ", "%20", "&", "%26", "=", "%3D", `"`, "%22", "+", "%2B").Replace(s)
}

func TestRecordsRules(t *testing.T) {
	s := testserver.New(t)
	mustCollection(t, s, &galley.Collection{Name: "notes",
		ListRule: ptr(`public = true`), ViewRule: ptr(`public = true`), CreateRule: ptr(`@request.body.title != "forbidden"`),
		UpdateRule: ptr(`public = true && @request.body.public:isset = false`), DeleteRule: nil,
		Fields: []*galley.Field{{ID: "f_t", Name: "title", Type: galley.FieldText}, {ID: "f_p", Name: "public", Type: galley.FieldBool}}})
	pubID := create(t, s, "notes", map[string]any{"title": "pub", "public": true})
	privID := create(t, s, "notes", map[string]any{"title": "priv", "public": false})
	if ids := s.Do("GET", "/api/collections/notes/records", "", nil).Status(200).Items(); !slices.Equal(ids, []string{pubID}) {
		t.Fatalf("guest list: %v", ids)
	}
	if ids := s.Super("GET", "/api/collections/notes/records", nil).Status(200).Items(); len(ids) != 2 {
		t.Fatalf("superuser list: %v", ids)
	}
	s.Do("GET", "/api/collections/notes/records/"+privID, "", nil).Status(404)
	s.Do("GET", "/api/collections/notes/records/"+pubID, "", nil).Status(200)
	// create rule checked against the would-be record; nothing is written on failure.
	s.Do("POST", "/api/collections/notes/records", "", map[string]any{"title": "forbidden"}).Status(400).Contains("Failed to create record.")
	s.Do("POST", "/api/collections/notes/records", "", map[string]any{"title": "fine"}).Status(200)
	m := s.Super("GET", "/api/collections/notes/records?filter="+q(`title = "forbidden"`), nil).Status(200).JSON()
	if m["totalItems"].(float64) != 0 {
		t.Fatal("refused create was written")
	}
	// update: invisible → 404; rule with @request.body.
	s.Do("PATCH", "/api/collections/notes/records/"+privID, "", map[string]any{"title": "x"}).Status(404)
	s.Do("PATCH", "/api/collections/notes/records/"+pubID, "", map[string]any{"public": false}).Status(404)
	s.Do("PATCH", "/api/collections/notes/records/"+pubID, "", map[string]any{"title": "new"}).Status(200)
	// null delete rule: superusers only, 403 even for a missing id.
	s.Do("DELETE", "/api/collections/notes/records/"+pubID, "", nil).Status(403)
	s.Do("DELETE", "/api/collections/notes/records/missing", "", nil).Status(403)
	s.Super("DELETE", "/api/collections/notes/records/"+pubID, nil).Status(204)
}

func TestRecordsModifiers(t *testing.T) {
	s := testserver.New(t)
	blogSchema(t, s)
	id := create(t, s, "posts", map[string]any{"title": "m", "views": 10, "tags": []string{"b"}})
	m := s.Super("PATCH", "/api/collections/posts/records/"+id, map[string]any{"views-": 3, "tags+": []string{"c", "b"}, "+tags": "a"}).Status(200).JSON()
	if m["views"].(float64) != 7 || fmt.Sprint(m["tags"]) != "[a b c]" {
		t.Fatalf("modifiers: views %v tags %v", m["views"], m["tags"])
	}
	m = s.Super("PATCH", "/api/collections/posts/records/"+id, map[string]any{"tags-": []string{"a", "c"}}).Status(200).JSON()
	if fmt.Sprint(m["tags"]) != "[b]" {
		t.Fatalf("tags-: %v", m["tags"])
	}
	s.Super("PATCH", "/api/collections/posts/records/"+id, map[string]any{"tags+": "zzz"}).Status(400)
	s.Super("PATCH", "/api/collections/posts/records/"+id, map[string]any{"title+": "x"}).Status(400)
}

func TestRecordsExpandAndFields(t *testing.T) {
	s := testserver.New(t)
	blogSchema(t, s)
	ann := create(t, s, "authors", map[string]any{"name": "Ann"})
	bob := create(t, s, "authors", map[string]any{"name": "Bob"})
	p := create(t, s, "posts", map[string]any{"title": "P", "body": "<p>Hello <b>big</b> world of tests</p>", "author": ann, "editors": []string{bob, ann}})
	create(t, s, "comments", map[string]any{"text": "c1", "post": p, "by": bob})
	create(t, s, "comments", map[string]any{"text": "c2", "post": p, "by": ann})
	res := s.Do("GET", "/api/collections/posts/records/"+p+"?expand=author,editors,comments_via_post.by,unknown", "", nil).Status(200)
	m := res.JSON()
	exp := m["expand"].(map[string]any)
	if exp["author"].(map[string]any)["name"] != "Ann" {
		t.Fatalf("expand author: %s", res.Body)
	}
	if eds := exp["editors"].([]any); len(eds) != 2 || eds[0].(map[string]any)["name"] != "Bob" {
		t.Fatalf("expand editors order: %s", res.Body)
	}
	cs := exp["comments_via_post"].([]any)
	if len(cs) != 2 || cs[0].(map[string]any)["expand"].(map[string]any)["by"].(map[string]any)["name"] != "Bob" {
		t.Fatalf("back-relation nested: %s", res.Body)
	}
	res = s.Do("GET", "/api/collections/posts/records/"+p+"?expand=author&fields=id,body:excerpt(11,true),expand.author.name", "", nil).Status(200)
	if string(res.Body) != fmt.Sprintf(`{"id":"%s","body":"Hello big w...","expand":{"author":{"name":"Ann"}}}`+"\n", p) {
		t.Fatalf("fields: %s", res.Body)
	}
	res = s.Do("GET", "/api/collections/posts/records?fields=*,expand.author.name&expand=author", "", nil).Status(200)
	res.Contains(`"title":"P"`, `"expand":{"author":{"name":"Ann"}}`)
	deep := "expand=" + strings.Repeat("author.", 6) + "author"
	s.Do("GET", "/api/collections/posts/records?"+deep, "", nil).Status(400).Contains("expand")
}

func TestRecordsDeleteRelations(t *testing.T) {
	s := testserver.New(t)
	blogSchema(t, s)
	ann := create(t, s, "authors", map[string]any{"name": "Ann"})
	p := create(t, s, "posts", map[string]any{"title": "P", "author": ann, "editors": []string{ann}})
	c := create(t, s, "comments", map[string]any{"text": "c", "post": p, "by": ann})
	// Deleting ann clears the non-required relations.
	s.Super("DELETE", "/api/collections/authors/records/"+ann, nil).Status(204)
	m := s.Super("GET", "/api/collections/posts/records/"+p, nil).Status(200).JSON()
	if m["author"] != "" || len(m["editors"].([]any)) != 0 {
		t.Fatalf("relations not cleared: %v", m)
	}
	// Deleting the post cascades to its comments.
	s.Super("DELETE", "/api/collections/posts/records/"+p, nil).Status(204)
	s.Super("GET", "/api/collections/comments/records/"+c, nil).Status(404)
}

func TestRecordsRequiredRelationRefusesDelete(t *testing.T) {
	s := testserver.New(t)
	pub := ptr("")
	parent := mustCollection(t, s, &galley.Collection{Name: "parents", ListRule: pub, ViewRule: pub, CreateRule: pub, DeleteRule: pub,
		Fields: []*galley.Field{{ID: "f_n", Name: "n", Type: galley.FieldText}}})
	mustCollection(t, s, &galley.Collection{Name: "kids", ListRule: pub, CreateRule: pub,
		Fields: []*galley.Field{{ID: "f_p", Name: "parent", Type: galley.FieldRelation, CollectionID: parent.ID, MaxSelect: 1, Required: true}}})
	pid := create(t, s, "parents", map[string]any{"n": "x"})
	create(t, s, "kids", map[string]any{"parent": pid})
	s.Do("DELETE", "/api/collections/parents/records/"+pid, "", nil).Status(400).Contains("kids")
	s.Do("GET", "/api/collections/parents/records/"+pid, "", nil).Status(200)
}

func TestRecordsBadInput(t *testing.T) {
	s := testserver.New(t)
	blogSchema(t, s)
	url := "/api/collections/posts/records"
	s.Do("POST", url, "", `{"title": "x"`).Status(400)
	s.Do("POST", url, "", `[1,2]`).Status(400)
	s.Do("POST", url, "", `{"title": "a", "title": "b"}`).Status(400).Contains("duplicate")
	s.Do("POST", url, "", `{"title": "a", "meta": {"k": 1, "k": 2}}`).Status(400).Contains("duplicate")
	if r := s.Do("POST", url, "", `{"Title": "a"}`).Status(400); r.FieldCode("Title") != "validation_unknown_field" {
		t.Fatalf("case-variant key: %s", r.Body)
	}
	if r := s.Do("POST", url, "", `{}`).Status(400); r.FieldCode("title") != "validation_required" {
		t.Fatalf("required: %s", r.Body)
	}
	if r := s.Do("POST", url, "", `{"title":"x","views":"lots"}`).Status(400); r.FieldCode("views") != "validation_invalid_value" {
		t.Fatalf("number: %s", r.Body)
	}
	if r := s.Do("POST", url, "", `{"title":"x","tags":["a","zz"]}`).Status(400); r.FieldCode("tags") != "validation_invalid_value" {
		t.Fatalf("select: %s", r.Body)
	}
	if r := s.Do("POST", url, "", `{"title":"x","author":"missing00000000"}`).Status(400); r.FieldCode("author") != "validation_missing_rel_records" {
		t.Fatalf("relation: %s", r.Body)
	}
	if r := s.Do("POST", url, "", `{"title":"`+strings.Repeat("x", 101)+`"}`).Status(400); r.FieldCode("title") != "validation_max_text_constraint" {
		t.Fatalf("max: %s", r.Body)
	}
	if r := s.Do("POST", url, "", `{"title":"x","id":"BAD ID"}`).Status(400); r.FieldCode("id") == "" {
		t.Fatalf("odd id: %s", r.Body)
	}
	create(t, s, "posts", map[string]any{"title": "x", "slug": "same"})
	if r := s.Do("POST", url, "", `{"title":"y","slug":"same"}`).Status(400); r.FieldCode("slug") != "validation_not_unique" {
		t.Fatalf("unique: %s", r.Body)
	}
	m := s.Super("GET", url, nil).Status(200).JSON()
	if m["totalItems"].(float64) != 1 {
		t.Fatalf("bad input changed data: %v records", m["totalItems"])
	}
}
