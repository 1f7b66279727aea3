package main

import (
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestWithDatabase(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "postgres://postgres@127.0.0.1:5432/galley_bench_g?sslmode=disable"},
		{"postgresql://u:p%40ss@h/", "postgresql://u:p%40ss@h/galley_bench_g"},
		{"postgres://h", "postgres://h/galley_bench_g"},
		{"host=127.0.0.1 dbname=test user=postgres", "host=127.0.0.1 dbname=test user=postgres dbname=galley_bench_g"},
	} {
		got, err := withDatabase(tc.dsn, "galley_bench_g")
		if err != nil || got != tc.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tc.dsn, got, err, tc.want)
		}
		if cfg, err := pgconn.ParseConfig(got); err != nil || cfg.Database != "galley_bench_g" {
			t.Errorf("pgconn.ParseConfig(%q): database %v, %v", got, cfg, err)
		}
	}
}
