package files

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// tmpDir is the directory under a Local's root where uploads are written
// before they are renamed into place: on the same file system, so the
// rename is atomic. Keys under it are refused and List skips it.
const tmpDir = ".tmp"

// Permissions of what a Local creates: stored files may be private, so
// they are readable by the server's user only.
const (
	localDirPerm  = 0o700
	localFilePerm = 0o600
)

// Local is a Storage in a local directory: the object under key is the
// file <dir>/<key>. It keeps no content type (Attrs.ContentType is "").
//
// The root directory itself is trusted: whoever can write in it can make
// objects say anything. Within it, keys cannot reach outside the root:
// keys are validated (ValidKey), every path is resolved through an
// os.Root (a symbolic link cannot lead out of the root), and Open and
// Stat do not follow a symbolic link in the last component of the key.
type Local struct {
	dir  string // absolute
	root *os.Root
}

var _ Storage = (*Local)(nil)

// NewLocal returns a Local storing under dir, creating dir (and its
// temporary directory, dir/.tmp) when missing.
func NewLocal(dir string) (*Local, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("files: local storage %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, localDirPerm); err != nil {
		return nil, fmt.Errorf("files: local storage: %w", err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("files: local storage: %w", err)
	}
	if err := root.Mkdir(tmpDir, localDirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
		root.Close()
		return nil, fmt.Errorf("files: local storage: %w", err)
	}
	if fi, err := root.Lstat(tmpDir); err != nil || !fi.IsDir() {
		root.Close()
		return nil, fmt.Errorf("files: local storage: %s is not a directory", filepath.Join(abs, tmpDir))
	}
	return &Local{dir: abs, root: root}, nil
}

// Dir returns the absolute path of the storage's root directory.
func (l *Local) Dir() string { return l.dir }

// validKey is ValidKey minus the keys under the temporary directory.
func (l *Local) validKey(key string) bool {
	return ValidKey(key) && key != tmpDir && !strings.HasPrefix(key, tmpDir+"/")
}

// Put writes r to a temporary file, syncs it and renames it to key, so a
// reader sees the old file or the new one. When size is not -1, r must
// yield exactly size bytes; otherwise nothing is stored and Put fails.
// It copies through a small buffer: memory does not grow with the size.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if !l.validKey(key) {
		return ErrInvalidKey
	}
	tmp, name, err := l.createTemp()
	if err != nil {
		return fmt.Errorf("files: put %s: %w", key, err)
	}
	defer l.discard(tmp, name)
	src := io.Reader(ctxReader{ctx, r})
	if size >= 0 {
		src = io.LimitReader(src, size+1)
	}
	n, err := io.Copy(tmp, src)
	if err != nil {
		return fmt.Errorf("files: put %s: %w", key, err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("files: put %s: the reader holds more or less than the %d bytes announced", key, size)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("files: put %s: %w", key, err)
	}
	if err := l.commit(name, key); err != nil {
		return fmt.Errorf("files: put %s: %w", key, err)
	}
	return nil
}

// PutFile moves the regular file at path to key: a rename when path is on
// the root's file system, a copy and a removal otherwise. The file at
// path is gone when PutFile succeeds.
func (l *Local) PutFile(ctx context.Context, key, path, contentType string) error {
	if !l.validKey(key) {
		return ErrInvalidKey
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("files: put %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("files: put %s: %s is not a regular file", key, path)
	}
	name := tmpDir + "/" + rand.Text()
	// A fresh modification time, so that SweepTemp does not take an old
	// file for a stale temporary one between the two renames.
	now := time.Now()
	if err := os.Chtimes(path, now, now); err == nil {
		if err := os.Rename(path, filepath.Join(l.dir, filepath.FromSlash(name))); err == nil {
			return l.commitMoved(name, key)
		}
	}
	// Another file system, most likely: copy.
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("files: put %s: %w", key, err)
	}
	err = l.Put(ctx, key, f, fi.Size(), contentType)
	f.Close()
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("files: stored %s, but could not remove its source: %w", key, err)
	}
	return nil
}

// commitMoved syncs a file renamed into the temporary directory and
// renames it to key.
func (l *Local) commitMoved(name, key string) error {
	f, err := l.root.OpenFile(name, os.O_RDWR, 0)
	if err == nil {
		err = f.Chmod(localFilePerm)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		err = l.commit(name, key)
	}
	if err != nil {
		l.root.Remove(name)
		return fmt.Errorf("files: put %s: %w", key, err)
	}
	return nil
}

// createTemp creates a new file in the temporary directory.
func (l *Local) createTemp() (*os.File, string, error) {
	for {
		name := tmpDir + "/" + rand.Text()
		f, err := l.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, localFilePerm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
}

// discard closes a temporary file and removes it, unless it was renamed
// into place.
func (l *Local) discard(f *os.File, name string) {
	f.Close()
	l.root.Remove(name) // fails harmlessly once renamed
}

// commit renames the temporary file name to key, creating key's parent
// directories, and syncs the parent so that the rename survives a crash.
func (l *Local) commit(name, key string) error {
	dir := path.Dir(key)
	var err error
	// A concurrent DeletePrefix may remove the parent between MkdirAll and
	// Rename: try again.
	for range 3 {
		if dir != "." {
			if err = l.root.MkdirAll(dir, localDirPerm); err != nil {
				return err
			}
		}
		if err = l.root.Rename(name, key); !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	return l.syncDir(dir)
}

// syncDir fsyncs a directory (not possible on Windows, where renames are
// durable on their own terms).
func (l *Local) syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := l.root.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Open opens the regular file under key; ErrNotFound when there is none,
// or when key names a directory or a symbolic link. Content is the
// *os.File.
func (l *Local) Open(ctx context.Context, key string) (*Object, error) {
	if !l.validKey(key) {
		return nil, ErrInvalidKey
	}
	f, err := openNoFollow(l.root, key)
	if err != nil {
		if notFound(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("files: open %s: %w", key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("files: open %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, ErrNotFound
	}
	return &Object{Attrs: localAttrs(key, fi), Content: f}, nil
}

// Stat returns the attributes of the regular file under key; ErrNotFound
// when there is none (a directory or a symbolic link is none).
func (l *Local) Stat(ctx context.Context, key string) (Attrs, error) {
	if !l.validKey(key) {
		return Attrs{}, ErrInvalidKey
	}
	fi, err := l.root.Lstat(key)
	if err != nil {
		if notFound(err) {
			return Attrs{}, ErrNotFound
		}
		return Attrs{}, fmt.Errorf("files: stat %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		return Attrs{}, ErrNotFound
	}
	return localAttrs(key, fi), nil
}

func localAttrs(key string, fi fs.FileInfo) Attrs {
	return Attrs{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}
}

// Delete removes the file under key. A missing file, or a directory
// under key, is not an error (and the directory stays). Parent
// directories are left in place; DeletePrefix removes a record's.
func (l *Local) Delete(ctx context.Context, key string) error {
	if !l.validKey(key) {
		return ErrInvalidKey
	}
	fi, err := l.root.Lstat(key)
	if err == nil && fi.IsDir() {
		return nil
	}
	if err == nil {
		err = l.root.Remove(key)
	}
	if err != nil && !notFound(err) {
		return fmt.Errorf("files: delete %s: %w", key, err)
	}
	return nil
}

// DeletePrefix removes the directory tree <root>/<prefix>: every object
// whose key starts with prefix + "/". A missing tree, or a file under
// prefix itself, is left alone without error.
func (l *Local) DeletePrefix(ctx context.Context, prefix string) error {
	if !l.validKey(prefix) {
		return ErrInvalidKey
	}
	fi, err := l.root.Lstat(prefix)
	if err != nil {
		if notFound(err) {
			return nil
		}
		return fmt.Errorf("files: delete %s/: %w", prefix, err)
	}
	if !fi.IsDir() {
		return nil
	}
	if err := l.root.RemoveAll(prefix); err != nil {
		return fmt.Errorf("files: delete %s/: %w", prefix, err)
	}
	return nil
}

// List walks the directories that can hold keys starting with prefix
// (the same string prefix as S3's: "c/r1" also lists "c/r10/…"), skipping
// the temporary directory, symbolic links and files whose name is not a
// valid key. prefix must be "", a valid key or a valid key followed by
// "/"; otherwise List returns ErrInvalidKey.
func (l *Local) List(ctx context.Context, prefix string, fn func(Attrs) error) error {
	if !validPrefix(prefix) {
		return ErrInvalidKey
	}
	base := "."
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		base = prefix[:i]
	}
	var fnErr error
	err := fs.WalkDir(l.root.FS(), base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if notFound(err) { // removed while walking, or no such base
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p == "." {
				return nil
			}
			if p == tmpDir || !(strings.HasPrefix(p+"/", prefix) || strings.HasPrefix(prefix, p+"/")) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(p, prefix) || !ValidKey(p) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if notFound(err) {
				return nil
			}
			return err
		}
		fnErr = fn(localAttrs(p, fi))
		return fnErr
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("files: list %s: %w", prefix, err)
	}
	return nil
}

// SweepTemp removes the temporary files (uploads interrupted by a crash)
// last modified more than olderThan ago, and returns how many it removed.
// olderThan must exceed the longest upload: a Put in progress writes its
// temporary file as it goes, but a slow client may pause longer.
func (l *Local) SweepTemp(olderThan time.Duration) (int, error) {
	d, err := l.root.Open(tmpDir)
	if err != nil {
		return 0, fmt.Errorf("files: sweep: %w", err)
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return 0, fmt.Errorf("files: sweep: %w", err)
	}
	cutoff := time.Now().Add(-olderThan)
	n := 0
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue
		}
		if err := l.root.RemoveAll(tmpDir + "/" + e.Name()); err != nil {
			return n, fmt.Errorf("files: sweep: %w", err)
		}
		n++
	}
	return n, nil
}

// Close closes the root directory.
func (l *Local) Close() error { return l.root.Close() }

// notFound reports whether err means that a path, or one of its parents,
// does not exist as the kind of file expected.
func notFound(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
