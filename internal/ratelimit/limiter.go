// Package ratelimit provides Galley's abuse protection: a keyed, memory-bounded
// request limiter (Limiter) and the built-in guards for failed log-ins
// (LoginGuard) and mail-sending endpoints (MailGuard).
//
// # Algorithm and accuracy
//
// Limiter counts hits in a sliding window split into Buckets sub-windows
// ("buckets") of Window/Buckets each. A key is allowed another hit while the
// hits in the current bucket and the Buckets before it stay under the
// maximum. Because the oldest counted bucket may begin up to one bucket
// width before now-Window, the count is never lower than the exact count over
// (now-Window, now]: the limiter never admits more than max hits in any window
// of length Window. The price is that a blocked key may wait up to
// Window/Buckets (10%) longer than an exact sliding log would make it wait;
// retry-after durations report that conservative wait. Each key costs a fixed
// ~150 bytes, whatever its maximum.
//
// # Memory bound
//
// A Limiter holds at most maxKeys keys. When full, inserting a new key evicts
// the least recently used one (keys are sharded; each shard keeps its own LRU
// list, so eviction is approximately global LRU). A flood of distinct keys
// therefore costs bounded memory; its price is that it may evict the state of
// idle keys, which is why the guards key IPv6 clients by their /64 network
// (see IPKey). Expired state is dropped lazily: no goroutine, nothing to close.
//
// # Scope
//
// State is per process. On a multi-node deployment a Limiter made with
// WithNodes gives each node its share of every limit: max / live nodes
// (rounded down, at least 1), so that behind a balancer that spreads a
// client's requests over the nodes the whole cluster admits at most about
// the configured limit (exactly, when the limit is a multiple of the node
// count and the balancer spreads evenly). A client pinned to one node gets
// that node's share only: stricter, never looser. There is no package-level
// state; two Limiters never share anything.
package ratelimit

import (
	"hash/maphash"
	"sync"
	"time"
)

// Buckets is the number of sub-windows a window is split into; the limiter
// may block up to Window/Buckets longer than an exact sliding window.
const Buckets = 10

// maxHits caps max so that per-bucket uint32 counts cannot overflow.
const maxHits = 1 << 31

// maxShards caps the number of independently locked shards.
const maxShards = 16

// Option configures a Limiter.
type Option func(*Limiter)

// WithNodes makes the Limiter divide every maximum by nodes() (the live
// nodes of the cluster; values below 2 mean one node): each node admits
// max(1, max/nodes()) hits per window. nodes is called on every hit and
// must be cheap.
func WithNodes(nodes func() int) Option {
	return func(l *Limiter) { l.nodes = nodes }
}

// share returns this node's share of max (see WithNodes).
func (l *Limiter) share(max int) int {
	if l.nodes == nil || max < 1 {
		return max
	}
	if n := l.nodes(); n > 1 {
		return maxInt(1, max/n)
	}
	return max
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// WithClock makes the Limiter read time from now instead of time.Now (for
// tests). now must not go backwards by much: a clock that does is treated as
// standing still until it catches up.
func WithClock(now func() time.Time) Option {
	return func(l *Limiter) { l.now = now }
}

// Limiter is a concurrency-safe keyed rate limiter over sliding windows (see
// the package doc for the algorithm, its accuracy and its memory bound).
// Create one with New; the zero value is not usable.
type Limiter struct {
	shards []shard
	seed   maphash.Seed
	now    func() time.Time
	epoch  time.Time
	nodes  func() int // live nodes (WithNodes); nil: one
}

// shard is one independently locked part of the key space with its own LRU.
type shard struct {
	mu         sync.Mutex
	m          map[string]*entry
	head, tail *entry // head is the most recently used
	cap        int
	_          [64]byte // keeps neighbouring shards' locks off one cache line
}

// entry is the state of one key: hit counts per bucket in a ring.
type entry struct {
	key        string
	prev, next *entry
	window     time.Duration
	width      int64 // bucket width in nanoseconds: ceil(window/Buckets)
	cur        int64 // absolute number of the newest bucket
	counts     [Buckets + 1]uint32
}

// New returns a Limiter that keeps at most maxKeys keys (at least 1).
func New(maxKeys int, opts ...Option) *Limiter {
	maxKeys = max(maxKeys, 1)
	l := &Limiter{seed: maphash.MakeSeed(), now: time.Now}
	for _, o := range opts {
		o(l)
	}
	l.epoch = l.now()
	n := min(maxShards, maxKeys)
	l.shards = make([]shard, n)
	for i := range l.shards {
		c := maxKeys / n
		if i < maxKeys%n {
			c++
		}
		l.shards[i] = shard{m: make(map[string]*entry), cap: c}
	}
	return l
}

// Allow records a hit on key and reports true when key has had fewer than
// max hits in the last window. When it has not, nothing is recorded and
// retryAfter (> 0) says when a hit would be allowed again. max < 1 allows
// nothing (retryAfter = window); window <= 0 allows everything. Changing the
// window of a key starts it afresh.
func (l *Limiter) Allow(key string, max int, window time.Duration) (ok bool, retryAfter time.Duration) {
	if window <= 0 {
		return true, 0
	}
	if max < 1 {
		return false, window
	}
	max = min(l.share(max), maxHits)
	now := l.nanos()
	s := l.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.get(key)
	if e == nil {
		e = s.insert(key)
	}
	e.advance(now, window)
	if d := e.retryAfter(now, max); d > 0 {
		return false, d
	}
	e.counts[e.cur%(Buckets+1)]++
	return true, 0
}

// Check reports whether key is blocked (has max or more hits in the last
// window) and for how long, without recording a hit. Unknown keys are not
// blocked and cost no memory. max < 1 blocks; window <= 0 never blocks.
func (l *Limiter) Check(key string, max int, window time.Duration) (blocked bool, retryAfter time.Duration) {
	if window <= 0 {
		return false, 0
	}
	if max < 1 {
		return true, window
	}
	max = min(l.share(max), maxHits)
	now := l.nanos()
	s := l.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.get(key)
	if e == nil {
		return false, 0
	}
	if e.window != window {
		return false, 0 // a new window would start it afresh
	}
	e.advance(now, window)
	d := e.retryAfter(now, max)
	return d > 0, d
}

// Undo removes the most recent hit of key still in its window, if any: for
// hits recorded provisionally (see LoginGuard.Attempt).
func (l *Limiter) Undo(key string) {
	now := l.nanos()
	s := l.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.get(key)
	if e == nil {
		return
	}
	e.advance(now, e.window)
	for j := e.cur; j >= 0 && j >= e.cur-Buckets; j-- {
		c := &e.counts[j%(Buckets+1)]
		if *c > 0 {
			*c--
			return
		}
	}
}

// Reset forgets key.
func (l *Limiter) Reset(key string) {
	s := l.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.m[key]; e != nil {
		s.unlink(e)
		delete(s.m, key)
	}
}

// Len returns the number of keys held (at most the maxKeys given to New).
func (l *Limiter) Len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

// nanos returns the time since the Limiter was created, in nanoseconds; with
// time.Now it is monotonic, so wall-clock jumps do not move windows.
func (l *Limiter) nanos() int64 {
	return max(int64(l.now().Sub(l.epoch)), 0)
}

func (l *Limiter) shard(key string) *shard {
	if len(l.shards) == 1 {
		return &l.shards[0]
	}
	return &l.shards[maphash.String(l.seed, key)%uint64(len(l.shards))]
}

// get returns key's entry, marking it most recently used, or nil.
func (s *shard) get(key string) *entry {
	e := s.m[key]
	if e != nil && s.head != e {
		s.unlink(e)
		s.pushFront(e)
	}
	return e
}

// insert adds an empty entry for key, evicting the least recently used entry
// when the shard is full.
func (s *shard) insert(key string) *entry {
	if len(s.m) >= s.cap && s.tail != nil {
		old := s.tail
		s.unlink(old)
		delete(s.m, old.key)
	}
	e := &entry{key: key}
	s.m[key] = e
	s.pushFront(e)
	return e
}

func (s *shard) pushFront(e *entry) {
	e.prev, e.next = nil, s.head
	if s.head != nil {
		s.head.prev = e
	}
	s.head = e
	if s.tail == nil {
		s.tail = e
	}
}

func (s *shard) unlink(e *entry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		s.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		s.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

// advance moves e to the bucket of now, clearing buckets that left the
// window; a different window resets e.
func (e *entry) advance(now int64, window time.Duration) {
	if e.window != window {
		*e = entry{key: e.key, prev: e.prev, next: e.next, window: window,
			width: max((int64(window)+Buckets-1)/Buckets, 1)}
		e.cur = now / e.width
		return
	}
	b := now / e.width
	if b <= e.cur {
		return // same bucket, or a clock that went back: stand still
	}
	if b-e.cur > Buckets {
		e.counts = [Buckets + 1]uint32{}
	} else {
		for i := e.cur + 1; i <= b; i++ {
			e.counts[i%(Buckets+1)] = 0
		}
	}
	e.cur = b
}

// retryAfter returns 0 when e has fewer than max hits in its window, else
// how long until enough of the oldest buckets leave the window for one more
// hit to fit. e must be advanced to now.
func (e *entry) retryAfter(now int64, max int) time.Duration {
	var sum int64
	for _, c := range e.counts {
		sum += int64(c)
	}
	excess := sum - int64(max) + 1
	if excess <= 0 {
		return 0
	}
	var acc int64
	for j := e.cur - Buckets; j <= e.cur; j++ {
		if j < 0 {
			continue
		}
		acc += int64(e.counts[j%(Buckets+1)])
		if acc >= excess {
			// Bucket j stops counting once the newest bucket is j+Buckets+1.
			return time.Duration((j+Buckets+1)*e.width - now)
		}
	}
	return time.Duration((e.cur+Buckets+1)*e.width - now) // unreachable: acc reaches sum
}
