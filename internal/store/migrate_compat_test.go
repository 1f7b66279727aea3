package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

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

// TestFreshDatabaseCollections: a new database has PocketBase's system
// collections and its default users collection.
func TestFreshDatabaseCollections(t *testing.T) {
	db := storetest.Open(t)
	own := `@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId`
	for _, name := range []string{"_mfas", "_otps", "_authOrigins", "_externalAuths", "_superusers"} {
		c := db.Schema.Collection(name)
		if c == nil || !c.System {
			t.Fatalf("%s: %+v, want a system collection", name, c)
		}
	}
	for name, fields := range map[string][]string{
		"_mfas":        {"id", "collectionRef", "recordRef", "method", "created", "updated"},
		"_otps":        {"id", "collectionRef", "recordRef", "password", "sentTo", "created", "updated"},
		"_authOrigins": {"id", "collectionRef", "recordRef", "fingerprint", "created", "updated"},
	} {
		c := db.Schema.Collection(name)
		var got []string
		for _, f := range c.Fields {
			got = append(got, f.Name)
		}
		if !slices.Equal(got, fields) {
			t.Errorf("%s fields %v, want %v", name, got, fields)
		}
		if c.ListRule == nil || *c.ListRule != own || c.ViewRule == nil || *c.ViewRule != own || c.CreateRule != nil || c.UpdateRule != nil {
			t.Errorf("%s rules: list %v view %v create %v update %v", name, c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule)
		}
		if wantDelete := name == "_authOrigins"; (c.DeleteRule != nil) != wantDelete {
			t.Errorf("%s deleteRule %v", name, c.DeleteRule)
		}
	}
	if f := db.Schema.Collection("_otps").Field("password"); f.Type != galley.FieldPassword || !f.Hidden {
		t.Errorf("_otps.password: %+v", f)
	}

	u := db.Schema.Collection("users")
	if u == nil || u.ID != store.UsersID || u.System || !u.IsAuth() {
		t.Fatalf("users: %+v", u)
	}
	var names []string
	for _, f := range u.Fields {
		names = append(names, f.Name)
	}
	if want := []string{"id", "password", "tokenKey", "email", "emailVisibility", "verified", "name", "avatar", "created", "updated"}; !slices.Equal(names, want) {
		t.Errorf("users fields %v, want %v", names, want)
	}
	if a := u.Field("avatar"); a.Type != galley.FieldFile || a.MaxSelect != 1 ||
		!slices.Equal(a.MimeTypes, []string{"image/jpeg", "image/png", "image/svg+xml", "image/gif", "image/webp"}) {
		t.Errorf("avatar: %+v", a)
	}
	if f := u.Field("name"); f.Type != galley.FieldText {
		t.Errorf("name: %+v", f)
	}
	for action, want := range map[string]string{"list": "id = @request.auth.id", "view": "id = @request.auth.id", "create": "",
		"update": "id = @request.auth.id", "delete": "id = @request.auth.id"} {
		if p := *u.Rule(action); p == nil || *p != want {
			t.Errorf("users %sRule = %v, want %q", action, p, want)
		}
	}
	want := []string{"CREATE UNIQUE INDEX `idx_tokenKey__pb_users_auth_` ON `users` (`tokenKey`)",
		"CREATE UNIQUE INDEX `idx_email__pb_users_auth_` ON `users` (`email` COLLATE NOCASE) WHERE `email` != ''"}
	if !slices.Equal(u.Indexes, want) {
		t.Errorf("users indexes %q", u.Indexes)
	}
	for _, s := range db.Schema.Collection("_superusers").Indexes {
		if strings.Contains(s, `"`) || !strings.Contains(s, "`") {
			t.Errorf("_superusers index not in PocketBase's form: %s", s)
		}
	}
}

// TestMigrationsOnExistingDatabase: a database an older Galley made (up to
// 0006) gets the auth tables as collections with their rows, its index
// definitions in PocketBase's form, and a users collection only when it
// has none.
func TestMigrationsOnExistingDatabase(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, withUsers := range []bool{false, true} {
		t.Run(map[bool]string{false: "no users", true: "own users"}[withUsers], func(t *testing.T) {
			opts := storetest.Options(t)
			store.WithMigrationsUpTo("0006_cron_ticks_and_app_migrations", func() {
				db := open(t, opts)
				if db.Schema.Collection("_otps") != nil || db.Schema.Collection("users") != nil {
					t.Fatal("the old database already has the new collections")
				}
				posts := &galley.Collection{ID: "pbc_posts", Name: "posts", Type: galley.CollectionBase,
					Fields:  []*galley.Field{store.IDField(), {ID: "t1", Name: "title", Type: galley.FieldText}},
					Indexes: []string{`CREATE INDEX "idx_title" ON "posts" ("title") WHERE "title" != ''`}}
				err := db.WithTx(ctx, func(tx *store.Tx) error {
					if err := tx.CreateCollection(ctx, posts); err != nil {
						return err
					}
					if withUsers {
						users := &galley.Collection{ID: "pbc_myusers", Name: "Users", Type: galley.CollectionAuth,
							Fields: append(store.AuthSystemFields(), store.AutodateFields()...), Auth: galley.DefaultAuthOptions()}
						if err := tx.CreateCollection(ctx, users); err != nil {
							return err
						}
					}
					if err := tx.InsertOTP(ctx, store.OTP{ID: "otp000000000001", CollectionID: "c1", RecordID: "r1", PasswordHash: "h", SentTo: "a@example.com", Created: at}); err != nil {
						return err
					}
					if err := tx.InsertMFA(ctx, store.MFA{ID: "mfa000000000001", CollectionID: "c1", RecordID: "r1", Method: "password", Created: at}); err != nil {
						return err
					}
					_, err := tx.AddAuthOrigin(ctx, "c1", "r1", "fp1", at)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				db.Close()
			})

			db := open(t, opts)
			for name, want := range map[string]string{"_otps": "otp000000000001", "_mfas": "mfa000000000001", "_authOrigins": ""} {
				c := db.Schema.Collection(name)
				if c == nil || !c.System {
					t.Fatalf("%s is not a system collection after the migration", name)
				}
				recs, err := store.FindRecords(ctx, db.Reader(), c, store.Select{})
				if err != nil || len(recs) != 1 {
					t.Fatalf("%s rows: %v %v", name, recs, err)
				}
				r := recs[0]
				if (want != "" && r.ID() != want) || r.GetString("recordRef") != "r1" || r.GetString("collectionRef") != "c1" || r.GetString("created") != galley.FormatTime(at) {
					t.Errorf("%s row: %v", name, r.Data)
				}
			}
			// The repository still works on the migrated tables.
			err := db.WithTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.FindOTP(ctx, "otp000000000001", "c1", at.Add(-time.Minute)); err != nil {
					return err
				}
				if _, err := tx.FindMFA(ctx, "mfa000000000001", "c1", "r1", at.Add(-time.Minute)); err != nil {
					return err
				}
				added, err := tx.AddAuthOrigin(ctx, "c1", "r1", "fp1", at)
				if added || err != nil {
					t.Errorf("known device added again: %v %v", added, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := db.Schema.Collection("posts").Indexes; !slices.Equal(got, []string{"CREATE INDEX `idx_title` ON `posts` (`title`) WHERE `title` != ''"}) {
				t.Errorf("posts indexes %q", got)
			}
			u := db.Schema.Collection("users")
			if withUsers && (u == nil || u.ID != "pbc_myusers") {
				t.Errorf("own users collection replaced: %+v", u)
			}
			if !withUsers && (u == nil || u.ID != store.UsersID) {
				t.Errorf("default users collection missing: %+v", u)
			}
		})
	}
}
