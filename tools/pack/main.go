// Command pack writes a reproducible release archive: a .tar.gz or a .zip
// (by the output's name) of the given files, flat, sorted by name, every
// entry with the same modification time, owner 0:0 with no names, mode
// 0755 for executables and 0644 for the rest, and no other metadata (no
// gzip name or time, no extended attributes). The same inputs give the same
// bytes on any machine with the same Go.
//
//	go run ./tools/pack -mtime 1764633600 -o galley_1.2.3_linux_amd64.tar.gz galley=build/galley README.md LICENSE
//	go run ./tools/pack -list galley_1.2.3_linux_amd64.tar.gz   # mode uid:gid mtime name, one a line
package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/flate"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	out := flag.String("o", "", "the archive to write: NAME.tar.gz or NAME.zip")
	mtime := flag.Int64("mtime", 0, "modification time of every entry, in seconds since 1970 (the commit time)")
	list := flag.String("list", "", "list the entries of this archive instead")
	flag.Parse()
	var err error
	if *list != "" {
		err = listArchive(os.Stdout, *list)
	} else {
		err = run(*out, time.Unix(*mtime, 0).UTC(), flag.Args())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}

// entry is one file of the archive: its name in the archive and its source.
type entry struct {
	name, path string
	mode       int64
}

func run(out string, mtime time.Time, args []string) error {
	if out == "" || len(args) == 0 {
		return fmt.Errorf("want -o ARCHIVE and files (NAME=PATH, or PATH for its base name)")
	}
	var entries []entry
	for _, a := range args {
		name, path, ok := strings.Cut(a, "=")
		if !ok {
			name, path = filepath.Base(a), a
		}
		if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
			return fmt.Errorf("%q: an archive name must be a plain file name", name)
		}
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", path)
		}
		mode := int64(0o644)
		if fi.Mode()&0o111 != 0 || strings.HasSuffix(name, ".exe") {
			mode = 0o755
		}
		entries = append(entries, entry{name: name, path: path, mode: mode})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(entries); i++ {
		if entries[i].name == entries[i-1].name {
			return fmt.Errorf("%s twice", entries[i].name)
		}
	}
	f, err := os.Create(out + ".tmp")
	if err != nil {
		return err
	}
	defer os.Remove(out + ".tmp")
	w := bufio.NewWriter(f)
	switch {
	case strings.HasSuffix(out, ".tar.gz"):
		err = writeTarGz(w, entries, mtime)
	case strings.HasSuffix(out, ".zip"):
		err = writeZip(w, entries, mtime)
	default:
		err = fmt.Errorf("%s: want a .tar.gz or .zip name", out)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(out+".tmp", out)
}

func writeTarGz(w io.Writer, entries []entry, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression) // Header zero: no name, no time
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		err := copyFile(e.path, func(size int64) (io.Writer, error) {
			h := &tar.Header{Typeflag: tar.TypeReg, Name: e.name, Size: size, Mode: e.mode, ModTime: mtime, Format: tar.FormatUSTAR}
			return tw, tw.WriteHeader(h)
		})
		if err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, entries []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, e := range entries {
		err := copyFile(e.path, func(int64) (io.Writer, error) {
			h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
			h.SetMode(os.FileMode(e.mode))
			return zw.CreateHeader(h)
		})
		if err != nil {
			return err
		}
	}
	return zw.Close()
}

// copyFile opens path and copies it into the writer start returns.
func copyFile(path string, start func(size int64) (io.Writer, error)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	w, err := start(fi.Size())
	if err != nil {
		return err
	}
	n, err := io.Copy(w, f)
	if err == nil && n != fi.Size() {
		err = fmt.Errorf("%s changed while being packed", path)
	}
	return err
}

// listArchive writes one line per entry of the .tar.gz or .zip at path:
// "0755 0:0 2026-12-02T10:00:00Z galley" (zip entries have no owner: 0:0).
func listArchive(w io.Writer, path string) error {
	line := func(mode os.FileMode, uid, gid int, mtime time.Time, name string) {
		fmt.Fprintf(w, "%04o %d:%d %s %s\n", mode.Perm(), uid, gid, mtime.UTC().Format(time.RFC3339), name)
	}
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.OpenReader(path)
		if err != nil {
			return err
		}
		defer zr.Close()
		for _, f := range zr.File {
			line(f.Mode(), 0, 0, f.Modified, f.Name)
		}
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		line(h.FileInfo().Mode(), h.Uid, h.Gid, h.ModTime, h.Name)
	}
}
