// Package storetest gives tests a fresh, isolated database: SQLite in a
// temp dir, or — when GALLEY_TEST_POSTGRES holds a DSN — a new schema of that
// PostgreSQL database (dropped when the test ends), so tests run in
// parallel on either. Every test that touches storage opens its database
// through this package, which is how one suite runs on both databases.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/store"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvDSN names the environment variable holding the PostgreSQL test DSN.
const EnvDSN = "GALLEY_TEST_POSTGRES"

// PostgresDSN returns the PostgreSQL test DSN, or "" when tests run on SQLite.
func PostgresDSN() string {
	dsn := os.Getenv(EnvDSN)
	if dsn == "off" {
		return ""
	}
	return dsn
}

// Options returns store options for a new empty database that lives until
// the test ends. Opening it twice (a restart) sees the same data.
func Options(t testing.TB) store.Options {
	t.Helper()
	opts := store.Options{Dir: t.TempDir()}
	if base := PostgresDSN(); base != "" {
		opts.DSN = NewSchema(t, base)
	}
	return opts
}

// Open opens a new empty database for the test and closes it at the end.
func Open(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), Options(t))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// NewSchema creates a schema with a random name in the database of base and
// returns base with its search_path set to it; the schema is dropped when
// the test ends.
func NewSchema(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA "` + schema + `"`); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA "` + schema + `" CASCADE`); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(base, schema)
}

// WithSearchPath returns dsn with its search_path set to schema (and
// synchronous_commit off: tests need no durability).
func WithSearchPath(dsn, schema string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("search_path", schema)
		// Tests need no durability: commits do not wait for the WAL flush.
		q.Set("synchronous_commit", "off")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return strings.TrimSpace(dsn) + " search_path=" + schema + " synchronous_commit=off"
}
