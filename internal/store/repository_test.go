package store_test

import (
	"context"
	"slices"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// thingsDB opens a database with allTypes' collection "things" holding
// rows with the given ids and tags.
func thingsDB(t *testing.T, tags map[string][]string) (*store.DB, *galley.Collection) {
	t.Helper()
	ctx := context.Background()
	db := open(t, storetest.Options(t))
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, allTypes()) }); err != nil {
		t.Fatal(err)
	}
	c := db.Schema.Collection("things")
	ids := make([]string, 0, len(tags))
	for id := range tags {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if err := tx.InsertRecord(ctx, &galley.Record{Collection: c, Data: map[string]any{"id": id, "tags": tags[id]}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, c
}

func recordIDs(recs []*galley.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.ID())
	}
	slices.Sort(out)
	return out
}

// TestFindRecordsIn: single-value columns match by equality, multi-value
// (JSON array) columns by containing one of the values; the caller's Where
// is ANDed as a whole; no values find nothing.
func TestFindRecordsIn(t *testing.T) {
	ctx := context.Background()
	db, c := thingsDB(t, map[string][]string{
		"findrecordsin01": {"x"}, "findrecordsin02": {"y"}, "findrecordsin03": {"x", "y"}, "findrecordsin04": nil,
	})
	orWhere := store.Quote(store.Alias) + `."id" = ? OR ` + store.Quote(store.Alias) + `."id" = ?`
	for _, tc := range []struct {
		name   string
		col    string
		values []string
		multi  bool
		sel    store.Select
		want   []string
	}{
		{"ids", "id", []string{"findrecordsin01", "findrecordsin04", "nosuchid0000000"}, false, store.Select{}, []string{"findrecordsin01", "findrecordsin04"}},
		{"no values", "id", nil, false, store.Select{}, nil},
		{"multi holds x", "tags", []string{"x"}, true, store.Select{}, []string{"findrecordsin01", "findrecordsin03"}},
		{"multi holds x or y", "tags", []string{"x", "y"}, true, store.Select{}, []string{"findrecordsin01", "findrecordsin02", "findrecordsin03"}},
		{"where is ANDed whole", "tags", []string{"y"}, true, store.Select{Where: orWhere, Args: []any{"findrecordsin01", "findrecordsin02"}}, []string{"findrecordsin02"}},
		{"limit", "tags", []string{"x", "y"}, true, store.Select{Order: db.RowOrder(c, store.Alias), Limit: 1}, []string{"findrecordsin01"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := db.FindRecordsIn(ctx, db.Reader(), c, tc.col, tc.values, tc.multi, tc.sel)
			if err != nil {
				t.Fatal(err)
			}
			if got := recordIDs(recs); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDeleteAllRecords empties one collection's table and nothing else.
func TestDeleteAllRecords(t *testing.T) {
	ctx := context.Background()
	db, c := thingsDB(t, map[string][]string{"deleteall000001": nil, "deleteall000002": nil})
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.DeleteAllRecords(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountRecords(ctx, c, "", nil, nil); err != nil || n != 0 {
		t.Fatalf("rows left: %d %v", n, err)
	}
	if n, err := store.CountCollections(ctx, db.Reader(), store.Select{ID: c.ID}); err != nil || n != 1 {
		t.Fatalf("the collection itself: %d %v", n, err)
	}
}

// TestFindCollectionIDs: filtered, ordered by the caller's order then
// created and name, paged; the count ignores order and page.
func TestFindCollectionIDs(t *testing.T) {
	ctx := context.Background()
	db, c := thingsDB(t, nil)
	all, err := store.FindCollectionIDs(ctx, db.Reader(), store.Select{})
	if err != nil || len(all) < 2 || !slices.Contains(all, c.ID) {
		t.Fatalf("all: %v %v", all, err)
	}
	n, err := store.CountCollections(ctx, db.Reader(), store.Select{Limit: 1, Offset: 1})
	if err != nil || n != len(all) {
		t.Fatalf("count %d %v, want %d", n, err, len(all))
	}
	name := store.Quote(store.Alias) + `."name"`
	byName, err := store.FindCollectionIDs(ctx, db.Reader(), store.Select{Where: name + " = ?", Args: []any{"things"}})
	if err != nil || !slices.Equal(byName, []string{c.ID}) {
		t.Fatalf("by name: %v %v", byName, err)
	}
	desc, err := store.FindCollectionIDs(ctx, db.Reader(), store.Select{Order: name + " DESC"})
	if err != nil || len(desc) != len(all) {
		t.Fatalf("desc: %v %v", desc, err)
	}
	for i := 1; i < len(desc); i++ {
		a, b := db.Schema.Collection(desc[i-1]).Name, db.Schema.Collection(desc[i]).Name
		if a < b {
			t.Fatalf("not ordered by name DESC: %v", desc)
		}
	}
	page, err := store.FindCollectionIDs(ctx, db.Reader(), store.Select{Order: name + " DESC", Limit: 1, Offset: 1})
	if err != nil || !slices.Equal(page, desc[1:2]) {
		t.Fatalf("page 2 of 1: %v %v, want %v", page, err, desc[1:2])
	}
	none, err := store.FindCollectionIDs(ctx, db.Reader(), store.Select{ID: "nosuchcollection"})
	if err != nil || len(none) != 0 {
		t.Fatalf("missing id: %v %v", none, err)
	}
}

// TestConditionHolds evaluates row-less conditions with arguments.
func TestConditionHolds(t *testing.T) {
	ctx := context.Background()
	db := open(t, storetest.Options(t))
	for _, tc := range []struct {
		cond string
		args []any
		want bool
	}{
		{"1 = 1", nil, true},
		{"1 = 0", nil, false},
		{"? = ?", []any{"a", "a"}, true},
		{"? = ?", []any{"a", "b"}, false},
	} {
		got, err := store.ConditionHolds(ctx, db.Reader(), tc.cond, tc.args)
		if err != nil || got != tc.want {
			t.Errorf("%s %v: %v %v, want %v", tc.cond, tc.args, got, err, tc.want)
		}
	}
}
