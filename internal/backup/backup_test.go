package backup_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/backup"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/migratedata"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// dialects are the databases a test runs on: SQLite always, PostgreSQL
// when GALLEY_TEST_POSTGRES is set.
func dialects() []string {
	if storetest.PostgresDSN() != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// env is one app: a database and its local file storage.
type env struct {
	db  *store.DB
	app *core.App
	st  files.Storage
}

func open(t *testing.T, dialect string) *env {
	t.Helper()
	opts := store.Options{Dir: t.TempDir()}
	if dialect == "postgres" {
		opts.DSN = storetest.NewSchema(t, storetest.PostgresDSN())
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := files.NewLocal(filepath.Join(opts.Dir, "storage"))
	if err != nil {
		t.Fatal(err)
	}
	app := core.New(db, nil)
	app.SetLocalStorage(st, t.TempDir(), 0)
	return &env{db: db, app: app, st: st}
}

func (e *env) create(t *testing.T, body string) *galley.Collection {
	t.Helper()
	c, err := e.app.CreateCollection(context.Background(), e.app.SystemActor(), []byte(body))
	if err != nil {
		t.Fatalf("create collection: %v", err)
	}
	return c
}

func (e *env) record(t *testing.T, collection, body string) *galley.Record {
	t.Helper()
	b, err := core.DecodeBody([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.app.CreateRecord(context.Background(), e.app.SystemActor(), collection, core.RecordInput{Body: b}, "")
	if err != nil {
		t.Fatalf("create %s record: %v", collection, err)
	}
	return r
}

// seed gives e users, posts with every field type, a view, settings, a
// superuser and a stored file.
func seed(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	e.create(t, `{"name":"posts","listRule":"","fields":[
		{"name":"title","type":"text"},{"name":"views","type":"number"},{"name":"live","type":"bool"},
		{"name":"due","type":"date"},{"name":"tags","type":"select","values":["a","b","c"],"maxSelect":3},
		{"name":"cover","type":"file","maxSelect":1},{"name":"author","type":"relation","collectionId":"`+store.UsersID+`","maxSelect":1},
		{"name":"meta","type":"json"},{"name":"place","type":"geoPoint"},
		{"name":"created","type":"autodate","onCreate":true}]}`)
	e.create(t, `{"name":"live_posts","type":"view","listRule":"","viewQuery":"SELECT p.id, p.title FROM posts p WHERE p.live = TRUE"}`)
	u := e.record(t, "users", `{"email":"u1@example.com","password":"password-1","passwordConfirm":"password-1","name":"Ünïcode"}`)
	for i := 0; i < 25; i++ {
		e.record(t, "posts", fmt.Sprintf(`{"id":"post%011d","title":"Post %d ✓","views":%d.25,"live":%t,"due":"2024-01-02 03:04:05.000Z",
			"tags":["c","a"],"author":%q,"meta":{"z":1,"big":12345678901234567890,"a":[1,{"y":null}]},"place":{"lon":13.4,"lat":52.5}}`,
			(i*7)%25, i, i, i%2 == 0, u.ID()))
	}
	if _, err := e.app.UpsertSuperuser(ctx, "root@example.com", "root-password-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.UpdateSettings(ctx, e.app.SystemActor(), []byte(`{"meta":{"appName":"Backup test"},"backups":{"cronMaxKeep":5}}`)); err != nil {
		t.Fatal(err)
	}
	posts := e.db.Schema.Collection("posts")
	key := posts.ID + "/post00000000000/cover_abc.png"
	if err := e.st.Put(ctx, key, strings.NewReader("PNG bytes"), 9, "image/png"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(ctx, `UPDATE "posts" SET "cover" = 'cover_abc.png' WHERE "id" = 'post00000000000'`); err != nil {
		t.Fatal(err)
	}
}

func create(t *testing.T, e *env) []byte {
	t.Helper()
	// Not a record's file: never part of a backup.
	if err := e.st.Put(context.Background(), "stray.zip", strings.NewReader("zip"), 3, ""); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := backup.Create(context.Background(), e.db, e.st, &buf, backup.CreateOptions{Version: "v1.2.3"}); err != nil {
		t.Fatalf("create backup: %v", err)
	}
	return buf.Bytes()
}

func restore(t *testing.T, e *env, archive []byte) error {
	t.Helper()
	a, err := backup.Check(context.Background(), bytes.NewReader(archive), int64(len(archive)), backup.Limits{})
	if err != nil {
		return err
	}
	return backup.Restore(context.Background(), e.db, e.st, a, backup.RestoreOptions{})
}

// TestBackupRoundTrip: a backup restores into a database that held other
// data, on the same and on the other dialect (SQLite ↔ PostgreSQL when
// GALLEY_TEST_POSTGRES is set); migrate-data's verification then finds
// the definitions, counts and checksums of every table equal, the stored
// files equal, and the target's own collection gone.
func TestBackupRoundTrip(t *testing.T) {
	for _, from := range dialects() {
		for _, to := range dialects() {
			t.Run(from+"_to_"+to, func(t *testing.T) {
				ctx := context.Background()
				src := open(t, from)
				seed(t, src)
				archive := create(t, src)

				dst := open(t, to)
				dst.create(t, `{"name":"junk","fields":[{"name":"x","type":"text"}]}`)
				dst.record(t, "junk", `{"x":"old"}`)
				dst.record(t, "users", `{"email":"other@example.com","password":"password-2","passwordConfirm":"password-2"}`)
				if err := dst.st.Put(ctx, "junkid/r1/old.txt", strings.NewReader("old"), 3, ""); err != nil {
					t.Fatal(err)
				}
				// An object that is no record's file (a backup kept in the
				// same bucket) is left alone.
				if err := dst.st.Put(ctx, "kept.zip", strings.NewReader("zip"), 3, ""); err != nil {
					t.Fatal(err)
				}
				if err := restore(t, dst, archive); err != nil {
					t.Fatalf("restore: %v", err)
				}
				if _, err := dst.st.Stat(ctx, "kept.zip"); err != nil {
					t.Fatalf("a restore deleted an object that is no record's file: %v", err)
				}
				if _, err := migratedata.Verify(ctx, src.db, dst.db, migratedata.Options{}); err != nil {
					t.Fatalf("verify: %v", err)
				}
				if dst.db.Schema.Collection("junk") != nil {
					t.Fatal("the target's own collection survived the restore")
				}
				posts := dst.db.Schema.Collection("posts")
				obj, err := dst.st.Open(ctx, posts.ID+"/post00000000000/cover_abc.png")
				if err != nil {
					t.Fatalf("restored file: %v", err)
				}
				b, _ := io.ReadAll(obj.Content)
				obj.Close()
				if string(b) != "PNG bytes" {
					t.Fatalf("restored file holds %q", b)
				}
				if _, err := dst.st.Stat(ctx, "junkid/r1/old.txt"); err == nil {
					t.Fatal("a file the backup does not have survived")
				}
				s, err := dst.app.Settings(ctx)
				if err != nil || s.Meta.AppName != "Backup test" || s.Backups.CronMaxKeep != 5 {
					t.Fatalf("settings after restore: %+v %v", s, err)
				}
				// The restored superuser logs in with its password.
				if _, _, err := dst.app.AuthWithPassword(ctx, core.Actor{}, galley.SuperusersName, "root@example.com", "root-password-1", "", ""); err != nil {
					t.Fatalf("superuser log-in after restore: %v", err)
				}
				// List totals (counters kept by the store) match the rows.
				for _, c := range dst.db.Schema.Collections() {
					if c.IsView() {
						continue
					}
					n, err := dst.db.CountRecords(ctx, c, "", nil, nil)
					recs, _ := store.FindRecords(ctx, dst.db.Reader(), c, store.Select{})
					if err != nil || n != int64(len(recs)) {
						t.Fatalf("%s: total %d (%v) after restore, %d rows", c.Name, n, err, len(recs))
					}
				}
				// Insertion order is kept: the list without a sort is the source's.
				want, _ := store.FindRecords(ctx, src.db.Reader(), src.db.Schema.Collection("posts"), store.Select{Order: src.db.RowOrder(src.db.Schema.Collection("posts"), store.Alias)})
				got, _ := store.FindRecords(ctx, dst.db.Reader(), posts, store.Select{Order: dst.db.RowOrder(posts, store.Alias)})
				if len(got) != len(want) || got[0].ID() != want[0].ID() || got[len(got)-1].ID() != want[len(want)-1].ID() {
					t.Fatal("insertion order differs after restore")
				}
			})
		}
	}
}

// TestBackupWhileWriting: a backup taken while a writer keeps inserting
// numbered records restores to a complete prefix: records 0..n-1, none
// missing, whatever n the snapshot saw.
func TestBackupWhileWriting(t *testing.T) {
	for _, d := range dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			src := open(t, d)
			src.create(t, `{"name":"seq","fields":[{"name":"n","type":"number"}]}`)
			for i := 0; i < 200; i++ {
				src.record(t, "seq", fmt.Sprintf(`{"n":%d}`, i))
			}
			var next atomic.Int64
			next.Store(200)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					n := next.Load()
					b, _ := core.DecodeBody([]byte(fmt.Sprintf(`{"n":%d}`, n)))
					if _, err := src.app.CreateRecord(ctx, src.app.SystemActor(), "seq", core.RecordInput{Body: b}, ""); err != nil {
						t.Error(err)
						return
					}
					next.Add(1)
				}
			}()
			for next.Load() < 300 { // the writer is going
				runtimeGosched()
			}
			archive := create(t, src)
			close(stop)
			wg.Wait()

			dst := open(t, d)
			if err := restore(t, dst, archive); err != nil {
				t.Fatal(err)
			}
			c := dst.db.Schema.Collection("seq")
			recs, err := store.FindRecords(ctx, dst.db.Reader(), c, store.Select{})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[int]bool{}
			for _, r := range recs {
				seen[int(r.Data["n"].(float64))] = true
			}
			for i := range len(recs) {
				if !seen[i] {
					t.Fatalf("restored %d records but record %d is missing: not a consistent snapshot", len(recs), i)
				}
			}
			if len(recs) < 300 {
				t.Fatalf("restored %d records, want at least the 300 written before the backup", len(recs))
			}
		})
	}
}

// rezip rewrites archive through edit, which gets each entry's name and
// bytes and returns the entries to write (nil: drop it).
func rezip(t *testing.T, archive []byte, edit func(name string, b []byte) map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		for name, data := range edit(f.Name, b) {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
		}
	}
	zw.Close()
	return buf.Bytes()
}

func keep(name string, b []byte) map[string][]byte { return map[string][]byte{name: b} }

// TestBackupBadArchives: corrupt, truncated, traversing, oversized
// (zip bombs), newer and tampered archives are refused by Check with
// EInvalid and a message saying why, and a refused restore leaves the
// running data as it was.
func TestBackupBadArchives(t *testing.T) {
	src := open(t, "sqlite")
	seed(t, src)
	good := create(t, src)

	bomb := func() []byte { // one entry of 64 MiB of zeros, about 64 KiB compressed
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("storage/c/r/zeros.bin")
		zero := make([]byte, 1<<20)
		for range 64 {
			w.Write(zero)
		}
		zw.Close()
		return buf.Bytes()
	}
	cases := []struct {
		name, want string
		archive    []byte
		limits     backup.Limits
	}{
		{"not a zip", "not a readable zip", []byte("hello, not a zip at all"), backup.Limits{}},
		{"truncated", "not a readable zip", good[:len(good)/2], backup.Limits{}},
		{"flipped byte", "", func() []byte {
			b := bytes.Clone(good)
			b[len(b)/3] ^= 0xff
			return b
		}(), backup.Limits{}},
		{"traversing name", `"../evil"`, rezip(t, good, func(n string, b []byte) map[string][]byte {
			if n == "files.jsonl" {
				return map[string][]byte{n: b, "../evil": []byte("x")}
			}
			return keep(n, b)
		}), backup.Limits{}},
		{"traversing storage key", `"storage/../../etc/passwd"`, rezip(t, good, func(n string, b []byte) map[string][]byte {
			if n == "files.jsonl" {
				return map[string][]byte{n: b, "storage/../../etc/passwd": []byte("x")}
			}
			return keep(n, b)
		}), backup.Limits{}},
		{"absolute name", `"/etc/passwd"`, rezip(t, good, func(n string, b []byte) map[string][]byte {
			if n == "files.jsonl" {
				return map[string][]byte{n: b, "/etc/passwd": []byte("x")}
			}
			return keep(n, b)
		}), backup.Limits{}},
		{"zip bomb ratio", "a zip bomb", bomb(), backup.Limits{}},
		{"zip bomb total", "expand to more than the limit", bomb(), backup.Limits{MaxUncompressed: 10 << 20}},
		{"newer format", "newer Galley", rezip(t, good, func(n string, b []byte) map[string][]byte {
			if n == "manifest.json" {
				b = bytes.Replace(b, []byte(`"format": 1`), []byte(`"format": 99`), 1)
			}
			return keep(n, b)
		}), backup.Limits{}},
		{"tampered records", "does not match its checksum", rezip(t, good, func(n string, b []byte) map[string][]byte {
			if strings.HasPrefix(n, "records/") && bytes.Contains(b, []byte("Post 3")) {
				b = bytes.Replace(b, []byte("Post 3"), []byte("Post X"), 1)
			}
			return keep(n, b)
		}), backup.Limits{}},
		{"foreign table", "which a backup does not restore", rezip(t, good, func(n string, b []byte) map[string][]byte {
			if n == "manifest.json" {
				b = bytes.Replace(b, []byte(`"name": "_params"`), []byte(`"name": "_collections"`), 1)
			}
			return keep(n, b)
		}), backup.Limits{}},
		{"missing entry", "missing", rezip(t, good, func(n string, b []byte) map[string][]byte {
			if n == "collections.json" {
				return nil
			}
			return keep(n, b)
		}), backup.Limits{}},
		{"unlisted entry", "not in the manifest", rezip(t, good, func(n string, b []byte) map[string][]byte {
			if n == "files.jsonl" {
				return map[string][]byte{n: b, "records/extra.jsonl": []byte("{}\n")}
			}
			return keep(n, b)
		}), backup.Limits{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := backup.Check(context.Background(), bytes.NewReader(c.archive), int64(len(c.archive)), c.limits)
			if galley.ErrorCodeOf(err) != galley.EInvalid || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Check = %v, want EInvalid containing %q", err, c.want)
			}
		})
	}

	// Through the service: a refused restore changes nothing.
	dst := open(t, "sqlite")
	seed(t, dst)
	dst.record(t, "posts", `{"title":"kept"}`)
	path := filepath.Join(t.TempDir(), "bad.zip")
	for _, c := range cases {
		if c.name == "newer format" {
			os.WriteFile(path, c.archive, 0o600)
		}
	}
	if err := dst.app.RestoreFile(context.Background(), path, nil); galley.ErrorCodeOf(err) != galley.EInvalid || !strings.Contains(err.Error(), "newer Galley") {
		t.Fatalf("restore of a newer backup = %v", err)
	}
	n, err := dst.db.CountRecords(context.Background(), dst.db.Schema.Collection("posts"), "", nil, nil)
	if err != nil || n != 26 {
		t.Fatalf("posts after a refused restore: %d %v", n, err)
	}
	if _, err := dst.st.Stat(context.Background(), dst.db.Schema.Collection("posts").ID+"/post00000000000/cover_abc.png"); err != nil {
		t.Fatalf("a file went after a refused restore: %v", err)
	}
}
