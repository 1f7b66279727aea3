package api_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/testserver"
)

func TestSuperuserAuth(t *testing.T) {
	s := testserver.New(t)
	url := "/api/collections/_superusers/auth-with-password"
	wrong := s.Do("POST", url, "", map[string]any{"identity": testserver.SuperuserEmail, "password": "wrong-password"}).Status(400)
	unknown := s.Do("POST", url, "", map[string]any{"identity": "nobody@example.com", "password": "wrong-password"}).Status(400)
	if string(wrong.Body) != string(unknown.Body) || !strings.Contains(string(wrong.Body), "Failed to authenticate.") {
		t.Fatalf("wrong password and unknown identity differ: %s vs %s", wrong.Body, unknown.Body)
	}
	if r := s.Do("POST", url, "", map[string]any{"identity": "", "password": ""}).Status(400); r.FieldCode("identity") != "validation_required" {
		t.Fatalf("blank identity: %s", r.Body)
	}
	s.Do("POST", url, "", `{"identity":"a","identity":"b","password":"x"}`).Status(400)
	// Email identity is case-insensitive.
	res := s.Do("POST", url, "", map[string]any{"identity": strings.ToUpper(testserver.SuperuserEmail), "password": testserver.SuperuserPassword}).Status(200)
	token := res.JSON()["token"].(string)
	if strings.Contains(string(res.Body), "password") || strings.Contains(string(res.Body), "tokenKey") {
		t.Fatalf("secret fields in auth response: %s", res.Body)
	}
	// Bearer prefix accepted; refresh issues a working token.
	s.Do("GET", "/api/collections/_superusers/records", "Bearer "+token, nil).Status(200)
	refreshed := s.Do("POST", "/api/collections/_superusers/auth-refresh", token, nil).Status(200).JSON()["token"].(string)
	s.Do("GET", "/api/collections/_superusers/records", refreshed, nil).Status(200)
	s.Do("POST", "/api/collections/_superusers/auth-refresh", "", nil).Status(401)
	// A tampered or alg:none token is a guest: 403 on a superuser-only list... and 401 where auth is required.
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + strings.Split(token, ".")[1] + "."
	s.Do("POST", "/api/collections/_superusers/auth-refresh", none, nil).Status(401)
	s.Do("POST", "/api/collections/_superusers/auth-refresh", token+"x", nil).Status(401)
	// A password change kills every older token.
	me := s.Do("GET", "/api/collections/_superusers/records?filter="+q(`email = "`+testserver.SuperuserEmail+`"`), token, nil).Status(200).Items()[0]
	s.Do("PATCH", "/api/collections/_superusers/records/"+me, token, map[string]any{"password": "N3w-password!", "passwordConfirm": "N3w-password!"}).Status(200)
	s.Do("POST", "/api/collections/_superusers/auth-refresh", token, nil).Status(401)
	s.Do("POST", "/api/collections/_superusers/auth-refresh", refreshed, nil).Status(401)
	s.Do("POST", url, "", map[string]any{"identity": testserver.SuperuserEmail, "password": "N3w-password!"}).Status(200)
	// Passwords over 72 bytes are refused, not truncated.
	long := strings.Repeat("p", 73)
	if r := s.Do("PATCH", "/api/collections/_superusers/records/"+me, s.Do("POST", url, "", map[string]any{"identity": testserver.SuperuserEmail, "password": "N3w-password!"}).JSON()["token"].(string),
		map[string]any{"password": long, "passwordConfirm": long}).Status(400); r.FieldCode("password") == "" {
		t.Fatalf("long password: %s", r.Body)
	}
	s.Do("POST", url, "", map[string]any{"identity": testserver.SuperuserEmail, "password": long}).Status(400)
}

func TestCollectionsAPIRequiresSuperuser(t *testing.T) {
	s := testserver.New(t)
	s.Do("GET", "/api/collections/_superusers/records", "", nil).Status(403)
}

func TestInstallFirstSuperuser(t *testing.T) {
	s := testserver.New(t)
	only := s.Super("GET", "/api/collections/_superusers/records", nil).Items()[0]
	s.Super("DELETE", "/api/collections/_superusers/records/"+only, nil).Status(400).Contains("last superuser")
	if _, err := s.DB.Exec(context.Background(), `DELETE FROM "_superusers"`); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"token": "right-token", "email": "first@example.com", "password": "first-password"}
	s.Do("POST", "/api/install", "", body).Status(403) // no token configured
	s.API.SetInstallToken("right-token")
	s.Do("POST", "/api/install", "", map[string]any{"token": "wrong", "email": "first@example.com", "password": "first-password"}).Status(403)
	s.Do("POST", "/api/install", "", body).Status(200).Contains(`"token"`)
	s.Do("POST", "/api/install", "", body).Status(403) // single use
}
