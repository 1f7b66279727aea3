package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestGroupCommitIsolatesFailures runs many concurrent transactions, a third
// of which fail and a few of which panic: exactly the successful ones commit.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	db := open(t, storetest.Options(t))
	if _, err := db.Exec(ctx, `CREATE TABLE "kv" ("k" TEXT PRIMARY KEY, "v" INTEGER)`); err != nil {
		t.Fatal(err)
	}
	const n = 300
	var wg sync.WaitGroup
	results := make([]error, n)
	panics := make([]any, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			results[i] = db.WithTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO "kv" VALUES (?, ?)`, fmt.Sprint(i), i); err != nil {
					return err
				}
				switch {
				case i%3 == 1:
					return errors.New("refused")
				case i%50 == 7:
					panic("boom")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	want := 0
	for i := range n {
		shouldCommit := i%3 != 1 && i%50 != 7
		if shouldCommit {
			want++
		}
		if shouldCommit && (results[i] != nil || panics[i] != nil) {
			t.Fatalf("tx %d: err %v panic %v", i, results[i], panics[i])
		}
		if i%3 == 1 && results[i] == nil {
			t.Fatalf("tx %d: failure not reported", i)
		}
		if i%50 == 7 && i%3 != 1 && panics[i] != "boom" {
			t.Fatalf("tx %d: panic not re-raised in the caller: %v", i, panics[i])
		}
	}
	var got int
	if err := db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM "kv"`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("committed rows = %d, want %d", got, want)
	}
	var bad int
	_ = db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM "kv" WHERE "v" % 3 = 1`).Scan(&bad)
	if bad != 0 {
		t.Fatalf("%d failed transactions left rows behind", bad)
	}
}

func TestWithTxAfterCloseAndCancelled(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.Options(t))
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	err = db.WithTx(cctx, func(*store.Tx) error { ran = true; return nil })
	if ran || galley.ErrorCodeOf(err) != galley.EUnavailable {
		t.Fatalf("cancelled ctx: ran=%v err=%v", ran, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := db.WithTx(ctx, func(*store.Tx) error { return nil }); galley.ErrorCodeOf(err) != galley.EUnavailable {
		t.Fatalf("after close: %v", err)
	}
}

// TestOptimisticGroup (PostgreSQL): a group whose jobs all succeed commits
// without savepoints; when one fails, the group is rolled back and run
// again with savepoints — the others commit, the failure is its own, and
// the next groups run with savepoints for a while.
func TestOptimisticGroup(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvDSN)
	}
	ctx := context.Background()
	db := open(t, storetest.Options(t))
	if _, err := db.Exec(ctx, `CREATE TABLE "kv" ("k" TEXT PRIMARY KEY, "v" INTEGER)`); err != nil {
		t.Fatal(err)
	}
	l := db.NewTestLane()
	defer l.Close()
	runs := map[string]int{}
	put := func(k string, fail bool) func(*store.Tx) error {
		return func(tx *store.Tx) error {
			runs[k]++
			if _, err := tx.ExecContext(ctx, `INSERT INTO "kv" VALUES (?, 1)`, k); err != nil {
				return err
			}
			if fail {
				return errors.New("refused")
			}
			return nil
		}
	}
	for _, err := range l.Run(put("a", false), put("b", false), put("c", false)) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if l.Careful() != 0 || runs["a"] != 1 || runs["c"] != 1 {
		t.Fatalf("all-good group: careful %d, runs %v; want 0 and one run each", l.Careful(), runs)
	}
	// "e" fails, and a second "a" collides with the first (a unique violation, which
	// aborts a PostgreSQL transaction): "d" and "g" still commit.
	errs := l.Run(put("d", false), put("e", true), put("a", false), put("g", false))
	if errs[0] != nil || errs[1] == nil || errs[2] == nil || errs[3] != nil {
		t.Fatalf("mixed group: %v", errs)
	}
	if runs["d"] != 2 || l.Careful() == 0 {
		t.Fatalf("mixed group: runs %v, careful %d; want d run twice and careful groups ahead", runs, l.Careful())
	}
	before := l.Careful()
	for _, err := range l.Run(put("h", false), put("i", false)) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if l.Careful() != before-1 {
		t.Fatalf("careful %d after a group, want %d", l.Careful(), before-1)
	}
	var keys string
	if err := db.Reader().QueryRowContext(ctx, `SELECT string_agg("k", ',' ORDER BY "k") FROM "kv"`).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if keys != "a,b,c,d,g,h,i" {
		t.Fatalf("committed %s, want a,b,c,d,g,h,i", keys)
	}
}

// A job that ignores a failed statement and returns nil is not reported
// committed: on PostgreSQL the failed statement aborted the transaction,
// whose COMMIT rolls back — alone, last in an optimistic group, or with
// savepoints.
func TestSwallowedStatementErrorIsNotCommitted(t *testing.T) {
	ctx := context.Background()
	db := open(t, storetest.Options(t))
	if _, err := db.Exec(ctx, `CREATE TABLE "kv" ("k" TEXT PRIMARY KEY, "v" INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO "kv" VALUES ('taken', 0)`); err != nil {
		t.Fatal(err)
	}
	sneaky := func(tx *store.Tx) error {
		_, _ = tx.ExecContext(ctx, `INSERT INTO "kv" VALUES ('taken', 1)`) // unique violation, ignored
		return nil
	}
	err := db.WithTx(ctx, sneaky)
	if db.IsPostgres() {
		if err == nil {
			t.Fatal("alone: a rolled-back transaction was reported committed")
		}
		l := db.NewTestLane()
		defer l.Close()
		put := func(k string) func(*store.Tx) error {
			return func(tx *store.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO "kv" VALUES (?, 1)`, k)
				return err
			}
		}
		if errs := l.Run(put("a"), sneaky); errs[0] == nil || errs[1] == nil {
			t.Fatalf("optimistic group ending in a swallowed failure: %v", errs)
		}
		if errs := l.Run(put("b"), sneaky); errs[1] == nil { // careful now: with savepoints
			t.Fatalf("savepoint group with a swallowed failure: %v", errs)
		}
	} else if err != nil {
		t.Fatalf("SQLite goes on after a failed statement: %v", err)
	}
}
