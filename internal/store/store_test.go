package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

func open(t *testing.T, opts store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenMigratesOnceAndReopens(t *testing.T) {
	opts := storetest.Options(t)
	db := open(t, opts)
	if c := db.Schema.Collection("_superusers"); c == nil || !c.IsAuth() || c.Auth.AuthToken.Secret == "" {
		t.Fatalf("_superusers missing or incomplete: %+v", c)
	}
	secret := db.Schema.Collection("_superusers").Auth.AuthToken.Secret
	db.Close()
	db2 := open(t, opts)
	if got := db2.Schema.Collection("_SUPERUSERS"); got == nil || got.Auth.AuthToken.Secret != secret {
		t.Fatal("reopen re-ran migrations or lost the schema (lookup is case-insensitive)")
	}
	var n int
	if err := db2.Reader().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM "_migrations"`).Scan(&n); err != nil || n != 10 {
		t.Fatalf("migrations recorded: %d %v", n, err)
	}
}

func allTypes() *galley.Collection {
	return &galley.Collection{ID: "c_all", Name: "things", Type: galley.CollectionBase, Fields: []*galley.Field{
		store.IDField(),
		{ID: "1", Name: "t", Type: galley.FieldText},
		{ID: "2", Name: "n", Type: galley.FieldNumber},
		{ID: "3", Name: "b", Type: galley.FieldBool},
		{ID: "4", Name: "j", Type: galley.FieldJSON},
		{ID: "5", Name: "tags", Type: galley.FieldSelect, Values: []string{"x", "y"}, MaxSelect: 2},
		{ID: "6", Name: "g", Type: galley.FieldGeoPoint},
		{ID: "7", Name: "d", Type: galley.FieldDate},
	}}
}

func TestRecordRoundTripAllTypes(t *testing.T) {
	ctx := context.Background()
	db := open(t, storetest.Options(t))
	c := allTypes()
	err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, c) })
	if err != nil {
		t.Fatal(err)
	}
	c = db.Schema.Collection("things")
	in := &galley.Record{Collection: c, Data: map[string]any{
		"id": "abc123def456ghi", "t": "héllo", "n": 3.5, "b": true, "j": json.RawMessage(`{"a":[1,2]}`),
		"tags": []string{"x", "y"}, "g": galley.GeoPoint{Lon: 1.5, Lat: -2}, "d": "2024-01-02 03:04:05.000Z",
	}}
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.InsertRecord(ctx, in) }); err != nil {
		t.Fatal(err)
	}
	got, err := store.FindRecords(ctx, db.Reader(), c, store.Select{})
	if err != nil || len(got) != 1 {
		t.Fatalf("find: %v %v", got, err)
	}
	for k, want := range in.Data {
		g, _ := json.Marshal(got[0].Data[k])
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s: got %s want %s", k, g, w)
		}
	}
	// Duplicate primary key → conflict naming the column.
	err = db.WithTx(ctx, func(tx *store.Tx) error { return tx.InsertRecord(ctx, in) })
	var ge *galley.Error
	if !errors.As(err, &ge) || ge.Code != galley.EConflict || ge.Fields["id"].Code != "validation_not_unique" {
		t.Fatalf("duplicate id: %v", err)
	}
}

func TestWithTxRollsBack(t *testing.T) {
	ctx := context.Background()
	db := open(t, storetest.Options(t))
	c := allTypes()
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	c = db.Schema.Collection("things")
	rec := &galley.Record{Collection: c, Data: map[string]any{"id": "rolledbackid000"}}
	boom := errors.New("boom")
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertRecord(ctx, rec); err != nil {
			return err
		}
		return boom
	})
	if galley.ErrorCodeOf(err) != galley.EInternal {
		t.Fatalf("error: %v", err)
	}
	func() {
		defer func() { _ = recover() }()
		_ = db.WithTx(ctx, func(tx *store.Tx) error {
			_ = tx.InsertRecord(ctx, rec)
			panic("in tx")
		})
	}()
	n, err := db.CountRecords(ctx, c, "", nil, nil)
	if err != nil || n != 0 {
		t.Fatalf("rolled-back rows visible: %d %v", n, err)
	}
	// The writer connection is usable after a panic.
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.InsertRecord(ctx, rec) }); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountRecords(ctx, c, "", nil, nil); n != 1 {
		t.Fatalf("count after insert = %d (stale cache?)", n)
	}
}

func TestCreateCollectionFailureChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := open(t, storetest.Options(t))
	c := allTypes()
	c.Indexes = []string{`CREATE INDEX "bad" ON "missing_table" ("t")`}
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, c) }); err == nil {
		t.Fatal("bad index accepted")
	}
	if db.Schema.Collection("things") != nil {
		t.Fatal("schema cache changed by a failed transaction")
	}
	var n int
	_ = db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'things'`).Scan(&n)
	if n != 0 {
		t.Fatal("table left behind by a failed transaction")
	}
}

// TestRefusesNewerDatabase: a database migrated by a newer Galley (an
// unknown system migration) is refused at open with a clear error.
func TestRefusesNewerDatabase(t *testing.T) {
	opts := storetest.Options(t)
	db := open(t, opts)
	if _, err := db.Exec(context.Background(), `INSERT INTO "_migrations" ("version", "applied") VALUES ('9999_future', '')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := store.Open(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "9999_future") || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("open of a newer database: %v", err)
	}
}

// TestSelectByID: Select.ID restricts a query to one row and is ANDed with
// the whole of Where (an OR inside Where cannot widen it), its placeholder
// coming before Where's arguments.
func TestSelectByID(t *testing.T) {
	ctx := context.Background()
	db := open(t, storetest.Options(t))
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, allTypes()) }); err != nil {
		t.Fatal(err)
	}
	c := db.Schema.Collection("things")
	ids := []string{"selectbyid00001", "selectbyid00002", "selectbyid00003"}
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		for i, id := range ids {
			if err := tx.InsertRecord(ctx, &galley.Record{Collection: c, Data: map[string]any{"id": id, "n": float64(i + 1)}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	orWhere := store.Quote(store.Alias) + `."n" = ? OR ` + store.Quote(store.Alias) + `."n" = ?`
	for _, tc := range []struct {
		name string
		sel  store.Select
		want []string
	}{
		{"id only", store.Select{ID: ids[1]}, []string{ids[1]}},
		{"missing id", store.Select{ID: "nosuchid0000000"}, nil},
		{"id and matching where", store.Select{ID: ids[1], Where: orWhere, Args: []any{2, 3}}, []string{ids[1]}},
		{"id and an OR that does not match it", store.Select{ID: ids[2], Where: orWhere, Args: []any{1, 2}}, nil},
		{"id with limit", store.Select{ID: ids[0], Limit: 1}, []string{ids[0]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := store.FindRecords(ctx, db.Reader(), c, tc.sel)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, r.ID())
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
