package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

// batchSetup enables batches and creates "authors" and "posts" (title
// required, views, author relation, doc file); posts' createRule refuses
// titles starting with "no", its updateRule and deleteRule need views < 100.
func batchSetup(t *testing.T) *testserver.Server {
	t.Helper()
	s := testserver.New(t)
	s.Super("PATCH", "/api/settings", map[string]any{"batch": map[string]any{"enabled": true, "maxRequests": 10, "timeout": 10}}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "authors", "listRule": "", "viewRule": "", "createRule": "", "deleteRule": "",
		"fields": []map[string]any{{"name": "name", "type": "text"}}}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "posts", "listRule": "", "viewRule": "",
		"createRule": `title !~ "no%"`, "updateRule": "views < 100", "deleteRule": "views < 100",
		"fields": []map[string]any{
			{"name": "title", "type": "text", "required": true},
			{"name": "views", "type": "number"},
			{"name": "author", "type": "relation", "collectionId": "authors", "maxSelect": 1},
			{"name": "doc", "type": "file"},
		}}).Status(200)
	return s
}

func count(t *testing.T, s *testserver.Server, coll string) int {
	t.Helper()
	return int(s.Super("GET", "/api/collections/"+coll+"/records", nil).Status(200).JSON()["totalItems"].(float64))
}

func batch(reqs ...map[string]any) map[string]any { return map[string]any{"requests": reqs} }

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func req(method, url string, body map[string]any) map[string]any {
	return map[string]any{"method": method, "url": url, "body": body}
}

func TestBatchDisabled(t *testing.T) {
	s := testserver.New(t)
	res := s.Do("POST", "/api/batch", "", batch(req("POST", "/api/collections/x/records", nil))).Status(403)
	res.Contains("Batch requests are not allowed.")
}

func TestBatchRunsInOrderInOneTransaction(t *testing.T) {
	s := batchSetup(t)
	keep := s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "keep", "views": 1}).Status(200).JSON()["id"].(string)
	gone := s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "gone"}).Status(200).JSON()["id"].(string)
	res := s.Do("POST", "/api/batch", "", batch(
		req("POST", "/api/collections/authors/records", map[string]any{"id": "author000000001", "name": "Ann"}),
		req("POST", "/api/collections/posts/records?expand=author&fields=title,expand", map[string]any{"title": "new", "author": "author000000001"}),
		req("PATCH", "/api/collections/posts/records/"+keep, map[string]any{"views+": 5}),
		req("PUT", "/api/collections/posts/records", map[string]any{"id": keep, "title": "upserted"}),
		req("PUT", "/api/collections/posts/records", map[string]any{"id": "fresh0000000001", "title": "fresh"}),
		req("DELETE", "/api/collections/posts/records/"+gone, nil),
	)).Status(200)
	var out []map[string]any
	if err := jsonUnmarshal(res.Body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 6 {
		t.Fatalf("%d results: %s", len(out), res.Body)
	}
	for i, want := range []float64{200, 200, 200, 200, 200, 204} {
		if out[i]["status"].(float64) != want {
			t.Fatalf("result %d: %v, want status %v", i, out[i], want)
		}
	}
	p := out[1]["body"].(map[string]any)
	if p["title"] != "new" || len(p) != 2 || p["expand"].(map[string]any)["author"].(map[string]any)["name"] != "Ann" {
		t.Fatalf("create with fields and expand: %v", p)
	}
	if v := out[2]["body"].(map[string]any)["views"].(float64); v != 6 {
		t.Fatalf("views+ in a batch: %v", v)
	}
	if out[3]["body"].(map[string]any)["title"] != "upserted" || out[4]["body"].(map[string]any)["id"] != "fresh0000000001" {
		t.Fatalf("upserts: %v / %v", out[3], out[4])
	}
	if out[5]["body"] != nil {
		t.Fatalf("delete body: %v", out[5]["body"])
	}
	s.Do("GET", "/api/collections/posts/records/"+gone, "", nil).Status(404)
	if n := count(t, s, "posts"); n != 3 {
		t.Fatalf("%d posts after the batch, want 3", n)
	}
}

// A failing request anywhere rolls back the whole batch and names itself
// with the answer it would have had alone.
func TestBatchAllOrNothing(t *testing.T) {
	s := batchSetup(t)
	hot := s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "hot", "views": 500}).Status(200).JSON()["id"].(string)
	cases := []struct {
		name   string
		second map[string]any
		status float64
		field  string
		code   string
	}{
		{"invalid value", req("POST", "/api/collections/posts/records", map[string]any{"views": 1}), 400, "title", "validation_required"},
		{"createRule refuses", req("POST", "/api/collections/posts/records", map[string]any{"title": "nope"}), 400, "", ""},
		{"updateRule hides the record", req("PATCH", "/api/collections/posts/records/"+hot, map[string]any{"title": "x"}), 404, "", ""},
		{"deleteRule hides the record", req("DELETE", "/api/collections/posts/records/"+hot, nil), 404, "", ""},
		{"missing collection", req("POST", "/api/collections/nope/records", map[string]any{}), 404, "", ""},
		{"not a record route", req("GET", "/api/collections/posts/records", nil), 400, "", ""},
		{"nested batch", req("POST", "/api/batch", map[string]any{"requests": []any{}}), 400, "", ""},
		{"other route", req("POST", "/api/collections", map[string]any{"name": "evil"}), 400, "", ""},
		{"absolute url", req("POST", "http://evil.example/api/collections/posts/records", map[string]any{"title": "x"}), 400, "", ""},
		{"modifier on text", req("POST", "/api/collections/posts/records", map[string]any{"title+": "x"}), 400, "title+", "validation_invalid_modifier"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := count(t, s, "posts")
			res := s.Do("POST", "/api/batch", "", batch(
				req("POST", "/api/collections/posts/records", map[string]any{"title": "first"}),
				c.second,
				req("POST", "/api/collections/posts/records", map[string]any{"title": "third"}),
			)).Status(400)
			m := res.JSON()
			if m["message"] != "Batch transaction failed." {
				t.Fatalf("message: %s", res.Body)
			}
			r1, ok := m["data"].(map[string]any)["requests"].(map[string]any)["1"].(map[string]any)
			if !ok || r1["code"] != "batch_request_failed" {
				t.Fatalf("data.requests.1: %s", res.Body)
			}
			resp := r1["response"].(map[string]any)
			if resp["status"].(float64) != c.status {
				t.Fatalf("response status %v, want %v: %s", resp["status"], c.status, res.Body)
			}
			if c.field != "" {
				if code := resp["data"].(map[string]any)[c.field].(map[string]any)["code"]; code != c.code {
					t.Fatalf("response data.%s.code = %v, want %s", c.field, code, c.code)
				}
			}
			if n := count(t, s, "posts"); n != before {
				t.Fatalf("%d posts after a failed batch, %d before", n, before)
			}
		})
	}
	// The hot post is untouched.
	if v := s.Do("GET", "/api/collections/posts/records/"+hot, "", nil).Status(200).JSON()["title"]; v != "hot" {
		t.Fatalf("hot post: %v", v)
	}
}

func TestBatchBadInput(t *testing.T) {
	s := batchSetup(t)
	ok := req("POST", "/api/collections/posts/records", map[string]any{"title": "x"})
	eleven := make([]map[string]any, 11)
	for i := range eleven {
		eleven[i] = ok
	}
	// PocketBase's messages, codes and params.
	for _, c := range []struct {
		name, body, message, fields string
	}{
		{"empty", `{"requests": []}`, "Invalid batch request data.", `{"requests":{"code":"validation_required","message":"Cannot be blank."}}`},
		{"no requests", `{}`, "Invalid batch request data.", `{"requests":{"code":"validation_required","message":"Cannot be blank."}}`},
		{"too many", mustJSON(batch(eleven...)), "Invalid batch request data.",
			`{"requests":{"code":"validation_length_too_long","message":"The length must be no more than 10.","params":{"max":10,"min":0}}}`},
		{"no method or url", `{"requests": [{"method": "POST", "url": "/api/collections/posts/records"}, {}]}`, "Invalid batch request data.",
			`{"requests":{"1":{"method":{"code":"validation_required","message":"Cannot be blank."},"url":{"code":"validation_required","message":"Cannot be blank."}}}}`},
		{"malformed", `{"requests": [`, "Failed to read the submitted batch data.", `{}`},
		{"not an object", `[1,2]`, "Failed to read the submitted batch data.", `{}`},
		{"wrong type", `{"requests": "x"}`, "Failed to read the submitted batch data.", `{}`},
		{"unknown key", `{"requests": [], "x": 1}`, "Failed to read the submitted batch data.", `{}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := s.Do("POST", "/api/batch", "", c.body)
			m := res.JSON()
			data, _ := json.Marshal(m["data"])
			if res.Code != 400 || m["message"] != c.message || string(data) != c.fields {
				t.Fatalf("%d %s, want 400 %q %s", res.Code, res.Body, c.message, c.fields)
			}
		})
	}
	if n := count(t, s, "posts"); n != 0 {
		t.Fatalf("%d posts after refused batches", n)
	}
	// batch.maxBodySize bounds the body.
	s.Super("PATCH", "/api/settings", map[string]any{"batch": map[string]any{"maxBodySize": 200}}).Status(200)
	big := batch(req("POST", "/api/collections/posts/records", map[string]any{"title": strings.Repeat("x", 300)}))
	s.Do("POST", "/api/batch", "", big).Status(413)
}

// Files in a batch: stored with the batch, removed when it fails.
func TestBatchFiles(t *testing.T) {
	s := batchSetup(t)
	send := func(second string) *testserver.Response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		w, _ := mw.CreateFormFile("requests.0.doc", "a.txt")
		_, _ = w.Write([]byte("batch file"))
		_ = mw.WriteField("@jsonPayload", fmt.Sprintf(`{"requests":[{"method":"POST","url":"/api/collections/posts/records","body":{"title":"with file"}},%s]}`, second))
		_ = mw.Close()
		return s.DoWith("POST", "/api/batch", "", buf.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType()})
	}
	res := send(`{"method":"POST","url":"/api/collections/posts/records","body":{}}`).Status(400)
	if !strings.Contains(string(res.Body), "batch_request_failed") {
		t.Fatalf("failing batch: %s", res.Body)
	}
	eventually(t, "failed batch's file removed", func() bool { return len(localFiles(t, s)) == 0 })
	spoolEmpty(t, s)
	res = send(`{"method":"POST","url":"/api/collections/posts/records","body":{"title":"second"}}`).Status(200)
	var out []map[string]any
	if err := jsonUnmarshal(res.Body, &out); err != nil {
		t.Fatal(err)
	}
	rec := out[0]["body"].(map[string]any)
	got := s.Do("GET", fmt.Sprintf("/api/files/posts/%s/%s", rec["id"], rec["doc"]), "", nil).Status(200)
	if string(got.Body) != "batch file" {
		t.Fatalf("file: %q", got.Body)
	}
	spoolEmpty(t, s)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// A record's validation failure carries PocketBase's message for its action.
func TestRecordFailureMessages(t *testing.T) {
	s := batchSetup(t)
	s.Do("POST", "/api/collections/posts/records", "", map[string]any{"views": 1}).Status(400).Contains(`"message":"Failed to create record."`, "validation_required")
	id := s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "t"}).Status(200).JSON()["id"].(string)
	s.Do("PATCH", "/api/collections/posts/records/"+id, "", map[string]any{"title": ""}).Status(400).Contains(`"message":"Failed to update record."`, "validation_required")
	// In a batch, an upsert fails as the create or the update it became.
	s.Do("POST", "/api/batch", "", batch(req("PUT", "/api/collections/posts/records", map[string]any{"title": ""}))).Status(400).
		Contains(`"response":{"status":400,"message":"Failed to create record."`)
	s.Do("POST", "/api/batch", "", batch(req("PUT", "/api/collections/posts/records", map[string]any{"id": "nosuchrecord001", "title": ""}))).Status(400).
		Contains(`"response":{"status":400,"message":"Failed to create record."`)
	s.Do("POST", "/api/batch", "", batch(req("PUT", "/api/collections/posts/records", map[string]any{"id": id, "title": ""}))).Status(400).
		Contains(`"response":{"status":400,"message":"Failed to update record."`)
	// A missing collection: PocketBase's message in a batch.
	s.Do("POST", "/api/batch", "", batch(req("POST", "/api/collections/nope/records", map[string]any{}))).Status(400).
		Contains(`"response":{"status":404,"message":"Missing collection context.","data":{}}`)
	// A file refused before the batch runs fails its request the same way.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("requests.0.title", "a.txt") // not a file field
	_, _ = w.Write([]byte("x"))
	_ = mw.WriteField("@jsonPayload", `{"requests":[{"method":"POST","url":"/api/collections/posts/records","body":{"title":"t"}}]}`)
	_ = mw.Close()
	s.DoWith("POST", "/api/batch", "", buf.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType()}).Status(400).
		Contains(`"response":{"status":400,"message":"Failed to create record."`)
}

// Relations checked in a batch see the batch's own writes, deletes included.
func TestBatchRelationsSeeEarlierRequests(t *testing.T) {
	s := batchSetup(t)
	s.Do("POST", "/api/batch", "", batch(
		req("POST", "/api/collections/authors/records", map[string]any{"id": "author000000001", "name": "A"}),
		req("POST", "/api/collections/posts/records", map[string]any{"title": "1", "author": "author000000001"}),
		req("POST", "/api/collections/posts/records", map[string]any{"title": "2", "author": "author000000001"}),
	)).Status(200)
	res := s.Do("POST", "/api/batch", "", batch(
		req("POST", "/api/collections/posts/records", map[string]any{"title": "3", "author": "author000000001"}),
		req("DELETE", "/api/collections/authors/records/author000000001", nil),
		req("POST", "/api/collections/posts/records", map[string]any{"title": "4", "author": "author000000001"}),
	))
	res.Status(400).Contains(`"2"`, "validation_missing_rel_records")
	if n := count(t, s, "authors"); n != 1 {
		t.Fatalf("%d authors after the failed batch", n)
	}
}
