package backup

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/migratedata"
	"github.com/galleyhq/galley/internal/store"
)

// batchSize is the number of rows read or written per statement batch.
const batchSize = 1000

// Progress reports the progress of a backup or restore: stage names what is
// being done ("records posts", "files", "verify posts", ...), done and
// total count rows or bytes (total 0 when unknown).
type Progress func(stage string, done, total int64)

// CreateOptions configure Create. The zero value works.
type CreateOptions struct {
	// Version is the Galley version written to the manifest.
	Version string
	// Progress, when set, is called as the archive is written.
	Progress Progress
}

// Create writes a backup of db, and of the stored files of st (nil: no
// files), to w as a zip archive, reading one consistent snapshot of the
// database while it keeps serving (see store.DB.Snapshot). Rows and files
// are streamed: memory does not grow with the data. An error from w (a
// full disk) or the database is returned wrapped; w then holds a partial
// archive that the caller discards. The manifest is returned on success.
func Create(ctx context.Context, db *store.DB, st files.Storage, w io.Writer, opts CreateOptions) (*Manifest, error) {
	if opts.Progress == nil {
		opts.Progress = func(string, int64, int64) {}
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	man := &Manifest{Format: FormatVersion, Galley: opts.Version, Driver: db.DialectName()}
	err := db.Snapshot(ctx, func(q store.Querier, cols []*galley.Collection) error {
		man.Created = time.Now().UTC()
		slices.SortFunc(cols, func(a, b *galley.Collection) int { return strings.Compare(a.Name, b.Name) })
		defs := make([]collectionDef, len(cols))
		for i, c := range cols {
			d, err := toDef(c)
			if err != nil {
				return fmt.Errorf("collection %s: %w", c.Name, err)
			}
			defs[i] = d
		}
		sum, err := writeJSON(zw, collectionsEntry, defs)
		if err != nil {
			return err
		}
		man.Collections = sum
		for _, name := range migratedata.SystemTables {
			t, err := writeTable(ctx, zw, db, q, name, opts.Progress)
			if err != nil {
				return fmt.Errorf("system table %s: %w", name, err)
			}
			man.Tables = append(man.Tables, t)
		}
		for _, c := range cols {
			if c.IsView() {
				continue
			}
			t, err := writeRecords(ctx, zw, db, q, c, opts.Progress)
			if err != nil {
				return fmt.Errorf("collection %s: %w", c.Name, err)
			}
			man.Tables = append(man.Tables, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if st != nil {
		if man.Files, err = writeFiles(ctx, zw, st, opts.Progress); err != nil {
			return nil, fmt.Errorf("files: %w", err)
		}
	}
	if _, err := writeJSON(zw, manifestEntry, man); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("write archive: %w", err)
	}
	return man, nil
}

// entryWriter is an archive entry being written, hashed as it goes.
type entryWriter struct {
	buf *bufio.Writer
	h   hash.Hash
}

func newEntry(zw *zip.Writer, name string, method uint16) (*entryWriter, error) {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: time.Now().UTC()})
	if err != nil {
		return nil, fmt.Errorf("write archive: %w", err)
	}
	h := sha256.New()
	return &entryWriter{buf: bufio.NewWriterSize(io.MultiWriter(w, h), 64<<10), h: h}, nil
}

// line writes v as one JSON line.
func (e *entryWriter) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := e.buf.Write(b); err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	return nil
}

// finish flushes the entry and returns the hex sha256 of its bytes.
func (e *entryWriter) finish() (string, error) {
	if err := e.buf.Flush(); err != nil {
		return "", fmt.Errorf("write archive: %w", err)
	}
	return hex.EncodeToString(e.h.Sum(nil)), nil
}

func writeJSON(zw *zip.Writer, name string, v any) (string, error) {
	e, err := newEntry(zw, name, zip.Deflate)
	if err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return "", err
	}
	if _, err := e.buf.Write(b); err != nil {
		return "", fmt.Errorf("write archive: %w", err)
	}
	return e.finish()
}

// writeTable writes the rows of a system table in id order.
func writeTable(ctx context.Context, zw *zip.Writer, db *store.DB, q store.Querier, name string, progress Progress) (Table, error) {
	cols, err := db.Columns(ctx, name)
	if err != nil {
		return Table{}, err
	}
	i := slices.IndexFunc(cols, func(c store.Column) bool { return c.Name == "id" })
	if i < 0 {
		return Table{}, errors.New("no id column")
	}
	cols[0], cols[i] = cols[i], cols[0]
	t := Table{Name: name, Kind: "system table", Entry: tablesDir + name + ".jsonl"}
	for _, c := range cols {
		t.Columns = append(t.Columns, c.Name)
	}
	e, err := newEntry(zw, t.Entry, zip.Deflate)
	if err != nil {
		return t, err
	}
	last := ""
	for {
		rows, err := migratedata.ReadRows(ctx, q, db.DialectName(), name, cols, last, batchSize)
		if err != nil {
			return t, err
		}
		for _, r := range rows {
			m := make(map[string]any, len(cols))
			for i, c := range cols {
				m[c.Name] = migratedata.ColumnArg(c, r[i])
			}
			if err := e.line(m); err != nil {
				return t, err
			}
		}
		t.Rows += int64(len(rows))
		progress("table "+name, t.Rows, 0)
		if len(rows) < batchSize {
			break
		}
		last = fmt.Sprint(rows[len(rows)-1][0])
	}
	if t.SHA256, err = e.finish(); err != nil {
		return t, err
	}
	n, sum, err := migratedata.TableChecksum(ctx, q, db.DialectName(), name, cols, batchSize)
	if err != nil {
		return t, err
	}
	if n != t.Rows {
		return t, fmt.Errorf("%d rows written, %d checksummed in one snapshot", t.Rows, n)
	}
	t.Checksum = sum
	return t, nil
}

// writeRecords writes the records of c in insertion order (so that lists
// without a sort keep their order after a restore), batch by batch with
// keyset pagination on that order, then checksums them.
func writeRecords(ctx context.Context, zw *zip.Writer, db *store.DB, q store.Querier, c *galley.Collection, progress Progress) (Table, error) {
	t := Table{Name: c.Name, ID: c.ID, Kind: c.Type, Entry: recordsDir + c.ID + ".jsonl"}
	if !plainName(c.ID) {
		return t, fmt.Errorf("collection id %q cannot be an entry name", c.ID)
	}
	e, err := newEntry(zw, t.Entry, zip.Deflate)
	if err != nil {
		return t, err
	}
	order := db.RowOrder(c, store.Alias)
	after := order + " > (SELECT " + db.RowOrder(c, "_k") + " FROM " + store.Quote(c.Name) + ` AS "_k" WHERE "_k"."id" = ?)`
	last := ""
	for {
		sel := store.Select{Order: order, Limit: batchSize}
		if last != "" {
			sel.Where, sel.Args = after, []any{last}
		}
		recs, err := store.FindRecords(ctx, q, c, sel)
		if err != nil {
			return t, err
		}
		for _, r := range recs {
			if err := e.line(r.Data); err != nil {
				return t, fmt.Errorf("record %s: %w", r.ID(), err)
			}
		}
		t.Rows += int64(len(recs))
		progress("records "+c.Name, t.Rows, 0)
		if len(recs) < batchSize {
			break
		}
		last = recs[len(recs)-1].ID()
	}
	if t.SHA256, err = e.finish(); err != nil {
		return t, err
	}
	progress("checksum "+c.Name, 0, t.Rows)
	n, sum, err := migratedata.ChecksumOf(ctx, q, db.DialectName(), c, batchSize)
	if err != nil {
		return t, err
	}
	if n != t.Rows {
		return t, fmt.Errorf("%d records written, %d checksummed in one snapshot", t.Rows, n)
	}
	t.Checksum = sum
	return t, nil
}

// writeFiles copies every stored file but thumbnails into storage/<key>
// (stored, not compressed: uploads are mostly compressed already), then
// lists them in files.jsonl.
func writeFiles(ctx context.Context, zw *zip.Writer, st files.Storage, progress Progress) (Files, error) {
	var keys []string
	err := st.List(ctx, "", func(a files.Attrs) error {
		if isRecordFile(a.Key) && !isThumb(a.Key) {
			keys = append(keys, a.Key)
		}
		return nil
	})
	if err != nil {
		return Files{}, err
	}
	slices.Sort(keys)
	var out Files
	var list []FileEntry
	for _, key := range keys {
		fe, err := copyFile(ctx, zw, st, key)
		if errors.Is(err, files.ErrNotFound) {
			continue // deleted since it was listed
		}
		if err != nil {
			return out, fmt.Errorf("%s: %w", key, err)
		}
		list = append(list, fe)
		out.Count++
		out.Bytes += fe.Size
		progress("files", out.Bytes, 0)
	}
	e, err := newEntry(zw, filesEntry, zip.Deflate)
	if err != nil {
		return out, err
	}
	for _, fe := range list {
		if err := e.line(fe); err != nil {
			return out, err
		}
	}
	out.SHA256, err = e.finish()
	return out, err
}

func copyFile(ctx context.Context, zw *zip.Writer, st files.Storage, key string) (FileEntry, error) {
	obj, err := st.Open(ctx, key)
	if err != nil {
		return FileEntry{}, err
	}
	defer obj.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: storageDir + key, Method: zip.Store, Modified: obj.ModTime.UTC()})
	if err != nil {
		return FileEntry{}, fmt.Errorf("write archive: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), obj.Content)
	if err != nil {
		return FileEntry{}, fmt.Errorf("copy: %w", err)
	}
	return FileEntry{Key: key, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
