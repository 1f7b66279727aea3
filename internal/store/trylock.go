package store

import (
	"context"
	"database/sql/driver"
)

// TryLock takes the session lock called name if no one (on any node)
// holds it: ok is false when someone does. The lock is held until release,
// which unlocks it at once (unlike HoldExclusive's release, whose lock goes
// when the server notices the closed connection), so the next TryLock,
// here or on another node, gets it. On SQLite (one node) it always
// succeeds and holds nothing: callers keep their own in-process guard.
func (db *DB) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	s := db.pgState
	if s == nil {
		return func() {}, true, nil
	}
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return nil, false, MapError(err)
	}
	key := s.lockKey("try:" + name)
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, key).Scan(&got); err != nil {
		_ = conn.Close()
		return nil, false, MapError(err)
	}
	if !got {
		_ = conn.Close()
		return nil, false, nil
	}
	return func() {
		var unlocked bool
		err := conn.QueryRowContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext($1))`, key).Scan(&unlocked)
		if err != nil || !unlocked { // never return a connection that may hold the lock to the pool
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}, true, nil
}
