// Package migratedata copies a whole Galley database into another one — in
// practice an embedded SQLite database into a fresh PostgreSQL schema, the
// graduation path of `galley migrate-data`. It copies the collection
// definitions (the system collections' too, so token secrets keep working),
// the settings, and every record of every base and auth collection as
// stored (password hashes, OTPs, MFA sessions, known devices and OAuth2
// links included), in batches; then it verifies each collection and the
// settings table by row count and checksum on both sides.
//
// Everything goes through the store's own read and write paths, so values
// are converted between the dialects exactly as the server converts them.
package migratedata

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

// DefaultBatchSize is the number of rows copied per target transaction when
// Options.BatchSize is zero.
const DefaultBatchSize = 1000

// SystemTables are the system tables (not collections) whose rows Copy
// carries over, in copy order: _appMigrations too, so the application's
// migrations applied on the source are not applied again on the target.
// _migrations is left out (the target applies its own), as are
// _collections (copied as definitions), _realtimeEvents (transient
// cross-node payloads) and _cronTicks (claims of past cron ticks). OTPs,
// MFA sessions, known devices and OAuth2 links are system collections,
// copied as collections.
var SystemTables = []string{"_params", "_appMigrations"}

// Options configure Copy. The zero value works.
type Options struct {
	// BatchSize is the number of rows per target transaction (default
	// DefaultBatchSize).
	BatchSize int
	// Progress, when set, is called as each table is copied and verified:
	// first with done = 0, then after every batch. total is the row count of
	// the source when the table's copy started. It runs on Copy's goroutine.
	Progress func(table string, done, total int64)
	// Verifying, when set, is called before each table is verified.
	Verifying func(table string)
}

// Report describes a finished copy.
type Report struct {
	// Tables lists the system tables, then the collections by name; view
	// collections are listed with Rows -1 (recreated, not copied).
	Tables   []TableReport
	Rows     int64         // rows copied, all tables together
	Duration time.Duration // copy and verification
}

// TableReport is the outcome for one system table or collection.
type TableReport struct {
	Name     string
	Kind     string // "system table", or the collection type (base, auth, view)
	Rows     int64  // rows on both sides after the copy; -1 for views
	Checksum string // hex SHA-256 over the rows in id order, equal on both sides
	Verified bool   // count and checksum matched
}

// Copy copies src into dst, which must hold no user collections and no
// records (a freshly opened store: only the system migrations applied). It
// returns a Report when every table was copied and verified; the first
// failure is returned as an error naming the table, and leaves dst
// partially written (start again on an emptied target). A verification
// mismatch is a *galley.Error with code EConflict.
//
// src must not be written to meanwhile (stop the server first): rows written
// during the copy may be missed, which the verification then reports.
func Copy(ctx context.Context, src, dst *store.DB, opts Options) (Report, error) {
	start := time.Now()
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Progress == nil {
		opts.Progress = func(string, int64, int64) {}
	}
	if err := checkTargetEmpty(ctx, dst); err != nil {
		return Report{}, err
	}
	if err := copyCollections(ctx, src, dst); err != nil {
		return Report{}, err
	}
	var rep Report
	for _, t := range SystemTables {
		n, err := copyTable(ctx, src, dst, t, opts)
		if err != nil {
			return Report{}, fmt.Errorf("copy system table %s: %w", t, err)
		}
		rep.Rows += n
	}
	for _, c := range src.Schema.Collections() {
		if c.IsView() {
			continue
		}
		n, err := copyRecords(ctx, src, dst, c, opts)
		if err != nil {
			return Report{}, fmt.Errorf("copy collection %s: %w", c.Name, err)
		}
		rep.Rows += n
	}
	tables, err := Verify(ctx, src, dst, opts)
	rep.Tables = tables
	rep.Duration = time.Since(start)
	return rep, err
}

// checkTargetEmpty refuses a target that already holds user collections or
// records: Copy never merges. The default users collection a new database
// starts with (empty) does not count: copyCollections replaces it.
func checkTargetEmpty(ctx context.Context, dst *store.DB) error {
	for _, c := range dst.Schema.Collections() {
		if !c.System && c.ID != store.UsersID {
			return galley.Errorf(galley.EConflict, "The target already has the collection %q: copy into an empty database.", c.Name)
		}
		if c.IsView() {
			continue
		}
		n, err := countRows(ctx, dst.Reader(), c.Name)
		if err != nil {
			return store.MapError(err)
		}
		if n > 0 {
			return galley.Errorf(galley.EConflict, "The target's %s already holds %d rows: copy into an empty database.", c.Name, n)
		}
	}
	return nil
}

// copyCollections gives dst the collection definitions of src in one schema
// batch: system collections are updated in place to the source's
// definitions (their options hold the token secrets), user collections are
// created, so relations and views resolve against the final schema. The
// definitions keep the source's created/updated stamps. The target's
// default users collection becomes the source's collection of the same id,
// or is deleted first when the source has none (it may have its own
// "users").
func copyCollections(ctx context.Context, src, dst *store.DB) error {
	if du := dst.Schema.Collection(store.UsersID); du != nil && src.Schema.Collection(store.UsersID) == nil {
		err := dst.WithTx(ctx, func(tx *store.Tx) error {
			return tx.ApplyCollections(ctx, []store.CollectionChange{{Old: du}}, nil)
		})
		if err != nil {
			return fmt.Errorf("drop the target's default users collection: %s", store.PGMessage(err))
		}
	}
	var changes []store.CollectionChange
	cols := src.Schema.Collections()
	for _, c := range cols {
		var old *galley.Collection
		if c.System || c.ID == store.UsersID {
			old = dst.Schema.Collection(c.ID)
			if old == nil {
				old = dst.Schema.Collection(c.Name)
			}
			if old != nil && old.ID != c.ID {
				return fmt.Errorf("system collection %s has id %s in the source and %s in the target", c.Name, c.ID, old.ID)
			}
		}
		changes = append(changes, store.CollectionChange{Old: old, New: c.Clone()})
	}
	err := dst.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.ApplyCollections(ctx, changes, nil); err != nil {
			return err
		}
		// ApplyCollections stamps the definitions it saves (on the clones).
		for _, c := range cols {
			_, err := tx.ExecContext(ctx, `UPDATE "_collections" SET "created" = ?, "updated" = ? WHERE "id" = ?`,
				c.Created, c.Updated, c.ID)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create collections: %s", store.PGMessage(err))
	}
	// ApplyCollections reloads the schema after commit; make sure every
	// collection is there before records are copied.
	for _, c := range cols {
		if dst.Schema.Collection(c.ID) == nil {
			return fmt.Errorf("create collections: %s missing in the target after the schema change", c.Name)
		}
	}
	return nil
}

// copyRecords copies every record of c in the source's insertion order (so
// lists without a sort keep their order), batch by batch with keyset
// pagination on that order. It returns the number of rows copied.
func copyRecords(ctx context.Context, src, dst *store.DB, c *galley.Collection, opts Options) (int64, error) {
	dc := dst.Schema.Collection(c.ID)
	if dc == nil {
		return 0, fmt.Errorf("missing in the target")
	}
	total, err := countRows(ctx, src.Reader(), c.Name)
	if err != nil {
		return 0, err
	}
	opts.Progress(c.Name, 0, total)
	order := src.RowOrder(c, store.Alias)
	after := order + " > (SELECT " + src.RowOrder(c, "_k") + " FROM " + store.Quote(c.Name) + ` AS "_k" WHERE "_k"."id" = ?)`
	var done int64
	last := ""
	for {
		sel := store.Select{Order: order, Limit: opts.BatchSize}
		if last != "" {
			sel.Where, sel.Args = after, []any{last}
		}
		recs, err := store.FindRecords(ctx, src.Reader(), c, sel)
		if err != nil {
			return done, err
		}
		if len(recs) == 0 {
			return done, nil
		}
		err = dst.WithTx(ctx, func(tx *store.Tx) error { return InsertRecords(ctx, tx, dc, recs) })
		if err != nil {
			return done, err
		}
		done += int64(len(recs))
		last = recs[len(recs)-1].ID()
		opts.Progress(c.Name, done, max(total, done))
		if len(recs) < opts.BatchSize {
			return done, nil
		}
	}
}

// maxParams bounds the bind parameters of one statement (PostgreSQL allows
// 65535, SQLite 32766).
const maxParams = 30000

// InsertRecords inserts recs into c with multi-row INSERTs, as many rows per
// statement as maxParams allows: one round trip per statement instead of
// one per row is most of the copy's speed on PostgreSQL. A failure names
// the record (or the range of records) and leaves tx to be rolled back.
func InsertRecords(ctx context.Context, tx *store.Tx, c *galley.Collection, recs []*galley.Record) error {
	cols := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		cols[i] = store.Quote(f.Name)
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	per := max(1, maxParams/max(1, len(cols)))
	for len(recs) > 0 {
		chunk := recs[:min(per, len(recs))]
		recs = recs[len(chunk):]
		var b strings.Builder
		b.WriteString("INSERT INTO " + store.Quote(c.Name) + " (" + strings.Join(cols, ",") + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(row)
			for _, f := range c.Fields {
				args = append(args, store.ColumnValue(f, r.Data[f.Name]))
			}
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			if len(chunk) == 1 {
				return fmt.Errorf("record %s: %w", chunk[0].ID(), store.MapError(err))
			}
			return fmt.Errorf("records %s to %s: %w", chunk[0].ID(), chunk[len(chunk)-1].ID(), store.MapError(err))
		}
	}
	return nil
}

// copyTable copies the rows of the system table name, batch by batch in id
// order. Rows the target already has (by id) are overwritten. Only the
// columns both sides have are copied.
func copyTable(ctx context.Context, src, dst *store.DB, name string, opts Options) (int64, error) {
	cols, err := commonColumns(ctx, src, dst, name)
	if err != nil {
		return 0, err
	}
	total, err := countRows(ctx, src.Reader(), name)
	if err != nil {
		return 0, err
	}
	opts.Progress(name, 0, total)
	quoted := make([]string, len(cols))
	sets := make([]string, 0, len(cols))
	for i, c := range cols {
		quoted[i] = store.Quote(c.Name)
		if c.Name != "id" {
			sets = append(sets, quoted[i]+" = excluded."+quoted[i])
		}
	}
	insert := "INSERT INTO " + store.Quote(name) + " (" + strings.Join(quoted, ", ") + ") VALUES (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + `) ON CONFLICT ("id") DO `
	if len(sets) == 0 {
		insert += "NOTHING"
	} else {
		insert += "UPDATE SET " + strings.Join(sets, ", ")
	}
	var done int64
	last := ""
	for {
		rows, err := ReadRows(ctx, src.Reader(), src.DialectName(), name, cols, last, opts.BatchSize)
		if err != nil {
			return done, err
		}
		if len(rows) == 0 {
			return done, nil
		}
		err = dst.WithTx(ctx, func(tx *store.Tx) error {
			for _, r := range rows {
				args := make([]any, len(r))
				for i, v := range r {
					args[i] = ColumnArg(cols[i], v)
				}
				if _, err := tx.ExecContext(ctx, insert, args...); err != nil {
					return fmt.Errorf("row %v: %w", r[0], err)
				}
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		done += int64(len(rows))
		last = fmt.Sprint(rows[len(rows)-1][0])
		opts.Progress(name, done, max(total, done))
		if len(rows) < opts.BatchSize {
			return done, nil
		}
	}
}

// commonColumns returns the columns of table on src that dst has too, id
// first. A table missing on either side is an error.
func commonColumns(ctx context.Context, src, dst *store.DB, table string) ([]store.Column, error) {
	sc, err := src.Columns(ctx, table)
	if err != nil {
		return nil, err
	}
	dc, err := dst.Columns(ctx, table)
	if err != nil {
		return nil, err
	}
	if len(sc) == 0 || len(dc) == 0 {
		return nil, fmt.Errorf("table missing (source %d columns, target %d)", len(sc), len(dc))
	}
	var out []store.Column
	for _, c := range sc {
		if slices.ContainsFunc(dc, func(d store.Column) bool { return d.Name == c.Name }) {
			out = append(out, c)
		}
	}
	i := slices.IndexFunc(out, func(c store.Column) bool { return c.Name == "id" })
	if i < 0 {
		return nil, fmt.Errorf("no id column")
	}
	out[0], out[i] = out[i], out[0]
	return out, nil
}

// ReadRows returns up to limit rows of table (cols, id first) with id after
// last, read through q (of the dialect named dialect: "sqlite" or
// "postgres"), in id order compared bytewise on both dialects. Text and
// blob values are returned as strings.
func ReadRows(ctx context.Context, q store.Querier, dialect, table string, cols []store.Column, last string, limit int) ([][]any, error) {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = store.Quote(c.Name)
	}
	id := idKey(dialect, `"id"`)
	query := "SELECT " + strings.Join(quoted, ", ") + " FROM " + store.Quote(table) + " WHERE " + id + " > ? ORDER BY " + id + " LIMIT ?"
	rows, err := q.QueryContext(ctx, query, last, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// idKey is the id column expression col ordered bytewise: SQLite compares
// TEXT with BINARY already; PostgreSQL's default collation may not.
func idKey(dialect, col string) string {
	if dialect == "postgres" {
		return col + ` COLLATE "C"`
	}
	return col
}

func countRows(ctx context.Context, q store.Querier, table string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+store.Quote(table)).Scan(&n)
	return n, err
}
