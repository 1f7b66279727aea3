package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestPostgresConnectionLoss kills every server connection of a store
// mid-way: the next statements fail with EUnavailable (503 with retry
// advice), never EInternal; the store reconnects by itself (the pinned
// writer connection included) and every acknowledged write is kept.
func TestPostgresConnectionLoss(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvDSN)
	}
	opts := storetest.Options(t)
	u, err := url.Parse(opts.DSN)
	if err != nil {
		t.Fatal(err)
	}
	app := "galley_test_" + u.Query().Get("search_path")
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	opts.DSN = u.String()
	db := open(t, opts)
	ctx := context.Background()
	if _, err := db.Exec(ctx, `CREATE TABLE "kv" ("k" TEXT PRIMARY KEY, "v" TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	var acked []string
	put := func(k string) error {
		_, err := db.Exec(ctx, `INSERT INTO "kv" ("k", "v") VALUES (?, ?)`, k, "v")
		if err == nil {
			acked = append(acked, k)
		}
		return err
	}
	if err := put("before"); err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", storetest.PostgresDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var killed int
	if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&killed); err != nil || killed == 0 {
		t.Fatalf("terminate backends: %d %v", killed, err)
	}
	failures := 0
	for i := 0; i < 100 && len(acked) < 6; i++ {
		err := put("after" + string(rune('a'+i)))
		if err != nil {
			if code := galley.ErrorCodeOf(err); code != galley.EUnavailable {
				t.Fatalf("write after connection loss: %v (code %v), want EUnavailable", err, code)
			}
			failures++
			time.Sleep(50 * time.Millisecond)
		}
	}
	if len(acked) < 6 {
		t.Fatalf("the store did not recover: %d writes acknowledged", len(acked))
	}
	t.Logf("%d writes refused with EUnavailable before the writer reconnected", failures)
	for _, k := range acked {
		var v string
		err := db.Reader().QueryRowContext(ctx, `SELECT "v" FROM "kv" WHERE "k" = ?`, k).Scan(&v)
		for i := 0; err != nil && i < 20; i++ { // a pooled reader may meet its dead connection first
			if code := galley.ErrorCodeOf(store.MapError(err)); code != galley.EUnavailable {
				t.Fatalf("read after connection loss: %v", err)
			}
			err = db.Reader().QueryRowContext(ctx, `SELECT "v" FROM "kv" WHERE "k" = ?`, k).Scan(&v)
		}
		if err != nil {
			t.Fatalf("acknowledged key %s: %v", k, err)
		}
	}
}
