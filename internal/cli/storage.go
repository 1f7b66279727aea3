package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/galleyhq/galley/internal/buildinfo"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/store"
)

// staleTemp is the age past which a temporary upload file is a crash's
// leftover.
const staleTemp = 24 * time.Hour

// sweepDir removes the regular files of dir last modified more than
// olderThan ago and returns how many went.
func sweepDir(dir string, olderThan time.Duration) int {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range ents {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || time.Since(info.ModTime()) < olderThan {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			n++
		}
	}
	return n
}

// setupStorage gives app its local file storage (<dir>/storage) and upload
// spool (<dir>/.uploads, on the same file system, so that storing an
// upload is a rename).
//
// With PostgreSQL, several nodes may serve one database; files kept on one
// node's disk would be missing on the others. Unless --storage-shared
// declares --dir a shared file system, a node takes an exclusive lock for
// local storage while S3 is off: a second node refuses to start, saying
// why. The returned release drops that lock.
func setupStorage(ctx context.Context, app *core.App, db *store.DB, g *globalOptions, o *serveOptions, log *slog.Logger) (func(), error) {
	root := filepath.Join(g.dir, "storage")
	uploads := filepath.Join(g.dir, ".uploads")
	st, err := files.NewLocal(root)
	if err != nil {
		return nil, fmt.Errorf("file storage in %s: %w", root, err)
	}
	if err := os.MkdirAll(uploads, 0o700); err != nil {
		return nil, fmt.Errorf("upload directory %s: %w", uploads, err)
	}
	// Temporary files older than a day are left by a crash (an upload in
	// progress writes its file as it goes).
	if n, err := st.SweepTemp(staleTemp); err != nil {
		log.Warn("file storage: sweeping stale temporary files", "err", err)
	} else if n > 0 {
		log.Info("file storage: removed stale temporary files", "files", n)
	}
	if n := sweepDir(uploads, staleTemp); n > 0 {
		log.Info("upload spool: removed stale temporary files", "files", n)
	}
	app.SetLocalStorage(st, uploads, o.thumbMaxPixels)
	if err := o.backup.check(); err != nil {
		return nil, err
	}
	if err := app.SetBackupStorage(core.BackupDir(g.dir), buildinfo.Get().Version, o.backup.limits(), o.backup.maxUpload); err != nil {
		return nil, err
	}
	app.SyncBackupCron(ctx)
	release := func() { app.CloseStorage() }
	if !db.IsPostgres() || o.storageShared {
		return release, nil
	}
	s, err := app.Settings(ctx)
	if err != nil {
		return nil, err
	}
	if s.S3.Enabled {
		return release, nil
	}
	unlock, ok, err := db.HoldExclusive(ctx, "local-file-storage")
	if err != nil {
		return nil, fmt.Errorf("file storage: %w", err)
	}
	if !ok {
		app.CloseStorage()
		return nil, fmt.Errorf("another Galley node is already serving this PostgreSQL database with files on its local disk (%s); "+
			"local files are not shared between nodes. Enable S3 storage in the settings (s3.enabled), or, if --dir is a file system "+
			"every node shares, start every node with --storage-shared", root)
	}
	log.Debug("local file storage: this node holds the local-storage lock", "dir", root)
	return func() { unlock(); app.CloseStorage() }, nil
}
