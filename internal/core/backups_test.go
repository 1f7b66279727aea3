package core

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/backup"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// backupApp is an app with local file and backup storages and a few
// records in "notes".
func backupApp(t *testing.T) (*App, string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.Options(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	app := New(db, nil)
	dir := t.TempDir()
	st, err := files.NewLocal(filepath.Join(dir, "storage"))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "uploads"), 0o700)
	app.SetLocalStorage(st, filepath.Join(dir, "uploads"), 0)
	if err := app.SetBackupStorage(BackupDir(dir), "v1.0.0", backup.Limits{}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := app.CreateCollection(ctx, app.SystemActor(), []byte(`{"name":"notes","fields":[{"name":"text","type":"text"}]}`)); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		b, _ := DecodeBody([]byte(fmt.Sprintf(`{"text":"note %d"}`, i)))
		if _, err := app.CreateRecord(ctx, app.SystemActor(), "notes", RecordInput{Body: b}, ""); err != nil {
			t.Fatal(err)
		}
	}
	return app, dir
}

func countNotes(t *testing.T, app *App) int64 {
	t.Helper()
	n, err := app.db.CountRecords(context.Background(), app.db.Schema.Collection("notes"), "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBackupConcurrentOps: while a backup or restore runs, another backup
// or restore is refused with EConflict saying what runs; afterwards they
// work again. Two restores started together: one runs, the other is
// refused (or runs after it), never both at once.
func TestBackupConcurrentOps(t *testing.T) {
	ctx := context.Background()
	app, _ := backupApp(t)
	su := app.SystemActor()
	if err := app.CreateBackup(ctx, su, "b1.zip"); err != nil {
		t.Fatal(err)
	}
	if !app.CanBackup(ctx) {
		t.Fatal("CanBackup = false with a backups directory and nothing running")
	}
	end, err := app.beginBackupOp(ctx, "restore")
	if err != nil {
		t.Fatal(err)
	}
	if app.CanBackup(ctx) {
		t.Fatal("CanBackup = true while a restore runs")
	}
	err = app.RestoreBackup(ctx, su, "b1.zip")
	if galley.ErrorCodeOf(err) != galley.EConflict || !strings.Contains(err.Error(), "restore is already in progress") {
		t.Fatalf("a restore during a restore = %v", err)
	}
	if err := app.CreateBackup(ctx, su, "b2.zip"); galley.ErrorCodeOf(err) != galley.EConflict {
		t.Fatalf("a backup during a restore = %v", err)
	}
	end()
	if !app.CanBackup(ctx) {
		t.Fatal("CanBackup = false after the restore ended")
	}
	if err := app.CreateBackup(ctx, su, "b2.zip"); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = app.RestoreBackup(ctx, su, "b1.zip") }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && galley.ErrorCodeOf(err) != galley.EConflict {
			t.Fatalf("concurrent restores: %v", errs)
		}
	}
	if errs[0] != nil && errs[1] != nil {
		t.Fatalf("both restores refused: %v", errs)
	}
	if n := countNotes(t, app); n != 5 {
		t.Fatalf("notes after the restores: %d", n)
	}
}

// failingWriter fails with ENOSPC (a full disk) after limit bytes.
type failingWriter struct {
	w     io.Writer
	limit int
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n, _ := f.w.Write(p[:f.limit])
		f.limit = 0
		return n, &os.PathError{Op: "write", Path: "backup", Err: syscall.ENOSPC}
	}
	f.limit -= len(p)
	return f.w.Write(p)
}

// TestBackupFullDisk: a backup whose archive cannot be written (ENOSPC)
// fails with EUnavailable naming the cause, keeps no partial archive or
// temporary file, and leaves the data as it was; the next backup works.
func TestBackupFullDisk(t *testing.T) {
	ctx := context.Background()
	app, dir := backupApp(t)
	app.backups.testHookWriter = func(w io.Writer) io.Writer { return &failingWriter{w: w, limit: 2000} }
	err := app.CreateBackup(ctx, app.SystemActor(), "full.zip")
	if galley.ErrorCodeOf(err) != galley.EUnavailable || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("backup on a full disk = %v", err)
	}
	list, err := app.ListBackups(ctx, app.SystemActor())
	if err != nil || len(list) != 0 {
		t.Fatalf("backups after a failed one: %v %v", list, err)
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, "uploads")); len(ents) != 0 {
		t.Fatalf("temporary files left: %v", ents)
	}
	filepath.WalkDir(BackupDir(dir), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("file left in the backups directory: %s", p)
		}
		return nil
	})
	if n := countNotes(t, app); n != 5 {
		t.Fatalf("notes after a failed backup: %d", n)
	}
	app.backups.testHookWriter = nil
	if err := app.CreateBackup(ctx, app.SystemActor(), "ok.zip"); err != nil {
		t.Fatal(err)
	}
}

// TestAutoBackups: settings backups.cron registers the automatic backup
// job (and an empty cron removes it); a run makes an @auto_pb_backup_…
// backup and keeps at most cronMaxKeep automatic ones, the newest,
// leaving backups made by hand alone.
func TestAutoBackups(t *testing.T) {
	ctx := context.Background()
	app, dir := backupApp(t)
	su := app.SystemActor()
	if _, err := app.UpdateSettings(ctx, su, []byte(`{"meta":{"appName":"My App!"},"backups":{"cron":"0 3 * * *","cronMaxKeep":2}}`)); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, j := range app.cron.List() {
		found = found || j.ID == BackupCronID && j.Expression == "0 3 * * *"
	}
	if !found {
		t.Fatalf("no %s job: %v", BackupCronID, app.cron.List())
	}
	if err := app.CreateBackup(ctx, su, "manual.zip"); err != nil {
		t.Fatal(err)
	}
	// Two older automatic backups.
	for i, name := range []string{"@auto_pb_backup_my_app_20200101000000.zip", "@auto_pb_backup_my_app_20200102000000.zip"} {
		p := filepath.Join(BackupDir(dir), name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Duration(48-i) * time.Hour)
		os.Chtimes(p, old, old)
	}
	if err := app.autoBackup(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := app.ListBackups(ctx, su)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, b := range list {
		keys = append(keys, b.Key)
	}
	if len(keys) != 3 || keys[2] != "manual.zip" && keys[1] != "manual.zip" && keys[0] != "manual.zip" ||
		!strings.HasPrefix(keys[0], "@auto_pb_backup_my_app_") || strings.Contains(strings.Join(keys, " "), "20200101000000") {
		t.Fatalf("backups after an automatic one: %v", keys)
	}
	if _, err := app.UpdateSettings(ctx, su, []byte(`{"backups":{"cron":""}}`)); err != nil {
		t.Fatal(err)
	}
	for _, j := range app.cron.List() {
		if j.ID == BackupCronID {
			t.Fatal("the job stayed after cron was emptied")
		}
	}
}
