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
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/buildinfo"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// Querier is what both *sql.DB and *sql.Tx provide.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open Galley database. On SQLite: one writer connection (SQLite
// allows one writer at a time; serialising in the pool avoids busy errors)
// and a pool of readers. On PostgreSQL: one pool, from which the writer pins
// one connection for group commit (see writer) and readers take the rest.
// It is safe for concurrent use.
type DB struct {
	d      dialect
	write  *sql.DB
	read   *sql.DB
	reader *pool
	// wconn is the one writer connection; only the writer goroutine (or
	// Open, before it starts) uses it. wstmts caches statements prepared on
	// it (SQLite only: pgx caches prepared statements per connection itself).
	wconn     *sql.Conn
	wstmts    *stmtCache
	wlane     *lane // the lane of wconn (see writer)
	writer    writer
	closeOnce sync.Once
	readConns int
	log       *slog.Logger
	Schema    *Schema
	totals    *totalsCache
	// pgState is the PostgreSQL-only state (schema name, notifications,
	// leadership); nil on SQLite.
	pgState *pgState
	// version is Options.Version (or this build's), recorded by migrate.
	version string
}

// Options configure Open.
type Options struct {
	// Dir is the data directory; it is created when missing. On SQLite it
	// holds data.db.
	Dir string
	// DSN selects PostgreSQL ("postgres://…" or "postgresql://…"); empty
	// means the embedded SQLite database in Dir.
	DSN string
	// ReadConns is the size of the read pool on SQLite (default
	// 2×GOMAXPROCS, at least 4); on PostgreSQL, MaxConns sizes the pool.
	ReadConns int
	// MaxConns is the PostgreSQL pool size per node, the writer's pinned
	// connection and the notification listener included (default 20).
	MaxConns int
	// StatementTimeout bounds statements (default 30s; negative disables
	// it): every statement on PostgreSQL (statement_timeout), record reads
	// (lists, views, counts, expands) on SQLite, where the read is
	// interrupted. A read stopped by it is EInvalid naming the timeout.
	StatementTimeout time.Duration
	Logger           *slog.Logger
	// Version is the semantic version of the Galley opening the database
	// (default buildinfo.Get().Version). Open refuses a database last opened
	// by a newer major version, then records this one.
	Version string
}

// IsPostgresDSN reports whether dsn selects PostgreSQL.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating when needed) the database — SQLite in opts.Dir, or
// PostgreSQL when opts.DSN is set — applies pending system migrations and
// loads the schema. Errors are returned with their cause and read well as
// one line: a data dir that cannot be created, a corrupt database, a bad or
// unreachable DSN, a PostgreSQL that is too old fail here.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Version == "" {
		opts.Version = buildinfo.Get().Version
	}
	if opts.DSN != "" {
		return openPostgres(ctx, opts)
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
	db := &DB{d: sqliteDialect{}, write: write, read: read, log: opts.Logger, totals: newTotalsCache(), Schema: newSchema(), readConns: n, version: opts.Version}
	timeout := opts.StatementTimeout
	if timeout == 0 {
		timeout = DefaultStatementTimeout
	}
	db.reader = &pool{db: read, cache: newStmtCache(read), d: db.d, timeout: max(timeout, 0), deadline: true}
	db.wconn, err = write.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.wstmts = newConnStmtCache(db.wconn)
	if err := db.migrateAndLoad(ctx); err != nil {
		return nil, err
	}
	db.startWriter(0)
	return db, nil
}

// migrateAndLoad applies the pending system migrations and loads the
// schema; on failure it closes db.
func (db *DB) migrateAndLoad(ctx context.Context) error {
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return fmt.Errorf("migrate: %w", err)
	}
	if err := db.ReloadSchema(ctx); err != nil {
		db.Close()
		return err
	}
	return nil
}

// Close stops the writer after the queued transactions, checkpoints the WAL
// (SQLite) and closes the pools. It is safe to call more than once.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		db.stopWriter()
		if db.pgState != nil {
			db.pgState.closeNotifier() // sends the last commits' notices
			db.pgState.close()
		}
		if db.reader != nil {
			db.reader.cache.reset()
		}
		if db.wconn != nil {
			l := db.lane0() // its connection may have been replaced since Open
			if !db.IsPostgres() {
				_, _ = l.conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
			}
			l.stmts.reset()
			err = l.conn.Close()
		}
		err = errors.Join(err, db.read.Close())
		if db.write != db.read {
			err = errors.Join(err, db.write.Close())
		}
	})
	return err
}

// ReleaseMemory gives back memory held by idle connections: the read pool's
// idle connections are closed (they reopen on demand) and, on SQLite, the
// writer's page cache is shrunk; the rows the totals' change log holds are
// dropped (a cached filtered total is counted again once). Call it when
// the server is idle.
func (db *DB) ReleaseMemory(ctx context.Context) {
	db.totals.dropLogs()
	if db.IsPostgres() {
		return // the pool's connections cost memory on the server, not here
	}
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
	if ge := (sqliteDialect{}).mapError(err); ge != nil {
		return ge
	}
	if ge := (postgresDialect{}).mapError(err); ge != nil {
		return ge
	}
	return galley.Internal(err)
}

// Quote quotes an identifier for SQL. Identifiers must come from the schema,
// never from a request; Quote still escapes embedded quotes.
func Quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }
