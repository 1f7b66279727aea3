package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/safego"
	"github.com/galleyhq/galley/internal/store"
)

// DefaultFileMaxSize is the size limit of one file of a file field whose
// maxSize is 0 (PocketBase's default, 5 MiB).
const DefaultFileMaxSize = 5 << 20

// Upload is one file sent for a file field. The transport (api) spools the
// bytes to a temporary file, detects the content type from the bytes and
// removes the file after the request; core only reads it, or (local
// storage) moves it into place.
type Upload struct {
	// Filename is the name the client sent (only its sanitised base is
	// kept; see files.StoredName).
	Filename string
	// Path is the temporary file holding the bytes.
	Path string
	// Size is the number of bytes.
	Size int64
	// ContentType is detected from the content, not taken from the client.
	ContentType string

	stored string // the stored name, set by prepareUploads
}

// Files are the uploads of a request, keyed as body keys are: "avatar",
// "documents+", "+documents".
type Files map[string][]*Upload

// RecordInput is a decoded create or update request: the JSON values of the
// body (from a JSON body, a form's text parts and its @jsonPayload part)
// and the uploaded files.
type RecordInput struct {
	Body  Body
	Files Files
}

// fileStore picks the storage of file bytes: the local one given by
// SetLocalStorage, or an S3 bucket while the settings enable it (built
// once per S3 configuration and kept until the configuration changes).
type fileStore struct {
	mu      sync.Mutex
	local   files.Storage
	s3      files.Storage
	s3cfg   files.S3Config
	thumbs  *files.Thumbnailer
	uploads string // directory for the transport's temporary upload files
	types   typeCache
	refs    fileRefs
}

// SetLocalStorage sets the storage used while S3 is disabled (a local
// directory under the data dir) and the directory where the transport
// spools uploads (on the same file system, so that storing a file is a
// rename). maxPixels bounds the images thumbnails are made of (0: the
// files package's default).
func (app *App) SetLocalStorage(st files.Storage, uploadDir string, maxPixels int64) {
	app.files.mu.Lock()
	defer app.files.mu.Unlock()
	app.files.local = st
	app.files.uploads = uploadDir
	app.files.thumbs = files.NewThumbnailer(maxPixels)
}

// UploadDir is the directory where the transport spools uploads ("" for
// the system's temporary directory).
func (app *App) UploadDir() string {
	app.files.mu.Lock()
	defer app.files.mu.Unlock()
	return app.files.uploads
}

// storage returns the storage files are read from and written to now: S3
// while settings.s3.enabled, the local storage otherwise. Without a local
// storage (no SetLocalStorage) and S3 off, it is EInternal.
func (app *App) storage(ctx context.Context) (files.Storage, error) {
	s, err := app.Settings(ctx)
	if err != nil {
		return nil, err
	}
	fs := &app.files
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if !s.S3.Enabled {
		if fs.local == nil {
			return nil, galley.Internal(fmt.Errorf("no file storage configured"))
		}
		return fs.local, nil
	}
	cfg := s.S3.config()
	if fs.s3 != nil && fs.s3cfg == cfg {
		return fs.s3, nil
	}
	st, err := files.NewS3(ctx, cfg)
	if err != nil {
		return nil, galley.Internal(fmt.Errorf("S3 storage: %w", err))
	}
	if fs.s3 != nil {
		_ = fs.s3.Close()
	}
	fs.s3, fs.s3cfg = st, cfg
	return st, nil
}

// CloseStorage releases the storages (at shutdown).
func (app *App) CloseStorage() {
	fs := &app.files
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.s3 != nil {
		_ = fs.s3.Close()
		fs.s3 = nil
	}
	if fs.local != nil {
		_ = fs.local.Close()
	}
}

// fileMaxSize is the size limit of one file of f.
func fileMaxSize(f *galley.Field) int64 {
	if f.MaxSize > 0 {
		return f.MaxSize
	}
	return DefaultFileMaxSize
}

// UploadLimit returns the largest request body a multipart create or
// update of the collection may send: the server's body limit for the
// other values plus, for every file field, maxSelect files of maxSize
// bytes. ok is false when the collection does not exist or has no file
// field (the server's limit applies).
func (app *App) UploadLimit(nameOrID string, base int64) (limit int64, ok bool) {
	c := app.db.Schema.Collection(nameOrID)
	if c == nil {
		return base, false
	}
	limit = base
	for _, f := range c.Fields {
		if f.Type != galley.FieldFile {
			continue
		}
		ok = true
		limit += fileMaxSize(f) * int64(max(f.MaxSelect, 1))
	}
	return limit, ok
}

// FileFieldLimit returns the size limit of one file sent under body key
// (a file field's name, with or without a modifier) of the collection,
// and false when key names no file field: the transport stops reading a
// file part at this many bytes.
func (app *App) FileFieldLimit(nameOrID, key string) (int64, bool) {
	c := app.db.Schema.Collection(nameOrID)
	if c == nil {
		return 0, false
	}
	name, _ := modifier(key)
	f := c.Field(name)
	if f == nil || f.Type != galley.FieldFile {
		return 0, false
	}
	return fileMaxSize(f), true
}

// prepareUploads checks every upload against its field (a file field of
// c; size within maxSize; content type among mimeTypes when set; the key's
// modifier one that adds files) and names it (files.StoredName). It runs
// before anything is resolved or stored. Uploads under unknown keys are
// ignored, as unknown JSON keys are.
func prepareUploads(c *galley.Collection, in Files) error {
	errs := galley.ValidationErrors{}
	for key, ups := range in {
		name, mod := modifier(key)
		f := c.Field(name)
		if f == nil {
			continue
		}
		if f.Type != galley.FieldFile {
			errs.Add(key, "validation_invalid_value", fmt.Sprintf("Field %q is not a file field: it takes no file uploads.", name))
			continue
		}
		if mod == "-" {
			errs.Add(key, "validation_invalid_modifier", `The "-" modifier takes the names of files to remove, not uploads.`)
			continue
		}
		for _, u := range ups {
			if u.Size > fileMaxSize(f) {
				errs.AddParams(f.Name, "validation_file_size_limit", FileTooLargeMessage(u.Filename, fileMaxSize(f)),
					map[string]any{"file": u.Filename, "maxSize": fileMaxSize(f)})
				break
			}
			u.stored = files.StoredName(u.Filename)
			if len(f.MimeTypes) > 0 && !files.MatchMIME(u.ContentType, f.MimeTypes) {
				// PocketBase's message names the file by its stored name.
				errs.Add(f.Name, "validation_invalid_mime_type", fmt.Sprintf("%q mime type must be one of: %s.", u.stored, strings.Join(f.MimeTypes, ", ")))
				break
			}
		}
	}
	return errs.Err()
}

// FileTooLargeMessage is PocketBase's message for file name over limit bytes.
func FileTooLargeMessage(name string, limit int64) string {
	return fmt.Sprintf("Failed to upload %s - the maximum allowed file size is %d bytes.", name, limit)
}

// applyFiles applies one body key of file field f: plain values replace
// the field's files (JSON names must be files the record already has;
// uploads are added after them), "+" appends and "+" prefix prepends
// uploads, "-" removes the named files. orig holds the record's files
// before the request. The result obeys maxSelect (validation_too_many_files).
func applyFiles(f *galley.Field, r *galley.Record, orig []string, mod string, raw []byte, ups []*Upload) *galley.FieldError {
	var names []string
	if raw != nil {
		v, fe := coerce(f, raw)
		if fe != nil {
			return fe
		}
		names, _ = v.([]string)
	}
	var added []string
	for _, u := range ups {
		added = append(added, u.stored)
	}
	cur := slices.Clone(valuesOf(r.Data[f.Name]))
	switch mod {
	case "":
		// Names must be files the record has (new files are uploaded,
		// not named).
		var invalid []string
		for _, n := range names {
			if !slices.Contains(orig, n) {
				invalid = append(invalid, n)
			}
		}
		if len(invalid) > 0 {
			return &galley.FieldError{Code: "validation_invalid_file", Message: fmt.Sprintf("Invalid new files: %v.", invalid), Params: map[string]any{"invalidFiles": invalid}}
		}
		cur = append(names, added...)
	case "+", "^+":
		if len(names) > 0 {
			return &galley.FieldError{Code: "validation_invalid_value", Message: "Only uploaded files can be added; existing files are kept by name with the plain key."}
		}
		if mod == "+" {
			cur = append(cur, added...)
		} else {
			cur = append(added, cur...)
		}
	case "-":
		cur = slices.DeleteFunc(cur, func(x string) bool { return slices.Contains(names, x) })
	}
	max := max(f.MaxSelect, 1)
	if len(cur) > max {
		return &galley.FieldError{Code: "validation_too_many_files", Message: fmt.Sprintf("The maximum allowed files is %d.", max), Params: map[string]any{"maxSelect": max}}
	}
	if f.IsMulti() {
		r.Data[f.Name] = cur
	} else if len(cur) == 0 {
		r.Data[f.Name] = ""
	} else {
		r.Data[f.Name] = cur[0]
	}
	return nil
}

// fileChange is what saving a record does to its stored files: the
// uploads to store before the commit and the keys to delete after it.
type fileChange struct {
	put    []*Upload
	putKey []string
	del    []string
}

// diffFiles compares the file fields of old (nil for a new record) and r:
// the names r has that old had not are uploads of in (by stored name), the
// names old had that r has not are deleted after the commit.
func diffFiles(old, r *galley.Record, in Files) fileChange {
	var ch fileChange
	byName := map[string]*Upload{}
	for _, ups := range in {
		for _, u := range ups {
			if u.stored != "" {
				byName[u.stored] = u
			}
		}
	}
	c := r.Collection
	for _, f := range c.Fields {
		if f.Type != galley.FieldFile {
			continue
		}
		var before []string
		if old != nil {
			before = valuesOf(old.Data[f.Name])
		}
		after := valuesOf(r.Data[f.Name])
		for _, n := range after {
			if slices.Contains(before, n) {
				continue
			}
			if u := byName[n]; u != nil {
				ch.put = append(ch.put, u)
				ch.putKey = append(ch.putKey, files.FileKey(c.ID, r.ID(), n))
			}
		}
		for _, n := range before {
			if !slices.Contains(after, n) {
				ch.del = append(ch.del, files.FileKey(c.ID, r.ID(), n))
			}
		}
	}
	return ch
}

// storeFiles stores the uploads of ch. On an error the files stored so far
// are removed again. The caller removes them too (removeFiles) when the
// transaction then fails to commit.
func (app *App) storeFiles(ctx context.Context, st files.Storage, ch fileChange) error {
	for i, u := range ch.put {
		if err := st.PutFile(ctx, ch.putKey[i], u.Path, u.ContentType); err != nil {
			app.removeFiles(st, ch.putKey[:i], nil)
			return galley.Internal(fmt.Errorf("storing file %q: %w", ch.putKey[i], err))
		}
	}
	if h := app.testHookFilesStored; h != nil {
		h()
	}
	return nil
}

// removeFiles deletes the stored objects keys (with their thumbnails) and
// whole record directories prefixes in the background, with a bounded
// time; OpenFile forgets them at once (fileRefs). Failures are logged:
// what is left is an orphan, swept later by SweepOrphanFiles.
func (app *App) removeFiles(st files.Storage, keys, prefixes []string) {
	if len(keys) == 0 && len(prefixes) == 0 {
		return
	}
	app.files.refs.forget(keys, prefixes)
	safego.Go(app.Log, "remove files", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		for _, k := range keys {
			if err := st.Delete(ctx, k); err != nil {
				app.Log.Warn("files: delete failed (an orphan for the sweep)", "key", k, "err", err)
			}
			if err := st.DeletePrefix(ctx, files.ThumbPrefix(k)); err != nil {
				app.Log.Warn("files: delete thumbnails failed", "key", k, "err", err)
			}
		}
		for _, p := range prefixes {
			if err := st.DeletePrefix(ctx, p); err != nil {
				app.Log.Warn("files: delete record files failed (orphans for the sweep)", "prefix", p, "err", err)
			}
		}
	})
}

// hasFileFields reports whether c has a file field.
func hasFileFields(c *galley.Collection) bool {
	return slices.ContainsFunc(c.Fields, func(f *galley.Field) bool { return f.Type == galley.FieldFile })
}

// dropFilesAfterCommit removes the stored files under prefix (a record's
// or a collection's directory) once tx commits.
func (app *App) dropFilesAfterCommit(tx *store.Tx, prefix string) {
	tx.AfterCommit(func() { app.dropFiles(prefix) })
}

// dropFiles removes the stored files under prefix in the background.
func (app *App) dropFiles(prefix string) {
	app.files.refs.forget(nil, []string{prefix})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := app.storage(ctx)
	if err != nil {
		app.Log.Warn("files: no storage to delete files (orphans for the sweep)", "prefix", prefix, "err", err)
		return
	}
	app.removeFiles(st, nil, []string{prefix})
}

// TestS3 checks the saved S3 settings of filesystem ("storage" or
// "backups": backups.s3) by writing, reading and deleting a probe object.
// Errors are EInvalid with PocketBase's message "Failed to test the S3
// filesystem.": a missing or unknown filesystem names the field, S3
// disabled or a failed probe adds the reason (without PocketBase's "Raw
// error:" line break). Superusers only.
func (app *App) TestS3(ctx context.Context, a Actor, filesystem string) error {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	const failed = "Failed to test the S3 filesystem."
	s, err := app.Settings(ctx)
	if err != nil {
		return err
	}
	s3 := s.S3
	switch filesystem {
	case "storage":
	case "backups":
		s3 = s.Backups.S3
	case "":
		e := galley.FieldInvalid("filesystem", "validation_required", "Cannot be blank.")
		e.Message = failed
		return e
	default:
		e := galley.FieldInvalid("filesystem", "validation_in_invalid", "Must be a valid value.")
		e.Message = failed
		return e
	}
	if !s3.Enabled {
		return galley.Errorf(galley.EInvalid, "%s S3 storage filesystem is not enabled.", failed)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := files.TestS3(ctx, s3.config()); err != nil {
		return galley.Errorf(galley.EInvalid, "%s %v", failed, err)
	}
	return nil
}

// FieldType returns the type of the field body key (a field name, with or
// without a modifier) names in the collection, "" when there is none. It
// checks no access: the transport uses it to decode form values.
func (app *App) FieldType(nameOrID, key string) string {
	c := app.db.Schema.Collection(nameOrID)
	if c == nil {
		return ""
	}
	name, _ := modifier(key)
	if f := c.Field(name); f != nil {
		return f.Type
	}
	return ""
}

// dropFileKeys removes the stored files keys (with their thumbnails) in
// the background.
func (app *App) dropFileKeys(keys []string) {
	app.files.refs.forget(keys, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := app.storage(ctx)
	if err != nil {
		app.Log.Warn("files: no storage to delete dropped files (orphans for the sweep)", "err", err)
		return
	}
	app.removeFiles(st, keys, nil)
}
