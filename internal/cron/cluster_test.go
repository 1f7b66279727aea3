package cron_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/cron"
	"github.com/galleyhq/galley/internal/cron/crontest"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestOncePerTickAcrossNodes: two schedulers — two nodes on one PostgreSQL
// schema (on SQLite, two schedulers of one process on one database) — with
// the same jobs and one test clock, claiming ticks through the store: every
// tick of every job runs exactly once in all, whichever node runs it.
func TestOncePerTickAcrossNodes(t *testing.T) {
	opts := storetest.Options(t)
	ctx := context.Background()
	var dbs []*store.DB
	for range 2 {
		db, err := store.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
		if !db.IsPostgres() {
			dbs = append(dbs, db)
			break
		}
	}
	clock := crontest.New(time.Date(2026, 3, 1, 23, 58, 0, 0, time.UTC))
	var mu sync.Mutex
	runs := map[string][]string{} // "job@tick" → the nodes that ran it
	ran := make(chan struct{}, 1000)
	var nodes []*cron.Scheduler
	for n, db := range dbs {
		s := cron.New(cron.Options{Clock: clock, Claim: db.ClaimCronTick})
		for _, j := range []struct{ id, expr string }{{"minutely", "* * * * *"}, {"every2", "*/2 * * * *"}, {"daily", "@daily"}} {
			must(t, s.Add(j.id, j.expr, func(ctx context.Context) error {
				tick, ok := cron.TickOf(ctx)
				if !ok {
					t.Errorf("%s: a scheduled run without its tick", j.id)
				}
				mu.Lock()
				k := j.id + "@" + tick.Format("15:04")
				runs[k] = append(runs[k], fmt.Sprint("node", n))
				mu.Unlock()
				ran <- struct{}{}
				return nil
			}))
		}
		must(t, s.Start(ctx))
		t.Cleanup(s.Stop)
		nodes = append(nodes, s)
	}
	if err := clock.WaitTimers(waitCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	// 23:59 … 00:10: 12 minutely ticks, 6 every2 (00:00 … 00:10), 1 daily.
	want, seen := 0, 0
	for m := 1; m <= 12; m++ {
		clock.Advance(time.Minute)
		if err := clock.WaitTimers(waitCtx(t), 2); err != nil {
			t.Fatal(err)
		}
		now := clock.Now()
		want++
		if now.Minute()%2 == 0 {
			want++
		}
		if now.Hour() == 0 && now.Minute() == 0 {
			want++
		}
		waitN(t, ran, want-seen)
		seen = want
	}
	for _, s := range nodes {
		s.Stop() // every claimed run has ended
	}
	if n := countRuns(&mu, runs); n != want {
		t.Errorf("%d runs, want %d", n, want)
	}
	for k, by := range runs {
		if len(by) != 1 {
			t.Errorf("%s ran %d times: %v", k, len(by), by)
		}
	}
	for _, k := range []string{"minutely@23:59", "minutely@00:10", "every2@00:00", "every2@00:10", "daily@00:00"} {
		if len(runs[k]) != 1 {
			t.Errorf("%s did not run", k)
		}
	}
}

func countRuns(mu *sync.Mutex, runs map[string][]string) int {
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for _, by := range runs {
		n += len(by)
	}
	return n
}
