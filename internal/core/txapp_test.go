package core

import (
	"context"
	"sync"
	"testing"
)

// TestRunInTransactionSerialises: read-modify-write transactions run through
// RunInTransaction (what hooks' $app.runInTransaction and galleyapp use)
// never lose an update, on either database: 40 concurrent increments of one
// record's counter leave it at 40. On PostgreSQL they run in several writer
// lanes at READ COMMITTED, so this needs RunInTransaction's lock.
func TestRunInTransactionSerialises(t *testing.T) {
	app := hookApp(t)
	ctx := context.Background()
	r, err := app.CreateRecord(ctx, Actor{}, "posts", body("title", "counter"), "")
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- app.RunInTransaction(ctx, func(tx *TxApp) error {
				cur, err := tx.FindRecordByID("posts", r.ID())
				if err != nil {
					return err
				}
				cur.Data["views"] = num(cur.Data["views"]) + 1
				return tx.Save(cur)
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := app.FindRecordByID(ctx, "posts", r.ID())
	if err != nil {
		t.Fatal(err)
	}
	if v := num(got.Data["views"]); v != n {
		t.Fatalf("views = %v after %d increments: updates were lost", v, n)
	}
}

// num reads a number field's value (float64 from the store, or nil).
func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	return 0
}
