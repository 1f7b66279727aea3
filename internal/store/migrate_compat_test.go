package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestIndexDefinitionsMigrated: the index definitions an older Galley
// stored with double-quoted identifiers read back in PocketBase's form
// (backticks) once the database is opened by this one, and the indexes
// themselves are untouched.
func TestIndexDefinitionsMigrated(t *testing.T) {
	ctx := context.Background()
	opts := storetest.Options(t)
	store.WithMigrationsUpTo("0006_cron_ticks_and_app_migrations", func() {
		db := open(t, opts)
		posts := &galley.Collection{ID: "pbc_posts", Name: "posts", Type: galley.CollectionBase,
			Fields:  []*galley.Field{store.IDField(), {ID: "t1", Name: "title", Type: galley.FieldText}},
			Indexes: []string{`CREATE UNIQUE INDEX "idx_title" ON "posts" ("title") WHERE "title" != ''`}}
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateCollection(ctx, posts) }); err != nil {
			t.Fatal(err)
		}
		db.Close()
	})
	db := open(t, opts)
	if got := db.Schema.Collection("posts").Indexes; !slices.Equal(got, []string{"CREATE UNIQUE INDEX `idx_title` ON `posts` (`title`) WHERE `title` != ''"}) {
		t.Errorf("posts indexes %q", got)
	}
	for _, s := range db.Schema.Collection(galley.SuperusersName).Indexes {
		if strings.Contains(s, `"`) || !strings.Contains(s, "`") {
			t.Errorf("_superusers index not in PocketBase's form: %s", s)
		}
	}
	// The unique partial index still holds.
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		for _, q := range []string{`INSERT INTO "posts" ("id", "title") VALUES ('a', 'x')`, `INSERT INTO "posts" ("id", "title") VALUES ('b', '')`,
			`INSERT INTO "posts" ("id", "title") VALUES ('c', '')`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO "posts" ("id", "title") VALUES ('d', 'x')`)
		return err
	})
	if err == nil {
		t.Fatal("duplicate title accepted after the migration")
	}
}
