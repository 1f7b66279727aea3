package store

import (
	"context"
	"time"

	galley "github.com/galleyhq/galley"
)

// This file is the repository of _appMigrations: the application's own
// migrations (files in the migrations directory, Go migrations of a custom
// binary) that have been applied, keyed by name (the "id" column). System
// migrations are in _migrations (migrate.go).

// AppliedMigration is one row of _appMigrations.
type AppliedMigration struct {
	Name    string
	Applied time.Time
}

// AppliedMigrations returns the applied application migrations, in the
// order they were applied (by time, then by name).
func (db *DB) AppliedMigrations(ctx context.Context) ([]AppliedMigration, error) {
	ctx, cancel := readContext(ctx, db.reader)
	defer cancel()
	rows, err := db.reader.QueryContext(ctx, `SELECT "id", "applied" FROM "_appMigrations" ORDER BY "applied", "id"`)
	if err != nil {
		return nil, readError(ctx, db.reader, err)
	}
	defer rows.Close()
	var out []AppliedMigration
	for rows.Next() {
		var m AppliedMigration
		var at string
		if err := rows.Scan(&m.Name, &at); err != nil {
			return nil, MapError(err)
		}
		m.Applied = parseStoredTime(at)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, readError(ctx, db.reader, err)
	}
	return out, nil
}

// RecordMigration records the application migration name as applied at
// at, in a transaction of its own. Recording a name twice is EConflict.
func (db *DB) RecordMigration(ctx context.Context, name string, at time.Time) error {
	_, err := db.Exec(ctx, `INSERT INTO "_appMigrations" ("id", "applied") VALUES (?, ?)`, name, galley.FormatTime(at))
	return MapError(err)
}

// ForgetMigration removes the record of the application migration name
// (after it was reverted), in a transaction of its own. A name that is not
// recorded is not an error.
func (db *DB) ForgetMigration(ctx context.Context, name string) error {
	_, err := db.Exec(ctx, `DELETE FROM "_appMigrations" WHERE "id" = ?`, name)
	return MapError(err)
}
