package store

import (
	"context"
	"database/sql"
	"sync"
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
