package store_test

import (
	"context"
	"fmt"
	"strings"
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

// TestTotalsNodeAlone: a node whose last heartbeat saw no other live node
// sends its groups without their rows; a node it has not seen yet counts
// its cached total again at once (no wait for a notice, never a wrong
// total). Once its heartbeat sees the other node, the rows go again and
// the other node's total follows without a count.
func TestTotalsNodeAlone(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("needs PostgreSQL (" + storetest.EnvDSN + ")")
	}
	ctx := context.Background()
	opts := storetest.Options(t)
	a := open(t, opts)
	if err := a.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, allTypes()) }); err != nil {
		t.Fatal(err)
	}
	b := open(t, opts)
	ca, cb := a.Schema.Collection("things"), b.Schema.Collection("things")
	if ca == nil || cb == nil {
		t.Fatal("things missing on a node")
	}
	// A beats alone: B has not beaten yet.
	if err := a.Beat(ctx, store.NodeInfo{}); err != nil {
		t.Fatal(err)
	}
	if n := a.LiveNodes(); n != 1 {
		t.Fatalf("A sees %d live nodes, want 1", n)
	}
	seq := 0
	insert := func(n float64) {
		t.Helper()
		seq++
		r := &galley.Record{Collection: ca, Data: map[string]any{"id": fmt.Sprintf("alone%010d", seq), "n": n, "t": ""}}
		if err := a.WithTx(ctx, func(tx *store.Tx) error { return tx.InsertRecord(ctx, r) }); err != nil {
			t.Fatal(err)
		}
	}
	awaitGroups := func(want int64) {
		t.Helper()
		deadline := time.Now().Add(time.Minute) // a guard against a hang, not a timing
		for b.TotalsRemoteGroups() < want {
			if time.Now().After(deadline) {
				t.Fatalf("node B logged %d groups from A's notices, want %d", b.TotalsRemoteGroups(), want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	where := store.Quote(store.Alias) + `."n" > ?`
	match := func(r *galley.Record) (bool, error) {
		n, ok := r.Data["n"].(float64)
		if !ok {
			return false, fmt.Errorf("n is a %T", r.Data["n"])
		}
		return n > 1.5, nil
	}
	count := func() int64 {
		t.Helper()
		n, err := b.CountRecords(ctx, cb, where, []any{1.5}, match)
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		if err := b.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM "things" AS `+store.Quote(store.Alias)+` WHERE `+where, 1.5).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("node B's total %d, COUNT(*) %d", n, want)
		}
		return n
	}
	// awaitAlone returns once A has sent want groups without rows.
	awaitAlone := func(want int64) {
		t.Helper()
		deadline := time.Now().Add(time.Minute) // a guard against a hang, not a timing
		for a.TotalsNoticesAlone() < want {
			if time.Now().After(deadline) {
				t.Fatalf("node A sent %d groups without rows, want %d", a.TotalsNoticesAlone(), want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	insert(1)
	insert(5)
	awaitAlone(2)
	count()

	// A thinks it is alone: its group goes without rows, B counts again
	// once that notice is there (at once if it came before the read), not
	// after giving up on it.
	recounts, timeouts := b.TotalsRecounts(), b.TotalsNoticeTimeouts()
	insert(7)
	awaitAlone(3)
	if n := count(); n != 2 {
		t.Fatalf("total %d after A's create, want 2", n)
	}
	if d := b.TotalsRecounts() - recounts; d != 1 {
		t.Errorf("node B counted %d times after a group without rows, want 1", d)
	}
	if d := b.TotalsNoticeTimeouts() - timeouts; d != 0 {
		t.Errorf("node B gave up on %d notices, want 0", d)
	}
	if a.TotalsNoticesWithheld() != 0 {
		t.Errorf("A counted %d groups as withheld (too big), want 0", a.TotalsNoticesWithheld())
	}

	// Both beat: A sees B, the rows go again, B's total follows them.
	for _, db := range []*store.DB{b, a} {
		if err := db.Beat(ctx, store.NodeInfo{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := a.LiveNodes(); n != 2 {
		t.Fatalf("A sees %d live nodes, want 2", n)
	}
	recounts, groups, alone := b.TotalsRecounts(), b.TotalsRemoteGroups(), a.TotalsNoticesAlone()
	insert(9)
	awaitGroups(groups + 1)
	if n := count(); n != 3 {
		t.Fatalf("total %d after A's create, want 3", n)
	}
	if d := b.TotalsRecounts() - recounts; d != 0 {
		t.Errorf("node B counted again %d times after a group with rows, want 0", d)
	}
	if d := b.TotalsNoticeTimeouts() - timeouts; d != 0 {
		t.Errorf("node B gave up on %d notices, want 0", d)
	}
	if d := a.TotalsNoticesAlone() - alone; d != 0 {
		t.Errorf("A sent %d groups without rows while B was live, want 0", d)
	}
}

// TestTotalsAcrossNodes: two nodes on one PostgreSQL database. Node B's
// cached filtered total is brought up to date from node A's notices
// without a count; a group too big for one notice comes withheld and B
// counts again at once; a notice that never comes (A muted) makes B wait
// for it, then count again, and stop waiting for that version; a node that
// closes sends its last notices first.
func TestTotalsAcrossNodes(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("needs PostgreSQL (" + storetest.EnvDSN + ")")
	}
	ctx := context.Background()
	opts := storetest.Options(t)
	a := open(t, opts)
	if err := a.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, allTypes()) }); err != nil {
		t.Fatal(err)
	}
	b := open(t, opts) // loads the schema
	ca, cb := a.Schema.Collection("things"), b.Schema.Collection("things")
	if ca == nil || cb == nil {
		t.Fatal("things missing on a node")
	}
	seq := 0
	insert := func(n float64, text string) {
		t.Helper()
		seq++
		r := &galley.Record{Collection: ca, Data: map[string]any{"id": fmt.Sprintf("rec%012d", seq), "n": n, "t": text,
			"tags": []string{"x"}, "d": "2024-01-02 03:04:05.000Z"}}
		if err := a.WithTx(ctx, func(tx *store.Tx) error { return tx.InsertRecord(ctx, r) }); err != nil {
			t.Fatal(err)
		}
	}
	// awaitGroups returns once b has logged want groups from a's notices.
	awaitGroups := func(want int64) {
		t.Helper()
		deadline := time.Now().Add(time.Minute) // a guard against a hang, not a timing
		for b.TotalsRemoteGroups() < want {
			if time.Now().After(deadline) {
				t.Fatalf("node B logged %d groups from A's notices, want %d", b.TotalsRemoteGroups(), want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	match := func(limit float64) func(*galley.Record) (bool, error) {
		return func(r *galley.Record) (bool, error) {
			n, ok := r.Data["n"].(float64)
			if !ok {
				return false, fmt.Errorf("n is a %T", r.Data["n"])
			}
			return n > limit && r.Data["t"] != "skip", nil
		}
	}
	where := store.Quote(store.Alias) + `."n" > ? AND ` + store.Quote(store.Alias) + `."t" != 'skip'`
	count := func(db *store.DB, c *galley.Collection, limit float64) int64 {
		t.Helper()
		n, err := db.CountRecords(ctx, c, where, []any{limit}, match(limit))
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		if err := db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM "things" AS `+store.Quote(store.Alias)+` WHERE `+where, limit).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("total %d, COUNT(*) %d", n, want)
		}
		return n
	}
	for i := range 5 {
		insert(float64(i), "")
	}
	count(b, cb, 1.5) // counted once
	count(b, cb, 3.5)

	// Adjusted from the notices: no count.
	recounts, groups := b.TotalsRecounts(), b.TotalsRemoteGroups()
	insert(10, "")
	insert(0, "")
	insert(20, "skip")
	awaitGroups(groups + 3)
	if n := count(b, cb, 1.5); n != 4 {
		t.Fatalf("total %d after A's creates, want 4", n)
	}
	count(b, cb, 3.5)
	if d := b.TotalsRecounts() - recounts; d != 0 {
		t.Errorf("node B counted again %d times after A's writes, want 0", d)
	}

	// A row too big for a notice: the group comes withheld, B counts again
	// without waiting.
	recounts, groups, withheld, waits := b.TotalsRecounts(), b.TotalsRemoteGroups(), a.TotalsNoticesWithheld(), b.TotalsNoticeWaits()
	insert(50, strings.Repeat("é", store.MaxNotifyPayload))
	awaitGroups(groups + 1)
	if d := a.TotalsNoticesWithheld() - withheld; d != 1 {
		t.Errorf("node A withheld %d groups' rows, want 1", d)
	}
	if n := count(b, cb, 1.5); n != 5 {
		t.Fatalf("total %d after the big row, want 5", n)
	}
	if d := b.TotalsRecounts() - recounts; d != 1 {
		t.Errorf("node B counted %d times after a withheld group, want 1", d)
	}
	if d := b.TotalsNoticeWaits() - waits; d != 0 {
		t.Errorf("node B waited %d times for a withheld group's notice, want 0", d)
	}
	count(b, cb, 3.5) // counted again too

	// A notice that never comes: B waits, then counts again; the next
	// total over that version counts at once.
	recounts, timeouts, waits := b.TotalsRecounts(), b.TotalsNoticeTimeouts(), b.TotalsNoticeWaits()
	a.MuteTotalsNotices(true)
	insert(60, "")
	a.MuteTotalsNotices(false)
	if n := count(b, cb, 1.5); n != 6 {
		t.Fatalf("total %d after a missed notice, want 6", n)
	}
	if d := b.TotalsNoticeTimeouts() - timeouts; d != 1 {
		t.Errorf("node B gave up on %d notices, want 1", d)
	}
	count(b, cb, 3.5)
	if d := b.TotalsRecounts() - recounts; d != 2 {
		t.Errorf("node B counted %d times after a missed notice, want 2 (once per total)", d)
	}
	if d := b.TotalsNoticeWaits() - waits; d != 1 {
		t.Errorf("node B waited %d times for the missed notice, want 1 (the second total counts at once)", d)
	}

	// A node that closes right after its commit sends the notice first.
	c := open(t, opts)
	groups = b.TotalsRemoteGroups()
	r := &galley.Record{Collection: c.Schema.Collection("things"), Data: map[string]any{"id": "closing0000000a", "n": float64(90), "t": ""}}
	if err := c.WithTx(ctx, func(tx *store.Tx) error { return tx.InsertRecord(ctx, r) }); err != nil {
		t.Fatal(err)
	}
	c.Close()
	awaitGroups(groups + 1)
	if n := count(b, cb, 1.5); n != 7 {
		t.Fatalf("total %d after a closing node's create, want 7", n)
	}

	// After that, notices keep B's totals up to date again.
	recounts, groups = b.TotalsRecounts(), b.TotalsRemoteGroups()
	insert(70, "")
	awaitGroups(groups + 1)
	if n := count(b, cb, 1.5); n != 8 {
		t.Fatalf("total %d, want 8", n)
	}
	count(b, cb, 3.5)
	if d := b.TotalsRecounts() - recounts; d != 0 {
		t.Errorf("node B counted again %d times after the missed notice was given up, want 0", d)
	}
}
