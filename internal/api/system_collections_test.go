package api_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/testserver"
)

// TestFreshDataCollections: a new database lists PocketBase's system
// collections and the default users collection, with their fields and
// rules, through the collections API.
func TestFreshDataCollections(t *testing.T) {
	s := testserver.New(t)
	byName := map[string]map[string]any{}
	for _, it := range s.Super("GET", "/api/collections?perPage=100", nil).Status(200).JSON()["items"].([]any) {
		c := it.(map[string]any)
		byName[c["name"].(string)] = c
	}
	own := `@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId`
	for _, name := range []string{"_mfas", "_otps", "_externalAuths", "_authOrigins", "_superusers"} {
		c := byName[name]
		if c == nil || c["system"] != true {
			t.Fatalf("%s: %v", name, c)
		}
		if idx, ok := c["indexes"].([]any); !ok || len(idx) == 0 {
			t.Errorf("%s indexes %v", name, c["indexes"])
		}
	}
	for _, name := range []string{"_mfas", "_otps", "_authOrigins"} {
		c := byName[name]
		if c["type"] != "base" || c["listRule"] != own || c["viewRule"] != own || c["createRule"] != nil || c["updateRule"] != nil {
			t.Errorf("%s rules: %v", name, c)
		}
	}
	if byName["_authOrigins"]["deleteRule"] != own || byName["_mfas"]["deleteRule"] != nil || byName["_otps"]["deleteRule"] != nil {
		t.Error("deleteRule: only _authOrigins (and _externalAuths) let a record delete its own rows")
	}
	u := byName["users"]
	if u == nil || u["id"] != "_pb_users_auth_" || u["system"] != false || u["type"] != "auth" {
		t.Fatalf("users: %v", u)
	}
	for k, want := range map[string]any{"listRule": "id = @request.auth.id", "viewRule": "id = @request.auth.id", "createRule": "",
		"updateRule": "id = @request.auth.id", "deleteRule": "id = @request.auth.id"} {
		if u[k] != want {
			t.Errorf("users %s = %v, want %q", k, u[k], want)
		}
	}
	fields := map[string]map[string]any{}
	var names []string
	for _, f := range u["fields"].([]any) {
		m := f.(map[string]any)
		fields[m["name"].(string)] = m
		names = append(names, m["name"].(string))
	}
	if !slices.Equal(names, []string{"id", "password", "tokenKey", "email", "emailVisibility", "verified", "name", "avatar", "created", "updated"}) {
		t.Errorf("users fields %v", names)
	}
	if a := fields["avatar"]; a["type"] != "file" || a["maxSelect"] != 1.0 || len(a["mimeTypes"].([]any)) != 5 {
		t.Errorf("avatar %v", a)
	}
	if fields["name"]["type"] != "text" || fields["created"]["type"] != "autodate" || fields["updated"]["onUpdate"] != true {
		t.Errorf("name/created/updated %v %v %v", fields["name"], fields["created"], fields["updated"])
	}
	if idx := u["indexes"].([]any); len(idx) != 2 || idx[1] != "CREATE UNIQUE INDEX `idx_email__pb_users_auth_` ON `users` (`email` COLLATE NOCASE) WHERE `email` != ''" {
		t.Errorf("users indexes %v", idx)
	}

	// The default users collection works as PocketBase's: anyone signs up,
	// each user sees only itself.
	a := s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": "a@example.com", "password": "password-1", "passwordConfirm": "password-1", "name": "Ann"}).Status(200).JSON()
	s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": "b@example.com", "password": "password-2", "passwordConfirm": "password-2"}).Status(200)
	tok := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(200).JSON()["token"].(string)
	if ids := s.Do("GET", "/api/collections/users/records", tok, nil).Status(200).Items(); !slices.Equal(ids, []string{a["id"].(string)}) {
		t.Errorf("a user lists %v, want only itself", ids)
	}
	s.Do("GET", "/api/collections/users/records", "", nil).Status(200).Contains(`"totalItems":0`)
	// It is not a system collection: it can be deleted.
	s.Super("DELETE", "/api/collections/_otps", nil).Status(400)
	s.Super("DELETE", "/api/collections/users", nil).Status(204)
}

// TestAuthSystemCollectionRecords: the rows of _otps, _mfas and
// _authOrigins are records each auth record lists (its own only) and, for
// _authOrigins, deletes; superusers see them all; hidden fields stay hidden.
func TestAuthSystemCollectionRecords(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	s.Super("PATCH", "/api/collections/users", map[string]any{"authAlert": map[string]any{"enabled": true}}).Status(200)
	aID, aTok := signUp(t, s, "a@example.com", "password-1") // log-ins record the device
	_, bTok := signUp(t, s, "b@example.com", "password-2")
	s.Super("PATCH", "/api/collections/users", map[string]any{"otp": map[string]any{"enabled": true}, "mfa": map[string]any{"enabled": true}}).Status(200)
	// a's first factor: an MFA session; an OTP for a.
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(401).Contains("mfaId")
	s.Do("POST", "/api/collections/users/request-otp", "", map[string]any{"email": "a@example.com"}).Status(200)
	ms.WaitFor(t, "a@example.com", 5*time.Second)

	for _, c := range []string{"_mfas", "_otps", "_authOrigins"} {
		url := "/api/collections/" + c + "/records"
		mine := s.Do("GET", url, aTok, nil).Status(200).JSON()["items"].([]any)
		if len(mine) == 0 {
			t.Errorf("%s: a sees none of its rows", c)
		}
		for _, it := range mine {
			if it.(map[string]any)["recordRef"] != aID {
				t.Errorf("%s: a sees %v", c, it)
			}
		}
		for _, it := range s.Do("GET", url, bTok, nil).Status(200).JSON()["items"].([]any) {
			if it.(map[string]any)["recordRef"] == aID {
				t.Errorf("%s: b sees a's row %v", c, it)
			}
		}
		s.Do("GET", url, "", nil).Status(200).Contains(`"totalItems":0`)
		all := s.Super("GET", url, nil).Status(200)
		if c == "_otps" {
			// sentTo is hidden (superusers see hidden fields), the code's hash never answered.
			if own := s.Do("GET", url, aTok, nil).Body; strings.Contains(string(own), `"sentTo"`) || strings.Contains(string(own), `"password"`) {
				t.Errorf("_otps hidden fields answered to the owner: %s", own)
			}
			if strings.Contains(string(all.Body), `"password"`) || !strings.Contains(string(all.Body), `"sentTo":"a@example.com"`) {
				t.Errorf("_otps as a superuser: %s", all.Body)
			}
		}
		s.Do("POST", url, aTok, map[string]any{"collectionRef": "x", "recordRef": aID}).Status(403)
	}
	// A record forgets one of its devices; it cannot touch another's.
	dev := s.Do("GET", "/api/collections/_authOrigins/records", aTok, nil).Status(200).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	s.Do("DELETE", "/api/collections/_authOrigins/records/"+dev, bTok, nil).Status(404)
	s.Do("DELETE", "/api/collections/_authOrigins/records/"+dev, aTok, nil).Status(204)
	mfa := s.Do("GET", "/api/collections/_mfas/records", aTok, nil).Status(200).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	s.Do("DELETE", "/api/collections/_mfas/records/"+mfa, aTok, nil).Status(403)
}
