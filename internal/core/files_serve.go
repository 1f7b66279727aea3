package core

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/auth"
	"github.com/galleyhq/galley/internal/files"
)

// FileRequest names a stored file, as GET /api/files/{collection}/{recordId}/{filename}
// does, with the query's thumb size and file token.
type FileRequest struct {
	Collection, RecordID, Filename string
	// Thumb is the ?thumb= value: one of the field's thumbs sizes gives
	// that thumbnail; any other value (or a file that is not an image)
	// gives the original.
	Thumb string
	// Token is the ?token= value: a file token (FileToken), needed for
	// protected files. Auth tokens are not file tokens.
	Token string
}

// ServedFile is an opened stored file. The caller closes Object.
type ServedFile struct {
	Object *files.Object
	// Name is the file's stored name (for Content-Disposition).
	Name string
	// ContentType is detected from the content (or the thumbnail's type).
	ContentType string
	// Protected files must not be cached by shared caches.
	Protected bool
}

// errFileNotFound is the answer for every file that cannot be served:
// missing collection, record or file, a name that is not a stored name, a
// protected file without a valid file token whose record passes the
// viewRule. One answer for all, so that nothing about the record leaks.
func errFileNotFound() error {
	return galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
}

// OpenFile opens the file req names. A file that is not protected is
// served to anyone (as in PocketBase); a protected one needs a file token
// whose record passes the collection's viewRule (a superuser's opens all).
// Everything that cannot be served is ENotFound.
func (app *App) OpenFile(ctx context.Context, req FileRequest) (*ServedFile, error) {
	c := app.db.Schema.Collection(req.Collection)
	if c == nil {
		return nil, galley.Errorf(galley.ENotFound, "Missing or invalid collection context.")
	}
	if !files.ValidStoredName(req.Filename) || !files.ValidKey(files.FileKey(c.ID, req.RecordID, req.Filename)) {
		return nil, errFileNotFound()
	}
	field, known := app.files.refs.get(c, req.RecordID, req.Filename)
	if !known {
		var err error
		if field, err = app.fileField(ctx, c, req.RecordID, req.Filename); err != nil {
			return nil, err
		}
	}
	if field.Protected {
		if err := app.checkFileToken(ctx, c, req.RecordID, req.Token); err != nil {
			return nil, err
		}
	}
	st, err := app.storage(ctx)
	if err != nil {
		return nil, err
	}
	key := files.FileKey(c.ID, req.RecordID, req.Filename)
	var size files.ThumbSize
	wantThumb := false
	if req.Thumb != "" && slices.Contains(field.Thumbs, req.Thumb) {
		if sz, err := files.ParseThumbSize(req.Thumb); err == nil {
			size, wantThumb = sz, true
		}
	}
	// A thumbnail made before is opened directly (no look at the original).
	if ct, ok := app.files.types.get(key); wantThumb && ok && files.IsThumbable(ct) {
		if tobj, err := st.Open(ctx, files.ThumbKey(key, size.String())); err == nil {
			return &ServedFile{Object: tobj, Name: req.Filename, ContentType: files.ThumbContentType(ct), Protected: field.Protected}, nil
		}
	}
	obj, err := st.Open(ctx, key)
	if errors.Is(err, files.ErrNotFound) {
		if known { // removed by a change on another node
			app.files.refs.forget([]string{key}, nil)
		}
		return nil, errFileNotFound()
	}
	if err != nil {
		return nil, galley.Internal(err)
	}
	ct, ok := app.files.types.get(key)
	if !ok {
		if ct, err = contentTypeOf(obj); err != nil {
			obj.Close()
			return nil, galley.Internal(err)
		}
		app.files.types.put(key, ct)
	}
	out := &ServedFile{Object: obj, Name: req.Filename, ContentType: ct, Protected: field.Protected}
	if !wantThumb || !files.IsThumbable(ct) {
		return out, nil
	}
	tk, err := app.thumbnailer().Get(ctx, st, key, size, ct)
	if err != nil {
		if ctx.Err() != nil {
			obj.Close()
			return nil, ctx.Err()
		}
		// Not decodable, too many pixels: the original, as PocketBase does.
		app.Log.Debug("files: thumbnail not made; serving the original", "key", key, "thumb", req.Thumb, "err", err)
		return out, nil
	}
	tobj, err := st.Open(ctx, tk)
	if err != nil {
		return out, nil
	}
	obj.Close()
	out.Object, out.ContentType = tobj, files.ThumbContentType(ct)
	return out, nil
}

// fileField reads record id of c and returns its file field that holds
// the stored file name (ENotFound when the record or the file is not
// there), remembering it in fileRefs when the field is not protected.
func (app *App) fileField(ctx context.Context, c *galley.Collection, id, name string) (*galley.Field, error) {
	gen := app.files.refs.generation()
	r, err := findByID(ctx, app.db.Reader(), c, id)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errFileNotFound()
	}
	for _, f := range c.Fields {
		if f.Type == galley.FieldFile && slices.Contains(valuesOf(r.Data[f.Name]), name) {
			app.files.refs.put(c, f, id, name, gen)
			return f, nil
		}
	}
	return nil, errFileNotFound()
}

// typeCache remembers the detected content type of stored files by key.
// A key never names two contents (stored names are never reused: each
// upload gets a fresh random suffix), so an entry never goes stale; the
// cache is emptied when it grows past maxTypes.
type typeCache struct {
	mu sync.Mutex
	m  map[string]string
}

const maxTypes = 50000

func (c *typeCache) get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ct, ok := c.m[key]
	return ct, ok
}

func (c *typeCache) put(key, ct string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxTypes {
		c.m = make(map[string]string)
	}
	c.m[key] = ct
}

// contentTypeOf returns the stored content type of obj, or detects it from
// its first bytes (local storage keeps none) and rewinds it.
func contentTypeOf(obj *files.Object) (string, error) {
	if obj.ContentType != "" {
		return obj.ContentType, nil
	}
	head := make([]byte, files.SniffLen)
	n, err := io.ReadFull(obj.Content, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", err
	}
	if _, err := obj.Content.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return files.Detect(head[:n]), nil
}

func (app *App) thumbnailer() *files.Thumbnailer {
	app.files.mu.Lock()
	defer app.files.mu.Unlock()
	if app.files.thumbs == nil {
		app.files.thumbs = files.NewThumbnailer(0)
	}
	return app.files.thumbs
}

// checkFileToken checks that token is a valid file token whose record may
// view record id of c (a superuser's may view all). Anything else is
// ENotFound (see errFileNotFound).
func (app *App) checkFileToken(ctx context.Context, c *galley.Collection, id, token string) error {
	if token == "" {
		return errFileNotFound()
	}
	rec, _, err := app.verifyRecordToken(ctx, token, auth.TypeFile, func(o *galley.AuthOptions) string { return o.FileToken.Secret })
	if galley.ErrorCodeOf(err) == galley.EUnauthenticated {
		return errFileNotFound()
	}
	if err != nil {
		return err
	}
	a := Actor{Auth: rec}
	if a.IsSuperuser() {
		return nil
	}
	if _, err := app.findVisible(ctx, app.db.Reader(), a, c, id, "view"); err != nil {
		if galley.ErrorCodeOf(err) == galley.ENotFound || galley.ErrorCodeOf(err) == galley.EForbidden {
			return errFileNotFound()
		}
		return err
	}
	return nil
}

// FileToken returns a short-lived file token for a's auth record (its
// collection's fileToken duration, 180 s by default), for reading
// protected files. Guests are EUnauthenticated.
func (app *App) FileToken(a Actor) (string, error) {
	if a.Auth == nil || a.Auth.Collection == nil || a.Auth.Collection.Auth == nil {
		return "", galley.Errorf(galley.EUnauthenticated, "The request requires valid record authorization token.")
	}
	c := a.Auth.Collection
	ttl := time.Duration(c.Auth.FileToken.Duration) * time.Second
	if ttl <= 0 {
		ttl = 180 * time.Second
	}
	tok, err := auth.Sign(auth.Claims{ID: a.Auth.ID(), CollectionID: c.ID, Type: auth.TypeFile},
		a.Auth.GetString("tokenKey"), c.Auth.FileToken.Secret, ttl)
	if err != nil {
		return "", galley.Internal(err)
	}
	return tok, nil
}
