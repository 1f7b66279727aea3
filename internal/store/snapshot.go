package store

import (
	"context"
	"database/sql"

	galley "github.com/galleyhq/galley"
)

// Snapshot runs fn with a Querier that reads one consistent snapshot of the
// whole database while the server keeps serving, and the collections as
// they were in that snapshot: on SQLite one read transaction of the read
// pool (WAL keeps its view while the writer commits), on PostgreSQL one
// REPEATABLE READ, READ ONLY transaction without a statement timeout.
// Writes through the Querier fail. The transaction ends (rolled back) when
// fn returns; fn's error is returned as it is.
func (db *DB) Snapshot(ctx context.Context, fn func(q Querier, cols []*galley.Collection) error) error {
	opts := &sql.TxOptions{}
	if db.IsPostgres() {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return MapError(err)
	}
	defer tx.Rollback()
	q := rebindTx{tx: tx, d: db.d}
	if db.IsPostgres() {
		if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			return MapError(err)
		}
	}
	// The first read fixes the snapshot (SQLite's BEGIN is deferred).
	cols, err := loadCollections(ctx, q)
	if err != nil {
		return MapError(err)
	}
	return fn(q, cols)
}

// LoadCollections reads every collection definition from _collections
// through q (a transaction or the read pool), in no particular order.
func LoadCollections(ctx context.Context, q Querier) ([]*galley.Collection, error) {
	return loadCollections(ctx, q)
}

// RecountTotals makes the next reader count the rows of the collection
// id again (its "_totals" base row goes; see totals.go), for writes the
// store cannot attribute: a restore that empties and refills a table in
// the transaction that also created it, before the schema cache knows it.
func (tx *Tx) RecountTotals(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, `DELETE FROM "_totals" WHERE "collection" = ? AND "shard" = -1`, id)
	return err
}
