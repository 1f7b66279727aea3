package store

// HoldTotalsShard marks the writer lane of shard as committing a group, as
// a lane does before it writes its "_totals" rows, and returns what ends
// that group: it logs an empty group of collection at version v for shard
// (as the lane does after COMMIT) and settles the lane.
func (db *DB) HoldTotalsShard(shard int) (release func(collection string, v int64)) {
	db.totals.begin(shard)
	return func(collection string, v int64) {
		db.totals.publish(shard, []flushedCount{{collection: collection, v: v}})
		db.totals.settle(shard)
	}
}

// MuteTotalsNotices makes db send none of its committed groups to the
// other nodes while on is true (a node that stops between COMMIT and
// NOTIFY): they wait for the versions, then count again.
func (db *DB) MuteTotalsNotices(on bool) { db.pgState.outbox.mute.Store(on) }

// TotalsNoticesWithheld returns how many committed groups db sent to the
// other nodes without their rows (too big for one notice, or the outbox
// full).
func (db *DB) TotalsNoticesWithheld() int64 { return db.pgState.outbox.withheld.Load() }

// TotalsNoticesAlone returns how many committed groups db sent to the
// other nodes in withheld ranges because its last heartbeat saw no other
// live node.
func (db *DB) TotalsNoticesAlone() int64 { return db.pgState.outbox.alone.Load() }
