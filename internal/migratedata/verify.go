package migratedata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

// Verify compares src and dst table by table: the system tables Copy
// carries, then every base and auth collection of src. For each it counts
// the rows and computes Checksum on both sides. It returns one TableReport
// per table (views listed unverified with Rows -1) and, when any table
// differs or is missing on dst, an EConflict *galley.Error naming them.
func Verify(ctx context.Context, src, dst *store.DB, opts Options) ([]TableReport, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	var out []TableReport
	var bad []string
	for _, t := range SystemTables {
		if opts.Verifying != nil {
			opts.Verifying(t)
		}
		r := TableReport{Name: t, Kind: "system table"}
		cols, err := commonColumns(ctx, src, dst, t)
		if err != nil {
			return out, fmt.Errorf("verify system table %s: %w", t, err)
		}
		sn, ss, err := TableChecksum(ctx, src.Reader(), src.DialectName(), t, cols, opts.BatchSize)
		if err != nil {
			return out, fmt.Errorf("verify system table %s (source): %w", t, err)
		}
		dn, ds, err := TableChecksum(ctx, dst.Reader(), dst.DialectName(), t, cols, opts.BatchSize)
		if err != nil {
			return out, fmt.Errorf("verify system table %s (target): %w", t, err)
		}
		r.Rows, r.Checksum, r.Verified = dn, ds, sn == dn && ss == ds
		if !r.Verified {
			bad = append(bad, mismatch(t, sn, dn))
		}
		out = append(out, r)
	}
	for _, c := range src.Schema.Collections() {
		r := TableReport{Name: c.Name, Kind: c.Type, Rows: -1}
		if c.IsView() {
			out = append(out, r)
			continue
		}
		if opts.Verifying != nil {
			opts.Verifying(c.Name)
		}
		dc := dst.Schema.Collection(c.ID)
		if dc == nil {
			bad = append(bad, c.Name+" (missing in the target)")
			out = append(out, r)
			continue
		}
		// The definition (fields, rules, indexes, options, token secrets)
		// must have come across as it is.
		sj, _ := json.Marshal(c)
		dj, _ := json.Marshal(dc)
		if string(sj) != string(dj) {
			bad = append(bad, c.Name+" (its definition differs in the target)")
		}
		// Both sides at once: each is one reader of its own database.
		var dn int64
		var ds string
		var derr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			dn, ds, derr = Checksum(ctx, dst, dc, opts.BatchSize)
		}()
		sn, ss, err := Checksum(ctx, src, c, opts.BatchSize)
		<-done
		if err != nil {
			return out, fmt.Errorf("verify collection %s (source): %w", c.Name, err)
		}
		if derr != nil {
			return out, fmt.Errorf("verify collection %s (target): %w", c.Name, derr)
		}
		r.Rows, r.Checksum, r.Verified = dn, ds, sn == dn && ss == ds
		if !r.Verified {
			bad = append(bad, mismatch(c.Name, sn, dn))
		}
		out = append(out, r)
	}
	if len(bad) > 0 {
		return out, galley.Errorf(galley.EConflict, "Verification failed: %s.", strings.Join(bad, "; "))
	}
	return out, nil
}

func mismatch(name string, src, dst int64) string {
	if src != dst {
		return fmt.Sprintf("%s has %d rows in the source and %d in the target", name, src, dst)
	}
	return name + " has different checksums"
}

// Checksum returns the number of records of collection c in db and the hex
// SHA-256 over their canonical JSON (one line per record, keys sorted, json
// field values re-marshalled so PostgreSQL's jsonb key order does not
// matter) in bytewise id order. Equal data gives equal checksums on SQLite
// and PostgreSQL. c must not be a view.
func Checksum(ctx context.Context, db *store.DB, c *galley.Collection, batch int) (int64, string, error) {
	return ChecksumOf(ctx, db.Reader(), db.DialectName(), c, batch)
}

// ChecksumOf is Checksum read through q (a snapshot or a transaction) of
// the dialect named dialect ("sqlite" or "postgres").
func ChecksumOf(ctx context.Context, q store.Querier, dialect string, c *galley.Collection, batch int) (int64, string, error) {
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	h := sha256.New()
	id := idKey(dialect, store.Quote(store.Alias)+`."id"`)
	var n int64
	last := ""
	for {
		recs, err := store.FindRecords(ctx, q, c, store.Select{Where: id + " > ?", Args: []any{last}, Order: id, Limit: batch})
		if err != nil {
			return n, "", err
		}
		for _, r := range recs {
			m := make(map[string]any, len(c.Fields))
			for _, f := range c.Fields {
				m[f.Name] = canonical(r.Data[f.Name])
			}
			if err := writeLine(h, m); err != nil {
				return n, "", fmt.Errorf("record %s: %w", r.ID(), err)
			}
		}
		n += int64(len(recs))
		if len(recs) < batch {
			return n, hex.EncodeToString(h.Sum(nil)), nil
		}
		last = recs[len(recs)-1].ID()
	}
}

// TableChecksum is ChecksumOf for the columns cols (id first) of the system
// table table.
func TableChecksum(ctx context.Context, q store.Querier, dialect, table string, cols []store.Column, batch int) (int64, string, error) {
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	h := sha256.New()
	var n int64
	last := ""
	for {
		rows, err := ReadRows(ctx, q, dialect, table, cols, last, batch)
		if err != nil {
			return n, "", err
		}
		for _, r := range rows {
			m := make(map[string]any, len(cols))
			for i, c := range cols {
				v := ColumnArg(c, r[i])
				if s, ok := v.(string); ok && IsJSONColumn(c) {
					v = canonical(json.RawMessage(s))
				}
				m[c.Name] = v
			}
			if err := writeLine(h, m); err != nil {
				return n, "", fmt.Errorf("row %v: %w", r[0], err)
			}
		}
		n += int64(len(rows))
		if len(rows) < batch {
			return n, hex.EncodeToString(h.Sum(nil)), nil
		}
		last = fmt.Sprint(rows[len(rows)-1][0])
	}
}

func writeLine(h hash.Hash, m map[string]any) error {
	b, err := json.Marshal(m) // map keys are sorted
	if err != nil {
		return err
	}
	h.Write(b)
	h.Write([]byte{'\n'})
	return nil
}

// canonical returns v with JSON documents (json.RawMessage) decoded, so
// that marshalling it again sorts object keys and normalises numbers and
// white space.
func canonical(v any) any {
	raw, ok := v.(json.RawMessage)
	if !ok {
		return v
	}
	var x any
	if json.Unmarshal(raw, &x) != nil {
		return string(raw)
	}
	return x
}

// IsJSONColumn reports whether a system table column holds JSON (declared
// JSON on SQLite, jsonb on PostgreSQL).
func IsJSONColumn(c store.Column) bool {
	return strings.Contains(strings.ToLower(c.Type), "json")
}

// ColumnArg converts a value scanned from a system table column for writing
// to the other database: a JSON column's value becomes JSON text (SQLite's
// JSON affinity may hand back a bare number); NULL and anything else pass
// through.
func ColumnArg(c store.Column, v any) any {
	if !IsJSONColumn(c) || v == nil {
		return v
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	return string(b)
}
