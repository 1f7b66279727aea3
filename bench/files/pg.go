package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// With -pg, Galley keeps its records in a fresh PostgreSQL database
// (pgDatabase, dropped and created through the -pg DSN before each Galley
// start, dropped at the end unless -keep); its files stay on the local
// disk either way. The baseline has no database.

const pgDatabase = "galley_bench_files"

// withDatabase returns dsn with its database replaced by name (URL or
// keyword/value DSNs).
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
	return strings.TrimSpace(dsn) + " dbname=" + name, nil
}

func pgExec(ctx context.Context, dsn string, sqls ...string) error {
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

// pgRecreate drops the bench database if it exists and creates it empty.
func pgRecreate(ctx context.Context, admin string) error {
	id := pgx.Identifier{pgDatabase}.Sanitize()
	return pgExec(ctx, admin, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)", "CREATE DATABASE "+id)
}

func pgDrop(ctx context.Context, admin string) error {
	return pgExec(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{pgDatabase}.Sanitize()+" WITH (FORCE)")
}

func pgVersion(ctx context.Context, admin string) (string, error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	var v string
	err = conn.QueryRow(ctx, "SHOW server_version").Scan(&v)
	return v, err
}
