// Package store is Galley's SQL layer: the connection pools, explicit
// transactions, the versioned system migrations, the schema (collections as
// real tables, kept in sync with real DDL) and the record queries. Everything
// dialect-specific sits behind Dialect; everything else is shared SQL.
//
// Storage conventions (the filter compiler relies on them): each collection is
// a table named exactly as the collection; one column per field, named as the
// field; id is the TEXT primary key; text-like fields, single select, single
// relation and single file are TEXT NOT NULL DEFAULT ”; number is REAL NOT
// NULL DEFAULT 0; bool is BOOLEAN NOT NULL DEFAULT FALSE; json is JSON text
// (NULL when unset); multi-valued select/relation/file are JSON arrays NOT NULL
// DEFAULT '[]'; geoPoint is a JSON object {"lon":…,"lat":…}.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Querier is what both *sql.DB and *sql.Tx provide.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open Galley database: one writer connection (SQLite allows one
// writer at a time; serialising in the pool avoids busy errors) and a pool of
// readers. It is safe for concurrent use.
type DB struct {
	write  *sql.DB
	read   *sql.DB
	reader *pool
	// wconn is the one writer connection; only the writer goroutine (or
	// Open, before it starts) uses it. wstmts caches statements prepared on it.
	wconn     *sql.Conn
	wstmts    *stmtCache
	writer    writer
	closeOnce sync.Once
	readConns int
	log       *slog.Logger
	Schema    *Schema
	totals    *totalsCache
}

// Options configure Open.
type Options struct {
	// Dir is the data directory; it is created when missing.
	Dir string
	// ReadConns is the size of the read pool (default 2×GOMAXPROCS, at least 4).
	ReadConns int
	Logger    *slog.Logger
}

// Open opens (creating when needed) the SQLite database in opts.Dir, applies
// pending system migrations and loads the schema. Errors are returned with
// their cause; a data dir that cannot be created or a corrupt database fail here.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(opts.Dir, "data.db")
	// Page caches are per connection: 4 MiB for the writer, 2 MiB per
	// reader (the OS page cache serves the rest), which keeps idle memory low.
	pragmas := "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(OFF)&_pragma=temp_store(MEMORY)"
	write, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=cache_size(-4000)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=cache_size(-2000)&_pragma=query_only(true)")
	if err != nil {
		write.Close()
		return nil, err
	}
	n := opts.ReadConns
	if n <= 0 {
		n = max(4, 2*runtime.GOMAXPROCS(0))
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	db := &DB{write: write, read: read, log: opts.Logger, totals: newTotalsCache(), Schema: newSchema(), readConns: n}
	db.reader = &pool{db: read, cache: newStmtCache(read)}
	db.wconn, err = write.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.wstmts = newConnStmtCache(db.wconn)
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := db.ReloadSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	db.startWriter()
	return db, nil
}

// Close stops the writer after the queued transactions, checkpoints the WAL
// and closes both pools. It is safe to call more than once.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		db.stopWriter()
		db.reader.cache.reset()
		if db.wconn != nil {
			_, _ = db.wconn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
			db.wstmts.reset()
			err = db.wconn.Close()
		}
		err = errors.Join(err, db.read.Close(), db.write.Close())
	})
	return err
}

// ReleaseMemory gives back memory held by idle connections: the read pool's
// idle connections are closed (they reopen on demand in microseconds) and
// the writer's page cache is shrunk. Call it when the server is idle.
func (db *DB) ReleaseMemory(ctx context.Context) {
	db.read.SetMaxIdleConns(0)
	db.read.SetMaxIdleConns(db.readConns)
	_ = db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "PRAGMA shrink_memory")
		return err
	})
}

// Exec runs one statement in a write transaction outside the record API
// (maintenance and tests) and invalidates cached totals.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := db.WithTx(ctx, func(tx *Tx) error {
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// Reader returns the read pool for queries outside a transaction.
func (db *DB) Reader() Querier { return db.reader }

// Dialect returns the filter dialect of this database.
func (db *DB) Dialect() filter.Dialect { return filter.SQLite() }

func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// MapError turns driver errors into *galley.Error: sql.ErrNoRows → ENotFound,
// unique violations → EConflict (Fields names the column when known), busy →
// EUnavailable. *galley.Error values and nil pass through; others become EInternal.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	var ge *galley.Error
	if errors.As(err, &ge) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &galley.Error{Code: galley.ENotFound, Message: "The requested resource wasn't found.", Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &galley.Error{Code: galley.EUnavailable, Message: "The request was cancelled or timed out.", Err: err}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			e := &galley.Error{Code: galley.EConflict, Message: "Failed to validate the submitted data.", Err: err}
			if col := uniqueColumn(se.Error()); col != "" {
				e.Fields = map[string]galley.FieldError{col: {Code: "validation_not_unique", Message: "Value must be unique."}}
			}
			return e
		}
		if isBusy(err) {
			return &galley.Error{Code: galley.EUnavailable, Message: "The database is busy, please retry.", Err: err}
		}
	}
	return galley.Internal(err)
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

// Quote quotes an identifier for SQL. Identifiers must come from the schema,
// never from a request; Quote still escapes embedded quotes.
func Quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }
