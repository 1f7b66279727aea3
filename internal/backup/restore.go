package backup

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/migratedata"
	"github.com/galleyhq/galley/internal/store"
)

// RestoreOptions configure Restore. The zero value works.
type RestoreOptions struct {
	// Progress, when set, is called as the restore goes.
	Progress Progress
	// Validate, when set, checks the archive's collections as the final
	// schema inside the restore's transaction (relations, rules); its
	// error rolls the restore back.
	Validate func(final []*galley.Collection) error
}

// Restore replaces the whole content of db, and the stored files of st
// (nil: files are not restored), with the archive a (from Check):
//
//  1. the archive's files are stored in st (they are immutable, their
//     keys unique: files of the running data are never overwritten with
//     other bytes);
//  2. in one write transaction the collections become the archive's (the
//     others are dropped, the archive's created or updated), every
//     system table and collection is emptied and refilled from the
//     archive, and each is verified by row count and checksum against the
//     manifest — any difference rolls everything back (EConflict);
//  3. after the commit, stored files the archive does not have are
//     deleted.
//
// Other nodes are told to reload their schema, settings and totals (a
// store notification). On failure the database is as it was; files stored
// in step 1 and not referenced stay as orphans for the file sweep.
func Restore(ctx context.Context, db *store.DB, st files.Storage, a *Archive, opts RestoreOptions) error {
	if opts.Progress == nil {
		opts.Progress = func(string, int64, int64) {}
	}
	if st != nil {
		var done int64
		for key, fe := range a.Files {
			if err := restoreFile(ctx, st, a, fe); err != nil {
				return fmt.Errorf("restore the file %s: %w", key, err)
			}
			done += fe.Size
			opts.Progress("files", done, a.Manifest.Files.Bytes)
		}
	}
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		if err := replaceCollections(ctx, tx, a.Collections, opts.Validate); err != nil {
			return err
		}
		for _, t := range a.Manifest.Tables {
			var err error
			if t.ID == "" {
				err = restoreTable(ctx, tx, db, a, t, opts.Progress)
			} else {
				err = restoreRecords(ctx, tx, db, a, t, opts.Progress)
			}
			if err != nil {
				return err
			}
		}
		for _, topic := range []string{store.TopicSettings, store.TopicData} {
			if err := tx.Notify(ctx, topic); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if st == nil {
		return nil
	}
	var stale []string
	err = st.List(ctx, "", func(at files.Attrs) error {
		if _, ok := a.Files[at.Key]; !ok && isRecordFile(at.Key) {
			stale = append(stale, at.Key)
		}
		return nil
	})
	for _, key := range stale {
		if derr := st.Delete(ctx, key); derr != nil && err == nil {
			err = derr
		}
	}
	if err != nil {
		return fmt.Errorf("the data was restored, but deleting files the backup does not have failed (orphans for the file sweep): %w", err)
	}
	return nil
}

func restoreFile(ctx context.Context, st files.Storage, a *Archive, fe FileEntry) error {
	if at, err := st.Stat(ctx, fe.Key); err == nil && at.Size == fe.Size {
		return nil // the same immutable file
	}
	rc, err := a.open(storageDir + fe.Key)
	if err != nil {
		return err
	}
	defer rc.Close()
	return st.Put(ctx, fe.Key, rc, fe.Size, "")
}

// replaceCollections makes the collections of tx's database those of cols:
// collections not in cols are dropped (system ones kept), the others
// updated or created (by id), in one schema change.
func replaceCollections(ctx context.Context, tx *store.Tx, cols []*galley.Collection, validate func([]*galley.Collection) error) error {
	current, err := store.LoadCollections(ctx, tx)
	if err != nil {
		return err
	}
	want := map[string]*galley.Collection{}
	for _, c := range cols {
		want[c.ID] = c
	}
	var changes []store.CollectionChange
	for _, c := range current {
		// A system collection the archive lacks (a foreign or crafted
		// archive; Galley's own always have them) is kept as it is.
		if want[c.ID] == nil && !c.System {
			changes = append(changes, store.CollectionChange{Old: c})
		}
	}
	for _, c := range cols {
		i := slices.IndexFunc(current, func(x *galley.Collection) bool { return x.ID == c.ID })
		var old *galley.Collection
		if i >= 0 {
			old = current[i]
		}
		changes = append(changes, store.CollectionChange{Old: old, New: c.Clone()})
	}
	if err := tx.ApplyCollections(ctx, changes, validate); err != nil {
		return fmt.Errorf("restore the collections: %w", err)
	}
	for _, c := range cols { // keep the stamps of the backup
		if _, err := tx.ExecContext(ctx, `UPDATE "_collections" SET "created" = ?, "updated" = ? WHERE "id" = ?`, c.Created, c.Updated, c.ID); err != nil {
			return err
		}
	}
	return nil
}

// restoreTable empties a system table and refills it from the archive,
// then verifies it.
func restoreTable(ctx context.Context, tx *store.Tx, db *store.DB, a *Archive, t Table, progress Progress) error {
	have, err := db.Columns(ctx, t.Name)
	if err != nil {
		return err
	}
	var cols []store.Column
	for _, name := range t.Columns {
		i := slices.IndexFunc(have, func(c store.Column) bool { return c.Name == name })
		if i < 0 {
			return galley.Errorf(galley.EInvalid, "The backup's table %s has the column %s, which this Galley does not have.", t.Name, name)
		}
		cols = append(cols, have[i])
	}
	if len(cols) == 0 || cols[0].Name != "id" {
		return invalid("the table %s has no id column first.", t.Name)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+store.Quote(t.Name)); err != nil {
		return err
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = store.Quote(c.Name)
	}
	insert := "INSERT INTO " + store.Quote(t.Name) + " (" + strings.Join(quoted, ", ") + ") VALUES (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	rc, err := a.open(t.Entry)
	if err != nil {
		return err
	}
	defer rc.Close()
	var n int64
	err = eachLine(rc, DefaultMaxLine, func(line []byte) error {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber() // integers stay integers (a float64 is refused by integer columns)
		if err := dec.Decode(&m); err != nil {
			return invalid("line %d of %s: %v", n+1, t.Entry, err)
		}
		args := make([]any, len(cols))
		for i, c := range cols {
			args[i] = columnValue(m[c.Name])
		}
		if _, err := tx.ExecContext(ctx, insert, args...); err != nil {
			return fmt.Errorf("table %s, row %v: %w", t.Name, args[0], store.MapError(err))
		}
		n++
		return nil
	})
	if err != nil {
		return err
	}
	progress("table "+t.Name, n, t.Rows)
	rows, sum, err := migratedata.TableChecksum(ctx, tx, db.DialectName(), t.Name, cols, batchSize)
	if err != nil {
		return err
	}
	return verified(t, rows, sum)
}

// columnValue converts a decoded JSON value of a system table row back to
// a column argument: numbers to int64 when integral, else float64; JSON
// columns were written as their text, so strings stay strings.
func columnValue(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, _ := n.Float64()
	return f
}

func verified(t Table, rows int64, sum string) error {
	if rows != t.Rows {
		return galley.Errorf(galley.EConflict, "Verification failed: %s has %d rows after the restore; the backup has %d. Nothing was changed.", t.Name, rows, t.Rows)
	}
	if sum != t.Checksum {
		return galley.Errorf(galley.EConflict, "Verification failed: %s differs from the backup after the restore (checksum). Nothing was changed.", t.Name)
	}
	return nil
}

// restoreRecords empties a collection and refills it from the archive in
// the archive's order, then verifies it.
func restoreRecords(ctx context.Context, tx *store.Tx, db *store.DB, a *Archive, t Table, progress Progress) error {
	c := a.collection(t.ID)
	if c == nil {
		return invalid("no definition for %s.", t.Name)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+store.Quote(c.Name)); err != nil {
		return err
	}
	rc, err := a.open(t.Entry)
	if err != nil {
		return err
	}
	defer rc.Close()
	var n int64
	batch := make([]*galley.Record, 0, batchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := migratedata.InsertRecords(ctx, tx, c, batch); err != nil {
			return fmt.Errorf("collection %s: %w", c.Name, err)
		}
		n += int64(len(batch))
		batch = batch[:0]
		progress("records "+c.Name, n, t.Rows)
		return nil
	}
	err = eachLine(rc, DefaultMaxLine, func(line []byte) error {
		r, err := decodeRecord(c, line)
		if err != nil {
			return invalid("line %d of %s: %v", n+int64(len(batch))+1, t.Entry, err)
		}
		batch = append(batch, r)
		if len(batch) == batchSize {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	// The schema cache does not know the collections this transaction
	// created: list totals cannot follow these writes, so they are taken
	// again.
	if err := tx.RecountTotals(ctx, c.ID); err != nil {
		return err
	}
	progress("verify "+c.Name, 0, t.Rows)
	rows, sum, err := migratedata.ChecksumOf(ctx, tx, db.DialectName(), c, batchSize)
	if err != nil {
		return err
	}
	return verified(t, rows, sum)
}

// decodeRecord turns one JSON line of a collection into a record with the
// canonical Go values FindRecords returns (which store.ColumnValue takes).
func decodeRecord(c *galley.Collection, line []byte) (*galley.Record, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		return nil, err
	}
	r := &galley.Record{Collection: c, Data: make(map[string]any, len(c.Fields))}
	for _, f := range c.Fields {
		raw, ok := m[f.Name]
		if !ok {
			continue
		}
		v, err := decodeValue(f, raw)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		r.Data[f.Name] = v
	}
	return r, nil
}

func decodeValue(f *galley.Field, raw json.RawMessage) (any, error) {
	switch {
	case f.IsMulti():
		var list []string
		err := json.Unmarshal(raw, &list)
		return list, err
	case f.Type == galley.FieldNumber:
		var n float64
		err := json.Unmarshal(raw, &n)
		return n, err
	case f.Type == galley.FieldBool:
		var b bool
		err := json.Unmarshal(raw, &b)
		return b, err
	case f.Type == galley.FieldJSON:
		if string(raw) == "null" {
			return nil, nil
		}
		return raw, nil
	case f.Type == galley.FieldGeoPoint:
		var p galley.GeoPoint
		err := json.Unmarshal(raw, &p)
		return p, err
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return string(raw), nil
	}
	return s, nil
}
