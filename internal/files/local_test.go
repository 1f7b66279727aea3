package files_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/files"
)

func TestLocalContentIsFile(t *testing.T) {
	l := newLocal(t)
	put(t, l, "c/r/a.txt", []byte("hello"))
	obj, err := l.Open(t.Context(), "c/r/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	if _, ok := obj.Content.(*os.File); !ok {
		t.Errorf("Content is a %T, want *os.File (sendfile)", obj.Content)
	}
	if obj.ContentType != "" {
		t.Errorf("ContentType = %q, want \"\"", obj.ContentType)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(l.Dir(), "c", "r", "a.txt"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("stored file: %v, %v; want mode 0600", fi.Mode(), err)
		}
	}
}

func TestLocalRefusesTempKeys(t *testing.T) {
	l := newLocal(t)
	ctx := t.Context()
	for _, key := range []string{".tmp", ".tmp/x", ".tmp/x/y"} {
		_, errOpen := l.Open(ctx, key)
		_, errStat := l.Stat(ctx, key)
		for name, err := range map[string]error{
			"Put":          l.Put(ctx, key, strings.NewReader("x"), 1, ""),
			"Delete":       l.Delete(ctx, key),
			"DeletePrefix": l.DeletePrefix(ctx, key),
			"Open":         errOpen,
			"Stat":         errStat,
		} {
			if !errors.Is(err, files.ErrInvalidKey) {
				t.Errorf("%s(%q) = %v, want ErrInvalidKey", name, key, err)
			}
		}
	}
	if err := l.List(ctx, ".tmp/", func(files.Attrs) error { return nil }); err != nil {
		t.Errorf("List(.tmp/) = %v", err) // valid, and lists nothing
	}
	if _, err := os.Stat(filepath.Join(l.Dir(), ".tmp")); err != nil {
		t.Errorf("the temporary directory: %v", err)
	}
}

// TestLocalSymlinks plants symbolic links in the root, as someone with
// access to it could: none leads a key outside, and none is served.
func TestLocalSymlinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	l := newLocal(t)
	ctx := t.Context()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	put(t, l, "c/r/inside.txt", []byte("inside"))
	rec := filepath.Join(l.Dir(), "c", "r")
	for name, target := range map[string]string{
		"file-out": secret,             // a file outside
		"dir-out":  outside,            // a directory outside
		"file-in":  "inside.txt",       // a file inside (relative)
		"up":       "../../../" + "..", // up and out
	} {
		if err := os.Symlink(target, filepath.Join(rec, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"c/r/file-out", "c/r/file-in", "c/r/dir-out/secret.txt", "c/r/up/etc/passwd"} {
		if obj, err := l.Open(ctx, key); err == nil {
			b, _ := io.ReadAll(obj.Content)
			obj.Close()
			t.Errorf("Open(%s) read %q through a symbolic link", key, b)
		}
		if a, err := l.Stat(ctx, key); err == nil {
			t.Errorf("Stat(%s) = %+v through a symbolic link", key, a)
		}
	}
	if err := l.Put(ctx, "c/r/dir-out/new.txt", strings.NewReader("x"), 1, ""); err == nil {
		t.Error("Put through a symbolic link to a directory outside succeeded")
	}
	l.Delete(ctx, "c/r/dir-out/secret.txt")
	l.DeletePrefix(ctx, "c/r/dir-out")
	entries, _ := os.ReadDir(outside)
	if len(entries) != 1 || entries[0].Name() != "secret.txt" {
		t.Errorf("the directory outside the root changed: %v", entries)
	}
	if got := listKeys(t, l, ""); !slices.Equal(got, []string{"c/r/inside.txt"}) {
		t.Errorf("List(\"\") = %q, want only the regular file", got)
	}
	// DeletePrefix removes the links, not what they point to.
	if err := l.DeletePrefix(ctx, "c/r"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(secret); err != nil || string(b) != "secret" {
		t.Errorf("the file outside after DeletePrefix: %q, %v", b, err)
	}
}

func TestLocalListSkipsInvalidNames(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no backslash in Windows file names")
	}
	l := newLocal(t)
	put(t, l, "c/r/ok", []byte("x"))
	if err := os.WriteFile(filepath.Join(l.Dir(), "c", "r", "a\\b"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := listKeys(t, l, ""); !slices.Equal(got, []string{"c/r/ok"}) {
		t.Errorf("List = %q", got)
	}
}

func TestLocalSweepTemp(t *testing.T) {
	l := newLocal(t)
	put(t, l, "c/r/kept", []byte("kept"))
	tmp := filepath.Join(l.Dir(), ".tmp")
	if n, err := l.SweepTemp(time.Hour); n != 0 || err != nil {
		t.Fatalf("SweepTemp with no temporary file = %d, %v", n, err)
	}
	old := time.Now().Add(-2 * time.Hour)
	for _, name := range []string{"stale1", "stale2", "fresh"} {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte("partial upload"), 0o600); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(name, "stale") {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	n, err := l.SweepTemp(time.Hour)
	if n != 2 || err != nil {
		t.Errorf("SweepTemp = %d, %v; want 2 removed", n, err)
	}
	entries, _ := os.ReadDir(tmp)
	if len(entries) != 1 || entries[0].Name() != "fresh" {
		t.Errorf("left in .tmp: %v, want only the fresh file", entries)
	}
	if got := read(t, l, "c/r/kept"); string(got) != "kept" {
		t.Errorf("stored object after the sweep: %q", got)
	}
}

// TestLocalPutFileOldSource: a source file modified long ago is moved into
// the temporary directory with a fresh time, so a sweep does not take it
// for a stale upload.
func TestLocalPutFileOldSource(t *testing.T) {
	l := newLocal(t)
	src := filepath.Join(t.TempDir(), "old")
	if err := os.WriteFile(src, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(src, old, old)
	if err := l.PutFile(t.Context(), "c/r/old", src, ""); err != nil {
		t.Fatal(err)
	}
	a, err := l.Stat(t.Context(), "c/r/old")
	if err != nil || time.Since(a.ModTime) > time.Hour {
		t.Errorf("Stat = %+v, %v; want a fresh modification time", a, err)
	}
}

// TestLocalPutFileOtherFileSystem moves a file from /dev/shm (tmpfs, most
// likely another file system than the temporary directory): a copy and a
// removal instead of a rename.
func TestLocalPutFileOtherFileSystem(t *testing.T) {
	f, err := os.CreateTemp("/dev/shm", "galley-files-test-")
	if err != nil {
		t.Skipf("no /dev/shm: %v", err)
	}
	t.Cleanup(func() { os.Remove(f.Name()) })
	data := bytes.Repeat([]byte("shm"), 100_000)
	_, err = f.Write(data)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	l := newLocal(t)
	if err := l.PutFile(t.Context(), "c/r/shm", f.Name(), ""); err != nil {
		t.Fatal(err)
	}
	if got := read(t, l, "c/r/shm"); !bytes.Equal(got, data) {
		t.Errorf("read %d bytes, not the file's", len(got))
	}
	if _, err := os.Stat(f.Name()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("PutFile left its source: %v", err)
	}
}

func TestNewLocal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	l, err := files.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if fi, err := os.Stat(filepath.Join(dir, ".tmp")); err != nil || !fi.IsDir() {
		t.Errorf("NewLocal did not create %s/.tmp: %v", dir, err)
	}
	// a second time, on the existing directory
	l, err = files.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, ".tmp"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if l, err := files.NewLocal(bad); err == nil {
		l.Close()
		t.Error("NewLocal accepted a root whose .tmp is a file")
	}
}
