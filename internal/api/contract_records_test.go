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
// exactly {code, message} with a non-empty message.
func fieldErrors(t *testing.T, e errShape) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, raw := range e.Data {
		var fe map[string]string
		if err := json.Unmarshal(raw, &fe); err != nil || len(fe) != 2 || fe["code"] == "" || fe["message"] == "" {
			t.Fatalf("data.%s = %s, want {code, message}", k, raw)
		}
		out[k] = fe["code"]
	}
	return out
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
		{"required", "POST", things, "", map[string]any{"site": "https://a.io"}, "name", "validation_required", "Missing required value."},
		{"url without scheme", "POST", things, "", map[string]any{"name": "x", "site": "example.com"}, "site", "validation_invalid_url", "Must be a valid url."},
		{"url not http", "POST", things, "", map[string]any{"name": "x", "site": "ftp://example.com/f"}, "site", "validation_invalid_url", ""},
		{"url ok", "POST", things, "", map[string]any{"name": "x", "site": "https://example.com/a?b=1"}, "", "", ""},
		{"date before min", "POST", things, "", map[string]any{"name": "x", "when": "2023-12-31 23:59:59.999Z"}, "when", "validation_min_greater_equal_than_required", "Must be no less than 2024-01-01 00:00:00.000Z."},
		{"date after max", "PATCH", things + "/" + id, "", map[string]any{"when": "2031-01-01"}, "when", "validation_max_less_equal_than_required", "Must be no greater than 2030-12-31 23:59:59.999Z."},
		{"date at min", "POST", things, "", map[string]any{"name": "x", "when": "2024-01-01 00:00:00.000Z"}, "", "", ""},
		{"date at max", "PATCH", things + "/" + id, "", map[string]any{"when": "2030-12-31 23:59:59.999Z"}, "", "", ""},
		{"longitude", "POST", things, "", map[string]any{"name": "x", "where": map[string]any{"lon": 180.5, "lat": 0}}, "where", "validation_invalid_longitude", ""},
		{"latitude", "POST", things, "", map[string]any{"name": "x", "where": map[string]any{"lon": 0, "lat": -90.01}}, "where", "validation_invalid_latitude", ""},
		{"both: longitude first", "PATCH", things + "/" + id, "", map[string]any{"where": map[string]any{"lon": -999, "lat": 999}}, "where", "validation_invalid_longitude", ""},
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
