package realtime

import (
	"context"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// Large events stored in _realtimeEvents are pruned on the heartbeat once
// older than spillTTL; younger ones stay, and the bus keeps pruning until
// its newest one is gone.
func TestPruneSpilled(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvDSN)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.Options(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := NewPGBus(db, nil)
	defer b.Close()
	now := time.Now()
	for id, at := range map[string]time.Time{"old": now.Add(-spillTTL - time.Minute), "new": now} {
		if _, err := db.Exec(ctx, `INSERT INTO "_realtimeEvents" ("id", "payload", "created") VALUES (?, '{}', ?)`, id, galley.FormatTime(at)); err != nil {
			t.Fatal(err)
		}
	}
	left := func() (ids []string) {
		rows, err := db.Reader().QueryContext(ctx, `SELECT "id" FROM "_realtimeEvents" ORDER BY "id"`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		return ids
	}
	b.pruneSpilled() // nothing stored by this node: nothing done
	if ids := left(); len(ids) != 2 {
		t.Fatalf("pruned without having spilled: %v left", ids)
	}
	b.spilledAt.Store(now.UnixNano())
	b.pruneSpilled()
	if ids := left(); len(ids) != 1 || ids[0] != "new" {
		t.Fatalf("after pruning: %v left, want [new]", ids)
	}
	if b.spilledAt.Load() == 0 {
		t.Fatal("stopped pruning while its newest event is still there")
	}
	b.spilledAt.Store(now.Add(-spillTTL - time.Second).UnixNano())
	b.pruneSpilled()
	if b.spilledAt.Load() != 0 {
		t.Fatal("still pruning after its newest event expired")
	}
}
