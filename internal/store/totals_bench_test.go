package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// BenchmarkUpdateCounted: updates of records of a counted collection (each
// reads its old row first, FOR UPDATE on PostgreSQL: see countedRow), 4
// goroutines per CPU on 64 records.
func BenchmarkUpdateCounted(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.Options(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, allTypes()) }); err != nil {
		b.Fatal(err)
	}
	c := db.Schema.Collection("things")
	for i := range 64 {
		r := &galley.Record{Collection: c, Data: map[string]any{"id": fmt.Sprintf("upd%012d", i), "n": float64(i), "t": ""}}
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.InsertRecord(ctx, r) }); err != nil {
			b.Fatal(err)
		}
	}
	var seq atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			id := fmt.Sprintf("upd%012d", i%64)
			r := &galley.Record{Collection: c, Data: map[string]any{"id": id, "n": float64(i), "t": "x"}}
			if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.UpdateRecord(ctx, id, r) }); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
