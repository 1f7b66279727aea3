package api_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/backup"
	"github.com/galleyhq/galley/internal/files/s3test"
	"github.com/galleyhq/galley/internal/store/storetest"
	"github.com/galleyhq/galley/internal/testserver"
)

// backupServer is a test server with its local backups directory.
func backupServer(t *testing.T) *testserver.Server {
	t.Helper()
	s := testserver.New(t)
	if err := s.App.SetBackupStorage(filepath.Join(s.FilesDir, "backups"), "v1.0.0-test", backup.Limits{}, 0); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBackupsAPI: the backups routes as the pocketbase SDK calls them —
// superusers only (401 guests, 403 other auth records), names checked
// (400 naming the field for "../", slashes, capitals, other extensions),
// create → list → download with a superuser's file token → restore (the
// data as it was at the backup) → upload (checked first: garbage is a 400
// naming file) → delete.
func TestBackupsAPI(t *testing.T) {
	for _, where := range []string{"local", "s3"} {
		t.Run(where, func(t *testing.T) {
			s := backupServer(t)
			if where == "s3" {
				cfg := s3test.Start(t)
				s.Super("PATCH", "/api/settings", map[string]any{"backups": map[string]any{"s3": map[string]any{"enabled": true,
					"bucket": cfg.Bucket, "region": cfg.Region, "endpoint": cfg.Endpoint, "accessKey": cfg.AccessKey,
					"secret": cfg.Secret, "forcePathStyle": true}}}).Status(200)
				s.Super("POST", "/api/settings/test/s3", map[string]any{"filesystem": "backups"}).Status(204)
			} else {
				s.Super("POST", "/api/settings/test/s3", map[string]any{"filesystem": "backups"}).Status(400)
			}
			testBackupsAPI(t, s)
		})
	}
}

func testBackupsAPI(t *testing.T, s *testserver.Server) {
	s.Users(map[string]any{"createRule": "", "listRule": "id = @request.auth.id"}).Status(200)
	_, utok := signUp(t, s, "u@example.com", "Passw0rd!x")
	s.Super("POST", "/api/collections", map[string]any{"name": "notes", "listRule": "", "createRule": "",
		"fields": []map[string]any{{"name": "text", "type": "text"}}}).Status(200)
	s.Do("POST", "/api/collections/notes/records", "", map[string]any{"text": "before"}).Status(200)

	for _, c := range []struct{ method, url string }{
		{"GET", "/api/backups"}, {"POST", "/api/backups"}, {"POST", "/api/backups/upload"},
		{"DELETE", "/api/backups/b1.zip"}, {"POST", "/api/backups/b1.zip/restore"},
	} {
		s.Do(c.method, c.url, "", map[string]any{}).Status(401)
		s.Do(c.method, c.url, utok, map[string]any{}).Status(403)
	}
	// PocketBase's codes and messages.
	for _, bad := range []string{"../b1.zip", "a/b.zip", "B1.zip", "b1.txt", "b1", ".zip", "b 1.zip", ".."} {
		res := s.Super("POST", "/api/backups", map[string]any{"name": bad}).Status(400)
		if res.FieldCode("name") != "validation_match_invalid" || !strings.Contains(string(res.Body), `"message":"Must be in a valid format."`) {
			t.Fatalf("name %q: %s", bad, res.Body)
		}
	}
	s.Super("POST", "/api/backups", map[string]any{"name": strings.Repeat("a", 200) + ".zip"}).Status(400).
		Contains(`"name":{"code":"validation_length_out_of_range","message":"The length must be between 1 and 150.","params":{"max":150,"min":1}}`)
	s.Super("POST", "/api/backups", map[string]any{"name": 5}).Status(400).Contains(`"message":"An error occurred while loading the submitted data."`)
	s.Super("POST", "/api/backups", map[string]any{"name": "b1.zip"}).Status(204)
	if res := s.Super("POST", "/api/backups", map[string]any{"name": "b1.zip"}).Status(400); res.FieldCode("name") == "" {
		t.Fatalf("a name in use: %s", res.Body)
	}
	var list []map[string]any
	if err := json.Unmarshal(s.Super("GET", "/api/backups", nil).Status(200).Body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0]["key"] != "b1.zip" || list[0]["size"].(float64) <= 0 || len(list[0]["modified"].(string)) != len("2006-01-02 15:04:05.000Z") {
		t.Fatalf("GET /api/backups = %v", list)
	}

	// Download: a superuser's file token, nothing else.
	s.Do("GET", "/api/backups/b1.zip", "", nil).Status(403)
	utoken := s.Do("POST", "/api/files/token", utok, nil).Status(200).JSON()["token"].(string)
	s.Do("GET", "/api/backups/b1.zip?token="+utoken, "", nil).Status(403)
	s.Do("GET", "/api/backups/b1.zip?token="+s.SuperToken, "", nil).Status(403) // an auth token is not a file token
	ftoken := s.Super("POST", "/api/files/token", nil).Status(200).JSON()["token"].(string)
	dl := s.Do("GET", "/api/backups/b1.zip?token="+ftoken, "", nil).Status(200)
	if dl.Header.Get("Content-Type") != "application/zip" || len(dl.Body) != int(list[0]["size"].(float64)) {
		t.Fatalf("download: %v, %d bytes", dl.Header, len(dl.Body))
	}
	s.Do("GET", "/api/backups/nope.zip?token="+ftoken, "", nil).Status(404).Contains(`"message":"The requested resource wasn't found."`)
	s.Do("GET", "/api/backups/..%2f..%2fdata.db?token="+ftoken, "", nil).Status(404)

	// Restore: what was written after the backup is gone.
	s.Do("POST", "/api/collections/notes/records", "", map[string]any{"text": "after"}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "later", "fields": []map[string]any{{"name": "x", "type": "text"}}}).Status(200)
	s.Super("POST", "/api/backups/nope.zip/restore", nil).Status(400).Contains(`"message":"Missing or invalid backup file."`)
	s.Super("POST", "/api/backups/..%2fdata.db/restore", nil).Status(400).Contains(`"message":"Missing or invalid backup file."`)
	s.Super("POST", "/api/backups/b1.zip/restore", nil).Status(204)
	items := s.Do("GET", "/api/collections/notes/records", "", nil).Status(200).JSON()["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["text"] != "before" {
		t.Fatalf("notes after restore: %v", items)
	}
	s.Super("GET", "/api/collections/later", nil).Status(404)

	// Upload: checked before it is kept.
	s.Multipart("POST", "/api/backups/upload", s.SuperToken, testserver.Part{Name: "file", File: "up.zip", Data: dl.Body}).Status(204)
	// Not a zip: PocketBase's MIME type error; a broken zip: why.
	s.Multipart("POST", "/api/backups/upload", s.SuperToken, testserver.Part{Name: "file", File: "bad.zip", Data: []byte("not a zip")}).Status(400).
		Contains(`"message":"An error occurred while validating the submitted data."`,
			`"file":{"code":"validation_invalid_mime_type","message":"\"bad.zip\" mime type must be one of: application/zip."}`)
	res := s.Multipart("POST", "/api/backups/upload", s.SuperToken, testserver.Part{Name: "file", File: "cut.zip", Data: dl.Body[:len(dl.Body)/2]}).Status(400)
	if res.FieldCode("file") != "validation_invalid_backup" || res.JSON()["message"] != "An error occurred while validating the submitted data." {
		t.Fatalf("broken zip upload: %s", res.Body)
	}
	res = s.Multipart("POST", "/api/backups/upload", s.SuperToken, testserver.Part{Name: "file", File: "Bad Name.zip", Data: dl.Body}).Status(400)
	if res.FieldCode("file") != "validation_match_invalid" {
		t.Fatalf("bad upload name: %s", res.Body)
	}
	s.Multipart("POST", "/api/backups/upload", s.SuperToken, testserver.Part{Name: "other", Value: "x"}).Status(400).
		Contains(`"file":{"code":"validation_required","message":"Cannot be blank."}`)
	s.Super("POST", "/api/backups/upload", map[string]any{}).Status(400).Contains(`"file":{"code":"validation_required","message":"Cannot be blank."}`)
	keys := map[string]bool{}
	if err := json.Unmarshal(s.Super("GET", "/api/backups", nil).Status(200).Body, &list); err != nil {
		t.Fatal(err)
	}
	for _, b := range list {
		keys[b["key"].(string)] = true
	}
	if len(keys) != 2 || !keys["b1.zip"] || !keys["up.zip"] {
		t.Fatalf("after uploads: %v", list)
	}

	s.Super("DELETE", "/api/backups/up.zip", nil).Status(204)
	s.Super("DELETE", "/api/backups/up.zip", nil).Status(400).Contains(`"message":"Invalid or already deleted backup file."`)
	s.Super("DELETE", "/api/backups/..%2fdata.db", nil).Status(400).Contains(`"message":"Invalid or already deleted backup file."`)
}

// TestBackupRestoreCluster (PostgreSQL): a restore on one node is seen by
// another (its schema and data reload after the change notice), and while
// one node holds the backups lock the other's restore is refused.
func TestBackupRestoreCluster(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("needs GALLEY_TEST_POSTGRES")
	}
	opts := storetest.Options(t)
	shared := t.TempDir() // the backups directory both nodes see
	nodes := make([]*testserver.Server, 2)
	for i := range nodes {
		nodes[i] = testserver.NewOn(t, opts, api.Config{})
		if err := nodes[i].App.SetBackupStorage(shared, "v1.0.0-test", backup.Limits{}, 0); err != nil {
			t.Fatal(err)
		}
	}
	a, b := nodes[0], nodes[1]
	a.Super("POST", "/api/collections", map[string]any{"name": "notes", "listRule": "", "createRule": "",
		"fields": []map[string]any{{"name": "text", "type": "text"}}}).Status(200)
	a.Do("POST", "/api/collections/notes/records", "", map[string]any{"text": "before"}).Status(200)
	a.Super("POST", "/api/backups", map[string]any{"name": "c1.zip"}).Status(204)
	a.Super("POST", "/api/collections", map[string]any{"name": "later", "listRule": "", "fields": []map[string]any{{"name": "x", "type": "text"}}}).Status(200)
	a.Do("POST", "/api/collections/notes/records", "", map[string]any{"text": "after"}).Status(200)
	waitUntil(t, func() bool { return b.Do("GET", "/api/collections/later/records", "", nil).Code == 200 })

	release, ok, err := a.DB.TryLock(context.Background(), "backups") // as if node a were restoring
	if err != nil || !ok {
		t.Fatalf("TryLock: %v %v", ok, err)
	}
	if res := b.Super("POST", "/api/backups/c1.zip/restore", nil).Status(400); !strings.Contains(string(res.Body), "Another node") {
		t.Fatalf("restore while another node holds the lock: %s", res.Body)
	}
	release()

	b.Super("POST", "/api/backups/c1.zip/restore", nil).Status(204)
	waitUntil(t, func() bool { return a.Do("GET", "/api/collections/later/records", "", nil).Code == 404 })
	items := a.Do("GET", "/api/collections/notes/records", "", nil).Status(200).JSON()["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("node a after node b's restore: %v", items)
	}
}

// waitUntil polls cond for up to 15 s.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for range 300 {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("condition not met within 15 s")
}
