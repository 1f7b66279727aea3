package store

import (
	"context"
	"errors"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteDialect is the embedded SQLite store (modernc.org/sqlite).
type sqliteDialect struct{}

func (sqliteDialect) name() string                 { return "sqlite" }
func (sqliteDialect) filter() filter.Dialect       { return filter.SQLite() }
func (sqliteDialect) beginSQL() string             { return "BEGIN IMMEDIATE" }
func (sqliteDialect) rebind(q string) string       { return q }
func (sqliteDialect) hiddenColumns() []string      { return nil }
func (sqliteDialect) translateDDL(s string) string { return s }

func (sqliteDialect) columnDef(f *galley.Field) string { return sqliteColumnDef(f) }

func (sqliteDialect) convertExpr(col string, from, to storageKind) string {
	return sqliteConvertExpr(col, from, to)
}

func (sqliteDialect) indexSQL(ix *Index) string { return ix.sqliteSQL() }

func (sqliteDialect) existingIndexes(ctx context.Context, q Querier, table string) (map[string]string, error) {
	return sqliteIndexes(ctx, q, table)
}

func (sqliteDialect) createIndex(ctx context.Context, tx *Tx, name, stmt string) error {
	_, err := tx.ExecContext(ctx, stmt)
	return err
}

func (sqliteDialect) viewQueries(ctx context.Context, tx *Tx) (map[string]string, error) {
	out, err := queryPairs(ctx, tx, `SELECT "name", "sql" FROM "sqlite_master" WHERE "type" = 'view'`)
	for name, stmt := range out {
		out[name] = strings.TrimPrefix(stmt, "CREATE VIEW "+Quote(name)+" AS ")
	}
	return out, err
}

func (sqliteDialect) dropViewSQL(name string) string { return "DROP VIEW IF EXISTS " + Quote(name) }

func (sqliteDialect) checkViewQuery(ctx context.Context, tx *Tx, q string) error {
	return sqliteCheckViewQuery(ctx, tx, q)
}

func (sqliteDialect) viewColumns(ctx context.Context, q Querier, view string) ([]viewColumn, error) {
	return sqliteViewColumns(ctx, q, view)
}

// message strips the driver's decoration from a SQLite error.
func (sqliteDialect) message(err error) string {
	// "SQL logic error: no such column: nope (1)" → "no such column: nope":
	// the reason, without the driver's prefix and result code.
	s := strings.TrimPrefix(err.Error(), "SQL logic error: ")
	if j := strings.Index(s, " (1)"); j >= 0 {
		s = s[:j]
	}
	return s
}

func (sqliteDialect) mapError(err error) *galley.Error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return notUnique(err, uniqueColumn(se.Error()))
	}
	if isBusy(err) {
		return &galley.Error{Code: galley.EUnavailable, Message: "The database is busy, please retry.", Err: err}
	}
	return nil
}

func (sqliteDialect) retryable(error) bool { return false }

func (sqliteDialect) countSetupSQL(string) []string { return nil }

func (sqliteDialect) equalFold(col string) string { return col + " = ? COLLATE NOCASE" }

func (sqliteDialect) rowOrder(_ *galley.Collection, alias string) string {
	return Quote(alias) + ".rowid"
}

func (sqliteDialect) jsonArrayHas(col string, n int) string {
	return "EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE json_each.value IN (" + marks(n) + "))"
}

// marks returns n comma-separated ? placeholders.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// uniqueColumn extracts the first column from "UNIQUE constraint failed: t.col, t.col2".
func uniqueColumn(msg string) string {
	i := strings.LastIndex(msg, "constraint failed: ")
	if i < 0 {
		return ""
	}
	rest := msg[i+len("constraint failed: "):]
	first, _, _ := strings.Cut(rest, ",")
	first = strings.TrimSpace(first)
	first, _, _ = strings.Cut(first, " ")
	if i := strings.LastIndexByte(first, '.'); i >= 0 {
		return first[i+1:]
	}
	return first
}

// notUnique is the error of a unique violation on column col ("" when unknown).
func notUnique(err error, col string) *galley.Error {
	e := &galley.Error{Code: galley.EConflict, Message: "Failed to validate the submitted data.", Err: err}
	if col != "" {
		e.Fields = map[string]galley.FieldError{col: {Code: "validation_not_unique", Message: "Value must be unique."}}
	}
	return e
}
