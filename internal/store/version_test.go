package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// openAs opens the database of opts as Galley version v, logging to log.
func openAs(t *testing.T, opts store.Options, v string, log *bytes.Buffer) (*store.DB, error) {
	t.Helper()
	opts.Version = v
	if log != nil {
		opts.Logger = slog.New(slog.NewTextHandler(log, nil))
	}
	db, err := store.Open(context.Background(), opts)
	if err == nil {
		t.Cleanup(func() { db.Close() })
	}
	return db, err
}

func recorded(t *testing.T, db *store.DB) string {
	t.Helper()
	v, err := db.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// exec runs statements on an open database and closes it.
func exec(t *testing.T, db *store.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	db.Close()
}

// snapshot describes what is on disk: every relation with its rows (in a
// stable order), and on SQLite the bytes of data.db.
func snapshot(t *testing.T, opts store.Options) string {
	t.Helper()
	var conn *sql.DB
	var err error
	var b strings.Builder
	listQ := `SELECT "name" FROM "sqlite_master" WHERE "type" IN ('table', 'view') AND "name" NOT LIKE 'sqlite_%' ORDER BY 1`
	if opts.DSN != "" {
		conn, err = sql.Open("pgx", opts.DSN)
		listQ = `SELECT c.relname FROM pg_class c WHERE c.relkind IN ('r', 'v') AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`
	} else {
		file := filepath.Join(opts.Dir, "data.db")
		data, rerr := os.ReadFile(file)
		if rerr != nil {
			t.Fatal(rerr)
		}
		fmt.Fprintf(&b, "data.db %x\n", sha256.Sum256(data))
		conn, err = sql.Open("sqlite", "file:"+file+"?mode=ro")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(listQ)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		fmt.Fprintf(&b, "%s:", n)
		rows, err := conn.Query(`SELECT * FROM "` + n + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rows.Close()
		slices.Sort(lines)
		fmt.Fprintf(&b, " %v\n", lines)
	}
	return b.String()
}

// TestVersionRecord: the database records the version that last opened it;
// an upgrade and a downgrade within the major are allowed and logged.
func TestVersionRecord(t *testing.T) {
	opts := storetest.Options(t)
	var log bytes.Buffer
	db, err := openAs(t, opts, "v1.2.0", &log)
	if err != nil {
		t.Fatal(err)
	}
	if got := recorded(t, db); got != "v1.2.0" {
		t.Fatalf("recorded %q", got)
	}
	if !strings.Contains(log.String(), "recorded the database version") {
		t.Errorf("new database: %s", log.String())
	}
	db.Close()

	log.Reset()
	db, err = openAs(t, opts, "1.3.0-rc.1", &log) // stored with its v
	if err != nil {
		t.Fatal(err)
	}
	if got := recorded(t, db); got != "v1.3.0-rc.1" {
		t.Fatalf("recorded %q", got)
	}
	if !strings.Contains(log.String(), "upgraded the database") || !strings.Contains(log.String(), "from=v1.2.0 to=v1.3.0-rc.1") {
		t.Errorf("upgrade not logged: %s", log.String())
	}
	db.Close()

	before := snapshot(t, opts)
	log.Reset()
	db, err = openAs(t, opts, "v1.3.0-rc.1", &log)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if snapshot(t, opts) != before {
		t.Error("reopening with the same version wrote to the database")
	}

	log.Reset()
	db, err = openAs(t, opts, "v1.1.9", &log)
	if err != nil {
		t.Fatalf("an older binary of the same major is refused: %v", err)
	}
	if got := recorded(t, db); got != "v1.1.9" {
		t.Fatalf("recorded %q", got)
	}
	if !strings.Contains(log.String(), "newer Galley of the same major") {
		t.Errorf("downgrade not logged: %s", log.String())
	}
	db.Close()

	// a newer major opens it and records itself; the default is this build's
	db, err = openAs(t, opts, "v2.0.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := openAs(t, opts, "", nil); err == nil || !strings.Contains(err.Error(), "development build") {
		t.Fatalf("a development build opening a v2 database: %v", err)
	}
}

// TestRefusesNewerMajorVersion: a database last opened by a newer major
// version is refused with a clear message and nothing on disk changes, even
// when this binary would have a migration to apply.
func TestRefusesNewerMajorVersion(t *testing.T) {
	opts := storetest.Options(t)
	db, err := openAs(t, opts, "v1.4.2", nil)
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db,
		`UPDATE "_version" SET "version" = 'v2.1.0'`,
		// as if v2 had dropped a table and forgotten its migration: v1
		// would recreate it if it went ahead
		`DELETE FROM "_migrations" WHERE "version" = '0005_realtime_events'`,
		`DROP TABLE "_realtimeEvents"`,
	)
	before := snapshot(t, opts)
	for _, v := range []string{"v1.4.2", "v1.99.0", "v0.9.0", "v1.0.0-rc.1"} {
		_, err := openAs(t, opts, v, nil)
		if err == nil {
			t.Fatalf("%s opened a database of v2.1.0", v)
		}
		for _, want := range []string{"last opened by Galley v2.1.0", "newer major version than this one (" + v + ")", "nothing was changed", "Run Galley v2 or later"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q lacks %q", v, err, want)
			}
		}
		if after := snapshot(t, opts); after != before {
			t.Fatalf("%s changed the database:\nbefore %s\nafter  %s", v, before, after)
		}
	}
	// the same major goes ahead (and applies the missing migration)
	var log bytes.Buffer
	db, err = openAs(t, opts, "v2.1.1", &log)
	if err != nil {
		t.Fatal(err)
	}
	if got := recorded(t, db); got != "v2.1.1" {
		t.Fatalf("recorded %q", got)
	}
	for _, want := range []string{"migrating the database forward", "from=v2.1.0 to=v2.1.1", "applied system migration", "0005_realtime_events", "upgraded the database"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q: %s", want, log.String())
		}
	}
}

// TestCorruptVersionRecord: a record that holds no version, or a version
// table of another shape, is refused with a clear message, nothing changed.
func TestCorruptVersionRecord(t *testing.T) {
	for _, c := range []struct{ name, sql, want string }{
		{"garbage", `UPDATE "_version" SET "version" = 'garbage'`, `holds "garbage", which is not a Galley version`},
		{"empty", `UPDATE "_version" SET "version" = ''`, `holds "", which is not a Galley version`},
		{"partial", `UPDATE "_version" SET "version" = 'v1.2'`, `holds "v1.2", which is not a Galley version`},
		{"binary", `UPDATE "_version" SET "version" = 'v1.0.0` + "\x01" + `'`, `which is not a Galley version`},
		// SQLite reads an unknown "column" as a string, PostgreSQL fails:
		// either way the message names the record
		{"shape", `DROP TABLE "_version"; CREATE TABLE "_version" ("id" TEXT PRIMARY KEY NOT NULL, "v" TEXT); INSERT INTO "_version" VALUES ('galley', 'v1.0.0')`, `version record (table "_version")`},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := storetest.Options(t)
			db, err := openAs(t, opts, "v1.0.0", nil)
			if err != nil {
				t.Fatal(err)
			}
			exec(t, db, strings.Split(c.sql, "; ")...)
			before := snapshot(t, opts)
			_, err = openAs(t, opts, "v1.0.0", nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("open: %v, want %q", err, c.want)
			}
			if c.name != "shape" && !strings.Contains(err.Error(), `nothing was changed`) {
				t.Errorf("message: %v", err)
			}
			if after := snapshot(t, opts); after != before {
				t.Fatalf("the database changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// TestUnrecordedDatabaseIsAdopted: a database from before Galley recorded
// versions (no _version table), or whose record was deleted on purpose, is
// opened and gets this version; its pending migrations are logged.
func TestUnrecordedDatabaseIsAdopted(t *testing.T) {
	opts := storetest.Options(t)
	db, err := openAs(t, opts, "v1.0.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db,
		`DROP TABLE "_version"`,
		`DELETE FROM "_migrations" WHERE "version" = '0005_realtime_events'`,
		`DROP TABLE "_realtimeEvents"`,
	)
	var log bytes.Buffer
	db, err = openAs(t, opts, "v1.1.0", &log)
	if err != nil {
		t.Fatal(err)
	}
	if got := recorded(t, db); got != "v1.1.0" {
		t.Fatalf("recorded %q", got)
	}
	for _, want := range []string{"migrating the database forward", "from=unrecorded to=v1.1.0", "0005_realtime_events", "recorded the database version"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q: %s", want, log.String())
		}
	}
	exec(t, db, `DELETE FROM "_version"`)
	db, err = openAs(t, opts, "v1.2.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := recorded(t, db); got != "v1.2.0" {
		t.Fatalf("recorded %q", got)
	}
}

// TestOpenRefusesBadOwnVersion: Options.Version must be a version.
func TestOpenRefusesBadOwnVersion(t *testing.T) {
	_, err := openAs(t, storetest.Options(t), "latest", nil)
	if err == nil || !strings.Contains(err.Error(), `"latest" is not a semantic version`) {
		t.Fatalf("open as latest: %v", err)
	}
}
