package api_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/testserver"
)

// Contract tests: the status, message and data of record and auth
// endpoint answers, as the PocketBase docs (API Records, API Auth: their
// example responses) and the SDK's ClientResponseError ({status, message,
// data}) describe them.

// errShape is the decoded PocketBase error body.
type errShape struct {
	Status  int                        `json:"status"`
	Message string                     `json:"message"`
	Data    map[string]json.RawMessage `json:"data"`
}

// shapeOf decodes an error answer and checks the shape every error has:
// exactly the keys status, message and data, status equal to the HTTP
// status, a message, data an object.
func shapeOf(t *testing.T, r *testserver.Response) errShape {
	t.Helper()
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &keys); err != nil {
		t.Fatalf("error body %q: %v", r.Body, err)
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "data,message,status" {
		t.Fatalf("error body keys %v, want data, message, status: %s", names, r.Body)
	}
	var e errShape
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("error body %q: %v", r.Body, err)
	}
	if e.Status != r.Code || e.Message == "" || e.Data == nil {
		t.Fatalf("error body %s for HTTP %d", r.Body, r.Code)
	}
	return e
}

// fieldErrors returns data as field → code, checking that each entry is
// exactly {code, message} with a non-empty message, or {code, message,
// params} with params an object.
func fieldErrors(t *testing.T, e errShape) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, raw := range e.Data {
		var fe struct {
			Code, Message string
			Params        map[string]any
		}
		var keys map[string]json.RawMessage
		_ = json.Unmarshal(raw, &keys)
		_, hasParams := keys["params"]
		if err := json.Unmarshal(raw, &fe); err != nil || len(keys) != 2+btoi(hasParams) || fe.Code == "" || fe.Message == "" || (hasParams && fe.Params == nil) {
			t.Fatalf("data.%s = %s, want {code, message[, params]}", k, raw)
		}
		out[k] = fe.Code
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// validationSchema creates "things" (url, date within 2024..2030, geoPoint,
// a required text) open to everyone, and a "users" auth collection.
func validationSchema(t *testing.T, s *testserver.Server) {
	t.Helper()
	pub := ptr("")
	mustCollection(t, s, &galley.Collection{Name: "things", ListRule: pub, ViewRule: pub, CreateRule: pub, UpdateRule: pub, DeleteRule: pub,
		Fields: []*galley.Field{
			{ID: "f_name", Name: "name", Type: galley.FieldText, Required: true},
			{ID: "f_site", Name: "site", Type: galley.FieldURL},
			{ID: "f_when", Name: "when", Type: galley.FieldDate, DateMin: "2024-01-01 00:00:00.000Z", DateMax: "2030-12-31 23:59:59.999Z"},
			{ID: "f_where", Name: "where", Type: galley.FieldGeoPoint},
		}})
	usersCollection(t, s, nil)
}

// TestContractValidationCodes: the data.<field>.code of invalid record
// input is PocketBase's.
func TestContractValidationCodes(t *testing.T) {
	s := testserver.New(t)
	validationSchema(t, s)
	things := "/api/collections/things/records"
	id := create(t, s, "things", map[string]any{"name": "x"})
	userID, userTok := signUp(t, s, "val@example.com", "password-1")
	users := "/api/collections/users/records"
	long := strings.Repeat("p", 73)
	cases := []struct {
		name, method, url, token string
		body                     map[string]any
		field, code, message     string // code "" = accepted
	}{
		{"required", "POST", things, "", map[string]any{"site": "https://a.io"}, "name", "validation_required", "Cannot be blank."},
		{"url without scheme", "POST", things, "", map[string]any{"name": "x", "site": "example.com"}, "site", "validation_invalid_url", "Must be a valid url."},
		{"url not http", "POST", things, "", map[string]any{"name": "x", "site": "ftp://example.com/f"}, "site", "validation_invalid_url", ""},
		{"url ok", "POST", things, "", map[string]any{"name": "x", "site": "https://example.com/a?b=1"}, "", "", ""},
		{"date before min", "POST", things, "", map[string]any{"name": "x", "when": "2023-12-31 23:59:59.999Z"}, "when", "validation_min_greater_equal_than_required", "Must be no less than 2024-01-01 00:00:00 +0000 UTC."},
		{"date after max", "PATCH", things + "/" + id, "", map[string]any{"when": "2031-01-01"}, "when", "validation_max_less_equal_than_required", "Must be no greater than 2030-12-31 23:59:59.999 +0000 UTC."},
		{"date at min", "POST", things, "", map[string]any{"name": "x", "when": "2024-01-01 00:00:00.000Z"}, "", "", ""},
		{"date at max", "PATCH", things + "/" + id, "", map[string]any{"when": "2030-12-31 23:59:59.999Z"}, "", "", ""},
		{"longitude", "POST", things, "", map[string]any{"name": "x", "where": map[string]any{"lon": 180.5, "lat": 0}}, "where", "validation_invalid_longitude", "Longitude must be between -180 and 180 degrees."},
		{"latitude", "POST", things, "", map[string]any{"name": "x", "where": map[string]any{"lon": 0, "lat": -90.01}}, "where", "validation_invalid_latitude", "Latitude must be between -90 and 90 degrees."},
		{"both: latitude first", "PATCH", things + "/" + id, "", map[string]any{"where": map[string]any{"lon": -999, "lat": 999}}, "where", "validation_invalid_latitude", ""},
		{"geo bounds", "PATCH", things + "/" + id, "", map[string]any{"where": map[string]any{"lon": -180, "lat": 90}}, "", "", ""},
		{"password too short", "POST", users, "", map[string]any{"email": "short@example.com", "password": "1234567", "passwordConfirm": "1234567"}, "password", "validation_min_text_constraint", "Must be at least 8 character(s)."},
		{"password over 72 bytes", "POST", users, "", map[string]any{"email": "long@example.com", "password": long, "passwordConfirm": long}, "password", "validation_max_text_constraint", ""},
		{"password change too short", "PATCH", users + "/" + userID, userTok, map[string]any{"oldPassword": "password-1", "password": "short", "passwordConfirm": "short"}, "password", "validation_min_text_constraint", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Do(tc.method, tc.url, tc.token, tc.body)
			if tc.code == "" {
				r.Status(200)
				return
			}
			r.Status(400)
			e := shapeOf(t, r)
			got := fieldErrors(t, e)
			if len(got) != 1 || got[tc.field] != tc.code {
				t.Fatalf("data %v, want only %s: %s", got, tc.field, tc.code)
			}
			if tc.message != "" && !strings.Contains(string(e.Data[tc.field]), `"message":"`+tc.message+`"`) {
				t.Fatalf("data.%s = %s, want message %q", tc.field, e.Data[tc.field], tc.message)
			}
		})
	}
}

// TestContractRequestEmailChange: an invalid or missing newEmail is a 400
// naming newEmail (API Records, request-email-change).
func TestContractRequestEmailChange(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	_, tok := signUp(t, s, "change@example.com", "password-1")
	url := "/api/collections/users/request-email-change"
	for _, tc := range []struct {
		name string
		body any
		code string
	}{
		{"invalid", map[string]any{"newEmail": "not-an-email"}, "validation_is_email"},
		{"display name", map[string]any{"newEmail": "Bob <bob@example.com>"}, "validation_is_email"},
		{"empty", map[string]any{"newEmail": ""}, "validation_required"},
		{"missing", map[string]any{}, "validation_required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Do("POST", url, tok, tc.body).Status(400)
			if got := fieldErrors(t, shapeOf(t, r)); len(got) != 1 || got["newEmail"] != tc.code {
				t.Fatalf("data %v, want newEmail: %s", got, tc.code)
			}
		})
	}
	s.Do("POST", url, tok, map[string]any{"newEmail": "new@example.com"}).Status(204)
}

// TestContractExcerpt: fields=<f>:excerpt(n[,true]) answers plain text on
// view and list, without a space before punctuation where markup was.
func TestContractExcerpt(t *testing.T) {
	s := testserver.New(t)
	blogSchema(t, s)
	body := "<p>Hello <b>world</b>, this is <a href='#'>it</a>.</p><p>Second&nbsp;paragraph &amp; more</p>"
	id := create(t, s, "posts", map[string]any{"title": "t", "body": body})
	r := s.Do("GET", "/api/collections/posts/records/"+id+"?fields=id,body:excerpt(200)", "", nil).Status(200)
	if got := r.JSON()["body"]; got != "Hello world, this is it. Second paragraph & more" {
		t.Fatalf("excerpt %q", got)
	}
	r = s.Do("GET", "/api/collections/posts/records?fields=body:excerpt(17,true)", "", nil).Status(200)
	items := r.JSON()["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["body"] != "Hello world, this..." || len(items[0].(map[string]any)) != 1 {
		t.Fatalf("list excerpt %s", r.Body)
	}
}

// contractCase is one request and the answer the contract expects.
type contractCase struct {
	name         string
	method, url  string
	as           string // "", "user", "other" (a record of another auth collection), "super"
	body         any
	status       int
	message      string            // exact message; "" = any
	data         map[string]string // data.<key>.code; nil = data must be {}
	successCheck func(t *testing.T, r *testserver.Response)
}

func runContract(t *testing.T, s *testserver.Server, tokens map[string]string, cases []contractCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Do(tc.method, tc.url, tokens[tc.as], tc.body).Status(tc.status)
			if tc.status < 400 {
				if tc.successCheck != nil {
					tc.successCheck(t, r)
				}
				return
			}
			e := shapeOf(t, r)
			if tc.message != "" && e.Message != tc.message {
				t.Errorf("message %q, want %q", e.Message, tc.message)
			}
			got := fieldErrors(t, e)
			want := tc.data
			if want == nil {
				want = map[string]string{}
			}
			if len(got) != len(want) {
				t.Fatalf("data %v, want %v", got, want)
			}
			for k, code := range want {
				if got[k] != code {
					t.Fatalf("data %v, want %v", got, want)
				}
			}
		})
	}
}

// keysOf fails unless the JSON object of r has exactly keys.
func keysOf(t *testing.T, r *testserver.Response, keys ...string) map[string]any {
	t.Helper()
	m := r.JSON()
	var got []string
	for k := range m {
		got = append(got, k)
	}
	sort.Strings(got)
	sort.Strings(keys)
	if strings.Join(got, ",") != strings.Join(keys, ",") {
		t.Fatalf("keys %v, want %v: %s", got, keys, r.Body)
	}
	return m
}

// contractSchema: blogSchema (public), "locked" (null rules), "owned"
// (rules on the owner), "pins" (a required relation to authors) and two
// auth collections, users and admins.
func contractSchema(t *testing.T, s *testserver.Server) (tokens map[string]string, ids map[string]string) {
	t.Helper()
	blogSchema(t, s)
	usersCollection(t, s, map[string]any{"otp": map[string]any{"enabled": true}})
	s.Super("POST", "/api/collections", map[string]any{"name": "admins", "type": "auth", "createRule": "",
		"fields": []map[string]any{}}).Status(200)
	users := s.DB.Schema.Collection("users")
	mustCollection(t, s, &galley.Collection{Name: "locked", Fields: []*galley.Field{{ID: "f_lt", Name: "title", Type: galley.FieldText}}})
	owner := "owner = @request.auth.id"
	mustCollection(t, s, &galley.Collection{Name: "owned", ListRule: &owner, ViewRule: &owner, CreateRule: ptr(`@request.auth.id != ""`),
		UpdateRule: &owner, DeleteRule: &owner, Fields: []*galley.Field{
			{ID: "f_ot", Name: "title", Type: galley.FieldText, Required: true},
			{ID: "f_oo", Name: "owner", Type: galley.FieldRelation, CollectionID: users.ID, MaxSelect: 1}}})
	pub := ptr("")
	mustCollection(t, s, &galley.Collection{Name: "pins", ListRule: pub, ViewRule: pub, CreateRule: pub, UpdateRule: pub, DeleteRule: pub,
		Fields: []*galley.Field{{ID: "f_pa", Name: "author", Type: galley.FieldRelation, CollectionID: "pbc_authors", MaxSelect: 1, Required: true}}})

	ids = map[string]string{}
	var tok, other string
	ids["user"], tok = signUp(t, s, "user@example.com", "password-1")
	s.Do("POST", "/api/collections/admins/records", "", map[string]any{"email": "adm@example.com", "password": "password-1", "passwordConfirm": "password-1"}).Status(200)
	other = s.Do("POST", "/api/collections/admins/auth-with-password", "", map[string]any{"identity": "adm@example.com", "password": "password-1"}).Status(200).JSON()["token"].(string)
	ids["author"] = create(t, s, "authors", map[string]any{"name": "A"})
	ids["pinned"] = create(t, s, "authors", map[string]any{"name": "Pinned"})
	create(t, s, "pins", map[string]any{"author": ids["pinned"]})
	ids["post"] = create(t, s, "posts", map[string]any{"title": "P", "author": ids["author"]})
	ids["locked"] = s.Super("POST", "/api/collections/locked/records", map[string]any{"title": "L"}).Status(200).JSON()["id"].(string)
	ids["owned"] = s.Do("POST", "/api/collections/owned/records", tok, map[string]any{"title": "O", "owner": ids["user"]}).Status(200).JSON()["id"].(string)
	return map[string]string{"user": tok, "other": other, "super": s.SuperToken}, ids
}

const (
	msgSuperOnly = "Only superusers can perform this action."
	msgNotFound  = "The requested resource wasn't found."
	msgForm      = "An error occurred while validating the submitted data."
)

// TestContractRecords: list, view, create, update and delete answers
// (API Records): success shapes, and status, message and data of errors.
func TestContractRecords(t *testing.T) {
	s := testserver.New(t)
	tokens, ids := contractSchema(t, s)
	recs := func(c string) string { return "/api/collections/" + c + "/records" }
	isRecord := func(coll string) func(t *testing.T, r *testserver.Response) {
		return func(t *testing.T, r *testserver.Response) {
			m := r.JSON()
			if id, _ := m["id"].(string); len(id) != 15 || m["collectionName"] != coll || m["collectionId"] == "" {
				t.Fatalf("record %s", r.Body)
			}
		}
	}
	list := func(total float64, n int) func(t *testing.T, r *testserver.Response) {
		return func(t *testing.T, r *testserver.Response) {
			m := keysOf(t, r, "page", "perPage", "totalItems", "totalPages", "items")
			if m["totalItems"] != total || len(m["items"].([]any)) != n {
				t.Fatalf("list %s", r.Body)
			}
		}
	}
	filterQ := func(f string) string { return "?filter=" + urlq(f) }
	cases := []contractCase{
		// list
		{name: "list", method: "GET", url: recs("posts"), status: 200, successCheck: list(1, 1)},
		{name: "list skipTotal", method: "GET", url: recs("posts") + "?skipTotal=1", status: 200, successCheck: func(t *testing.T, r *testserver.Response) {
			if m := r.JSON(); m["totalItems"] != float64(-1) || m["totalPages"] != float64(-1) {
				t.Fatalf("skipTotal %s", r.Body)
			}
		}},
		{name: "list filtered by the rule", method: "GET", url: recs("owned"), as: "other", status: 200, successCheck: list(0, 0)},
		{name: "list invalid filter", method: "GET", url: recs("posts") + filterQ("title ~"), status: 400},
		{name: "list unknown filter field", method: "GET", url: recs("posts") + filterQ("nope = 1"), status: 400},
		{name: "list @collection filter as user", method: "GET", url: recs("posts") + filterQ("@collection.authors.name = 'A'"), as: "user", status: 403,
			message: "Only superusers can filter and sort by @collection.* and @request.* fields."},
		{name: "list @request sort as guest", method: "GET", url: recs("posts") + "?sort=@request.auth.id", status: 403},
		{name: "list @collection filter as superuser", method: "GET", url: recs("posts") + filterQ("@collection.authors.name ?= 'A'"), as: "super", status: 200, successCheck: list(1, 1)},
		{name: "list locked as guest", method: "GET", url: recs("locked"), status: 403, message: msgSuperOnly},
		{name: "list locked as user", method: "GET", url: recs("locked"), as: "user", status: 403, message: msgSuperOnly},
		{name: "list unknown collection", method: "GET", url: recs("nope"), status: 404},
		{name: "list bad page", method: "GET", url: recs("posts") + "?page=abc", status: 400, data: map[string]string{"page": "validation_invalid_value"}},
		// view
		{name: "view", method: "GET", url: recs("posts") + "/" + ids["post"], status: 200, successCheck: isRecord("posts")},
		{name: "view missing", method: "GET", url: recs("posts") + "/missing", status: 404, message: msgNotFound},
		{name: "view locked", method: "GET", url: recs("locked") + "/" + ids["locked"], status: 403, message: msgSuperOnly},
		{name: "view rule not met", method: "GET", url: recs("owned") + "/" + ids["owned"], as: "other", status: 404, message: msgNotFound},
		{name: "view rule met", method: "GET", url: recs("owned") + "/" + ids["owned"], as: "user", status: 200, successCheck: isRecord("owned")},
		{name: "view unknown collection", method: "GET", url: recs("nope") + "/x", status: 404},
		// create
		{name: "create", method: "POST", url: recs("posts"), body: map[string]any{"title": "new"}, status: 200, successCheck: isRecord("posts")},
		{name: "create invalid", method: "POST", url: recs("posts"), body: map[string]any{}, status: 400,
			message: "Failed to create record.", data: map[string]string{"title": "validation_required"}},
		{name: "create bad JSON", method: "POST", url: recs("posts"), body: "{", status: 400},
		{name: "create locked", method: "POST", url: recs("locked"), body: map[string]any{"title": "x"}, status: 403, message: msgSuperOnly},
		{name: "create rule not met", method: "POST", url: recs("owned"), body: map[string]any{"title": "x"}, status: 400, message: "Failed to create record."},
		{name: "create unknown collection", method: "POST", url: recs("nope"), body: map[string]any{}, status: 404},
		// update
		{name: "update", method: "PATCH", url: recs("posts") + "/" + ids["post"], body: map[string]any{"views": 2}, status: 200, successCheck: isRecord("posts")},
		{name: "update invalid", method: "PATCH", url: recs("posts") + "/" + ids["post"], body: map[string]any{"title": ""}, status: 400,
			message: "Failed to update record.", data: map[string]string{"title": "validation_required"}},
		{name: "update missing", method: "PATCH", url: recs("posts") + "/missing", body: map[string]any{"title": "x"}, status: 404, message: msgNotFound},
		{name: "update locked", method: "PATCH", url: recs("locked") + "/" + ids["locked"], body: map[string]any{"title": "x"}, status: 403, message: msgSuperOnly},
		{name: "update locked, missing id", method: "PATCH", url: recs("locked") + "/missing", body: map[string]any{"title": "x"}, status: 403, message: msgSuperOnly},
		{name: "update rule not met", method: "PATCH", url: recs("owned") + "/" + ids["owned"], as: "other", body: map[string]any{"title": "x"}, status: 404, message: msgNotFound},
		{name: "update unknown collection", method: "PATCH", url: recs("nope") + "/x", body: map[string]any{}, status: 404},
		// delete
		{name: "delete missing", method: "DELETE", url: recs("posts") + "/missing", status: 404, message: msgNotFound},
		{name: "delete locked", method: "DELETE", url: recs("locked") + "/" + ids["locked"], status: 403, message: msgSuperOnly},
		{name: "delete rule not met", method: "DELETE", url: recs("owned") + "/" + ids["owned"], as: "other", status: 404, message: msgNotFound},
		{name: "delete required relation", method: "DELETE", url: recs("authors") + "/" + ids["pinned"], status: 400,
			message: `Failed to delete record. Make sure that the record is not part of a required relation reference (the required relation field "author" of collection "pins" points to it).`},
		{name: "delete unknown collection", method: "DELETE", url: recs("nope") + "/x", status: 404},
		{name: "delete", method: "DELETE", url: recs("owned") + "/" + ids["owned"], as: "user", status: 204, successCheck: func(t *testing.T, r *testserver.Response) {
			if len(r.Body) != 0 {
				t.Fatalf("204 with a body: %q", r.Body)
			}
		}},
	}
	runContract(t, s, tokens, cases)
}

// TestContractAuth: the auth endpoints' answers (API Records, auth
// sections): success shapes, and status, message and data of errors.
func TestContractAuth(t *testing.T) {
	s := testserver.New(t)
	tokens, ids := contractSchema(t, s)
	u := func(c, action string) string { return "/api/collections/" + c + "/" + action }
	auth := func(t *testing.T, r *testserver.Response) {
		m := keysOf(t, r, "token", "record")
		if tok, _ := m["token"].(string); strings.Count(tok, ".") != 2 || m["record"].(map[string]any)["collectionName"] == nil {
			t.Fatalf("auth answer %s", r.Body)
		}
	}
	cred := map[string]any{"identity": "user@example.com", "password": "password-1"}
	cases := []contractCase{
		{name: "auth-with-password", method: "POST", url: u("users", "auth-with-password"), body: cred, status: 200, successCheck: auth},
		{name: "auth-with-password without password", method: "POST", url: u("users", "auth-with-password"), body: map[string]any{"identity": "user@example.com"},
			status: 400, message: msgForm, data: map[string]string{"password": "validation_required"}},
		{name: "auth-with-password without anything", method: "POST", url: u("users", "auth-with-password"), body: map[string]any{},
			status: 400, data: map[string]string{"identity": "validation_required", "password": "validation_required"}},
		{name: "auth-with-password wrong password", method: "POST", url: u("users", "auth-with-password"), body: map[string]any{"identity": "user@example.com", "password": "wrong-one"},
			status: 400, message: "Failed to authenticate."},
		{name: "auth-with-password unknown identity", method: "POST", url: u("users", "auth-with-password"), body: map[string]any{"identity": "nobody@example.com", "password": "wrong-one"},
			status: 400, message: "Failed to authenticate."},
		{name: "auth-with-password not an auth collection", method: "POST", url: u("posts", "auth-with-password"), body: cred, status: 404},
		{name: "auth-refresh", method: "POST", url: u("users", "auth-refresh"), as: "user", status: 200, successCheck: auth},
		{name: "auth-refresh as guest", method: "POST", url: u("users", "auth-refresh"), status: 401},
		{name: "auth-refresh with another collection's token", method: "POST", url: u("users", "auth-refresh"), as: "other", status: 403},
		{name: "auth-methods", method: "GET", url: u("users", "auth-methods"), status: 200, successCheck: func(t *testing.T, r *testserver.Response) {
			keysOf(t, r, "password", "oauth2", "mfa", "otp", "authProviders", "usernamePassword", "emailPassword")
		}},
		{name: "auth-methods not an auth collection", method: "GET", url: u("posts", "auth-methods"), status: 404},
		{name: "request-otp invalid email", method: "POST", url: u("users", "request-otp"), body: map[string]any{"email": "bad"},
			status: 400, message: msgForm, data: map[string]string{"email": "validation_is_email"}},
		{name: "request-otp", method: "POST", url: u("users", "request-otp"), body: map[string]any{"email": "nobody@example.com"}, status: 200,
			successCheck: func(t *testing.T, r *testserver.Response) { keysOf(t, r, "otpId") }},
		{name: "auth-with-otp without otpId", method: "POST", url: u("users", "auth-with-otp"), body: map[string]any{"password": "123456"},
			status: 400, message: "Failed to authenticate.", data: map[string]string{"otpId": "validation_required"}},
		{name: "auth-with-otp without anything", method: "POST", url: u("users", "auth-with-otp"), body: map[string]any{},
			status: 400, data: map[string]string{"otpId": "validation_required", "password": "validation_required"}},
		{name: "auth-with-otp unknown otp", method: "POST", url: u("users", "auth-with-otp"), body: map[string]any{"otpId": "nope", "password": "123456"}, status: 400},
		{name: "request-verification without email", method: "POST", url: u("users", "request-verification"), body: map[string]any{},
			status: 400, message: msgForm, data: map[string]string{"email": "validation_required"}},
		{name: "request-verification", method: "POST", url: u("users", "request-verification"), body: map[string]any{"email": "nobody@example.com"}, status: 204},
		{name: "confirm-verification without token", method: "POST", url: u("users", "confirm-verification"), body: map[string]any{},
			status: 400, message: msgForm, data: map[string]string{"token": "validation_required"}},
		{name: "confirm-verification bad token", method: "POST", url: u("users", "confirm-verification"), body: map[string]any{"token": "bad"},
			status: 400, data: map[string]string{"token": "validation_invalid_token"}},
		{name: "request-password-reset without email", method: "POST", url: u("users", "request-password-reset"), body: map[string]any{},
			status: 400, message: msgForm, data: map[string]string{"email": "validation_required"}},
		{name: "confirm-password-reset without token", method: "POST", url: u("users", "confirm-password-reset"), body: map[string]any{"password": "password-2", "passwordConfirm": "password-2"},
			status: 400, message: msgForm, data: map[string]string{"token": "validation_required"}},
		{name: "confirm-password-reset bad token", method: "POST", url: u("users", "confirm-password-reset"), body: map[string]any{"token": "bad", "password": "password-2", "passwordConfirm": "password-2"},
			status: 400, data: map[string]string{"token": "validation_invalid_token"}},
		{name: "request-email-change as guest", method: "POST", url: u("users", "request-email-change"), body: map[string]any{"newEmail": "n@example.com"}, status: 401},
		{name: "request-email-change with another collection's token", method: "POST", url: u("users", "request-email-change"), as: "other",
			body: map[string]any{"newEmail": "n@example.com"}, status: 403},
		{name: "request-email-change without newEmail", method: "POST", url: u("users", "request-email-change"), as: "user", body: map[string]any{},
			status: 400, message: msgForm, data: map[string]string{"newEmail": "validation_required"}},
		{name: "confirm-email-change without token", method: "POST", url: u("users", "confirm-email-change"), body: map[string]any{"password": "password-1"},
			status: 400, message: msgForm, data: map[string]string{"token": "validation_required"}},
		{name: "confirm-email-change bad token", method: "POST", url: u("users", "confirm-email-change"), body: map[string]any{"token": "bad", "password": "password-1"},
			status: 400, data: map[string]string{"token": "validation_invalid_token"}},
		{name: "impersonate as guest", method: "POST", url: u("users", "impersonate/"+ids["user"]), body: map[string]any{}, status: 401},
		{name: "impersonate as user", method: "POST", url: u("users", "impersonate/"+ids["user"]), as: "user", body: map[string]any{}, status: 403},
		{name: "impersonate missing record", method: "POST", url: u("users", "impersonate/missing"), as: "super", body: map[string]any{}, status: 404, message: msgNotFound},
		{name: "impersonate negative duration", method: "POST", url: u("users", "impersonate/"+ids["user"]), as: "super", body: map[string]any{"duration": -1},
			status: 400, message: msgForm, data: map[string]string{"duration": "validation_min_greater_equal_than_required"}},
		{name: "impersonate", method: "POST", url: u("users", "impersonate/"+ids["user"]), as: "super", body: map[string]any{"duration": 60}, status: 200, successCheck: auth},
	}
	runContract(t, s, tokens, cases)
}
