package store

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	galley "github.com/galleyhq/galley"
)

// List totals.
//
// Counted collections (base and auth collections whose name does not start
// with "_") keep their row count in the "_totals" table, updated in the
// same transaction as the write: each writer lane adds its group's delta to
// its own row ("shard": the lane's number, so PostgreSQL's concurrent lanes
// do not queue on one hot row) and bumps that row's version "v"; the row of
// shard -1 holds the base, the count when the collection was first counted.
// The unfiltered total is the sum of a collection's rows: exact on every
// node, one indexed read.
//
// A filtered total of a counted collection whose filter reads only the
// record's own fields (the caller passes a matcher, see CountRecords) is
// cached with the shard versions it was counted at. Each committed group
// leaves its record changes (old and new rows) in a log per collection and
// shard; a later reader that sees newer versions brings the cached count
// up to them by evaluating the matcher on the logged changes (±1 each), in
// memory. On PostgreSQL the other nodes' commits reach the log through
// change notices (totals_notice.go): each node sends the old and new rows
// of its committed groups to the others after COMMIT, so the groups of one
// shard (two nodes' lanes of one number share a row) come from every node,
// in any order; the log keeps them in version order. A reader that sees a
// version no group in the log holds yet waits for it: for the local lane
// committing it, or up to noticeWait for another node's notice. Versions
// the log will not hold (dropped from the bounded log, a notice that did
// not come in time or came without its rows), a change the matcher cannot
// evaluate, or a write the store could not attribute (raw SQL on the
// collection's table) make the reader count again, in one statement that
// also reads the versions, so the count and the versions come from one
// snapshot.
//
// Everything else (views, system collections, filters that join other
// collections) keeps the older scheme: cached until any committed write
// (one global generation), counted again after.

// totalsCache keeps the cached totals of one DB.
type totalsCache struct {
	mu  sync.Mutex
	gen uint64
	// entries: totals cached until the next write (generation scheme).
	entries map[string]totalsEntry
	// counted: filtered totals of counted collections, by count query key.
	counted map[string]*countedEntry
	// logs: recent committed changes per collection id.
	logs map[string]*changeLog
	// inflight holds, per shard, a channel closed when the lane writing
	// that shard has published (or abandoned) the group it is committing:
	// a reader that sees a version the log does not hold yet waits for it
	// rather than counting again.
	inflight map[int]chan struct{}
	// logged is closed (and replaced) whenever a group is logged: readers
	// waiting for another node's notice wake on it.
	logged chan struct{}
	// cluster: other nodes write too (PostgreSQL), so a version the log
	// lacks may still come in a notice.
	cluster bool
	// resets counts reset calls (schema reloads), for tests.
	resets atomic.Int64
	// recounts counts the filtered totals of counted collections counted
	// again (not brought up to date from the log).
	recounts atomic.Int64
	// waits counts the waits for a lane to log a commit (see countedTotal).
	waits atomic.Int64
	// noticeWaits counts the reads that waited for another node's notice,
	// noticeTimeouts those of them that stopped waiting and counted again.
	noticeWaits, noticeTimeouts atomic.Int64
	// remoteGroups counts the groups logged from other nodes' notices.
	remoteGroups atomic.Int64
}

type totalsEntry struct {
	gen   uint64
	count int64
}

// countedEntry is a filtered total at the shard versions vs.
type countedEntry struct {
	collection string
	vs         map[int]int64
	n          int64
	// secret: the total's condition reads a field other nodes' notices
	// withhold (an auth collection's tokenKey): their groups of that
	// collection make it count again.
	secret bool
}

// changeLog holds the committed groups of one collection, per shard, in
// version order.
type changeLog struct {
	shards  map[int][]loggedGroup
	changes int // total changes held
	// floor is, per shard, the highest version the log will not hold (a
	// group dropped to bound the log, or a notice given up on): totals
	// cached before it are counted again.
	floor map[int]int64
}

// loggedGroup is one committed group's changes to one collection.
type loggedGroup struct {
	v       int64
	changes []recordChange
	unknown bool // a write the store could not attribute: recount
	// partial: from another node's notice, which withholds secret fields
	// (see totals_notice.go).
	partial bool
}

// recordChange is one row's change: Old nil for an insert, New nil for a
// delete.
type recordChange struct {
	Old, New *galley.Record
}

// shardState is one "_totals" row as read.
type shardState struct {
	shard int
	n, v  int64
}

const (
	maxTotalsEntries = 10000
	// maxLoggedChanges bounds the changes kept per collection; readers
	// further behind count again.
	maxLoggedChanges = 4096
)

func newTotalsCache() *totalsCache {
	return &totalsCache{entries: map[string]totalsEntry{}, counted: map[string]*countedEntry{}, logs: map[string]*changeLog{},
		inflight: map[int]chan struct{}{}, logged: make(chan struct{})}
}

// counted reports whether c's count is kept in "_totals".
func counted(c *galley.Collection) bool {
	return c != nil && (c.Type == galley.CollectionBase || c.Type == galley.CollectionAuth) && !strings.HasPrefix(c.Name, "_")
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
	c.resets.Add(1)
	c.mu.Lock()
	c.gen++
	clear(c.entries)
	clear(c.counted)
	clear(c.logs)
	c.mu.Unlock()
}

// dropLogs forgets the logged changes (and so the filtered totals that
// would need them).
func (c *totalsCache) dropLogs() {
	c.mu.Lock()
	clear(c.logs)
	clear(c.counted)
	c.mu.Unlock()
}

// begin notes that the lane of shard is about to write its "_totals" rows
// and commit; call settle when the group has committed and been published,
// or failed.
func (c *totalsCache) begin(shard int) {
	c.mu.Lock()
	c.inflight[shard] = make(chan struct{})
	c.mu.Unlock()
}

// settle ends what begin started.
func (c *totalsCache) settle(shard int) {
	c.mu.Lock()
	if ch := c.inflight[shard]; ch != nil {
		close(ch)
		delete(c.inflight, shard)
	}
	c.mu.Unlock()
}

// publish adds a committed group's changes (shard, version v) to the log
// of each collection, this node's or (from a notice) another node's, and
// wakes the readers waiting for a notice.
func (c *totalsCache) publish(shard int, flushed []flushedCount) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range flushed {
		l := c.logs[f.collection]
		if l == nil {
			l = &changeLog{shards: map[int][]loggedGroup{}, floor: map[int]int64{}}
			c.logs[f.collection] = l
		}
		if !l.insert(shard, loggedGroup{v: f.v, changes: f.changes, unknown: f.unknown, partial: f.partial}) {
			continue
		}
		l.changes += len(f.changes) + 1
		for l.changes > maxLoggedChanges {
			l.dropOldest()
		}
	}
	close(c.logged)
	c.logged = make(chan struct{})
}

// insert adds g to shard's groups in version order, unless a group of that
// version is there already (false).
func (l *changeLog) insert(shard int, g loggedGroup) bool {
	gs := l.shards[shard]
	i := len(gs)
	for i > 0 && gs[i-1].v > g.v { // nearly always in order: from the end
		i--
	}
	if i > 0 && gs[i-1].v == g.v {
		return false
	}
	l.shards[shard] = slices.Insert(gs, i, g)
	return true
}

// notHeld records that collection's log will not hold version v of shard
// (nor, maybe, earlier ones: a notice that did not come in time, or came
// withheld): totals cached before it are counted again, and the readers
// waiting for a notice wake to do so.
func (c *totalsCache) notHeld(collection string, shard int, v int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.logs[collection]
	if l == nil {
		l = &changeLog{shards: map[int][]loggedGroup{}, floor: map[int]int64{}}
		c.logs[collection] = l
	}
	l.floor[shard] = max(l.floor[shard], v)
	close(c.logged)
	c.logged = make(chan struct{})
}

// dropOldest drops the oldest group of the shard holding the most changes.
func (l *changeLog) dropOldest() {
	big, most := 0, -1
	for s, gs := range l.shards {
		if len(gs) > 0 && len(gs) > most {
			big, most = s, len(gs)
		}
	}
	if most <= 0 {
		l.changes = 0
		return
	}
	g := l.shards[big][0]
	l.shards[big] = l.shards[big][1:]
	l.changes -= len(g.changes) + 1
	l.floor[big] = max(l.floor[big], g.v)
}

// pending is what a reader waits for before it calls catchUp again: the
// local lane committing a group (ch, remote false), or another node's
// notice of version v of shard (remote: ch is closed when any group is
// logged).
type pending struct {
	ch     <-chan struct{}
	remote bool
	shard  int
	v      int64
}

// catchUp returns the cached total of key brought up to the versions of
// state (or beyond, if another reader already went further), or false when
// it has to be counted again. When the log lacks a version of a shard
// whose local lane is committing, it returns that lane's channel instead
// (the first such shard in state's order; others may be pending too); when
// it lacks one that another node may still send (cluster), it returns the
// channel of the next logged group: wait for it and try again.
func (c *totalsCache) catchUp(key string, state []shardState, match func(*galley.Record) (bool, error)) (int64, bool, pending) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.counted[key]
	if e == nil {
		return 0, false, pending{}
	}
	l := c.logs[e.collection]
	for _, st := range state {
		if ch := c.inflight[st.shard]; ch != nil && st.shard >= 0 && e.vs[st.shard] < st.v && !l.holds(st.shard, st.v) {
			return 0, false, pending{ch: ch}
		}
	}
	n := e.n
	vs := make(map[int]int64, len(state))
	for _, st := range state {
		if st.shard < 0 {
			continue
		}
		have := e.vs[st.shard]
		if have >= st.v {
			vs[st.shard] = have
			continue
		}
		d, missing, ok := l.delta(st.shard, have, st.v, e.secret, match)
		if !ok {
			if missing > 0 && c.cluster {
				return 0, false, pending{ch: c.logged, remote: true, shard: st.shard, v: missing}
			}
			delete(c.counted, key)
			return 0, false, pending{}
		}
		n += d
		vs[st.shard] = st.v
	}
	for s, v := range e.vs { // shards the state did not list (none expected)
		if _, ok := vs[s]; !ok {
			vs[s] = v
		}
	}
	e.n, e.vs = n, vs
	return n, true, pending{}
}

// holds reports whether l (nil: none) has a group of shard at version v or
// later.
func (l *changeLog) holds(shard int, v int64) bool {
	if l == nil {
		return false
	}
	gs := l.shards[shard]
	return len(gs) > 0 && gs[len(gs)-1].v >= v
}

// delta sums the matcher's ±1 over the changes of shard after version from
// up to version to. It reports false when it cannot: with missing, the
// first version l (nil: none) does not hold but may still receive; with
// missing 0, when a version is below the floor, a group is unknown (or
// partial, for a secret total) or a change cannot be evaluated.
func (l *changeLog) delta(shard int, from, to int64, secret bool, match func(*galley.Record) (bool, error)) (d, missing int64, ok bool) {
	if l == nil {
		return 0, from + 1, false
	}
	if from < l.floor[shard] {
		return 0, 0, false
	}
	gs := l.shards[shard]
	// Groups are in version order; find from+1.
	i := 0
	for i < len(gs) && gs[i].v <= from {
		i++
	}
	for want := from + 1; want <= to; want++ {
		if i >= len(gs) || gs[i].v != want {
			return 0, want, false
		}
		if gs[i].unknown || (secret && gs[i].partial) {
			return 0, 0, false
		}
		for _, ch := range gs[i].changes {
			was, err := matches(match, ch.Old)
			if err != nil {
				return 0, 0, false
			}
			is, err := matches(match, ch.New)
			if err != nil {
				return 0, 0, false
			}
			d += is - was
		}
		i++
	}
	return d, 0, true
}

// putCounted caches a filtered total counted at the versions of state,
// unless a cached entry is already at or beyond them; secret: see
// countedEntry.
func (c *totalsCache) putCounted(key, collection string, state []shardState, n int64, secret bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	vs := make(map[int]int64, len(state))
	for _, st := range state {
		if st.shard >= 0 {
			vs[st.shard] = st.v
		}
	}
	if e := c.counted[key]; e != nil {
		newer := false
		for s, v := range vs {
			if v > e.vs[s] {
				newer = true
			}
		}
		if !newer {
			return
		}
	}
	if len(c.counted) >= maxTotalsEntries {
		clear(c.counted)
	}
	c.counted[key] = &countedEntry{collection: collection, vs: vs, n: n, secret: secret}
}

// matches is 1 when r is there and matches, else 0.
func matches(match func(*galley.Record) (bool, error), r *galley.Record) (int64, error) {
	if r == nil {
		return 0, nil
	}
	ok, err := match(r)
	if err != nil || !ok {
		return 0, err
	}
	return 1, nil
}
