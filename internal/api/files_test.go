package api_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/files/s3test"
	"github.com/galleyhq/galley/internal/testserver"
)

type P = testserver.Part

// fileCollection creates "docs": title, doc (one file, 1 KiB, any type),
// docs (up to 3 files), image (PNG/JPEG only, thumbs 50x50 and 100x0),
// secret (protected) and owner (relation to users); and "users", an auth
// collection. List and view rules let anyone read docs whose title is
// not "hidden"; create is open; update and delete need the owner.
func fileCollection(t *testing.T, s *testserver.Server) {
	t.Helper()
	s.Users(map[string]any{"name": "users", "type": "auth",
		"listRule": "", "viewRule": "", "createRule": "", "fields": []map[string]any{}}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{
		"name": "docs", "type": "base",
		"listRule": `title != "hidden"`, "viewRule": `title != "hidden"`, "createRule": "",
		"updateRule": `owner = @request.auth.id`, "deleteRule": `owner = @request.auth.id`,
		"fields": []map[string]any{
			{"name": "title", "type": "text"},
			{"name": "doc", "type": "file", "maxSize": 1024},
			{"name": "docs", "type": "file", "maxSelect": 3, "maxSize": 1 << 20},
			{"name": "image", "type": "file", "mimeTypes": []string{"image/png", "image/jpeg"}, "thumbs": []string{"50x50", "100x0"}},
			{"name": "secret", "type": "file", "protected": true},
			{"name": "views", "type": "number"},
			{"name": "owner", "type": "relation", "collectionId": "users", "maxSelect": 1},
		},
	}).Status(200)
}

func newUser(t *testing.T, s *testserver.Server, email string) (id, token string) {
	t.Helper()
	rec := s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": email, "password": "Passw0rd!x", "passwordConfirm": "Passw0rd!x"}).Status(200).JSON()
	res := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": email, "password": "Passw0rd!x"}).Status(200).JSON()
	return rec["id"].(string), res["token"].(string)
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{255, 0, 0, 255}
			if y >= h/2 {
				c = color.RGBA{0, 0, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// onStorages runs a file test on a server with local storage, then on one
// whose settings put files in a real S3 server (versitygw, started for
// the test).
func onStorages(t *testing.T, test func(*testing.T, *testserver.Server, func(*testing.T, *testserver.Server) []string)) {
	t.Run("local", func(t *testing.T) { test(t, testserver.New(t), localFiles) })
	t.Run("s3", func(t *testing.T) {
		cfg := s3test.Start(t)
		s := testserver.New(t)
		s.Super("PATCH", "/api/settings", map[string]any{"s3": map[string]any{"enabled": true, "bucket": cfg.Bucket, "region": cfg.Region,
			"endpoint": cfg.Endpoint, "accessKey": cfg.AccessKey, "secret": cfg.Secret, "forcePathStyle": true}}).Status(200)
		s.Super("POST", "/api/settings/test/s3", map[string]any{"filesystem": "storage"}).Status(204)
		st, err := files.NewS3(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		test(t, s, func(t *testing.T, _ *testserver.Server) []string {
			t.Helper()
			var out []string
			if err := st.List(context.Background(), "", func(a files.Attrs) error { out = append(out, a.Key); return nil }); err != nil {
				t.Fatal(err)
			}
			return out
		})
	})
}

// localFiles lists the files under the test server's local storage
// (without its temporary directory), as "<collectionId>/<recordId>/<name>".
func localFiles(t *testing.T, s *testserver.Server) []string {
	t.Helper()
	root := filepath.Join(s.FilesDir, "storage")
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) { // removed while walked (deletes run after commit)
			return nil
		}
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// spoolEmpty fails the test when an upload's temporary file is left.
func spoolEmpty(t *testing.T, s *testserver.Server) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(s.FilesDir, "uploads"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 0 {
		t.Fatalf("upload spool holds %d files after the request", len(ents))
	}
}

// eventually polls cond (files are deleted after the commit, in the
// background) for a bounded time.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if cond() {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%s: not reached", what)
}

var storedName = regexp.MustCompile(`^hello_world_[a-z0-9]{10}\.txt$`)

func TestFileCreateServeUpdateDelete(t *testing.T) { onStorages(t, testFileCreateServeUpdateDelete) }

func testFileCreateServeUpdateDelete(t *testing.T, s *testserver.Server, storedFiles func(*testing.T, *testserver.Server) []string) {
	fileCollection(t, s)
	uid, utok := newUser(t, s, "u@example.com")

	rec := s.Multipart("POST", "/api/collections/docs/records", "",
		P{Name: "title", Value: "first"}, P{Name: "owner", Value: uid}, P{Name: "views", Value: "7"},
		P{Name: "doc", File: "Hello World.txt", Data: []byte("hello, world\n")},
		P{Name: "docs", File: "a.txt", Data: []byte("A")}, P{Name: "docs", File: "b.txt", Data: []byte("B")},
	).Status(200).JSON()
	spoolEmpty(t, s)
	id := rec["id"].(string)
	doc := rec["doc"].(string)
	if !storedName.MatchString(doc) {
		t.Fatalf("stored name %q does not match %s", doc, storedName)
	}
	if rec["views"].(float64) != 7 {
		t.Fatalf("views = %v, want 7 (a form value is coerced as in JSON)", rec["views"])
	}
	docs := rec["docs"].([]any)
	if len(docs) != 2 {
		t.Fatalf("docs = %v", docs)
	}

	url := fmt.Sprintf("/api/files/docs/%s/%s", id, doc)
	res := s.Do("GET", url, "", nil).Status(200)
	if string(res.Body) != "hello, world\n" {
		t.Fatalf("body %q", res.Body)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Content-Disposition":     "attachment",
		"Content-Type":            "text/plain",
		"Content-Security-Policy": "sandbox",
		"Cache-Control":           "max-age",
	} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, res.Header.Get(h), want)
		}
	}
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	s.DoWith("GET", url, "", nil, map[string]string{"If-None-Match": etag}).Status(304)
	r := s.DoWith("GET", url, "", nil, map[string]string{"Range": "bytes=0-4"}).Status(206)
	if string(r.Body) != "hello" {
		t.Fatalf("range body %q", r.Body)
	}
	h := s.Do("HEAD", url, "", nil).Status(200)
	if len(h.Body) != 0 || h.Header.Get("Content-Length") != "13" {
		t.Fatalf("HEAD: body %d bytes, Content-Length %q", len(h.Body), h.Header.Get("Content-Length"))
	}
	if d := s.Do("GET", url+"?download=1", "", nil).Status(200); !strings.HasPrefix(d.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %q", d.Header.Get("Content-Disposition"))
	}
	// fields= and expand carry file names like any value.
	p := s.Do("GET", "/api/collections/docs/records/"+id+"?fields=doc", "", nil).Status(200).JSON()
	if p["doc"] != doc || len(p) != 1 {
		t.Fatalf("fields=doc: %v", p)
	}

	// Append, then remove by name: the removed file leaves the storage.
	upd := s.Multipart("PATCH", "/api/collections/docs/records/"+id, utok, P{Name: "docs+", File: "c.txt", Data: []byte("C")}).Status(200).JSON()
	if n := len(upd["docs"].([]any)); n != 3 {
		t.Fatalf("after docs+: %d files", n)
	}
	first := docs[0].(string)
	upd = s.Do("PATCH", "/api/collections/docs/records/"+id, utok, map[string]any{"docs-": []string{first}}).Status(200).JSON()
	if n := len(upd["docs"].([]any)); n != 2 {
		t.Fatalf("after docs-: %d files", n)
	}
	s.Do("GET", fmt.Sprintf("/api/files/docs/%s/%s", id, first), "", nil).Status(404)
	eventually(t, "removed file deleted from storage", func() bool {
		for _, f := range storedFiles(t, s) {
			if strings.HasSuffix(f, "/"+first) {
				return false
			}
		}
		return true
	})
	// A fourth file is one too many.
	tooMany := s.Multipart("PATCH", "/api/collections/docs/records/"+id, utok,
		P{Name: "docs+", File: "d.txt", Data: []byte("D")}, P{Name: "docs+", File: "e.txt", Data: []byte("E")}).Status(400)
	if tooMany.FieldCode("docs") != "validation_too_many_files" {
		t.Fatalf("too many files: %s", tooMany.Body)
	}
	spoolEmpty(t, s)

	// A new upload to a single field replaces the old file, which goes.
	upd = s.Multipart("PATCH", "/api/collections/docs/records/"+id, utok, P{Name: "doc", File: "new.txt", Data: []byte("new")}).Status(200).JSON()
	if upd["doc"] == doc || !strings.HasPrefix(upd["doc"].(string), "new_") {
		t.Fatalf("doc after replace = %v", upd["doc"])
	}
	s.Do("GET", url, "", nil).Status(404)
	// null clears.
	upd = s.Do("PATCH", "/api/collections/docs/records/"+id, utok, map[string]any{"docs": nil}).Status(200).JSON()
	if n := len(upd["docs"].([]any)); n != 0 {
		t.Fatalf("after docs: null: %d files", n)
	}
	// Naming a file the record does not have is refused (a JSON body
	// cannot point a record at a file it did not upload).
	bad := s.Do("PATCH", "/api/collections/docs/records/"+id, utok, map[string]any{"doc": "other_0123456789.txt"}).Status(400)
	if bad.FieldCode("doc") != "validation_invalid_file" {
		t.Fatalf("unknown file name: %s", bad.Body)
	}

	// Deleting the record deletes its files.
	s.Do("DELETE", "/api/collections/docs/records/"+id, utok, nil).Status(204)
	eventually(t, "record files deleted", func() bool {
		for _, f := range storedFiles(t, s) {
			if strings.Contains(f, "/"+id+"/") {
				return false
			}
		}
		return true
	})
}

func TestFileValidationStoresNothing(t *testing.T) { onStorages(t, testFileValidationStoresNothing) }

func testFileValidationStoresNothing(t *testing.T, s *testserver.Server, storedFiles func(*testing.T, *testserver.Server) []string) {
	fileCollection(t, s)
	cases := []struct {
		name  string
		parts []P
		field string
		code  string
	}{
		{"too large", []P{{Name: "doc", File: "big.txt", Data: bytes.Repeat([]byte("x"), 1025)}}, "doc", "validation_file_size_limit"},
		{"html named .png", []P{{Name: "image", File: "x.png", Data: []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")}}, "image", "validation_invalid_mime_type"},
		{"too many", []P{{Name: "docs", File: "1.txt", Data: []byte("1")}, {Name: "docs", File: "2.txt", Data: []byte("2")},
			{Name: "docs", File: "3.txt", Data: []byte("3")}, {Name: "docs", File: "4.txt", Data: []byte("4")}}, "docs", "validation_too_many_files"},
		{"two files for a single field", []P{{Name: "doc", File: "1.txt", Data: []byte("1")}, {Name: "doc", File: "2.txt", Data: []byte("2")}}, "doc", "validation_too_many_files"},
		{"file for a text field", []P{{Name: "title", File: "t.txt", Data: []byte("t")}}, "title", "validation_invalid_value"},
		{"file with the - modifier", []P{{Name: "docs-", File: "t.txt", Data: []byte("t")}}, "docs-", "validation_invalid_modifier"},
		{"bad @jsonPayload", []P{{Name: "@jsonPayload", Value: "[1,2"}, {Name: "doc", File: "a.txt", Data: []byte("a")}}, "@jsonPayload", "validation_invalid_json"},
		{"invalid other value", []P{{Name: "views", Value: "many"}, {Name: "doc", File: "a.txt", Data: []byte("a")}}, "views", "validation_invalid_value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := s.Multipart("POST", "/api/collections/docs/records", "", c.parts...).Status(400)
			if got := res.FieldCode(c.field); got != c.code {
				t.Fatalf("data.%s.code = %q, want %q; body %s", c.field, got, c.code, res.Body)
			}
			spoolEmpty(t, s)
			if f := storedFiles(t, s); len(f) != 0 {
				t.Fatalf("stored after a refused request: %v", f)
			}
		})
	}
	// Malformed multipart bodies.
	for _, body := range []struct{ ct, body string }{
		{"multipart/form-data", "--x\r\n"},
		{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n\r\nunterminated"},
		{"multipart/form-data; boundary=x", "garbage"},
		{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"docs\"; filename=\"a\x00b.txt\"\r\n\r\nn\r\n--x--\r\n"},
	} {
		res := s.DoWith("POST", "/api/collections/docs/records", "", body.body, map[string]string{"Content-Type": body.ct})
		if res.Code != 400 {
			t.Fatalf("malformed %q: %d %s", body.body, res.Code, res.Body)
		}
		spoolEmpty(t, s)
	}
	if n := s.Super("GET", "/api/collections/docs/records", nil).Status(200).JSON()["totalItems"].(float64); n != 0 {
		t.Fatalf("%v records after refused creates", n)
	}
}

func TestFileNamesCannotTraverse(t *testing.T) { onStorages(t, testFileNamesCannotTraverse) }

func testFileNamesCannotTraverse(t *testing.T, s *testserver.Server, storedFiles func(*testing.T, *testserver.Server) []string) {
	fileCollection(t, s)
	rec := s.Multipart("POST", "/api/collections/docs/records", "",
		P{Name: "docs", File: "../../etc/passwd", Data: []byte("p")},
		P{Name: "docs", File: "a\tb\u202e.txt", Data: []byte("n")},
		P{Name: "docs", File: strings.Repeat("n", 1000) + ".txt", Data: []byte("l")},
	).Status(200).JSON()
	id := rec["id"].(string)
	for _, n := range rec["docs"].([]any) {
		name := n.(string)
		if strings.ContainsAny(name, "/\\\x00") || strings.HasPrefix(name, ".") || len(name) > 255 {
			t.Fatalf("stored name %q", name)
		}
		s.Do("GET", fmt.Sprintf("/api/files/docs/%s/%s", id, name), "", nil).Status(200)
	}
	for _, p := range []string{
		"/api/files/docs/" + id + "/..%2F..%2Fetc%2Fpasswd",
		"/api/files/docs/" + id + "/%2e%2e",
		"/api/files/docs/..%2F" + id + "/x",
		"/api/files/docs/" + id + "/x%00.txt",
		"/api/files/nope/" + id + "/x.txt",
	} {
		if res := s.Do("GET", p, "", nil); res.Code != 404 {
			t.Fatalf("GET %s: %d %s", p, res.Code, res.Body)
		}
	}
}

func TestFileThumbs(t *testing.T) { onStorages(t, testFileThumbs) }

func testFileThumbs(t *testing.T, s *testserver.Server, storedFiles func(*testing.T, *testserver.Server) []string) {
	fileCollection(t, s)
	rec := s.Multipart("POST", "/api/collections/docs/records", "",
		P{Name: "image", File: "pic.png", Data: pngBytes(t, 400, 200)}, P{Name: "doc", File: "t.txt", Data: []byte("text")}).Status(200).JSON()
	id, img := rec["id"].(string), rec["image"].(string)
	url := fmt.Sprintf("/api/files/docs/%s/%s", id, img)
	orig := s.Do("GET", url, "", nil).Status(200)
	if !strings.HasPrefix(orig.Header.Get("Content-Disposition"), "inline") || orig.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("image served as %q, %q", orig.Header.Get("Content-Type"), orig.Header.Get("Content-Disposition"))
	}
	for _, c := range []struct {
		thumb string
		w, h  int
	}{{"50x50", 50, 50}, {"100x0", 100, 50}, {"30x30", 400, 200}, {"bogus", 400, 200}} {
		for round := 0; round < 2; round++ { // cold, then cached
			res := s.Do("GET", url+"?thumb="+c.thumb, "", nil).Status(200)
			cfg, _, err := image.DecodeConfig(bytes.NewReader(res.Body))
			if err != nil {
				t.Fatalf("thumb %s: %v", c.thumb, err)
			}
			if cfg.Width != c.w || cfg.Height != c.h {
				t.Fatalf("thumb %s: %dx%d, want %dx%d", c.thumb, cfg.Width, cfg.Height, c.w, c.h)
			}
		}
	}
	// A truncated image and an image bomb (a header claiming 100000×100000
	// pixels) are served as they are: nothing is decoded.
	trunc := pngBytes(t, 400, 200)
	trunc = trunc[:len(trunc)/2]
	for name, data := range map[string][]byte{"trunc.png": trunc, "bomb.png": pngBomb()} {
		r := s.Multipart("POST", "/api/collections/docs/records", "", P{Name: "image", File: name, Data: data}).Status(200).JSON()
		res := s.Do("GET", fmt.Sprintf("/api/files/docs/%s/%s?thumb=50x50", r["id"], r["image"]), "", nil).Status(200)
		if !bytes.Equal(res.Body, data) {
			t.Fatalf("%s: thumb answered %d bytes, want the original %d", name, len(res.Body), len(data))
		}
	}
	// A thumb of a non-image is the file itself.
	res := s.Do("GET", fmt.Sprintf("/api/files/docs/%s/%s?thumb=50x50", id, rec["doc"]), "", nil).Status(200)
	if string(res.Body) != "text" {
		t.Fatalf("thumb of a text file: %q", res.Body)
	}
	// Thumbnails go with their file.
	s.Super("DELETE", "/api/collections/docs/records/"+id, nil).Status(204)
	eventually(t, "files and thumbs deleted", func() bool {
		for _, f := range storedFiles(t, s) {
			if strings.Contains(f, "/"+id+"/") {
				return false
			}
		}
		return true
	})
}

func TestProtectedFiles(t *testing.T) { onStorages(t, testProtectedFiles) }

func testProtectedFiles(t *testing.T, s *testserver.Server, storedFiles func(*testing.T, *testserver.Server) []string) {
	fileCollection(t, s)
	_, utok := newUser(t, s, "u@example.com")
	pub := s.Multipart("POST", "/api/collections/docs/records", "", P{Name: "title", Value: "public"},
		P{Name: "secret", File: "s.txt", Data: []byte("secret")}).Status(200).JSON()
	hidden := s.Multipart("POST", "/api/collections/docs/records", "", P{Name: "title", Value: "hidden"},
		P{Name: "secret", File: "s.txt", Data: []byte("hidden secret")}).Status(200).JSON()
	urlOf := func(rec map[string]any) string {
		return fmt.Sprintf("/api/files/docs/%s/%s", rec["id"], rec["secret"])
	}
	fileTok := func(tok string) string {
		return s.Do("POST", "/api/files/token", tok, nil).Status(200).JSON()["token"].(string)
	}
	s.Do("POST", "/api/files/token", "", nil).Status(401)
	utokFile := fileTok(utok)
	superFile := fileTok(s.SuperToken)

	s.Do("GET", urlOf(pub), "", nil).Status(404)                        // no token
	s.Do("GET", urlOf(pub)+"?token="+utok, "", nil).Status(404)         // an auth token is not a file token
	s.Do("GET", urlOf(pub)+"?token="+utokFile+"x", "", nil).Status(404) // forged
	ok := s.Do("GET", urlOf(pub)+"?token="+utokFile, "", nil).Status(200)
	if string(ok.Body) != "secret" || !strings.Contains(ok.Header.Get("Cache-Control"), "private") {
		t.Fatalf("protected file: %q, Cache-Control %q", ok.Body, ok.Header.Get("Cache-Control"))
	}
	s.Do("GET", urlOf(hidden)+"?token="+utokFile, "", nil).Status(404) // the viewRule refuses this record
	s.Do("GET", urlOf(hidden)+"?token="+superFile, "", nil).Status(200)
	// A file token is not an auth token either.
	s.Do("POST", "/api/collections/users/auth-refresh", utokFile, nil).Status(401)
}

func TestFileRuleFailureRemovesStoredFiles(t *testing.T) {
	onStorages(t, testFileRuleFailureRemovesStoredFiles)
}

func testFileRuleFailureRemovesStoredFiles(t *testing.T, s *testserver.Server, storedFiles func(*testing.T, *testserver.Server) []string) {
	fileCollection(t, s)
	s.Super("PATCH", "/api/collections/docs", map[string]any{"createRule": `@request.body.title = "ok"`}).Status(200)
	res := s.Multipart("POST", "/api/collections/docs/records", "", P{Name: "title", Value: "no"},
		P{Name: "docs", File: "a.txt", Data: []byte("a")})
	if res.Code != 400 {
		t.Fatalf("create refused by the rule: %d %s", res.Code, res.Body)
	}
	spoolEmpty(t, s)
	eventually(t, "nothing stored", func() bool { return len(storedFiles(t, s)) == 0 })
	// The rule sees the resolved file names.
	s.Super("PATCH", "/api/collections/docs", map[string]any{"createRule": `@request.body.docs:length = 2`}).Status(200)
	s.Multipart("POST", "/api/collections/docs/records", "", P{Name: "docs", File: "a.txt", Data: []byte("a")}).Status(400)
	s.Multipart("POST", "/api/collections/docs/records", "", P{Name: "docs", File: "a.txt", Data: []byte("a")},
		P{Name: "docs", File: "b.txt", Data: []byte("b")}).Status(200)
	_ = http.StatusOK
}

func TestFileUploadSizesAcrossBuffers(t *testing.T) { onStorages(t, testFileUploadSizesAcrossBuffers) }

// testFileUploadSizesAcrossBuffers uploads files whose sizes fall on
// either side of the upload copy's buffer (256 KiB) and of the field's
// maxSize (1 MiB, four buffers): each one accepted comes back byte for
// byte; one byte over maxSize is refused with nothing left behind. The
// type is judged from the first bytes only: a PNG signature followed by
// 300 KB passes the image field, text with a PNG signature past the
// first buffer does not.
func testFileUploadSizesAcrossBuffers(t *testing.T, s *testserver.Server, storedFiles func(*testing.T, *testserver.Server) []string) {
	fileCollection(t, s)
	rng := rand.New(rand.NewChaCha8([32]byte{7}))
	data := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	const buf = 256 << 10
	for _, n := range []int{1, 4095, 4096, 4097, buf - 1, buf, buf + 1, 3*buf + 17, 1 << 20} {
		want := data(n)
		rec := s.Multipart("POST", "/api/collections/docs/records", "", P{Name: "docs", File: "f.bin", Data: want}).Status(200).JSON()
		spoolEmpty(t, s)
		name := rec["docs"].([]any)[0].(string)
		got := s.Do("GET", fmt.Sprintf("/api/files/docs/%s/%s", rec["id"], name), "", nil).Status(200).Body
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes uploaded, %d served back, equal %v", n, len(got), bytes.Equal(got, want))
		}
	}
	before := len(storedFiles(t, s))
	for _, n := range []int{1<<20 + 1, 1<<20 + buf} {
		res := s.Multipart("POST", "/api/collections/docs/records", "", P{Name: "docs", File: "f.bin", Data: data(n)}).Status(400)
		if got := res.FieldCode("docs"); got != "validation_file_size_limit" {
			t.Fatalf("%d bytes for a 1 MiB field: data.docs.code = %q; body %s", n, got, res.Body)
		}
		spoolEmpty(t, s)
		if after := len(storedFiles(t, s)); after != before {
			t.Fatalf("%d bytes refused, but %d files stored (before: %d)", n, after, before)
		}
	}

	png := append(pngBytes(t, 8, 8), data(300<<10)...)
	rec := s.Multipart("POST", "/api/collections/docs/records", "", P{Name: "image", File: "p.png", Data: png}).Status(200).JSON()
	got := s.Do("GET", fmt.Sprintf("/api/files/docs/%s/%s", rec["id"], rec["image"]), "", nil).Status(200)
	if ct := got.Header.Get("Content-Type"); ct != "image/png" || !bytes.Equal(got.Body, png) {
		t.Fatalf("PNG of %d bytes: served as %q, %d bytes", len(png), ct, len(got.Body))
	}
	text := append(bytes.Repeat([]byte("plain text\n"), buf/11+1), pngBytes(t, 8, 8)...)
	res := s.Multipart("POST", "/api/collections/docs/records", "", P{Name: "image", File: "t.png", Data: text}).Status(400)
	if got := res.FieldCode("image"); got != "validation_invalid_mime_type" {
		t.Fatalf("text with a PNG past the first buffer: data.image.code = %q; body %s", got, res.Body)
	}
	spoolEmpty(t, s)
}

// pngBomb is a valid PNG header (signature, IHDR with a correct CRC)
// claiming 100000×100000 RGBA pixels, followed by a tiny IDAT and IEND.
func pngBomb() []byte {
	chunk := func(typ string, data []byte) []byte {
		var b bytes.Buffer
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
		return b.Bytes()
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 6 // 8 bits, RGBA
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}
