package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// slowSchema creates "things" with n rows and returns it with a condition
// that takes hours to evaluate (a 4-way cross join of the table), much
// longer than any statement timeout the tests set.
func slowSchema(t *testing.T, db *store.DB, n int) (*galley.Collection, string) {
	t.Helper()
	ctx := context.Background()
	c := &galley.Collection{ID: "c_things", Name: "things", Type: galley.CollectionBase, Fields: []*galley.Field{
		store.IDField(), {ID: "1", Name: "name", Type: galley.FieldText}}}
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec(ctx, `INSERT INTO "things" ("id", "name")
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		SELECT 'r' || i, 'n' || i FROM n`, n)
	if err != nil {
		t.Fatal(err)
	}
	slow := `(SELECT COUNT(*) FROM "things" AS x, "things" AS y, "things" AS z, "things" AS w
		WHERE x."name" || y."name" || z."name" || w."name" = 'zz') > 0`
	return db.Schema.Collection("things"), slow
}

// TestStatementTimeoutStopsReads: a list or count read that runs past the
// statement timeout is stopped on both databases (SQLite has no timeout of
// its own: the read's context deadline interrupts it) and answers EInvalid
// naming the timeout, and the pool keeps serving.
func TestStatementTimeoutStopsReads(t *testing.T) {
	ctx := context.Background()
	opts := storetest.Options(t)
	opts.StatementTimeout = time.Second
	db := open(t, opts)
	c, slow := slowSchema(t, db, 400)
	check := func(what string, err error) {
		t.Helper()
		var ge *galley.Error
		if !errors.As(err, &ge) || ge.Code != galley.EInvalid || !strings.Contains(ge.Message, "longer than the 1s statement timeout") {
			t.Fatalf("%s: got %v, want EInvalid naming the 1s statement timeout", what, err)
		}
	}
	_, err := store.FindRecords(ctx, db.Reader(), c, store.Select{Where: slow, Limit: 10})
	check("list", err)
	_, err = db.CountRecords(ctx, c, slow, nil, nil)
	check("count", err)
	got, err := store.FindRecords(ctx, db.Reader(), c, store.Select{Where: `"_r"."id" = ?`, Args: []any{"r7"}})
	if err != nil || len(got) != 1 {
		t.Fatalf("a quick read after the timeouts: %v %v", got, err)
	}
}

// TestCancelledReadFreesConnection: a read whose context ends (the client
// went away) stops and gives its connection back to the pool.
func TestCancelledReadFreesConnection(t *testing.T) {
	opts := storetest.Options(t)
	opts.StatementTimeout = -1 // none: only the cancellation can stop it
	db := open(t, opts)
	c, slow := slowSchema(t, db, 400)
	// A marker of this run's own, so that slow queries of tests running
	// in parallel on the same server are not mistaken for this one.
	// It comes first: pg_stat_activity keeps only the statement's first
	// track_activity_query_size bytes (1 kB by default).
	marker := fmt.Sprintf("cancel-%d", time.Now().UnixNano())
	slow = "'" + marker + "' <> '' AND (" + slow + ")"
	base := db.ReadConnsInUse()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := store.FindRecords(ctx, db.Reader(), c, store.Select{Where: slow, Limit: 10})
		done <- err
	}()
	slowRunning := func() bool { // on the PostgreSQL server
		var n int
		err := db.Reader().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM pg_stat_activity
			WHERE state = 'active' AND pid <> pg_backend_pid() AND strpos(query, ?) > 0`, marker).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
	// Wait for the statement to run (connected is not enough). On
	// PostgreSQL the server's view decides: the pool's count includes the
	// writer's connections, which come and go, so base may already have
	// counted one that is idle again by the time the read takes it.
	running := func() bool {
		if db.IsPostgres() {
			return slowRunning()
		}
		return db.ReadConnsInUse() != base
	}
	for start := time.Now(); !running(); {
		if time.Since(start) > time.Minute {
			t.Fatal("the slow read is not seen running on the server after a minute")
		}
		select {
		case err := <-done:
			t.Fatalf("the slow read finished before it was cancelled: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	err := <-done
	var ge *galley.Error
	if !errors.As(err, &ge) || ge.Code != galley.EUnavailable {
		t.Fatalf("cancelled read: got %v, want EUnavailable", err)
	}
	if db.IsPostgres() {
		// The server stops the statement rather than running it to the end
		// for nobody (the pool's own count includes the writer's
		// connections, which come and go).
		for deadline := time.Now().Add(time.Minute); slowRunning(); {
			if time.Now().After(deadline) {
				t.Fatal("the cancelled statement still runs on the server after a minute")
			}
			time.Sleep(5 * time.Millisecond)
		}
	} else if n := db.ReadConnsInUse(); n != base {
		t.Fatalf("connections in use after the cancelled read: %d, want %d", n, base)
	}
	got, err := store.FindRecords(context.Background(), db.Reader(), c, store.Select{Where: `"_r"."id" = ?`, Args: []any{"r7"}})
	if err != nil || len(got) != 1 {
		t.Fatalf("a quick read after the cancelled one: %v %v", got, err)
	}
}
