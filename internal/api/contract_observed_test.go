package api_test

import (
	"encoding/json"
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

// TestContractObservedAnswers: record and auth answers whose status,
// message, codes, messages and params were observed on a real PocketBase
// (v0.40, through e2e/compatdiff) for the same requests. Each case names
// the full data.<field> objects expected (exact JSON) and, when set, the
// top-level message.
func TestContractObservedAnswers(t *testing.T) {
	s := testserver.New(t)
	s.Super("POST", "/api/collections", map[string]any{
		"name": "posts", "type": "base", "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": "",
		"fields": []map[string]any{
			{"name": "title", "type": "text", "required": true, "min": 2, "max": 20},
			{"name": "views", "type": "number", "min": 0, "max": 100},
			{"name": "score", "type": "number", "required": true},
			{"name": "status", "type": "select", "values": []string{"draft", "published"}, "maxSelect": 1},
			{"name": "tags", "type": "select", "values": []string{"a", "b", "c"}, "maxSelect": 2},
			{"name": "site", "type": "url", "onlyDomains": []string{"example.com"}},
			{"name": "contact", "type": "email", "exceptDomains": []string{"spam.com"}},
			{"name": "meta", "type": "json", "maxSize": 50},
			{"name": "doc", "type": "file", "maxSize": 20, "mimeTypes": []string{"text/plain"}},
			{"name": "docs", "type": "file", "maxSelect": 2, "maxSize": 1000},
		},
	}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "postsview", "type": "view", "listRule": "", "viewQuery": "SELECT id, title FROM posts"}).Status(200)
	usersCollection(t, s, nil)
	userID, userTok := signUp(t, s, "observed@example.com", "password-1")
	postID := create(t, s, "posts", map[string]any{"title": "Hello", "score": 1})
	posts, users := "/api/collections/posts/records", "/api/collections/users/records"
	rec := func(kv ...any) map[string]any {
		m := map[string]any{"title": "Hello", "score": 1}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	const blank = `{"code":"validation_required","message":"Cannot be blank."}`
	cases := []struct {
		name, method, url, token string
		body                     any
		status                   int
		message                  string
		data                     map[string]string // field → exact JSON
	}{
		{"required", "POST", posts, "", map[string]any{}, 400, "Failed to create record.", map[string]string{"title": blank, "score": blank}},
		{"text max", "POST", posts, "", rec("title", "xxxxxxxxxxxxxxxxxxxxxxxxx"), 400, "",
			map[string]string{"title": `{"code":"validation_max_text_constraint","message":"Must be no more than 20 character(s).","params":{"max":20}}`}},
		{"text min", "POST", posts, "", rec("title", "x"), 400, "",
			map[string]string{"title": `{"code":"validation_min_text_constraint","message":"Must be at least 2 character(s).","params":{"min":2}}`}},
		{"number max", "POST", posts, "", rec("views", 1000), 400, "",
			map[string]string{"views": `{"code":"validation_max_number_constraint","message":"Must be less or equal than 100.","params":{"max":100}}`}},
		{"number min", "POST", posts, "", rec("views", -1), 400, "",
			map[string]string{"views": `{"code":"validation_min_number_constraint","message":"Must be greater or equal than 0.","params":{"min":0}}`}},
		{"select value", "POST", posts, "", rec("status", "nope"), 400, "",
			map[string]string{"status": `{"code":"validation_invalid_value","message":"Invalid value nope.","params":{"value":"nope"}}`}},
		{"select too many", "POST", posts, "", rec("tags", []string{"a", "b", "c"}), 400, "",
			map[string]string{"tags": `{"code":"validation_too_many_values","message":"Select no more than 2.","params":{"maxSelect":2}}`}},
		{"url domain", "POST", posts, "", rec("site", "https://other.org"), 400, "",
			map[string]string{"site": `{"code":"validation_url_domain_not_allowed","message":"Url domain is not allowed."}`}},
		{"email domain", "POST", posts, "", rec("contact", "a@spam.com"), 400, "",
			map[string]string{"contact": `{"code":"validation_email_domain_not_allowed","message":"Email domain is not allowed."}`}},
		{"json size", "POST", posts, "", rec("meta", map[string]any{"a": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}), 400, "",
			map[string]string{"meta": `{"code":"validation_json_size_limit","message":"The maximum allowed JSON size is 50 bytes.","params":{"maxSize":50}}`}},
		{"file named not uploaded", "POST", posts, "", rec("doc", "x.txt"), 400, "Failed to create record.",
			map[string]string{"doc": `{"code":"validation_invalid_file","message":"Invalid new files: [x.txt].","params":{"invalidFiles":["x.txt"]}}`}},
		{"id short", "POST", posts, "", rec("id", "abc"), 400, "",
			map[string]string{"id": `{"code":"validation_min_text_constraint","message":"Must be at least 15 character(s).","params":{"min":15}}`}},
		{"duplicate id", "POST", posts, "", rec("id", postID), 400, "Failed to create record.",
			map[string]string{"id": `{"code":"validation_not_unique","message":"Value must be unique."}`}},
		{"id change", "PATCH", posts + "/" + postID, "", map[string]any{"id": "bbbbbbbbbbbbbbb"}, 400, "Failed to update record.",
			map[string]string{"id": `{"code":"validation_pk_change","message":"The record primary key cannot be changed."}`}},
		// Any spelling that names id is the id: a modifier or a non-string value is a change too.
		{"id change by modifier", "PATCH", posts + "/" + postID, "", map[string]any{"id+": "x"}, 400, "Failed to update record.",
			map[string]string{"id": `{"code":"validation_pk_change","message":"The record primary key cannot be changed."}`}},
		{"id change to a number", "PATCH", posts + "/" + postID, "", map[string]any{"id": 5}, 400, "Failed to update record.",
			map[string]string{"id": `{"code":"validation_pk_change","message":"The record primary key cannot be changed."}`}},
		{"auth id change", "PATCH", users + "/" + userID, userTok, map[string]any{"+id": "aaaaaaaaaaaaaaa"}, 400, "Failed to update record.",
			map[string]string{"id": `{"code":"validation_pk_change","message":"The record primary key cannot be changed."}`}},
		{"same id sent back", "PATCH", posts + "/" + postID, "", map[string]any{"id": postID, "title": "Again"}, 200, "", nil},
		{"create in a view", "POST", "/api/collections/postsview/records", "", map[string]any{"title": "x"}, 400, "Unsupported collection type.", map[string]string{}},
		{"missing collection", "POST", "/api/collections/nope/records", "", map[string]any{}, 404, "Missing or invalid collection context.", map[string]string{}},
		{"user empty", "POST", users, "", map[string]any{}, 400, "Failed to create record.", map[string]string{"password": blank, "passwordConfirm": blank}},
		{"user no confirm", "POST", users, "", map[string]any{"email": "n@example.com", "password": "12345678"}, 400, "", map[string]string{"passwordConfirm": blank}},
		{"user no email", "POST", users, "", map[string]any{"password": "12345678", "passwordConfirm": "12345678"}, 400, "", map[string]string{"email": blank}},
		{"user verified as guest", "POST", users, "", map[string]any{"email": "v@example.com", "password": "12345678", "passwordConfirm": "12345678", "verified": true}, 400, "",
			map[string]string{"verified": `{"code":"validation_values_mismatch","message":"Values don't match."}`}},
		{"duplicate email", "POST", users, "", map[string]any{"email": "observed@example.com", "password": "12345678", "passwordConfirm": "12345678"}, 400, "Failed to create record.",
			map[string]string{"email": `{"code":"validation_not_unique","message":"Value must be unique."}`}},
		{"own password without old", "PATCH", users + "/" + userID, userTok, map[string]any{"password": "87654321", "passwordConfirm": "87654321"}, 400, "Failed to update record.",
			map[string]string{"oldPassword": blank}},
		{"own password wrong old", "PATCH", users + "/" + userID, userTok, map[string]any{"password": "87654321", "passwordConfirm": "87654321", "oldPassword": "nopenope"}, 400, "",
			map[string]string{"oldPassword": `{"code":"validation_invalid_old_password","message":"Missing or invalid old password."}`}},
		{"own email directly", "PATCH", users + "/" + userID, userTok, map[string]any{"email": "new@example.com"}, 400, "",
			map[string]string{"email": `{"code":"validation_values_mismatch","message":"Values don't match."}`}},
		{"own verified", "PATCH", users + "/" + userID, userTok, map[string]any{"verified": true}, 400, "",
			map[string]string{"verified": `{"code":"validation_values_mismatch","message":"Values don't match."}`}},
		{"impersonate negative duration", "POST", "/api/collections/users/impersonate/" + userID, s.SuperToken, map[string]any{"duration": -5}, 400, "",
			map[string]string{"duration": `{"code":"validation_min_greater_equal_than_required","message":"Must be no less than 0.","params":{"threshold":0}}`}},
		{"log-in body not JSON", "POST", "/api/collections/users/auth-with-password", "", `{"identity":`, 400, "An error occurred while loading the submitted data.", map[string]string{}},
		{"log-in value of a wrong type", "POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": 5, "password": "x"}, 400, "An error occurred while loading the submitted data.",
			map[string]string{"identity": `{"code":"validation_invalid_value","message":"Invalid value."}`}},
		{"identity field not allowed", "POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "observed@example.com", "password": "password-1", "identityField": "name"}, 400, "",
			map[string]string{"identityField": `{"code":"validation_in_invalid","message":"Must be a valid value."}`}},
		{"log-in form empty", "POST", "/api/collections/users/auth-with-password", "", map[string]any{}, 400, "An error occurred while validating the submitted data.",
			map[string]string{"identity": blank, "password": blank}},
		{"reset form empty", "POST", "/api/collections/users/confirm-password-reset", "", map[string]any{}, 400, "",
			map[string]string{"token": blank, "password": blank, "passwordConfirm": blank}},
		{"reset form all at once", "POST", "/api/collections/users/confirm-password-reset", "", map[string]any{"token": "nope", "password": "1", "passwordConfirm": "2"}, 400, "",
			map[string]string{"token": `{"code":"validation_invalid_token","message":"Invalid or expired token."}`,
				"password":        `{"code":"validation_length_out_of_range","message":"The length must be between 8 and 255.","params":{"max":255,"min":8}}`,
				"passwordConfirm": `{"code":"validation_values_mismatch","message":"Values don't match."}`}},
		{"otp off before the body", "POST", "/api/collections/users/request-otp", "", map[string]any{}, 403, "The collection is not configured to allow OTP authentication.", map[string]string{}},
		{"refresh in another collection", "POST", "/api/collections/_superusers/auth-refresh", userTok, nil, 403, "The request requires auth record from users collection.", map[string]string{}},
		{"file of a missing collection", "GET", "/api/files/nope/" + postID + "/a_0123456789.txt", "", nil, 404, "Missing or invalid collection context.", map[string]string{}},
		{"missing file", "GET", "/api/files/posts/" + postID + "/nope_0123456789.txt", "", nil, 404, "The requested resource wasn't found.", map[string]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Do(tc.method, tc.url, tc.token, tc.body).Status(tc.status)
			if tc.status == 200 {
				return
			}
			e := shapeOf(t, r)
			if tc.message != "" && e.Message != tc.message {
				t.Errorf("message %q, want %q", e.Message, tc.message)
			}
			if len(e.Data) != len(tc.data) {
				t.Errorf("data %s, want the fields %v", r.Body, tc.data)
			}
			for field, want := range tc.data {
				var got, exp any
				if err := json.Unmarshal(e.Data[field], &got); err != nil {
					t.Errorf("data.%s missing: %s", field, r.Body)
					continue
				}
				if err := json.Unmarshal([]byte(want), &exp); err != nil {
					t.Fatal(err)
				}
				g, _ := json.Marshal(got)
				x, _ := json.Marshal(exp)
				if string(g) != string(x) {
					t.Errorf("data.%s = %s, want %s", field, g, x)
				}
			}
		})
	}
}

// TestContractObservedAuthMethods: with password log-in off, auth-methods
// lists no identity fields; MFA and OTP durations are 0 while they are off.
func TestContractObservedAuthMethods(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	s.Super("PATCH", "/api/collections/users", map[string]any{"passwordAuth": map[string]any{"enabled": false}, "otp": map[string]any{"enabled": true, "duration": 120}}).Status(200)
	s.Do("GET", "/api/collections/users/auth-methods", "", nil).Status(200).Contains(
		`"password":{"enabled":false,"identityFields":[]}`, `"mfa":{"enabled":false,"duration":0}`, `"otp":{"enabled":true,"duration":120}`,
		`"usernamePassword":false`, `"emailPassword":false`, `"authProviders":[]`)
}

// TestContractObservedFileErrors: the answers to file uploads over maxSize,
// of a type not in mimeTypes and too many files, as PocketBase gives them.
func TestContractObservedFileErrors(t *testing.T) {
	s := testserver.New(t)
	s.Super("POST", "/api/collections", map[string]any{
		"name": "posts", "type": "base", "createRule": "",
		"fields": []map[string]any{
			{"name": "doc", "type": "file", "maxSize": 20, "mimeTypes": []string{"text/plain"}},
			{"name": "docs", "type": "file", "maxSelect": 2, "maxSize": 1000},
		},
	}).Status(200)
	url := "/api/collections/posts/records"
	big := s.Multipart("POST", url, "", P{Name: "doc", File: "a.txt", Data: []byte("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")}).Status(400)
	big.Contains(`"message":"Failed to create record."`, `"doc":{"code":"validation_file_size_limit","message":"Failed to upload a.txt - the maximum allowed file size is 20 bytes.","params":{"file":"a.txt","maxSize":20}}`)
	gif := s.Multipart("POST", url, "", P{Name: "doc", File: "a.gif", Data: []byte("GIF89a\x01\x00\x01\x00")}).Status(400)
	gif.Contains(`"code":"validation_invalid_mime_type","message":"\"a_`, `.gif\" mime type must be one of: text/plain."`)
	many := s.Multipart("POST", url, "", P{Name: "docs", File: "a.txt", Data: []byte("a")}, P{Name: "docs", File: "b.txt", Data: []byte("b")},
		P{Name: "docs", File: "c.txt", Data: []byte("c")}).Status(400)
	many.Contains(`"docs":{"code":"validation_too_many_files","message":"The maximum allowed files is 2.","params":{"maxSelect":2}}`)

	// A served file's caching and sandboxing headers are PocketBase's.
	rec := s.Multipart("POST", url, "", P{Name: "docs", File: "a.txt", Data: []byte("a")}).Status(200).JSON()
	got := s.Do("GET", "/api/files/posts/"+rec["id"].(string)+"/"+rec["docs"].([]any)[0].(string), "", nil).Status(200)
	for h, want := range map[string]string{
		"Cache-Control":           "max-age=2592000, stale-while-revalidate=86400",
		"Content-Security-Policy": "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
	} {
		if got.Header.Get(h) != want {
			t.Errorf("%s = %q, want %q", h, got.Header.Get(h), want)
		}
	}
}
