package store

import (
	"context"
	"database/sql"

	galley "github.com/galleyhq/galley"
)

// WithRestored runs fn inside a transaction of the read pool in which the
// row of r (a record deleted meanwhile, with the data it had) exists
// again, and then rolls the transaction back: nothing is ever written. A
// node that learns of a delete after the fact uses it to check rules that
// need the row (joins, back-relations). PostgreSQL only: SQLite has a
// single node, where deletes are checked inside the deleting transaction.
// The insert can fail (a unique value taken since), which is returned.
func (db *DB) WithRestored(ctx context.Context, r *galley.Record, fn func(q Querier) error) error {
	if !db.IsPostgres() {
		return galley.Errorf(galley.EInternal, "WithRestored needs PostgreSQL")
	}
	tx, err := db.reader.db.BeginTx(ctx, nil)
	if err != nil {
		return MapError(err)
	}
	defer tx.Rollback()
	q := rebindTx{tx: tx, d: db.d}
	query, args := insertSQL(r)
	if _, err := q.ExecContext(ctx, query, args...); err != nil {
		return MapError(err)
	}
	return fn(q)
}

// rebindTx is a Querier over a plain database/sql transaction, with the
// dialect's placeholders.
type rebindTx struct {
	tx *sql.Tx
	d  dialect
}

func (t rebindTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.d.rebind(query), args...)
}

func (t rebindTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.d.rebind(query), args...)
}

func (t rebindTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.rebind(query), args...)
}
