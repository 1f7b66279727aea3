package migratedata_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/migratedata"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

const testBatch = 4

// seeded is a SQLite source with every field type, users, a relation, a view,
// settings and rows in every copied system table.
type seeded struct {
	db        *store.DB
	app       *core.App
	userToken string // issued by the source, for users/u1@example.com
	rows      map[string]int64
}

// seed makes the source with its default users collection (opened to
// everyone's listing); seedWith(t, true) replaces that with a users
// collection of its own (another id).
func seed(t *testing.T) *seeded { return seedWith(t, false) }

func seedWith(t *testing.T, ownUsers bool) *seeded {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	app := core.New(db, nil)
	s := &seeded{db: db, app: app, rows: map[string]int64{}}
	create := func(body string) *galley.Collection {
		t.Helper()
		c, err := app.CreateCollection(ctx, app.SystemActor(), []byte(body))
		if err != nil {
			t.Fatalf("create collection %s: %v", body, err)
		}
		return c
	}
	record := func(collection, body string) *galley.Record {
		t.Helper()
		b, err := core.DecodeBody([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		r, err := app.CreateRecord(ctx, core.Actor{}, collection, core.RecordInput{Body: b}, "")
		if err != nil {
			t.Fatalf("create %s record %s: %v", collection, body, err)
		}
		return r
	}
	var users *galley.Collection
	if ownUsers {
		if err := app.DeleteCollection(ctx, app.SystemActor(), "users"); err != nil {
			t.Fatal(err)
		}
		users = create(`{"name":"users","type":"auth","createRule":"","listRule":"","fields":[{"name":"name","type":"text"}]}`)
	} else {
		users, err = app.UpdateCollection(ctx, app.SystemActor(), "users", []byte(`{"listRule":""}`))
		if err != nil || users.ID != store.UsersID {
			t.Fatalf("default users collection: %v %v", users, err)
		}
	}
	create(`{"name":"posts","createRule":"","listRule":"","fields":[
		{"name":"title","type":"text","required":true},
		{"name":"views","type":"number"},
		{"name":"live","type":"bool"},
		{"name":"contact","type":"email"},
		{"name":"site","type":"url"},
		{"name":"body","type":"editor"},
		{"name":"due","type":"date"},
		{"name":"status","type":"select","values":["draft","live"],"maxSelect":1},
		{"name":"tags","type":"select","values":["a","b","c"],"maxSelect":3},
		{"name":"cover","type":"file","maxSelect":1},
		{"name":"attachments","type":"file","maxSelect":5},
		{"name":"author","type":"relation","collectionId":"` + users.ID + `","maxSelect":1},
		{"name":"readers","type":"relation","collectionId":"` + users.ID + `","maxSelect":10},
		{"name":"meta","type":"json"},
		{"name":"place","type":"geoPoint"},
		{"name":"created","type":"autodate","onCreate":true},
		{"name":"updated","type":"autodate","onCreate":true,"onUpdate":true}]}`)
	create(`{"name":"notes","createRule":"","fields":[{"name":"text","type":"text"}]}`)
	create(`{"name":"empty","fields":[{"name":"text","type":"text"}]}`)
	create(`{"name":"post_titles","type":"view","listRule":"","viewQuery":"SELECT p.id, p.title, p.views FROM posts p WHERE p.live = TRUE"}`)

	var uids []string
	for i := 1; i <= 3; i++ {
		u := record("users", fmt.Sprintf(`{"email":"u%d@example.com","password":"password-%d","passwordConfirm":"password-%d","name":"User %d"}`, i, i, i, i))
		uids = append(uids, u.ID())
	}
	s.rows["users"] = 3
	// 2.5 batches, inserted in an order unlike id order.
	for i := 0; i < 10; i++ {
		record("posts", fmt.Sprintf(`{"id":"post%011d","title":"Post %d ✓","views":%d.5,"live":%t,"contact":"p%d@example.com",
			"site":"https://example.com/%d","body":"<p>hello</p>","due":"2024-01-0%d 03:04:05.000Z","status":"live","tags":["c","a"],
			"author":%q,"readers":[%q,%q],"meta":{"z":1,"a":[1,2,{"y":null,"b":"x"}],"m":"ü"},"place":{"lon":13.4,"lat":52.5}}`,
			(i*7)%10, i, i, i%2 == 0, i, i, i%9+1, uids[i%3], uids[0], uids[2]))
	}
	s.rows["posts"] = 10
	if _, err := db.Exec(ctx, `UPDATE "posts" SET "cover" = 'c_abc.png', "attachments" = '["a.pdf","b.pdf"]' WHERE "id" = 'post00000000007'`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2*testBatch; i++ { // exactly two batches
		record("notes", fmt.Sprintf(`{"text":"note %d"}`, i))
	}
	s.rows["notes"] = 2 * testBatch
	if _, err := app.UpsertSuperuser(ctx, "root@example.com", "root-password-1"); err != nil {
		t.Fatal(err)
	}
	s.rows["_superusers"] = 1
	if _, err := app.UpdateSettings(ctx, app.SystemActor(), []byte(`{"meta":{"appName":"Moved app"}}`)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO "_otps" ("id","collectionRef","recordRef","password","sentTo","created","updated") VALUES ('otp1', '` + users.ID + `', '` + uids[0] + `', 'hash', 'u1@example.com', '2024-01-01 00:00:00.000Z', '2024-01-01 00:00:00.000Z')`,
		`INSERT INTO "_mfas" ("id","collectionRef","recordRef","method","created","updated") VALUES ('mfa1', '` + users.ID + `', '` + uids[0] + `', 'password', '2024-01-01 00:00:00.000Z', '2024-01-01 00:00:00.000Z')`,
		`INSERT INTO "_authOrigins" ("id","collectionRef","recordRef","fingerprint","created","updated") VALUES ('ao1', '` + users.ID + `', '` + uids[1] + `', 'fp', '2024-01-01 00:00:00.000Z', '2024-01-01 00:00:00.000Z')`,
		`INSERT INTO "_externalAuths" ("id","collectionRef","recordRef","provider","providerId","created","updated") VALUES ('ea1', '` + users.ID + `', '` + uids[2] + `', 'github', '42', '2024-01-01 00:00:00.000Z', '2024-01-01 00:00:00.000Z')`,
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s.rows["_otps"], s.rows["_mfas"], s.rows["_authOrigins"], s.rows["_externalAuths"] = 1, 1, 1, 1
	// The application's migrations applied on the source stay applied.
	if err := db.RecordMigration(ctx, "1700000000_created_posts.json", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	s.rows["_appMigrations"] = 1
	_, u1, err := app.AuthWithPassword(ctx, core.Actor{IP: "192.0.2.1"}, "users", "u1@example.com", "password-1", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if s.userToken, err = app.NewAuthToken(u1, true); err != nil {
		t.Fatal(err)
	}
	// The log-in recorded its device too: the new-device alert is on by
	// default, as in PocketBase.
	s.rows["_authOrigins"]++
	return s
}

// targets returns the databases to copy into: a fresh SQLite store always,
// and a fresh PostgreSQL schema when GALLEY_TEST_POSTGRES is set.
func targets(t *testing.T) map[string]func(t *testing.T) (*store.DB, string) {
	out := map[string]func(t *testing.T) (*store.DB, string){
		"sqlite": func(t *testing.T) (*store.DB, string) { return openStore(t, store.Options{Dir: t.TempDir()}), "" },
	}
	if base := storetest.PostgresDSN(); base != "" {
		out["postgres"] = func(t *testing.T) (*store.DB, string) {
			dsn := storetest.NewSchema(t, base)
			return openStore(t, store.Options{DSN: dsn}), dsn
		}
	} else {
		t.Log("GALLEY_TEST_POSTGRES is unset: copying into SQLite only")
	}
	return out
}

func openStore(t *testing.T, opts store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCopy(t *testing.T) {
	for name, open := range targets(t) {
		for _, own := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/ownUsers=%t", name, own), func(t *testing.T) { testCopy(t, open, own) })
		}
	}
}

// testCopy copies a seeded source into a fresh target: with the source's
// default users collection (the target's becomes it) or one of its own
// (the target's default is dropped first).
func testCopy(t *testing.T, open func(t *testing.T) (*store.DB, string), ownUsers bool) {
	ctx := context.Background()
	src := seedWith(t, ownUsers)
	dst, _ := open(t)
	var calls []string
	rep, err := migratedata.Copy(ctx, src.db, dst, migratedata.Options{BatchSize: testBatch, Progress: func(table string, done, total int64) {
		calls = append(calls, fmt.Sprintf("%s %d/%d", table, done, total))
	}})
	if err != nil {
		t.Fatal(err)
	}
	// Batch boundaries: 2.5 batches, exactly 2 batches, none.
	for _, want := range []string{"posts 0/10", "posts 4/10", "posts 8/10", "posts 10/10", "notes 4/8", "notes 8/8", "empty 0/0", "_params 0/1", "_params 1/1"} {
		if !slices.Contains(calls, want) {
			t.Errorf("no progress call %q in %v", want, calls)
		}
	}
	got := map[string]migratedata.TableReport{}
	for _, r := range rep.Tables {
		got[r.Name] = r
		if r.Kind != galley.CollectionView && (!r.Verified || len(r.Checksum) != 64) {
			t.Errorf("%s not verified: %+v", r.Name, r)
		}
	}
	for table, n := range src.rows {
		if got[table].Rows != n {
			t.Errorf("%s: %d rows, want %d", table, got[table].Rows, n)
		}
	}
	if v := got["post_titles"]; v.Kind != "view" || v.Rows != -1 {
		t.Errorf("view reported as %+v", v)
	}
	if got["_params"].Rows < 1 {
		t.Errorf("settings not copied: %+v", got["_params"])
	}
	if r := got["_otps"]; r.Kind != galley.CollectionBase || !r.Verified {
		t.Errorf("_otps is copied as a collection: %+v", r)
	}
	checkTarget(t, src, dst)
	if n := len(dst.Schema.Collections()); n != len(src.db.Schema.Collections()) {
		t.Errorf("target has %d collections, source %d", n, len(src.db.Schema.Collections()))
	}
}

// checkTarget proves the copy works as the source did: log-ins with the
// original passwords, tokens issued by the source, settings, the view, the
// lists' default (insertion) order.
func checkTarget(t *testing.T, src *seeded, dst *store.DB) {
	t.Helper()
	ctx := context.Background()
	app := core.New(dst, nil)
	if _, _, err := app.AuthWithPassword(ctx, core.Actor{IP: "192.0.2.1"}, "users", "u2@example.com", "password-2", "", ""); err != nil {
		t.Errorf("user log-in on the target: %v", err)
	}
	if _, _, err := app.AuthWithPassword(ctx, core.Actor{IP: "192.0.2.1"}, galley.SuperusersName, "root@example.com", "root-password-1", "", ""); err != nil {
		t.Errorf("superuser log-in on the target: %v", err)
	}
	if _, _, err := app.AuthWithPassword(ctx, core.Actor{IP: "192.0.2.2"}, "users", "u2@example.com", "wrong-password", "", ""); err == nil {
		t.Error("wrong password accepted on the target")
	}
	if r, _, err := app.Authenticate(ctx, src.userToken, ""); err != nil || r.GetString("email") != "u1@example.com" {
		t.Errorf("source token on the target: %v %v", r, err)
	}
	s, err := app.Settings(ctx)
	if err != nil || s.Meta.AppName != "Moved app" {
		t.Errorf("settings on the target: %+v %v", s, err)
	}
	for _, name := range []string{galley.SuperusersName, "_externalAuths", "users"} {
		sc, dc := src.db.Schema.Collection(name), dst.Schema.Collection(name)
		if dc == nil || dc.ID != sc.ID || dc.Auth != nil && dc.Auth.AuthToken.Secret != sc.Auth.AuthToken.Secret {
			t.Errorf("collection %s not carried over: %+v", name, dc)
		}
		if dc != nil && (dc.Created != sc.Created || dc.Updated != sc.Updated) {
			t.Errorf("collection %s stamps %s/%s, want %s/%s", name, dc.Created, dc.Updated, sc.Created, sc.Updated)
		}
	}
	view, err := app.ListRecords(ctx, core.Actor{}, "post_titles", core.RecordQuery{})
	if err != nil || view.TotalItems != 5 {
		t.Errorf("view on the target: %+v %v", view, err)
	}
	order := func(db *store.DB) []string {
		c := db.Schema.Collection("posts")
		recs, err := store.FindRecords(ctx, db.Reader(), c, store.Select{Order: db.RowOrder(c, store.Alias)})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range recs {
			ids = append(ids, r.ID())
		}
		return ids
	}
	if a, b := order(src.db), order(dst); !slices.Equal(a, b) {
		t.Errorf("insertion order changed:\n%v\n%v", a, b)
	}
	post := func(db *store.DB) *galley.Record {
		recs, err := store.FindRecords(ctx, db.Reader(), db.Schema.Collection("posts"), store.Select{Where: `"_r"."id" = ?`, Args: []any{"post00000000007"}})
		if err != nil || len(recs) != 1 {
			t.Fatalf("post: %v %v", recs, err)
		}
		return recs[0]
	}
	if a, b := post(src.db), post(dst); fmt.Sprint(a.Data["attachments"], a.Data["place"], a.Data["views"]) != fmt.Sprint(b.Data["attachments"], b.Data["place"], b.Data["views"]) {
		t.Errorf("post differs:\n%v\n%v", a.Data, b.Data)
	}
}

func TestCopyRefusesNonEmptyTarget(t *testing.T) {
	for name, open := range targets(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := seed(t)
			dst, dsn := open(t)
			if _, err := migratedata.Copy(ctx, src.db, dst, migratedata.Options{}); err != nil {
				t.Fatal(err)
			}
			_, err := migratedata.Copy(ctx, src.db, dst, migratedata.Options{})
			var ge *galley.Error
			if !errors.As(err, &ge) || ge.Code != galley.EConflict || !strings.Contains(ge.Message, "empty") {
				t.Fatalf("second copy: %v", err)
			}
			if dsn == "" {
				return
			}
			tgt, err := migratedata.InspectTarget(ctx, dsn)
			if err != nil || len(tgt.Relations) == 0 || !strings.HasPrefix(tgt.Schema, "t_") {
				t.Fatalf("inspect: %+v %v", tgt, err)
			}
			kinds := map[string]string{}
			for _, r := range tgt.Relations {
				kinds[r.Name] = r.Kind
			}
			if kinds["posts"] != "table" || kinds["post_titles"] != "view" || kinds["_params"] != "table" {
				t.Errorf("relations %v", kinds)
			}
			dst.Close()
			if err := migratedata.DropRelations(ctx, dsn, tgt.Relations); err != nil {
				t.Fatal(err)
			}
			if tgt, err := migratedata.InspectTarget(ctx, dsn); err != nil || len(tgt.Relations) != 0 {
				t.Fatalf("after drop: %+v %v", tgt, err)
			}
			// A fresh copy into the emptied schema works.
			dst = openStore(t, store.Options{DSN: dsn})
			if _, err := migratedata.Copy(ctx, src.db, dst, migratedata.Options{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestVerifyDetectsDifferences(t *testing.T) {
	for name, open := range targets(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := seed(t)
			dst, _ := open(t)
			if _, err := migratedata.Copy(ctx, src.db, dst, migratedata.Options{BatchSize: testBatch}); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct{ change, table string }{
				{`UPDATE "posts" SET "meta" = '{"z":2}' WHERE "id" = 'post00000000003'`, "posts has different checksums"},
				{`DELETE FROM "notes" WHERE "id" IN (SELECT "id" FROM "notes" LIMIT 1)`, "notes has 8 rows in the source and 7 in the target"},
				{`UPDATE "_params" SET "value" = '{"x":1}'`, "_params has different checksums"},
				{`UPDATE "_collections" SET "listRule" = 'id = "x"' WHERE "name" = 'notes'`, "notes (its definition differs in the target)"},
			} {
				if _, err := dst.Exec(ctx, tc.change); err != nil {
					t.Fatal(err)
				}
				if err := dst.ReloadSchema(ctx); err != nil {
					t.Fatal(err)
				}
				tables, err := migratedata.Verify(ctx, src.db, dst, migratedata.Options{BatchSize: testBatch})
				if err == nil || !strings.Contains(err.Error(), tc.table) {
					t.Fatalf("after %s: %v", tc.change, err)
				}
				if len(tables) == 0 {
					t.Fatal("no reports with the error")
				}
			}
		})
	}
}

func TestInspectTargetErrors(t *testing.T) {
	ctx := context.Background()
	_, err := migratedata.InspectTarget(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "connect to PostgreSQL at 127.0.0.1:1/none") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("unreachable: %v", err)
	}
	if _, err := migratedata.InspectTarget(ctx, "postgres://%zz"); err == nil || !strings.Contains(err.Error(), "invalid PostgreSQL DSN") {
		t.Fatalf("bad DSN: %v", err)
	}
	base := storetest.PostgresDSN()
	if base == "" {
		t.Skip("GALLEY_TEST_POSTGRES is unset: the empty-schema checks need PostgreSQL")
	}
	dsn := storetest.NewSchema(t, base)
	if tgt, err := migratedata.InspectTarget(ctx, dsn); err != nil || len(tgt.Relations) != 0 {
		t.Fatalf("fresh schema: %+v %v", tgt, err)
	}
	if _, err := migratedata.InspectTarget(ctx, storetest.WithSearchPath(base, "no_such_schema_x")); err == nil || !strings.Contains(err.Error(), "search_path") {
		t.Fatalf("missing schema: %v", err)
	}
}
