package store_test

import (
	"context"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestParams: a missing param is ENotFound; PutParam creates, then replaces
// the value while keeping the created time.
func TestParams(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	_, err := store.Param(ctx, db.Reader(), "p")
	wantCode(t, "a missing param", err, galley.ENotFound)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, v := range []string{`["a"]`, `["b"]`} {
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.PutParam(ctx, "p", v, t0.Add(time.Duration(i)*time.Hour))
		})
		if got, err := store.Param(ctx, db.Reader(), "p"); err != nil || got != v {
			t.Fatalf("after put %d: %q, %v; want %q", i, got, err, v)
		}
	}
	var created, updated string
	if err := db.Reader().QueryRowContext(ctx, `SELECT "created", "updated" FROM "_params" WHERE "id" = 'p'`).Scan(&created, &updated); err != nil {
		t.Fatal(err)
	}
	if created != galley.FormatTime(t0) || updated != galley.FormatTime(t0.Add(time.Hour)) {
		t.Fatalf("created %s, updated %s", created, updated)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		got, err := store.Param(ctx, tx, "p")
		if err != nil || got != `["b"]` {
			t.Errorf("in a transaction: %q, %v", got, err)
		}
		return nil
	})
}
