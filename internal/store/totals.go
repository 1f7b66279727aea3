package store

import (
	"sync"
)

// totalsCache keeps exact list totals per (collection, compiled WHERE, args)
// so a list with totals does not scan the table on every request. Every
// committed write bumps one global generation, which invalidates all entries
// (a filter on one collection may join others, so per-collection invalidation
// would be wrong); a count computed while a write was in flight is only stored
// if the generation did not move meanwhile. Read-heavy workloads hit the
// cache; write-heavy ones pay one COUNT per generation.
type totalsCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string]totalsEntry
}

type totalsEntry struct {
	gen   uint64
	count int64
}

const maxTotalsEntries = 10000

func newTotalsCache() *totalsCache {
	return &totalsCache{entries: map[string]totalsEntry{}}
}

// generation returns the current generation.
func (c *totalsCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns the cached count for key if it is current.
func (c *totalsCache) get(key string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.gen != c.gen {
		return 0, false
	}
	return e.count, true
}

// put stores count for key, computed at generation gen.
func (c *totalsCache) put(key string, gen uint64, count int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.entries) >= maxTotalsEntries {
		clear(c.entries)
	}
	c.entries[key] = totalsEntry{gen: gen, count: count}
}

// invalidate bumps the generation; call it before and after every write commits.
func (c *totalsCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.mu.Unlock()
}

// reset drops everything (schema changes).
func (c *totalsCache) reset() {
	c.mu.Lock()
	c.gen++
	clear(c.entries)
	c.mu.Unlock()
}
