// Package files stores the bytes of file fields: a Storage (a local
// directory or an S3-compatible bucket), the names files are stored under,
// content-type detection and thumbnails. It knows nothing of records or
// rules; core decides what is stored where and who may read it.
//
// Keys are slash-separated paths relative to the storage root:
// "<collectionId>/<recordId>/<name>" for a file and
// "<collectionId>/<recordId>/thumbs_<name>/<size>_<name>" for a thumbnail.
// A key never starts with "/", never holds "..", "." or empty segments,
// backslashes or NUL bytes; ValidKey checks that and every Storage refuses
// other keys with ErrInvalidKey.
package files

import (
	"context"
	"errors"
	"io"
	"time"
)

// Errors of a Storage.
var (
	// ErrNotFound: no object under that key.
	ErrNotFound = errors.New("files: not found")
	// ErrInvalidKey: the key is not a valid storage key (see ValidKey).
	ErrInvalidKey = errors.New("files: invalid key")
)

// Storage is where file bytes live. Implementations are safe for
// concurrent use.
type Storage interface {
	// Put stores the bytes of r under key. It is atomic: a reader sees
	// either the old object, or the whole new one, never a part. size is
	// the length of r, or -1 when unknown. contentType may be "".
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// PutFile stores the file at path under key, as Put does. A local
	// storage on the same file system moves the file (the file at path is
	// gone afterwards); others copy it and leave it in place.
	PutFile(ctx context.Context, key, path, contentType string) error
	// Open returns the object under key for reading; ErrNotFound when
	// there is none. The caller closes it.
	Open(ctx context.Context, key string) (*Object, error)
	// Stat returns the object's attributes without its bytes; ErrNotFound
	// when there is none.
	Stat(ctx context.Context, key string) (Attrs, error)
	// Delete removes the object under key; a missing object is not an
	// error.
	Delete(ctx context.Context, key string) error
	// DeletePrefix removes every object whose key starts with prefix +
	// "/" (prefix is a key such as "<collectionId>/<recordId>").
	DeletePrefix(ctx context.Context, prefix string) error
	// List calls fn for every object whose key starts with prefix (""
	// for all), in no particular order; an error from fn stops it and is
	// returned.
	List(ctx context.Context, prefix string, fn func(Attrs) error) error
	// Close releases the storage's resources.
	Close() error
}

// Attrs are an object's attributes.
type Attrs struct {
	Key     string
	Size    int64
	ModTime time.Time
	// ContentType as stored, "" when the storage keeps none.
	ContentType string
}

// Object is an open stored object. Content is what http.ServeContent
// needs; for local storage it is the *os.File itself, so that the
// response is sent with sendfile. For S3 a Seek followed by a Read issues
// a ranged GET: nothing is buffered whole.
type Object struct {
	Attrs
	Content io.ReadSeekCloser
}

// Close closes the object's content.
func (o *Object) Close() error { return o.Content.Close() }
