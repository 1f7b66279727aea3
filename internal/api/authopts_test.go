package api_test

import (
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

func TestAuthCollectionOptions(t *testing.T) {
	s := testserver.New(t)
	res := s.Users(map[string]any{"name": "users", "type": "auth",
		"fields": []map[string]any{{"name": "name", "type": "text"}},
		"otp":    map[string]any{"enabled": true, "length": 6}}).Status(200)
	res.Contains(`"passwordAuth":{"enabled":true,"identityFields":["email"]}`, `"otp":{"enabled":true,"duration":180,"length":6`, `"authToken":{"duration":432000}`)
	if strings.Contains(string(res.Body), "secret") {
		t.Fatalf("secrets in the collection JSON: %s", res.Body)
	}
	before := s.DB.Schema.Collection("users").Auth.AuthToken.Secret
	s.Super("PATCH", "/api/collections/users", map[string]any{"authToken": map[string]any{"duration": 3600}}).Status(200).Contains(`"authToken":{"duration":3600}`)
	if after := s.DB.Schema.Collection("users").Auth.AuthToken.Secret; after != before || after == "" {
		t.Fatal("a PATCH without a secret changed or cleared the token secret")
	}
	for body, key := range map[string]string{
		`{"authToken":{"duration":1}}`:                        "authToken.duration",
		`{"authToken":{"secret":"short"}}`:                    "authToken.secret",
		`{"otp":{"length":99}}`:                               "otp.length",
		`{"otp":{"lenght":6}}`:                                "otp",
		`{"passwordAuth":{"identityFields":["nope"]}}`:        "passwordAuth.identityFields",
		`{"oauth2":{"mappedFields":{"avatarURL":"missing"}}}`: "oauth2.mappedFields.avatarURL",
		`{"mfa":"yes"}`:                                       "mfa",
	} {
		// Errors are nested as PocketBase nests them (data.otp.length).
		if r := s.Super("PATCH", "/api/collections/users", body).Status(400); nestedCode(r.JSON()["data"], key) == "" {
			t.Errorf("%s: no error on %s: %s", body, key, r.Body)
		}
	}
	// PocketBase's codes; a disabled MFA or OTP is not checked, as in PocketBase.
	for body, want := range map[string]string{
		`{"authToken":{"duration":0}}`:                          "authToken.duration=validation_required",
		`{"authToken":{"duration":99999999999}}`:                "authToken.duration=validation_max_less_equal_than_required",
		`{"authToken":{"secret":"short"}}`:                      "authToken.secret=validation_length_out_of_range",
		`{"mfa":{"enabled":true,"duration":5}}`:                 "mfa.duration=validation_min_greater_equal_than_required",
		`{"passwordAuth":{"enabled":true,"identityFields":[]}}`: "passwordAuth.identityFields=validation_required",
		`{"passwordAuth":{"identityFields":["nope"]}}`:          "passwordAuth.identityFields=validation_missing_field",
	} {
		key, code, _ := strings.Cut(want, "=")
		if r := s.Super("PATCH", "/api/collections/users", body).Status(400); nestedCode(r.JSON()["data"], key) != code {
			t.Errorf("%s: want %s: %s", body, want, r.Body)
		}
	}
	s.Super("PATCH", "/api/collections/users", `{"mfa":{"enabled":false,"duration":-1}}`).Status(200)
	// Base collections refuse auth options.
	s.Super("POST", "/api/collections", map[string]any{"name": "plain", "otp": map[string]any{"enabled": true}}).Status(400).Contains("otp")
}

// nestedCode returns the code of the error at the dotted path key of data
// ("otp.length" is data.otp.length), "" when there is none.
func nestedCode(data any, key string) string {
	for _, k := range strings.Split(key, ".") {
		m, _ := data.(map[string]any)
		data = m[k]
	}
	m, _ := data.(map[string]any)
	code, _ := m["code"].(string)
	return code
}
