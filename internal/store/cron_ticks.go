package store

import (
	"context"
	"time"

	galley "github.com/galleyhq/galley"
)

// This file is the repository of _cronTicks: for each cron job, the last
// tick a node claimed, so that with several nodes each tick runs once.

// ClaimCronTick claims tick of the cron job id, in a transaction of its
// own: true when no caller, on any node, has claimed this tick or a later
// one of the job, false otherwise. Concurrent claims of one tick are
// decided by the database: exactly one gets true. Ticks are compared at
// millisecond precision.
func (db *DB) ClaimCronTick(ctx context.Context, id string, tick time.Time) (bool, error) {
	var n int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO "_cronTicks" ("id", "tick") VALUES (?, ?)
			ON CONFLICT ("id") DO UPDATE SET "tick" = excluded."tick" WHERE "_cronTicks"."tick" < excluded."tick"`,
			id, galley.FormatTime(tick))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, MapError(err)
}
