package backup

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/migratedata"
)

// Limits bound what Check accepts, against zip bombs and oversized input.
// Zero fields take the defaults.
type Limits struct {
	// MaxUncompressed bounds the total uncompressed size of all entries
	// (DefaultMaxUncompressed).
	MaxUncompressed int64
	// MaxRatio bounds the uncompressed/compressed ratio of an entry larger
	// than 1 MiB (DefaultMaxRatio).
	MaxRatio int64
	// MaxEntries bounds the number of entries (DefaultMaxEntries).
	MaxEntries int
	// MaxLine bounds one JSON line of a table or the files list, and the
	// size of manifest.json and collections.json (DefaultMaxLine).
	MaxLine int
}

// The default Limits.
const (
	DefaultMaxUncompressed = int64(256) << 30 // 256 GiB
	DefaultMaxRatio        = 200
	DefaultMaxEntries      = 10_000_000
	DefaultMaxLine         = 64 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxUncompressed <= 0 {
		l.MaxUncompressed = DefaultMaxUncompressed
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxLine <= 0 {
		l.MaxLine = DefaultMaxLine
	}
	return l
}

// Archive is an archive that passed Check.
type Archive struct {
	Manifest    *Manifest
	Collections []*galley.Collection
	// Files are the stored files of the archive, by key.
	Files map[string]FileEntry
	zr    *zip.Reader
	entry map[string]*zip.File
}

// invalid is the error of an archive Check refuses.
func invalid(format string, args ...any) error {
	return galley.Errorf(galley.EInvalid, "The backup archive is invalid: "+format, args...)
}

// Check reads the whole archive r (size bytes) and returns it when it can
// be restored: a zip whose entry names are all known and safe (no absolute
// or traversing paths, no duplicates), within limits (total uncompressed
// size, compression ratio, entry count, line length), with a manifest of
// a format this build reads, and whose every entry matches the manifest's
// sha256, row counts and file sizes. Nothing is written. A refused archive
// is EInvalid with the reason (a newer format, a corrupt or truncated
// archive, a zip bomb ...).
func Check(ctx context.Context, r io.ReaderAt, size int64, limits Limits) (*Archive, error) {
	limits = limits.withDefaults()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, invalid("not a readable zip file (%v).", err)
	}
	if len(zr.File) > limits.MaxEntries {
		return nil, invalid("%d entries, more than the limit of %d.", len(zr.File), limits.MaxEntries)
	}
	a := &Archive{zr: zr, entry: make(map[string]*zip.File, len(zr.File)), Files: map[string]FileEntry{}}
	var total uint64
	for _, f := range zr.File {
		if !validEntryName(f.Name) {
			return nil, invalid("the entry name %q is not allowed (absolute, traversing or unknown).", f.Name)
		}
		if a.entry[f.Name] != nil {
			return nil, invalid("the entry %q appears twice.", f.Name)
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return nil, invalid("the entry %q uses an unsupported compression method.", f.Name)
		}
		a.entry[f.Name] = f
		total += f.UncompressedSize64
		if total > uint64(limits.MaxUncompressed) {
			return nil, invalid("its entries expand to more than the limit of %d bytes.", limits.MaxUncompressed)
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > f.CompressedSize64*uint64(limits.MaxRatio) {
			return nil, invalid("the entry %q expands %d times, more than the limit of %d (a zip bomb?).",
				f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), limits.MaxRatio)
		}
	}
	var man Manifest
	if err := a.readJSON(manifestEntry, limits.MaxLine, &man); err != nil {
		return nil, err
	}
	if man.Format < 1 {
		return nil, invalid("the manifest has no format version.")
	}
	if man.Format > FormatVersion {
		return nil, galley.Errorf(galley.EInvalid, "The backup was made by a newer Galley (%s, backup format %d); this Galley reads format %d at most: upgrade Galley to restore it.", man.Galley, man.Format, FormatVersion)
	}
	a.Manifest = &man
	if err := a.checkSum(ctx, collectionsEntry, man.Collections, limits, nil); err != nil {
		return nil, err
	}
	var defs []collectionDef
	if err := a.readJSON(collectionsEntry, limits.MaxLine, &defs); err != nil {
		return nil, err
	}
	for _, d := range defs {
		c, err := fromDef(d)
		if err != nil {
			return nil, invalid("collections.json: %v.", err)
		}
		if a.collection(c.ID) != nil {
			return nil, invalid("collections.json defines %s twice.", c.ID)
		}
		a.Collections = append(a.Collections, c)
	}
	known := map[string]bool{manifestEntry: true, collectionsEntry: true}
	for _, t := range man.Tables {
		if known[t.Entry] || !strings.HasPrefix(t.Entry, tablesDir) && !strings.HasPrefix(t.Entry, recordsDir) || !validEntryName(t.Entry) {
			return nil, invalid("the manifest names the entry %q twice or wrongly.", t.Entry)
		}
		known[t.Entry] = true
		if t.ID != "" {
			c := a.collection(t.ID)
			if c == nil || c.IsView() || t.Entry != recordsDir+t.ID+".jsonl" {
				return nil, invalid("the manifest lists records of %s, which collections.json does not define as a base or auth collection.", t.Name)
			}
		} else if !slices.Contains(migratedata.SystemTables, t.Name) || t.Entry != tablesDir+t.Name+".jsonl" {
			return nil, invalid("the manifest lists the table %q, which a backup does not restore.", t.Name)
		}
		var rows int64
		err := a.checkSum(ctx, t.Entry, t.SHA256, limits, func(line []byte) error {
			if !json.Valid(line) || len(line) == 0 || line[0] != '{' {
				return invalid("line %d of %s is not a JSON object.", rows+1, t.Entry)
			}
			rows++
			return nil
		})
		if err != nil {
			return nil, err
		}
		if rows != t.Rows {
			return nil, invalid("%s holds %d rows; the manifest says %d.", t.Entry, rows, t.Rows)
		}
	}
	if err := a.checkFiles(ctx, limits, known); err != nil {
		return nil, err
	}
	for name := range a.entry {
		if !known[name] {
			return nil, invalid("the entry %q is not in the manifest.", name)
		}
	}
	return a, nil
}

func (a *Archive) collection(id string) *galley.Collection {
	for _, c := range a.Collections {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// checkFiles checks files.jsonl against the manifest and every storage
// entry against its line.
func (a *Archive) checkFiles(ctx context.Context, limits Limits, known map[string]bool) error {
	man := a.Manifest
	if a.entry[filesEntry] == nil {
		if man.Files.Count != 0 {
			return invalid("files.jsonl is missing.")
		}
		return nil
	}
	known[filesEntry] = true
	var list []FileEntry
	err := a.checkSum(ctx, filesEntry, man.Files.SHA256, limits, func(line []byte) error {
		var fe FileEntry
		if err := json.Unmarshal(line, &fe); err != nil || !files.ValidKey(fe.Key) || !isRecordFile(fe.Key) {
			return invalid("line %d of files.jsonl is not a valid file entry.", len(list)+1)
		}
		list = append(list, fe)
		return nil
	})
	if err != nil {
		return err
	}
	if int64(len(list)) != man.Files.Count {
		return invalid("files.jsonl lists %d files; the manifest says %d.", len(list), man.Files.Count)
	}
	for _, fe := range list {
		name := storageDir + fe.Key
		if known[name] || a.entry[name] == nil {
			return invalid("the file %s is missing or listed twice.", fe.Key)
		}
		known[name] = true
		if a.entry[name].UncompressedSize64 != uint64(fe.Size) {
			return invalid("the file %s has %d bytes; files.jsonl says %d.", fe.Key, a.entry[name].UncompressedSize64, fe.Size)
		}
		if err := a.checkSum(ctx, name, fe.SHA256, limits, nil); err != nil {
			return err
		}
		a.Files[fe.Key] = fe
	}
	return nil
}

// open opens the entry name; a missing entry is EInvalid.
func (a *Archive) open(name string) (io.ReadCloser, error) {
	f := a.entry[name]
	if f == nil {
		return nil, invalid("the entry %s is missing.", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, invalid("the entry %s cannot be read (%v).", name, err)
	}
	return rc, nil
}

// readJSON decodes the small entry name (at most max bytes) into v.
func (a *Archive) readJSON(name string, max int, v any) error {
	rc, err := a.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(max)+1))
	if err != nil {
		return invalid("the entry %s is corrupt (%v).", name, err)
	}
	if len(b) > max {
		return invalid("the entry %s is larger than the limit of %d bytes.", name, max)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return invalid("the entry %s is not valid JSON (%v).", name, err)
	}
	return nil
}

// checkSum reads the whole entry name, comparing its sha256 with want and,
// when line is set, calling it for each line (at most limits.MaxLine
// bytes). Go's zip reader checks the CRC and the declared size as it goes,
// so a truncated or inflated entry fails here.
func (a *Archive) checkSum(ctx context.Context, name, want string, limits Limits, line func([]byte) error) error {
	rc, err := a.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := sha256.New()
	r := io.TeeReader(rc, h)
	if line == nil {
		if _, err := io.Copy(io.Discard, &ctxReader{ctx: ctx, r: r}); err != nil {
			return readErr(name, err)
		}
	} else {
		err := eachLine(&ctxReader{ctx: ctx, r: r}, limits.MaxLine, func(b []byte) error { return line(b) })
		if err != nil {
			return readErr(name, err)
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return invalid("the entry %s does not match its checksum in the manifest.", name)
	}
	return nil
}

func readErr(name string, err error) error {
	var ge *galley.Error
	if errors.As(err, &ge) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return invalid("the entry %s is corrupt or truncated (%v).", name, err)
}

// eachLine calls fn for every non-empty line of r (without the newline);
// a line longer than max is EInvalid.
func eachLine(r io.Reader, max int, fn func([]byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, chunk...)
			if len(long) > max {
				return invalid("a line is longer than the limit of %d bytes.", max)
			}
			continue
		}
		if len(long) > 0 {
			chunk = append(long, chunk...)
			long = long[:0]
		}
		if len(chunk) > max {
			return invalid("a line is longer than the limit of %d bytes.", max)
		}
		if b := bytes.TrimSuffix(chunk, []byte{'\n'}); len(b) > 0 {
			if ferr := fn(b); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// ctxReader stops reading when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ErrFormat reports whether err is a refused archive (for callers that
// want to tell it from I/O errors): an EInvalid *galley.Error.
func ErrFormat(err error) bool { return galley.ErrorCodeOf(err) == galley.EInvalid }
