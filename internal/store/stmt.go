package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/jackc/pgx/v5/pgconn"
)

// maxCachedStmts bounds the prepared-statement cache. Record queries built
// from user filters vary; beyond the bound, statements run unprepared.
const maxCachedStmts = 512

// stmtCache keeps prepared statements by SQL text so hot queries (view by
// id, list pages, inserts) are parsed by SQLite once, not on every request.
type stmtCache struct {
	prep func(ctx context.Context, query string) (*sql.Stmt, error)
	mu   sync.RWMutex
	m    map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{prep: db.PrepareContext, m: map[string]*sql.Stmt{}}
}

// newConnStmtCache caches statements prepared on one connection; only the
// goroutine that owns the connection may use it.
func newConnStmtCache(c *sql.Conn) *stmtCache {
	return &stmtCache{prep: c.PrepareContext, m: map[string]*sql.Stmt{}}
}

// get returns the cached statement for query, preparing it when there is
// room; nil means "run it unprepared". A nil cache caches nothing.
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st := c.m[query]
	n := len(c.m)
	c.mu.RUnlock()
	if st != nil || n >= maxCachedStmts {
		return st
	}
	st, err := c.prep(ctx, query)
	if err != nil {
		return nil // the unprepared path reports the error
	}
	c.mu.Lock()
	if old, ok := c.m[query]; ok {
		c.mu.Unlock()
		st.Close()
		return old
	}
	c.m[query] = st
	c.mu.Unlock()
	return st
}

// reset closes and forgets every statement (after schema changes).
func (c *stmtCache) reset() {
	if c == nil {
		return
	}
	c.mu.Lock()
	old := c.m
	c.m = map[string]*sql.Stmt{}
	c.mu.Unlock()
	for _, st := range old {
		st.Close()
	}
}

// pool is a Querier over a connection pool that prepares hot statements once.
// Queries are rebound to the dialect's placeholders first.
type pool struct {
	db    *sql.DB
	cache *stmtCache
	d     dialect
	// timeout is the statement timeout (0: none). PostgreSQL enforces it
	// on the server (statement_timeout); on SQLite (deadline set) record
	// reads enforce it with a context deadline, which interrupts the
	// statement.
	timeout  time.Duration
	deadline bool
}

// errStatementTimeout is the context cause of a read stopped by the
// statement timeout.
var errStatementTimeout = errors.New("statement timeout")

// readContext returns ctx bounded by the statement timeout when q is a pool
// that enforces it itself (SQLite); the caller must call cancel once the
// read is done (its rows closed).
func readContext(ctx context.Context, q Querier) (context.Context, context.CancelFunc) {
	p, ok := q.(*pool)
	if !ok || !p.deadline || p.timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, p.timeout, errStatementTimeout)
}

// readError maps the error of a read through q run under ctx (from
// readContext): a statement stopped by the statement timeout, on either
// database, is EInvalid naming the timeout; the rest goes through MapError.
//
// EInvalid (400) rather than EUnavailable (503): the same query would take
// as long again, and a 503 with Retry-After invites clients to repeat it.
func readError(ctx context.Context, q Querier, err error) error {
	if err == nil {
		return nil
	}
	if p, ok := q.(*pool); ok && p.timeout > 0 &&
		(errors.Is(context.Cause(ctx), errStatementTimeout) || isPGStatementTimeout(err)) {
		return &galley.Error{Code: galley.EInvalid, Err: err, Message: fmt.Sprintf(
			"The query took longer than the %s statement timeout and was stopped; narrow the filter or sort, or ask for fewer records.", p.timeout)}
	}
	return MapError(err)
}

func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = p.d.rebind(query)
	if st := p.cache.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, query, args...)
}

func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = p.d.rebind(query)
	if st := p.cache.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	query = p.d.rebind(query)
	if st := p.cache.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// isPGStatementTimeout reports whether err is PostgreSQL stopping a
// statement at statement_timeout (not a cancel request).
func isPGStatementTimeout(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "57014" && strings.Contains(pe.Message, "statement timeout")
}
