package store_test

import (
	"context"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestTotalsWaitForEveryLane: a reader that reads the versions of two
// lanes' commits neither has logged yet waits for both lanes and brings
// its cached filtered total up to date, rather than counting again once
// the first lane has logged (the recounts PostgreSQL's several writer
// lanes caused under concurrent writes).
func TestTotalsWaitForEveryLane(t *testing.T) {
	ctx := context.Background()
	db := open(t, storetest.Options(t))
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, allTypes()) }); err != nil {
		t.Fatal(err)
	}
	c := db.Schema.Collection("things")
	for i, id := range []string{"aaaaaaaaaaaaaa1", "aaaaaaaaaaaaaa2", "aaaaaaaaaaaaaa3"} {
		r := &galley.Record{Collection: c, Data: map[string]any{"id": id, "n": float64(i + 1)}}
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.InsertRecord(ctx, r) }); err != nil {
			t.Fatal(err)
		}
	}
	where := store.Quote(store.Alias) + `."n" > ?`
	args := []any{1.5}
	match := func(r *galley.Record) (bool, error) { n, _ := r.Data["n"].(float64); return n > 1.5, nil }
	if n, err := db.CountRecords(ctx, c, where, args, match); err != nil || n != 2 {
		t.Fatalf("first count: %d, %v; want 2", n, err)
	}
	recounts, waits := db.TotalsRecounts(), db.TotalsWaits()

	// Two lanes (shards no real lane uses) commit versions they have not
	// logged yet: their "_totals" rows are there, their logs are not.
	const s1, s2 = 1001, 1002
	release1, release2 := db.HoldTotalsShard(s1), db.HoldTotalsShard(s2)
	if _, err := db.Exec(ctx, `INSERT INTO "_totals" ("collection", "shard", "n", "v") VALUES (?, ?, 0, 1), (?, ?, 0, 1)`, c.ID, s1, c.ID, s2); err != nil {
		t.Fatal(err)
	}
	type result struct {
		n   int64
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := db.CountRecords(ctx, c, where, args, match)
		done <- result{n, err}
	}()
	// awaitWaits returns once the reader has waited for want lanes in all,
	// or false if it returned first.
	awaitWaits := func(want int64) bool {
		deadline := time.Now().Add(time.Minute) // a guard against a hang, not a timing
		for db.TotalsWaits()-waits < want {
			select {
			case r := <-done:
				done <- r
				return false
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("the reader never waited for lane %d (waits %d)", want, db.TotalsWaits()-waits)
			}
			time.Sleep(time.Millisecond)
		}
		return true
	}
	if !awaitWaits(1) {
		t.Fatalf("the reader returned without waiting for the lanes: %+v", <-done)
	}
	// readCounts lists shards in order: the reader waits for s1 first, then
	// (unless it counts again instead) for s2.
	release1(c.ID, 1)
	awaitWaits(2)
	release2(c.ID, 1)
	r := <-done
	if r.err != nil || r.n != 2 {
		t.Fatalf("count after the lanes logged: %d, %v; want 2", r.n, r.err)
	}
	if n := db.TotalsRecounts() - recounts; n != 0 {
		t.Errorf("counted again %d times, want 0 (waited %d times)", n, db.TotalsWaits()-waits)
	}
	if w := db.TotalsWaits() - waits; w != 2 {
		t.Errorf("waited %d times, want 2 (once per lane)", w)
	}
}
