package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestClaimCronTick: a tick is claimed once, by one of many concurrent
// callers on two nodes; an earlier tick than one claimed is refused; jobs
// are independent.
func TestClaimCronTick(t *testing.T) {
	opts := storetest.Options(t)
	ctx := context.Background()
	var dbs []*store.DB
	for range 2 { // two nodes when on PostgreSQL; on SQLite two handles of one file
		db, err := store.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
		if !db.IsPostgres() {
			break
		}
	}
	t0 := time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC)
	for i, tick := range []time.Time{t0, t0.Add(time.Minute), t0.Add(24 * time.Hour)} {
		var won atomic.Int32
		var wg sync.WaitGroup
		for n := range 8 {
			wg.Go(func() {
				ok, err := dbs[n%len(dbs)].ClaimCronTick(ctx, "nightly", tick)
				if err != nil {
					t.Error(err)
				}
				if ok {
					won.Add(1)
				}
			})
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("tick %d: %d claims won, want 1", i, won.Load())
		}
	}
	if ok, err := dbs[0].ClaimCronTick(ctx, "nightly", t0.Add(time.Hour)); ok || err != nil {
		t.Fatalf("a tick before the last claimed: %v, %v", ok, err)
	}
	if ok, err := dbs[0].ClaimCronTick(ctx, "other", t0); !ok || err != nil {
		t.Fatalf("another job: %v, %v", ok, err)
	}
}

// TestAppMigrations: records in applied order, a duplicate is EConflict,
// forgetting is idempotent.
func TestAppMigrations(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	if got, err := db.AppliedMigrations(ctx); err != nil || len(got) != 0 {
		t.Fatalf("fresh: %v, %v", got, err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, name := range []string{"2_b.json", "1_a.json", "3_c.json"} {
		if err := db.RecordMigration(ctx, name, t0.Add(time.Duration(i/2)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	err := db.RecordMigration(ctx, "1_a.json", t0)
	wantCode(t, "a duplicate", err, galley.EConflict)
	got, err := db.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range got {
		names = append(names, m.Name)
	}
	// 2_b and 1_a share a time: by name; 3_c is later.
	if len(got) != 3 || names[0] != "1_a.json" || names[1] != "2_b.json" || names[2] != "3_c.json" || !got[2].Applied.Equal(t0.Add(time.Second)) {
		t.Fatalf("applied %v (%v)", names, got)
	}
	for range 2 {
		if err := db.ForgetMigration(ctx, "2_b.json"); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := db.AppliedMigrations(ctx); len(got) != 2 {
		t.Fatalf("after forget: %v", got)
	}
}

// TestWithLock: on PostgreSQL two nodes never hold the lock at once, the
// lock spans transactions, a cancelled wait gives up, and the lock is
// released when fn returns or panics. On SQLite fn just runs.
func TestWithLock(t *testing.T) {
	opts := storetest.Options(t)
	ctx := context.Background()
	a, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !a.IsPostgres() {
		ran := false
		if err := a.WithLock(ctx, "x", func() error { ran = true; return nil }); err != nil || !ran {
			t.Fatalf("SQLite: %v %v", ran, err)
		}
		return
	}
	b, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var inside atomic.Int32
	var wg sync.WaitGroup
	for i := range 6 {
		db := []*store.DB{a, b}[i%2]
		wg.Go(func() {
			err := db.WithLock(ctx, "migrations", func() error {
				if inside.Add(1) != 1 {
					t.Error("two holders at once")
				}
				// Services open their own transactions under the lock.
				_, err := db.Exec(ctx, `SELECT 1`)
				time.Sleep(5 * time.Millisecond) // widen the window an overlap would need
				inside.Add(-1)
				return err
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Held by a: b's wait ends with its context.
	held, release := make(chan struct{}), make(chan struct{})
	go func() {
		_ = a.WithLock(ctx, "migrations", func() error { close(held); <-release; return nil })
	}()
	<-held
	cctx, cancel := context.WithCancel(ctx)
	waiting := make(chan error)
	go func() {
		waiting <- b.WithLock(cctx, "migrations", func() error { t.Error("ran without the lock"); return nil })
	}()
	cancel()
	if err := <-waiting; err == nil {
		t.Fatal("a cancelled wait returned nil")
	}
	close(release)
	// A panic releases the lock too.
	func() {
		defer func() { _ = recover() }()
		_ = a.WithLock(ctx, "migrations", func() error { panic("boom") })
	}()
	if err := b.WithLock(ctx, "migrations", func() error { return nil }); err != nil {
		t.Fatal(err)
	}
}
