package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPackReproducible: the same files give the same bytes whatever their
// order on the command line, their mtimes or the directory they are in;
// the listing shows sorted entries, fixed modes, owner 0:0 and the mtime.
func TestPackReproducible(t *testing.T) {
	mtime := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, ext := range []string{".tar.gz", ".zip"} {
		var archives [][]byte
		for i, order := range [][]string{{"galley", "README.md", "LICENSE"}, {"LICENSE", "galley", "README.md"}} {
			dir := t.TempDir()
			for _, n := range order {
				mode := os.FileMode(0o600)
				if n == "galley" {
					mode = 0o700
				}
				p := filepath.Join(dir, n)
				if err := os.WriteFile(p, []byte("content of "+n), mode); err != nil {
					t.Fatal(err)
				}
				os.Chtimes(p, time.Unix(int64(1000*i), 0), time.Unix(int64(1000*i), 0))
			}
			var args []string
			for _, n := range order {
				args = append(args, filepath.Join(dir, n))
			}
			out := filepath.Join(dir, "out"+ext)
			if err := run(out, mtime, args); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			archives = append(archives, b)
			var list bytes.Buffer
			if err := listArchive(&list, out); err != nil {
				t.Fatal(err)
			}
			want := "0644 0:0 2026-12-02T10:00:00Z LICENSE\n0644 0:0 2026-12-02T10:00:00Z README.md\n0755 0:0 2026-12-02T10:00:00Z galley\n"
			if list.String() != want {
				t.Fatalf("%s lists\n%s", ext, list.String())
			}
		}
		if !bytes.Equal(archives[0], archives[1]) {
			t.Errorf("%s: two packs of the same files differ", ext)
		}
	}
}

func TestPackRefuses(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	os.WriteFile(f, []byte("x"), 0o644)
	for _, c := range []struct {
		out  string
		args []string
		want string
	}{
		{filepath.Join(dir, "a.tar"), []string{f}, "want a .tar.gz or .zip"},
		{filepath.Join(dir, "a.zip"), []string{"../x=" + f}, "plain file name"},
		{filepath.Join(dir, "a.zip"), []string{f, "f=" + f}, "f twice"},
		{filepath.Join(dir, "a.zip"), []string{dir}, "not a regular file"},
		{filepath.Join(dir, "a.zip"), nil, "want -o"},
	} {
		if err := run(c.out, time.Unix(0, 0), c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%s, %v) = %v, want %q", c.out, c.args, err, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a.tar")); err == nil {
		t.Error("a refused archive was written")
	}
}
