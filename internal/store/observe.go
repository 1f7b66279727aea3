package store

import (
	"database/sql"
	"time"
)

// GroupCommit describes one write group the writer committed or tried to
// commit (see the group commit notes in writer.go): what metrics observe.
type GroupCommit struct {
	// Jobs is the number of WithTx functions in the group (1 to maxGroup),
	// failed ones included: each ran in the shared transaction.
	Jobs int
	// Duration is the whole group, from BEGIN to the COMMIT's answer.
	Duration time.Duration
	// Commit is the COMMIT statement alone: on SQLite the WAL write (and
	// its fsync), on PostgreSQL the round trip and the server's flush.
	Commit time.Duration
	// Failed reports a COMMIT that failed: every job of the group got an
	// error.
	Failed bool
}

// ObserveCommits makes fn receive every write group the writer commits
// from now on, on the writer's goroutine: fn must be quick and must not
// write to db. A nil fn stops the observation. Groups that end before the
// COMMIT (a single job that failed, a transaction that could not start)
// are not reported. Without an observer the writer reads no clock.
func (db *DB) ObserveCommits(fn func(GroupCommit)) {
	if fn == nil {
		db.writer.observe.Store(nil)
		return
	}
	db.writer.observe.Store(&fn)
}

// observing returns the start time of a group when an observer is set
// (the zero time otherwise), for observeCommit.
func (db *DB) observing() time.Time {
	if db.writer.observe.Load() == nil {
		return time.Time{}
	}
	return time.Now()
}

// observeCommit reports a group of jobs started at start whose COMMIT
// started at commitStart and ended with err. A zero start (no observer
// when the group began) reports nothing.
func (db *DB) observeCommit(jobs int, start, commitStart time.Time, err error) {
	fn := db.writer.observe.Load()
	if fn == nil || start.IsZero() {
		return
	}
	now := time.Now()
	(*fn)(GroupCommit{Jobs: jobs, Duration: now.Sub(start), Commit: now.Sub(commitStart), Failed: err != nil})
}

// ReadPoolStats returns the statistics of the pool that serves reads: on
// SQLite the read-only connections (the writer's connection is apart), on
// PostgreSQL the node's one pool, which the writer lanes also draw from.
func (db *DB) ReadPoolStats() sql.DBStats { return db.read.Stats() }
