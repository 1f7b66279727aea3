package store

import (
	"context"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
)

// dialect is everything that differs between SQLite and PostgreSQL in the
// store: column types, schema introspection, view checks, error mapping and
// a few expressions the services need. Everything else is shared SQL written
// with ? placeholders (rebound to $n for PostgreSQL by the Querier).
type dialect interface {
	// name is "sqlite" or "postgres".
	name() string
	filter() filter.Dialect
	// beginSQL starts the writer's group transaction.
	beginSQL() string
	// rebind turns ? placeholders into the driver's form.
	rebind(q string) string

	// columnDef is the column definition of f (see the package doc).
	columnDef(f *galley.Field) string
	// hiddenColumns are extra column definitions every collection table
	// gets (PostgreSQL: the insertion-order column).
	hiddenColumns() []string
	// convertExpr converts column col stored as from into a value stored as to.
	convertExpr(col string, from, to storageKind) string
	// indexSQL renders a parsed index.
	indexSQL(ix *Index) string
	// existingIndexes returns name → SQL of the explicit indexes on table.
	existingIndexes(ctx context.Context, q Querier, table string) (map[string]string, error)
	// createIndex runs one CREATE INDEX statement (PostgreSQL also records
	// the statement so existingIndexes can compare it).
	createIndex(ctx context.Context, tx *Tx, name, stmt string) error
	// viewQueries returns name → stored query of every SQL view.
	viewQueries(ctx context.Context, tx *Tx) (map[string]string, error)
	// dropViewSQL drops one view (PostgreSQL: with its dependants).
	dropViewSQL(name string) string
	// checkViewQuery is the authoritative read-only check of a normalized query.
	checkViewQuery(ctx context.Context, tx *Tx, q string) error
	// viewColumns lists the result columns of a view with their declared types.
	viewColumns(ctx context.Context, q Querier, view string) ([]viewColumn, error)
	// translateDDL adapts a system-migration statement written for SQLite.
	translateDDL(stmt string) string

	// message strips the driver's decoration from err for users.
	message(err error) string
	// mapError maps driver-specific errors; nil when it does not know err.
	mapError(err error) *galley.Error
	// retryable reports whether a statement failed for a transient reason
	// (serialization failure, deadlock, stale cached plan) and may be re-run.
	retryable(err error) bool

	// equalFold is a condition comparing column expression col with one ?
	// placeholder, ignoring ASCII case.
	equalFold(col string) string
	// rowOrder is the insertion order of the rows of c under alias.
	rowOrder(c *galley.Collection, alias string) string
	// jsonArrayHas is a condition that the JSON array column col contains
	// any of n ? placeholders (text values).
	jsonArrayHas(col string, n int) string
	// countSetupSQL prepares a writer transaction for the one-time count of
	// table (totals.go): no statement timeout (the count of a large table is
	// maintenance, not a request), and other transactions kept from writing
	// table until it ends (nothing on SQLite, whose writer transaction
	// already excludes them).
	countSetupSQL(table string) []string
}

// EqualFold returns a condition comparing column expression col with one ?
// bind value, ignoring ASCII case (COLLATE NOCASE on SQLite, lower() on
// PostgreSQL).
func (db *DB) EqualFold(col string) string { return db.d.equalFold(col) }

// RowOrder returns the ORDER BY expression for insertion order of the rows
// of c under alias (rowid on SQLite; a hidden identity column on PostgreSQL;
// id for views on PostgreSQL).
func (db *DB) RowOrder(c *galley.Collection, alias string) string { return db.d.rowOrder(c, alias) }

// JSONArrayHas returns a condition that JSON array column col holds any of n
// text values bound as ? placeholders.
func (db *DB) JSONArrayHas(col string, n int) string { return db.d.jsonArrayHas(col, n) }

// DialectName is "sqlite" or "postgres".
func (db *DB) DialectName() string { return db.d.name() }

// Dialect returns the filter dialect of this database.
func (db *DB) Dialect() filter.Dialect { return db.d.filter() }
