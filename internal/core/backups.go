package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/auth"
	"github.com/galleyhq/galley/internal/backup"
	"github.com/galleyhq/galley/internal/files"
)

// BackupCronID is the cron job that makes the automatic backups
// (settings backups.cron); it is listed by GET /api/crons while set.
const BackupCronID = "__pbAutoBackup__"

// autoBackupPrefix starts the names of automatic backups; only those are
// pruned to backups.cronMaxKeep.
const autoBackupPrefix = "@auto_pb_backup_"

// BackupInfo is one stored backup as GET /api/backups lists it.
type BackupInfo struct {
	Key      string `json:"key"`
	Size     int64  `json:"size"`
	Modified string `json:"modified"` // galley.DateLayout, UTC
}

// backupState is the backup service's state: where local backups live,
// what is running, the archive limits.
type backupState struct {
	mu      sync.Mutex
	local   files.Storage // <dir>/backups
	s3      files.Storage
	s3cfg   files.S3Config
	version string
	limits  backup.Limits
	// maxUpload bounds an upload's body (0: DefaultBackupUploadMax).
	maxUpload int64
	// busy is "backup" or "restore" while one runs on this node (under
	// busyMu).
	busyMu sync.Mutex
	busy   string
	// testHookWriter, when set (tests), wraps the archive's writer.
	testHookWriter func(io.Writer) io.Writer
}

// SetBackupStorage sets the directory of local backups (the backups are
// kept there while backups.s3 is off), the version written to manifests,
// the limits a restored or uploaded archive must keep (zero fields: the
// backup package's defaults) and the largest upload body (0:
// DefaultBackupUploadMax).
func (app *App) SetBackupStorage(dir, version string, limits backup.Limits, maxUpload int64) error {
	st, err := files.NewLocal(dir)
	if err != nil {
		return fmt.Errorf("backups directory %s: %w", dir, err)
	}
	b := &app.backups
	b.mu.Lock()
	defer b.mu.Unlock()
	b.local, b.version, b.limits, b.maxUpload = st, version, limits, maxUpload
	return nil
}

// backupStorage returns where backups are kept: S3 when backups.s3 is
// enabled, else the local directory.
func (app *App) backupStorage(ctx context.Context) (files.Storage, error) {
	s, err := app.Settings(ctx)
	if err != nil {
		return nil, err
	}
	b := &app.backups
	b.mu.Lock()
	defer b.mu.Unlock()
	if !s.Backups.S3.Enabled {
		if b.local == nil {
			return nil, galley.Errorf(galley.EUnavailable, "Backups are not configured on this server.")
		}
		return b.local, nil
	}
	cfg := s.Backups.S3.config()
	if b.s3 != nil && b.s3cfg == cfg {
		return b.s3, nil
	}
	st, err := files.NewS3(ctx, cfg)
	if err != nil {
		return nil, galley.Errorf(galley.EUnavailable, "The backups S3 storage is not reachable: %v", err)
	}
	if b.s3 != nil {
		_ = b.s3.Close()
	}
	b.s3, b.s3cfg = st, cfg
	return st, nil
}

// CanBackup reports whether this node can start a backup now: backups have
// a place (a local directory, or backups.s3 enabled in settings) and no
// backup or restore runs on this node. It is health's canBackup, as in
// PocketBase; another node's backup is only found when one is started.
func (app *App) CanBackup(ctx context.Context) bool {
	b := &app.backups
	b.busyMu.Lock()
	busy := b.busy != ""
	b.busyMu.Unlock()
	if busy {
		return false
	}
	b.mu.Lock()
	local := b.local != nil
	b.mu.Unlock()
	if local {
		return true
	}
	s, err := app.Settings(ctx)
	return err == nil && s.Backups.S3.Enabled
}

// begin marks op ("backup" or "restore") as running on this node and, on
// PostgreSQL, across the cluster; a second one meanwhile is EConflict. The
// returned end releases it.
func (app *App) beginBackupOp(ctx context.Context, op string) (end func(), err error) {
	b := &app.backups
	b.busyMu.Lock()
	if b.busy != "" {
		running := b.busy
		b.busyMu.Unlock()
		return nil, galley.Errorf(galley.EConflict, "A %s is already in progress; try again when it has finished.", running)
	}
	b.busy = op
	b.busyMu.Unlock()
	idle := func() { b.busyMu.Lock(); b.busy = ""; b.busyMu.Unlock() }
	release, ok, err := app.db.TryLock(ctx, "backups")
	if err != nil || !ok {
		idle()
		if err != nil {
			return nil, galley.Errorf(galley.EUnavailable, "Cannot take the backups lock: %v", err)
		}
		return nil, galley.Errorf(galley.EConflict, "Another node is making or restoring a backup; try again when it has finished.")
	}
	return func() { release(); idle() }, nil
}

// ListBackups returns the stored backups, newest first. Superusers only.
func (app *App) ListBackups(ctx context.Context, a Actor) ([]BackupInfo, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	st, err := app.backupStorage(ctx)
	if err != nil {
		return nil, err
	}
	return listBackups(ctx, st)
}

func listBackups(ctx context.Context, st files.Storage) ([]BackupInfo, error) {
	out := []BackupInfo{}
	err := st.List(ctx, "", func(at files.Attrs) error {
		if backup.ValidName(at.Key) {
			out = append(out, BackupInfo{Key: at.Key, Size: at.Size, Modified: at.ModTime.UTC().Format(galley.DateLayout)})
		}
		return nil
	})
	if err != nil {
		return nil, galley.Errorf(galley.EUnavailable, "Cannot list the backups: %v", err)
	}
	slices.SortFunc(out, func(x, y BackupInfo) int { return strings.Compare(y.Modified, x.Modified) })
	return out, nil
}

// checkBackupName validates a backup name given by a client (the field
// "name" of a create or an upload, or a key in a path).
func checkBackupName(field, name string) error {
	if len(name) > backup.MaxNameLength {
		return galley.FieldInvalidParams(field, "validation_length_out_of_range", fmt.Sprintf("The length must be between 1 and %d.", backup.MaxNameLength),
			map[string]any{"min": 1, "max": backup.MaxNameLength})
	}
	if strings.HasPrefix(name, "@") || !backup.ValidName(name) {
		// PocketBase's message; the form is ^[a-z0-9_-]+\.zip$.
		return galley.FieldInvalid(field, "validation_match_invalid", "Must be in a valid format.")
	}
	return nil
}

// CreateBackup writes a backup named name ("" names one after the app and
// the time) of the database and the stored files. Superusers only. A bad
// name is EInvalid on "name"; a name in use is EInvalid too; a backup or
// restore in progress is EConflict; a failure to write (a full disk)
// removes the partial archive and is EUnavailable with the cause. The
// running data is only read.
func (app *App) CreateBackup(ctx context.Context, a Actor, name string) error {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	if name != "" {
		if err := checkBackupName("name", name); err != nil {
			return err
		}
	}
	_, err := app.MakeBackup(ctx, name, nil)
	return err
}

// MakeBackup writes a backup under name ("": pb_backup_<time>.zip) to the
// backup storage and returns its key, without access checks (the command
// line; CreateBackup checks). progress may be nil. Errors as CreateBackup's.
func (app *App) MakeBackup(ctx context.Context, name string, progress backup.Progress) (string, error) {
	return app.makeBackup(ctx, name, "", progress)
}

// makeBackup writes a backup under name (generated with prefix when "")
// and returns its key. progress may be nil.
func (app *App) makeBackup(ctx context.Context, name, prefix string, progress backup.Progress) (string, error) {
	st, err := app.backupStorage(ctx)
	if err != nil {
		return "", err
	}
	if name == "" {
		name = prefix + "pb_backup_" + time.Now().UTC().Format("20060102150405") + ".zip"
		if prefix != "" {
			name = prefix + app.appSlug(ctx) + "_" + time.Now().UTC().Format("20060102150405") + ".zip"
		}
	}
	end, err := app.beginBackupOp(ctx, "backup")
	if err != nil {
		return "", err
	}
	defer end()
	if _, err := st.Stat(ctx, name); err == nil {
		return "", galley.FieldInvalid("name", "validation_backup_exists", "A backup with this name already exists.")
	}
	tmp, err := os.CreateTemp(app.UploadDir(), "backup-*.zip")
	if err != nil {
		return "", galley.Errorf(galley.EUnavailable, "Cannot create the backup's temporary file: %v", err)
	}
	path := tmp.Name()
	defer os.Remove(path) // a no-op once PutFile moved it
	var w io.Writer = tmp
	if h := app.backups.testHookWriter; h != nil {
		w = h(tmp)
	}
	fst, _ := app.storage(ctx) // no file storage: a backup of the database alone
	_, err = backup.Create(ctx, app.db, fst, w, backup.CreateOptions{Version: app.backups.version, Progress: progress})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", galley.Errorf(galley.EUnavailable, "The backup could not be written (nothing was kept, the data is untouched): %v", err)
	}
	if err := st.PutFile(ctx, name, path, "application/zip"); err != nil {
		return "", galley.Errorf(galley.EUnavailable, "The backup could not be stored (the data is untouched): %v", err)
	}
	app.Log.Info("backup created", "key", name)
	return name, nil
}

var slugRE = regexp.MustCompile(`[^a-z0-9_-]+`)

// appSlug is the app name as a backup name part ("pb" when empty).
func (app *App) appSlug(ctx context.Context) string {
	s, err := app.Settings(ctx)
	name := ""
	if err == nil {
		name = strings.Trim(slugRE.ReplaceAllString(strings.ToLower(s.Meta.AppName), "_"), "_")
	}
	if name == "" {
		name = "pb"
	}
	return name[:min(len(name), 50)]
}

// UploadBackup checks the archive at path (the spooled upload) and, when
// it is a backup this build can restore, keeps it under name (the
// upload's file name). Superusers only. A bad name is EInvalid on "file";
// a name in use or an archive Check refuses is EInvalid with the reason.
// The file at path is moved or left for the caller to remove.
func (app *App) UploadBackup(ctx context.Context, a Actor, name, path string) error {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	if err := checkBackupName("file", name); err != nil {
		return err
	}
	st, err := app.backupStorage(ctx)
	if err != nil {
		return err
	}
	if _, err := st.Stat(ctx, name); err == nil {
		return galley.FieldInvalid("file", "validation_backup_exists", "A backup with this name already exists.")
	}
	f, err := os.Open(path)
	if err != nil {
		return galley.Internal(err)
	}
	// Not a zip at all: PocketBase's MIME type error, before any reading.
	magic := make([]byte, 4)
	if n, _ := io.ReadFull(f, magic); n < 4 || string(magic) != "PK\x03\x04" {
		f.Close()
		return galley.FieldInvalid("file", "validation_invalid_mime_type", fmt.Sprintf("%q mime type must be one of: application/zip.", name))
	}
	info, err := f.Stat()
	if err == nil {
		_, err = backup.Check(ctx, f, info.Size(), app.backups.limits)
	}
	f.Close()
	if err != nil {
		var ge *galley.Error
		if errors.As(err, &ge) && ge.Code == galley.EInvalid && len(ge.Fields) == 0 {
			return galley.FieldInvalid("file", "validation_invalid_backup", ge.Message)
		}
		return err
	}
	if err := st.PutFile(ctx, name, path, "application/zip"); err != nil {
		return galley.Errorf(galley.EUnavailable, "The backup could not be stored: %v", err)
	}
	return nil
}

// DeleteBackup removes the backup key. Superusers only; a missing backup
// or a bad key is EInvalid "Invalid or already deleted backup file." (as
// PocketBase answers); the backup being restored or written
// is EConflict.
func (app *App) DeleteBackup(ctx context.Context, a Actor, key string) error {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	st, err := app.openBackupKey(ctx, key, errBackupNotDeleted)
	if err != nil {
		return err
	}
	if err := st.Delete(ctx, key); err != nil {
		return galley.Errorf(galley.EUnavailable, "Cannot delete the backup: %v", err)
	}
	return nil
}

// PocketBase's answers for a backup key that is malformed or names no
// backup, per route (without the file path PocketBase adds to the first).
func errBackupNotDeleted() *galley.Error {
	return galley.Errorf(galley.EInvalid, "Invalid or already deleted backup file.")
}

func errBackupNotRestored() *galley.Error {
	return galley.Errorf(galley.EInvalid, "Missing or invalid backup file.")
}

func errBackupNotFound() *galley.Error {
	return galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
}

// openBackupKey checks key and returns the storage holding it; missing is
// the error for a malformed key or one that names no backup.
func (app *App) openBackupKey(ctx context.Context, key string, missing func() *galley.Error) (files.Storage, error) {
	if !backup.ValidName(key) {
		return nil, missing()
	}
	st, err := app.backupStorage(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := st.Stat(ctx, key); errors.Is(err, files.ErrNotFound) {
		return nil, missing()
	} else if err != nil {
		return nil, galley.Errorf(galley.EUnavailable, "Cannot read the backup: %v", err)
	}
	return st, nil
}

// OpenBackup returns the backup key for download when token is a file
// token of a superuser (POST /api/files/token). A missing or bad token is
// EForbidden, as is a token of another collection; a missing backup
// ENotFound. The caller closes the object.
func (app *App) OpenBackup(ctx context.Context, key, token string) (*files.Object, error) {
	forbidden := galley.Errorf(galley.EForbidden, "Insufficient permissions to access the resource.")
	if token == "" {
		return nil, forbidden
	}
	rec, _, err := app.verifyRecordToken(ctx, token, auth.TypeFile, func(o *galley.AuthOptions) string { return o.FileToken.Secret })
	if err != nil || !(Actor{Auth: rec}).IsSuperuser() {
		return nil, forbidden
	}
	st, err := app.openBackupKey(ctx, key, errBackupNotFound)
	if err != nil {
		return nil, err
	}
	obj, err := st.Open(ctx, key)
	if err != nil {
		return nil, errBackupNotFound()
	}
	return obj, nil
}

// RestoreBackup replaces the database and the stored files with the backup
// key (see backup.Restore): the archive is checked whole first, the data
// replaced in one transaction and verified by counts and checksums, then
// the settings are reloaded here and, through a notification, on the other
// nodes of a cluster. Superusers only. An archive Check refuses is
// EInvalid; another backup or restore in progress EConflict; a failed
// verification EConflict with nothing changed.
func (app *App) RestoreBackup(ctx context.Context, a Actor, key string) error {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	return app.restoreBackup(ctx, key, nil)
}

// RestoreBackupKey is RestoreBackup without access checks (the command
// line), with progress (may be nil).
func (app *App) RestoreBackupKey(ctx context.Context, key string, progress backup.Progress) error {
	return app.restoreBackup(ctx, key, progress)
}

func (app *App) restoreBackup(ctx context.Context, key string, progress backup.Progress) error {
	st, err := app.openBackupKey(ctx, key, errBackupNotRestored)
	if err != nil {
		return err
	}
	end, err := app.beginBackupOp(ctx, "restore")
	if err != nil {
		return err
	}
	defer end()
	obj, err := st.Open(ctx, key)
	if err != nil {
		return galley.Errorf(galley.EUnavailable, "Cannot read the backup: %v", err)
	}
	defer obj.Close()
	ra, ok := obj.Content.(io.ReaderAt)
	if !ok { // S3: a local copy to read the archive's directory from
		tmp, err := os.CreateTemp(app.UploadDir(), "restore-*.zip")
		if err != nil {
			return galley.Errorf(galley.EUnavailable, "Cannot create a temporary file: %v", err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, obj.Content); err != nil {
			return galley.Errorf(galley.EUnavailable, "Cannot download the backup: %v", err)
		}
		ra = tmp
	}
	return app.restoreArchive(ctx, ra, obj.Size, progress)
}

// RestoreFile restores the backup archive at path (a file outside the
// backup storage), as RestoreBackup does, without access checks (the
// command line).
func (app *App) RestoreFile(ctx context.Context, path string, progress backup.Progress) error {
	f, err := os.Open(path)
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot open the backup: %v", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return galley.Errorf(galley.EInvalid, "Cannot open the backup: %v", err)
	}
	end, err := app.beginBackupOp(ctx, "restore")
	if err != nil {
		return err
	}
	defer end()
	return app.restoreArchive(ctx, f, info.Size(), progress)
}

// restoreArchive checks the archive r (size bytes) and restores it; the
// caller holds the backups lock.
func (app *App) restoreArchive(ctx context.Context, r io.ReaderAt, size int64, progress backup.Progress) error {
	arc, err := backup.Check(ctx, r, size, app.backups.limits)
	if err != nil {
		return err
	}
	fst, _ := app.storage(ctx)
	err = backup.Restore(ctx, app.db, fst, arc, backup.RestoreOptions{Progress: progress,
		Validate: func(final []*galley.Collection) error { return app.checkSchema(final, nil) }})
	app.ReloadSettings()
	app.SyncBackupCron(ctx)
	if err != nil {
		return err
	}
	app.Log.Info("backup restored", "created", arc.Manifest.Created, "driver", arc.Manifest.Driver)
	return nil
}

// SyncBackupCron adds, replaces or removes the automatic backup job after
// the settings' backups.cron (empty: none). It runs at start, after a
// settings update and when another node changed the settings.
func (app *App) SyncBackupCron(ctx context.Context) {
	s, err := app.Settings(ctx)
	if err != nil {
		app.Log.Warn("backups: cannot read the settings", "err", err)
		return
	}
	expr := strings.TrimSpace(s.Backups.Cron)
	if expr == "" {
		app.cron.Remove(BackupCronID)
		return
	}
	for _, j := range app.cron.List() {
		if j.ID == BackupCronID && j.Expression == expr {
			return
		}
	}
	if err := app.cron.Add(BackupCronID, expr, app.autoBackup); err != nil {
		app.Log.Warn("backups: bad cron expression", "cron", expr, "err", err)
	}
}

// autoBackup makes an automatic backup, then deletes the oldest automatic
// ones beyond backups.cronMaxKeep. The cron scheduler claims each tick
// once across the nodes.
func (app *App) autoBackup(ctx context.Context) error {
	key, err := app.makeBackup(ctx, "", autoBackupPrefix, nil)
	if err != nil {
		return err
	}
	s, err := app.Settings(ctx)
	if err != nil {
		return err
	}
	st, err := app.backupStorage(ctx)
	if err != nil {
		return err
	}
	list, err := listBackups(ctx, st)
	if err != nil {
		return err
	}
	keep := max(s.Backups.CronMaxKeep, 1)
	n := 0
	for _, b := range list { // newest first
		if !strings.HasPrefix(b.Key, autoBackupPrefix) {
			continue
		}
		if n++; n > keep && b.Key != key {
			if err := st.Delete(ctx, b.Key); err != nil {
				app.Log.Warn("backups: cannot delete an old automatic backup", "key", b.Key, "err", err)
			}
		}
	}
	return nil
}

// BackupDir is where a data directory keeps its local backups.
func BackupDir(dataDir string) string { return filepath.Join(dataDir, "backups") }

// CanManageBackups returns nil when a may use the backups API: superusers
// only (EUnauthenticated for guests, EForbidden for other auth records).
// The transport asks before it reads an upload.
func (app *App) CanManageBackups(a Actor) error { return requireSuperuser(a) }

// BackupUploadLimit is the largest backup upload body the transport
// accepts (SetBackupStorage's limits: MaxUpload, default
// DefaultBackupUploadMax).
func (app *App) BackupUploadLimit() int64 {
	app.backups.mu.Lock()
	defer app.backups.mu.Unlock()
	if n := app.backups.maxUpload; n > 0 {
		return n
	}
	return DefaultBackupUploadMax
}

// DefaultBackupUploadMax bounds a backup upload when no limit is set.
const DefaultBackupUploadMax = int64(8) << 30
