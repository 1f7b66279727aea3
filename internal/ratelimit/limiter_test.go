package ratelimit

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a manual clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestAllowWindow(t *testing.T) {
	c := newClock()
	l := New(100, WithClock(c.Now))
	const w = 10 * time.Second
	for i := range 3 {
		if ok, _ := l.Allow("k", 3, w); !ok {
			t.Fatalf("hit %d refused", i)
		}
	}
	ok, d := l.Allow("k", 3, w)
	if ok || d <= 9*time.Second || d > w+w/Buckets {
		t.Fatalf("4th hit: ok=%v retryAfter=%v, want refused with a wait in (9s, 11s]", ok, d)
	}
	// Another key is independent.
	if ok, _ := l.Allow("other", 3, w); !ok {
		t.Fatal("another key refused")
	}
	// Just before the wait ends: still blocked; at its end: allowed.
	c.Add(d - time.Nanosecond)
	if b, d2 := l.Check("k", 3, w); !b || d2 != time.Nanosecond {
		t.Fatalf("1ns before the end: blocked=%v wait=%v", b, d2)
	}
	c.Add(time.Nanosecond)
	if ok, _ := l.Allow("k", 3, w); !ok {
		t.Fatal("refused after retryAfter")
	}
}

// TestAccuracy drives random traffic and checks the documented bounds on
// every decision: never more than max hits in any window (now-w, now], and
// a hit is always allowed when (now-w-w/Buckets, now] holds fewer than max.
func TestAccuracy(t *testing.T) {
	for _, tc := range []struct {
		max int
		w   time.Duration
	}{{1, time.Second}, {5, 3 * time.Second}, {20, time.Minute}, {7, 1234567 * time.Microsecond}} {
		t.Run(fmt.Sprint(tc.max, tc.w), func(t *testing.T) {
			c := newClock()
			l := New(10, WithClock(c.Now))
			start := c.Now()
			rng := rand.New(rand.NewPCG(1, uint64(tc.max)))
			var hits []time.Duration // allowed hits, as offsets from start
			count := func(now, span time.Duration) int {
				n := 0
				for _, h := range hits {
					if h > now-span && h <= now {
						n++
					}
				}
				return n
			}
			for range 5000 {
				c.Add(time.Duration(rng.Int64N(int64(tc.w) / int64(tc.max) / 2)))
				now := c.Now().Sub(start)
				ok, d := l.Allow("k", tc.max, tc.w)
				exact, loose := count(now, tc.w), count(now, tc.w+tc.w/Buckets+1)
				switch {
				case ok && exact >= tc.max:
					t.Fatalf("at %v: allowed with %d hits in the window", now, exact)
				case !ok && loose < tc.max:
					t.Fatalf("at %v: refused with only %d hits in window+bucket", now, loose)
				case !ok && (d <= 0 || d > tc.w+tc.w/Buckets+time.Nanosecond):
					t.Fatalf("at %v: retryAfter %v", now, d)
				}
				if ok {
					hits = append(hits, now)
				}
			}
			if len(hits) < 10 {
				t.Fatalf("only %d hits allowed", len(hits))
			}
		})
	}
}

func TestCheckDoesNotRecord(t *testing.T) {
	c := newClock()
	l := New(10, WithClock(c.Now))
	if b, _ := l.Check("nobody", 1, time.Second); b {
		t.Fatal("unknown key blocked")
	}
	if l.Len() != 0 {
		t.Fatalf("Check of an unknown key stored it: Len=%d", l.Len())
	}
	l.Allow("k", 2, time.Second)
	for range 5 {
		if b, _ := l.Check("k", 2, time.Second); b {
			t.Fatal("Check counted hits")
		}
	}
	l.Allow("k", 2, time.Second)
	if b, d := l.Check("k", 2, time.Second); !b || d <= 0 {
		t.Fatalf("after 2 hits: blocked=%v wait=%v", b, d)
	}
}

func TestResetUndoAndWindowChange(t *testing.T) {
	c := newClock()
	l := New(10, WithClock(c.Now))
	l.Allow("k", 1, time.Minute)
	if ok, _ := l.Allow("k", 1, time.Minute); ok {
		t.Fatal("second hit allowed")
	}
	l.Reset("k")
	if ok, _ := l.Allow("k", 1, time.Minute); !ok {
		t.Fatal("refused after Reset")
	}
	l.Undo("k")
	if ok, _ := l.Allow("k", 1, time.Minute); !ok {
		t.Fatal("refused after Undo")
	}
	l.Undo("missing") // no-op
	// A different window starts the key afresh.
	if ok, _ := l.Allow("k", 1, time.Hour); !ok {
		t.Fatal("refused after a window change")
	}
	// Undo reaches back into older buckets.
	c.Add(30 * time.Minute)
	l.Undo("k")
	if ok, _ := l.Allow("k", 1, time.Hour); !ok {
		t.Fatal("Undo of an older hit did not free the key")
	}
}

func TestEdgeArguments(t *testing.T) {
	l := New(0) // clamped to 1 key
	if ok, d := l.Allow("k", 0, time.Second); ok || d != time.Second {
		t.Fatalf("max 0: ok=%v d=%v", ok, d)
	}
	if ok, _ := l.Allow("k", 1, 0); !ok {
		t.Fatal("window 0 refused")
	}
	if b, _ := l.Check("k", 0, time.Second); !b {
		t.Fatal("Check max 0 not blocked")
	}
	if ok, _ := l.Allow("k", 1<<40, time.Second); !ok {
		t.Fatal("huge max refused")
	}
	// A clock that goes backwards stands still instead of panicking.
	c := newClock()
	l = New(4, WithClock(c.Now))
	c.Add(time.Hour)
	l.Allow("k", 2, time.Second)
	c.Add(-30 * time.Minute)
	l.Allow("k", 2, time.Second)
	if ok, _ := l.Allow("k", 2, time.Second); ok {
		t.Fatal("third hit allowed after the clock went back")
	}
	c.Add(-2 * time.Hour) // before the Limiter was made
	l.Undo("k")
	if ok, _ := l.Allow("k", 2, time.Second); !ok {
		t.Fatal("Undo did not free a hit")
	}
}

func TestMemoryBound(t *testing.T) {
	c := newClock()
	const maxKeys = 1000
	l := New(maxKeys, WithClock(c.Now))
	l.Allow("hot", 5, time.Minute)
	for i := range 200_000 {
		l.Allow(fmt.Sprint("flood-", i), 5, time.Minute)
		if i%500 == 0 {
			l.Allow("hot", 1<<20, time.Minute) // keeps "hot" recently used
		}
		if n := l.Len(); i%10_000 == 0 && n > maxKeys {
			t.Fatalf("after %d keys: Len=%d > %d", i, n, maxKeys)
		}
	}
	if n := l.Len(); n > maxKeys || n < maxKeys/2 {
		t.Fatalf("Len=%d, want about %d", n, maxKeys)
	}
	// The recently used key survived the flood (eviction is LRU per shard).
	if b, _ := l.Check("hot", 1, time.Minute); !b {
		t.Fatal("a recently used key was evicted")
	}
}

func TestConcurrent(t *testing.T) {
	c := newClock()
	l := New(64, WithClock(c.Now))
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 32 {
		wg.Go(func() {
			for i := range 200 {
				if ok, _ := l.Allow("shared", 100, time.Minute); ok {
					allowed.Add(1)
				}
				key := fmt.Sprint("own-", g, "-", i%100)
				l.Allow(key, 3, time.Second)
				l.Check(key, 3, time.Second)
				if i%50 == 0 {
					l.Undo(key)
					l.Reset(key)
					c.Add(time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	if n := allowed.Load(); n != 100 {
		t.Fatalf("allowed %d hits on the shared key, want exactly 100", n)
	}
	if n := l.Len(); n > 64 {
		t.Fatalf("Len=%d > 64", n)
	}
}

func BenchmarkAllow(b *testing.B) {
	l := New(100_000)
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			l.Allow(fmt.Sprint(i%5000), 1000, time.Second)
			i++
		}
	})
}
