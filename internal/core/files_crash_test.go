package core

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// crashEnv names the environment of the crashing child process of
// TestFilesCrashBetweenStoreAndCommit.
const (
	crashEnvAction = "GALLEY_TEST_CRASH_ACTION" // "create" or "update"
	crashEnvDir    = "GALLEY_TEST_CRASH_DIR"
	crashEnvDSN    = "GALLEY_TEST_CRASH_DSN"
	crashEnvDBDir  = "GALLEY_TEST_CRASH_DB_DIR"
	crashEnvRecord = "GALLEY_TEST_CRASH_RECORD"
)

// openFilesApp opens the app of the crash test over opts, with local file
// storage in dir/storage.
func openFilesApp(t *testing.T, opts store.Options, dir string) *App {
	t.Helper()
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	app := New(db, nil)
	st, err := files.NewLocal(filepath.Join(dir, "storage"))
	if err != nil {
		t.Fatal(err)
	}
	app.SetLocalStorage(st, filepath.Join(dir, "uploads"), 0)
	return app
}

// upload writes data to a spool file and returns it as an upload.
func upload(t *testing.T, dir, name string, data []byte) *Upload {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "uploads"), 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(filepath.Join(dir, "uploads"), "upload-*")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return &Upload{Filename: name, Path: f.Name(), Size: int64(len(data)), ContentType: "text/plain; charset=utf-8"}
}

// TestFilesCrashBetweenStoreAndCommit kills a real process after a write's
// files are stored and before its transaction commits (the test binary
// runs itself as the child; the hook calls os.Exit, so nothing is cleaned
// up), then reopens the database and the storage: no record points at a
// missing file, the stored files are orphans, and the sweep removes them.
func TestFilesCrashBetweenStoreAndCommit(t *testing.T) {
	if action := os.Getenv(crashEnvAction); action != "" {
		crashChild(t, action)
		return
	}
	dir := t.TempDir()
	opts := storetest.Options(t)
	app := openFilesApp(t, opts, dir)
	ctx := context.Background()
	mustCreate(t, app, `{"name":"docs","type":"base","createRule":"","updateRule":"","viewRule":"","fields":[{"name":"doc","type":"file"}]}`)
	rec, err := app.CreateRecord(ctx, Actor{}, "docs", RecordInput{Files: Files{"doc": {upload(t, dir, "old.txt", []byte("old"))}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	oldName := rec.GetString("doc")

	for _, action := range []string{"create", "update"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFilesCrashBetweenStoreAndCommit$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnvAction+"="+action, crashEnvDir+"="+dir, crashEnvDSN+"="+opts.DSN, crashEnvDBDir+"="+opts.Dir, crashEnvRecord+"="+rec.ID())
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
			t.Fatalf("%s child: want exit 3 from the hook, got %v; output:\n%s", action, err, out)
		}
	}

	// What a restart finds.
	app2 := openFilesApp(t, opts, dir)
	st, err := app2.storage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := app2.db.Schema.Collection("docs")
	recs, err := store.FindRecords(ctx, app2.db.Reader(), c, store.Select{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].GetString("doc") != oldName {
		t.Fatalf("after the crashes: %d records, doc %q (want 1, %q: neither crashed write committed)", len(recs), recs[0].GetString("doc"), oldName)
	}
	var keys []string
	if err := st.List(ctx, "", func(a files.Attrs) error { keys = append(keys, a.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs { // no dangling reference
		if !slices.Contains(keys, files.FileKey(c.ID, r.ID(), r.GetString("doc"))) {
			t.Fatalf("record %s points at a missing file %q; stored: %v", r.ID(), r.GetString("doc"), keys)
		}
	}
	if len(keys) != 3 {
		t.Fatalf("want the old file and two orphans, got %v", keys)
	}
	// A sweep with a grace longer than the files' age keeps them.
	if n, err := app2.SweepOrphanFiles(ctx, 1<<40); err != nil || n != 0 {
		t.Fatalf("sweep within the grace: %d, %v", n, err)
	}
	n, err := app2.SweepOrphanFiles(ctx, -1)
	if err != nil || n != 2 {
		t.Fatalf("sweep: removed %d, %v; want the 2 orphans", n, err)
	}
	keys = keys[:0]
	if err := st.List(ctx, "", func(a files.Attrs) error { keys = append(keys, a.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != files.FileKey(c.ID, recs[0].ID(), oldName) {
		t.Fatalf("after the sweep: %v", keys)
	}
}

// crashChild is the child: one write whose process dies between storing
// its file and committing.
func crashChild(t *testing.T, action string) {
	dir := os.Getenv(crashEnvDir)
	app := openFilesApp(t, store.Options{Dir: os.Getenv(crashEnvDBDir), DSN: os.Getenv(crashEnvDSN)}, dir)
	app.testHookFilesStored = func() { os.Exit(3) }
	in := RecordInput{Body: Body{}, Files: Files{"doc": {upload(t, dir, action+".txt", []byte(action))}}}
	var err error
	if action == "create" {
		_, err = app.CreateRecord(context.Background(), Actor{}, "docs", in, "")
	} else {
		_, err = app.UpdateRecord(context.Background(), Actor{}, "docs", os.Getenv(crashEnvRecord), in, "")
	}
	b, _ := json.Marshal(map[string]any{"err": galley.ErrorCodeOf(err)})
	t.Fatalf("the hook did not stop the process: %s", b)
}
