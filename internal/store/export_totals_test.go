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
