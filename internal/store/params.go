package store

import (
	"context"
	"database/sql"
	"time"

	galley "github.com/galleyhq/galley"
)

// This file is the repository of _params: named JSON values of the
// application (the runtime settings live under "settings").

// Param returns the JSON value stored under id, through q (the read pool
// or a transaction); PostgreSQL returns it normalised (jsonb), so compare
// it decoded. An id that is not stored, or whose value is NULL, is
// ENotFound.
func Param(ctx context.Context, q Querier, id string) (string, error) {
	ctx, cancel := readContext(ctx, q)
	defer cancel()
	var v sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT "value" FROM "_params" WHERE "id" = ?`, id).Scan(&v); err != nil {
		return "", readError(ctx, q, err)
	}
	if !v.Valid {
		return "", galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
	}
	return v.String, nil
}

// PutParam stores the JSON value under id at time now: a new id is created, an
// existing one gets the new value and updated time (its created time
// stays).
func (tx *Tx) PutParam(ctx context.Context, id, value string, now time.Time) error {
	at := galley.FormatTime(now)
	_, err := tx.ExecContext(ctx, `INSERT INTO "_params" ("id", "value", "created", "updated") VALUES (?, ?, ?, ?)
		ON CONFLICT ("id") DO UPDATE SET "value" = excluded."value", "updated" = excluded."updated"`,
		id, value, at, at)
	return MapError(err)
}
