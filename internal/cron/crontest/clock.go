// Package crontest gives cron tests a clock that moves only when told to,
// so a test steps a scheduler through its ticks without waiting on the
// wall clock and without asserting timings.
package crontest

import (
	"context"
	"sync"
	"time"

	"github.com/galleyhq/galley/internal/cron"
)

// Clock is a manual cron.Clock: Now stays put until Advance or Set moves
// it, and timers fire when it passes their deadline. Several schedulers
// may share one Clock. It is safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers map[*timer]bool
	// changed is closed and replaced whenever the set of timers changes.
	changed chan struct{}
}

var _ cron.Clock = (*Clock)(nil)

// New returns a clock reading start.
func New(start time.Time) *Clock {
	return &Clock{now: start, timers: map[*timer]bool{}, changed: make(chan struct{})}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires once the clock reaches now+d (at
// once when d <= 0).
func (c *Clock) NewTimer(d time.Duration) cron.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		return t
	}
	c.timers[t] = true
	c.signal()
	return t
}

// Advance moves the clock forward by d and fires the timers it passes.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Set moves the clock to t (never backwards: an earlier t is ignored) and
// fires the timers whose deadline it reaches.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.Before(c.now) {
		return
	}
	c.now = t
	for tm := range c.timers {
		if !tm.at.After(t) {
			delete(c.timers, tm)
			tm.ch <- t
		}
	}
	c.signal()
}

// Timers returns how many timers are waiting.
func (c *Clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// WaitTimers blocks until at least n timers are waiting — for a
// scheduler, that it has handled the ticks so far and gone back to sleep —
// or ctx ends, which it returns as an error.
func (c *Clock) WaitTimers(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		got, ch := len(c.timers), c.changed
		c.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// signal wakes WaitTimers; c.mu is held.
func (c *Clock) signal() {
	close(c.changed)
	c.changed = make(chan struct{})
}

type timer struct {
	c  *Clock
	at time.Time
	ch chan time.Time
}

func (t *timer) C() <-chan time.Time { return t.ch }

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if !t.c.timers[t] {
		return false
	}
	delete(t.c.timers, t)
	t.c.signal()
	return true
}
