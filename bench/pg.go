package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The PostgreSQL side of the bench: with -pg, each server gets its own
// fresh database on that server (dropped first if it exists, dropped again
// at the end unless -keep), created through a connection to the -pg DSN.

// pgDatabases are the databases the bench creates, by target name.
var pgDatabases = map[string]string{
	"galley":   "galley_bench_g",
	"baseline": "galley_bench_b",
}

// withDatabase returns dsn with its database replaced by name. It handles
// URL DSNs (postgres://…) and keyword/value ones (host=… dbname=…).
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("-pg: %w", err)
		}
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	// In keyword/value form the last dbname wins.
	return strings.TrimSpace(dsn) + " dbname=" + name, nil
}

// pgAdmin is a connection to the -pg DSN, used to create, inspect and drop
// the bench databases.
type pgAdmin struct {
	dsn string
}

func (a pgAdmin) exec(ctx context.Context, dsn string, sqls ...string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	for _, q := range sqls {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// recreate drops the named database if it exists and creates it empty.
func (a pgAdmin) recreate(ctx context.Context, name string) error {
	id := pgx.Identifier{name}.Sanitize()
	return a.exec(ctx, a.dsn, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)", "CREATE DATABASE "+id)
}

// drop drops the named database (connections still open are ended).
func (a pgAdmin) drop(ctx context.Context, name string) error {
	return a.exec(ctx, a.dsn, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// serverVersion is the server's version string, for the report.
func (a pgAdmin) serverVersion(ctx context.Context) (string, error) {
	conn, err := pgx.Connect(ctx, a.dsn)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	var v string
	err = conn.QueryRow(ctx, "SHOW server_version").Scan(&v)
	return v, err
}

// vacuumAnalyze runs VACUUM ANALYZE on the database at dsn, so that both
// servers' databases start every scenario with fresh statistics and
// visibility maps rather than whenever autovacuum happens to pass.
func vacuumAnalyze(ctx context.Context, dsn string) error {
	return pgAdmin{}.exec(ctx, dsn, "VACUUM ANALYZE")
}

// countRows returns the rows of table in the database at dsn: the proof that
// a server really stores into PostgreSQL.
func countRows(ctx context.Context, dsn, table string) (int, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.Background())
	var n int
	err = conn.QueryRow(ctx, "SELECT COUNT(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
		return 0, fmt.Errorf("no table %q in the database", table)
	}
	return n, err
}
