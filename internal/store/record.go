package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	galley "github.com/galleyhq/galley"
)

// Alias is the alias of the main table in record queries; compiled filters
// and rules refer to the row through it.
const Alias = "_r"

// Select describes a record query on one collection. Where and Order are SQL
// produced by the filter compiler (identifiers from the schema, values as ?
// placeholders in Args/OrderArgs). A non-empty ID restricts the query to
// the row with that id, in addition to Where (so callers never assemble an
// id condition themselves).
type Select struct {
	ID        string
	Where     string
	Args      []any
	Order     string
	OrderArgs []any
	Limit     int // 0 = no limit
	Offset    int
	// forUpdate locks the rows found until the transaction ends
	// (PostgreSQL only: SELECT … FOR UPDATE).
	forUpdate bool
}

// selectColumns returns the quoted column list of c, qualified by Alias.
func selectColumns(c *galley.Collection) string {
	var b strings.Builder
	for i, f := range c.Fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(Quote(Alias))
		b.WriteByte('.')
		b.WriteString(Quote(f.Name))
	}
	return b.String()
}

// FindRecords runs sel on c through q (the read pool or a transaction).
// Through the read pool the read is bounded by the statement timeout (see
// Options.StatementTimeout).
func FindRecords(ctx context.Context, q Querier, c *galley.Collection, sel Select) ([]*galley.Record, error) {
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(selectColumns(c))
	b.WriteString(" FROM ")
	b.WriteString(Quote(c.Name))
	b.WriteString(" AS ")
	b.WriteString(Quote(Alias))
	where, args := selectWhere(sel)
	b.WriteString(where)
	if sel.Order != "" {
		b.WriteString(" ORDER BY ")
		b.WriteString(sel.Order)
		args = append(args, sel.OrderArgs...)
	}
	if sel.Limit > 0 {
		b.WriteString(" LIMIT ? OFFSET ?")
		args = append(args, sel.Limit, sel.Offset)
	}
	if sel.forUpdate {
		b.WriteString(" FOR UPDATE")
	}
	ctx, cancel := readContext(ctx, q)
	defer cancel()
	rows, err := q.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, readError(ctx, q, err)
	}
	defer rows.Close()
	var out []*galley.Record
	dest := make([]any, len(c.Fields))
	ptrs := make([]any, len(c.Fields))
	for i := range dest {
		ptrs[i] = &dest[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, MapError(err)
		}
		r := &galley.Record{Collection: c, Data: make(map[string]any, len(c.Fields))}
		for i, f := range c.Fields {
			r.Data[f.Name] = decodeValue(f, dest[i])
		}
		out = append(out, r)
	}
	return out, readError(ctx, q, rows.Err())
}

// selectWhere returns the WHERE clause of sel's ID and Where (with a
// leading space; "" for neither) and its arguments, the id's first.
func selectWhere(sel Select) (string, []any) {
	var args []any
	var where string
	switch {
	case sel.ID != "" && sel.Where != "":
		where = " WHERE " + Quote(Alias) + `."id" = ? AND (` + sel.Where + ")"
		args = append(args, sel.ID)
	case sel.ID != "":
		where = " WHERE " + Quote(Alias) + `."id" = ?`
		args = append(args, sel.ID)
	case sel.Where != "":
		where = " WHERE " + sel.Where
	}
	return where, append(args, sel.Args...)
}

// FindRecordsIn runs sel on c through q, restricted to the rows whose
// column col holds one of values: equal to one of them, or for a multi
// (JSON array) column, containing one of them. No values find nothing.
func (db *DB) FindRecordsIn(ctx context.Context, q Querier, c *galley.Collection, col string, values []string, multi bool, sel Select) ([]*galley.Record, error) {
	if len(values) == 0 {
		return nil, nil
	}
	colSQL := Quote(Alias) + "." + Quote(col)
	cond := colSQL + " IN (" + marks(len(values)) + ")"
	if multi {
		cond = db.d.jsonArrayHas(colSQL, len(values))
	}
	args := make([]any, 0, len(values)+len(sel.Args))
	for _, v := range values {
		args = append(args, v)
	}
	if sel.Where != "" {
		cond += " AND (" + sel.Where + ")"
	}
	sel.Where, sel.Args = cond, append(args, sel.Args...)
	return FindRecords(ctx, q, c, sel)
}

// CountRecords returns the number of rows of c matching where (compiled
// on Alias; "" for all rows), exact as of a moment after the call began.
// match, when not nil, must answer in memory whether a record (as the
// store holds it) matches where, returning an error (any) when it cannot
// for that record: then a cached total of a base or auth collection is
// kept up to date through writes by evaluating match on the rows they
// changed rather than counted again (see totals.go). Pass nil when where
// reads other rows (relations, back-relations, @collection). A count
// stopped by the statement timeout is EInvalid.
func (db *DB) CountRecords(ctx context.Context, c *galley.Collection, where string, args []any, match func(*galley.Record) (bool, error)) (int64, error) {
	if counted(c) && (where == "" || match != nil) {
		return db.countedTotal(ctx, c, where, args, match)
	}
	q := "SELECT COUNT(*) FROM " + Quote(c.Name) + " AS " + Quote(Alias)
	if where != "" {
		q += " WHERE " + where
	}
	key := cacheKey(q, args)
	if n, ok := db.totals.get(key); ok {
		return n, nil
	}
	gen := db.totals.generation()
	var n int64
	rctx, cancel := readContext(ctx, db.reader)
	defer cancel()
	if err := db.reader.QueryRowContext(rctx, q, args...).Scan(&n); err != nil {
		return 0, readError(rctx, db.reader, err)
	}
	db.totals.put(key, gen, n)
	return n, nil
}

func cacheKey(q string, args []any) string {
	var b strings.Builder
	b.WriteString(q)
	for _, a := range args {
		b.WriteByte(0)
		fmt.Fprintf(&b, "%T:%v", a, a)
	}
	return b.String()
}

// InsertRecord inserts r (all fields of its collection).
func (tx *Tx) InsertRecord(ctx context.Context, r *galley.Record) error {
	query, args := insertSQL(r)
	_, err := tx.exec(ctx, query, args...)
	if err == nil {
		tx.remember(r.Collection, r.ID())
		if counted(r.Collection) {
			tx.noteChange(r.Collection, nil, r)
		}
	}
	return MapError(err)
}

// remember notes that record id of c exists in tx (see Tx.known).
func (tx *Tx) remember(c *galley.Collection, id string) {
	if tx.known == nil {
		tx.known = map[string]bool{}
	}
	tx.known[c.ID+"\x00"+id] = true
}

// forget drops everything tx knew to exist.
func (tx *Tx) forget() { tx.known = nil }

// insertSQL is the INSERT of r's row (all fields of its collection).
func insertSQL(r *galley.Record) (string, []any) {
	c := r.Collection
	cols := make([]string, len(c.Fields))
	marks := make([]string, len(c.Fields))
	args := make([]any, len(c.Fields))
	for i, f := range c.Fields {
		cols[i] = Quote(f.Name)
		marks[i] = "?"
		args[i] = encodeValue(f, r.Data[f.Name])
	}
	return "INSERT INTO " + Quote(c.Name) + " (" + strings.Join(cols, ",") + ") VALUES (" + strings.Join(marks, ",") + ")", args
}

// UpdateRecord writes every field of r to the row with id oldID (the id may change).
func (tx *Tx) UpdateRecord(ctx context.Context, oldID string, r *galley.Record) error {
	c := r.Collection
	sets := make([]string, len(c.Fields))
	args := make([]any, 0, len(c.Fields)+1)
	for i, f := range c.Fields {
		sets[i] = Quote(f.Name) + "=?"
		args = append(args, encodeValue(f, r.Data[f.Name]))
	}
	args = append(args, oldID)
	if r.ID() != oldID {
		tx.forget()
	}
	old, err := tx.countedRow(ctx, c, oldID)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, "UPDATE "+Quote(c.Name)+" SET "+strings.Join(sets, ",")+" WHERE \"id\"=?", args...)
	if err == nil && old != nil {
		tx.noteChange(c, old, r)
	}
	return MapError(err)
}

// DeleteAllRecords deletes every row of c in one statement (no cascades:
// the caller handles references).
func (tx *Tx) DeleteAllRecords(ctx context.Context, c *galley.Collection) error {
	tx.forget()
	_, err := tx.ExecContext(ctx, "DELETE FROM "+Quote(c.Name)) // counted again (noteRaw)
	return MapError(err)
}

// DeleteRecord deletes the row of c with id.
func (tx *Tx) DeleteRecord(ctx context.Context, c *galley.Collection, id string) error {
	tx.forget()
	old, err := tx.countedRow(ctx, c, id)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, "DELETE FROM "+Quote(c.Name)+" WHERE \"id\"=?", id)
	if err == nil && old != nil {
		tx.noteChange(c, old, nil)
	}
	return MapError(err)
}

// countedRow returns the stored row id of c when c is counted (its
// totals follow the row's change; see totals.go), nil when c is not
// counted or has no such row.
func (tx *Tx) countedRow(ctx context.Context, c *galley.Collection, id string) (*galley.Record, error) {
	if !counted(c) {
		return nil, nil
	}
	// On PostgreSQL the row is locked as it is read: a write of another
	// lane or node to it that has not committed yet is waited for, so the
	// old row logged for the totals is the one this write replaces.
	recs, err := FindRecords(ctx, tx, c, Select{ID: id, Limit: 1, forUpdate: tx.db.pgState != nil})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return recs[0], nil
}

// touch invalidates cached totals now and again after commit, so no count
// computed against pre-commit data survives the write, on this node and (on
// PostgreSQL) on the others. Every statement a
// transaction executes calls it (once per transaction is enough).
func (tx *Tx) touch() {
	if tx.touched {
		return
	}
	tx.touched = true
	tx.db.totals.invalidate()
	tx.AfterCommit(tx.db.totals.invalidate)
	// On PostgreSQL the writer notifies the other nodes once per group.
}

// ColumnValue converts a canonical Go value of field f (as FindRecords
// returns it) to the value the store writes to f's column, for code that
// writes rows itself (bulk copies).
func ColumnValue(f *galley.Field, v any) any { return encodeValue(f, v) }

// encodeValue converts a canonical Go value of f to its column value.
func encodeValue(f *galley.Field, v any) any {
	switch {
	case f.IsMulti():
		list, _ := v.([]string)
		if list == nil {
			list = []string{}
		}
		b, _ := json.Marshal(list)
		return string(b)
	case f.Type == galley.FieldNumber:
		n, _ := v.(float64)
		return n
	case f.Type == galley.FieldBool:
		b, _ := v.(bool)
		return b
	case f.Type == galley.FieldJSON:
		switch x := v.(type) {
		case nil:
			return nil
		case json.RawMessage:
			if len(x) == 0 || string(x) == "null" {
				return nil
			}
			return string(x)
		default:
			b, err := json.Marshal(x)
			if err != nil {
				return nil
			}
			return string(b)
		}
	case f.Type == galley.FieldGeoPoint:
		p, _ := v.(galley.GeoPoint)
		b, _ := json.Marshal(p)
		return string(b)
	}
	s, _ := v.(string)
	return s
}

// decodeValue converts a scanned column value of f to its canonical Go value.
func decodeValue(f *galley.Field, v any) any {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	switch {
	case f.IsMulti():
		list := []string{}
		if s, ok := v.(string); ok && s != "" {
			if err := json.Unmarshal([]byte(s), &list); err != nil {
				// A non-array value (e.g. a view column): keep it as one item.
				list = []string{s}
			}
		}
		return list
	case f.Type == galley.FieldNumber:
		switch x := v.(type) {
		case float64:
			return x
		case int64:
			return float64(x)
		case string:
			n, _ := strconv.ParseFloat(x, 64)
			return n
		case bool:
			if x {
				return 1.0
			}
		}
		return 0.0
	case f.Type == galley.FieldBool:
		switch x := v.(type) {
		case bool:
			return x
		case int64:
			return x != 0
		case float64:
			return x != 0
		case string:
			return x == "1" || x == "true"
		}
		return false
	case f.Type == galley.FieldJSON:
		switch x := v.(type) {
		case nil:
			return nil
		case string:
			if json.Valid([]byte(x)) {
				// PostgreSQL's jsonb renders {"a": 1}: compact it to the
				// form SQLite keeps.
				if strings.ContainsAny(x, " \n\t") {
					var buf bytes.Buffer
					if json.Compact(&buf, []byte(x)) == nil {
						return json.RawMessage(buf.Bytes())
					}
				}
				return json.RawMessage(x)
			}
			b, _ := json.Marshal(x)
			return json.RawMessage(b)
		default:
			b, _ := json.Marshal(x)
			return json.RawMessage(b)
		}
	case f.Type == galley.FieldGeoPoint:
		var p galley.GeoPoint
		if s, ok := v.(string); ok {
			_ = json.Unmarshal([]byte(s), &p)
		}
		return p
	}
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// FindReferencing returns the records of c whose relation field f contains id.
func FindReferencing(ctx context.Context, q Querier, c *galley.Collection, f *galley.Field, id string) ([]*galley.Record, error) {
	col := Quote(Alias) + "." + Quote(f.Name)
	where := col + " = ?"
	if f.IsMulti() {
		where = dialectOf(q).jsonArrayHas(col, 1)
	}
	return FindRecords(ctx, q, c, Select{Where: where, Args: []any{id}})
}

// dialectOf returns the dialect of a store Querier (SQLite for others).
func dialectOf(q Querier) dialect {
	switch x := q.(type) {
	case *Tx:
		return x.db.d
	case *pool:
		return x.d
	}
	return sqliteDialect{}
}
