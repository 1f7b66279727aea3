package store

import (
	"context"
	"time"

	galley "github.com/galleyhq/galley"
)

// This file is the repository of _realtimeEvents: realtime events too large
// for one PostgreSQL NOTIFY. The notification carries the row's id; the
// other nodes read the payload from the row.

// InsertRealtimeEvent stores payload under id, created at now, in a
// transaction of its own.
func (db *DB) InsertRealtimeEvent(ctx context.Context, id, payload string, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO "_realtimeEvents" ("id", "payload", "created") VALUES (?, ?, ?)`, id, payload, galley.FormatTime(now))
		return MapError(err)
	})
}

// RealtimeEventPayload returns the payload stored under id, read through the
// read pool. An id that is not stored (never, or pruned) is ENotFound.
func (db *DB) RealtimeEventPayload(ctx context.Context, id string) (string, error) {
	ctx, cancel := readContext(ctx, db.reader)
	defer cancel()
	var payload string
	if err := db.reader.QueryRowContext(ctx, `SELECT "payload" FROM "_realtimeEvents" WHERE "id" = ?`, id).Scan(&payload); err != nil {
		return "", readError(ctx, db.reader, err)
	}
	return payload, nil
}

// DeleteRealtimeEventsBefore deletes, in a transaction of its own, the
// events created before cutoff and returns how many went.
func (db *DB) DeleteRealtimeEventsBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	return db.deleteCount(ctx, `DELETE FROM "_realtimeEvents" WHERE "created" < ?`, galley.FormatTime(cutoff))
}
