package store

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
)

// txCount is one transaction's changes to one counted collection.
type txCount struct {
	delta   int64
	changes []recordChange
	unknown bool // raw SQL wrote the table: the base is counted again
}

// flushedCount is what a committed group did to one collection: the new
// version of the lane's shard row and the changes it covers.
type flushedCount struct {
	collection string
	v          int64
	changes    []recordChange
	unknown    bool
	partial    bool // from a notice: secret fields withheld
}

// countFor returns tx's changes to c (created on first use).
func (tx *Tx) countFor(c *galley.Collection) *txCount {
	if tx.counts == nil {
		tx.counts = map[string]*txCount{}
	}
	tc := tx.counts[c.ID]
	if tc == nil {
		tc = &txCount{}
		tx.counts[c.ID] = tc
	}
	return tc
}

// noteChange records that a row of counted collection c changed from old
// to new (either nil: insert, delete). The records are copied: callers
// may keep changing theirs.
func (tx *Tx) noteChange(c *galley.Collection, old, new *galley.Record) {
	tc := tx.countFor(c)
	if old == nil {
		tc.delta++
	}
	if new == nil {
		tc.delta--
	}
	tc.changes = append(tc.changes, recordChange{Old: snapshot(old), New: snapshot(new)})
}

// snapshot copies r's data map (values are not changed in place).
func snapshot(r *galley.Record) *galley.Record {
	if r == nil {
		return nil
	}
	cp := *r
	cp.Data = maps.Clone(r.Data)
	cp.Expand = nil
	return &cp
}

// noteRaw notes a statement run through ExecContext: one that writes the
// table of a counted collection (INSERT INTO, UPDATE, DELETE FROM, REPLACE
// INTO, with the quoted table name) makes its count unknown.
func (tx *Tx) noteRaw(query string) {
	q := strings.TrimLeft(query, " \t\r\n")
	var rest string
	for _, p := range []string{"INSERT INTO ", "DELETE FROM ", "UPDATE ", "REPLACE INTO ", "INSERT OR REPLACE INTO ", "INSERT OR IGNORE INTO "} {
		if len(q) >= len(p) && strings.EqualFold(q[:len(p)], p) {
			rest = strings.TrimLeft(q[len(p):], " ")
			break
		}
	}
	if len(rest) < 2 || rest[0] != '"' {
		return
	}
	end := strings.IndexByte(rest[1:], '"')
	if end < 0 {
		return
	}
	if c := tx.db.Schema.Collection(rest[1 : end+1]); counted(c) {
		tx.countFor(c).unknown = true
	}
}

// upsertTotalSQL adds a group's delta to a lane's shard row and bumps its
// version.
const upsertTotalSQL = `INSERT INTO "_totals" ("collection", "shard", "n", "v") VALUES (?, ?, ?, 1)
ON CONFLICT ("collection", "shard") DO UPDATE SET "n" = "_totals"."n" + excluded."n", "v" = "_totals"."v" + 1
RETURNING "v"`

// flushCounts writes what the jobs that succeeded did to counted
// collections to lane l's shard rows, inside the group's transaction
// (before COMMIT), in collection id order (two nodes' lanes of the same
// number share rows: one order, no deadlock).
func (db *DB) flushCounts(l *lane, jobs []*job) ([]flushedCount, error) {
	var merged map[string]*txCount
	for _, j := range jobs {
		if j.tx == nil || j.err != nil || j.panic != nil {
			continue
		}
		for id, tc := range j.tx.counts {
			if merged == nil {
				merged = map[string]*txCount{}
			}
			m := merged[id]
			if m == nil {
				m = &txCount{}
				merged[id] = m
			}
			m.delta += tc.delta
			m.changes = append(m.changes, tc.changes...)
			m.unknown = m.unknown || tc.unknown
		}
	}
	if merged == nil {
		return nil, nil
	}
	ctx := context.Background()
	tx := &Tx{db: db, lane: l}
	out := make([]flushedCount, 0, len(merged))
	for _, id := range slices.Sorted(maps.Keys(merged)) {
		m := merged[id]
		f := flushedCount{collection: id, changes: m.changes, unknown: m.unknown}
		if err := tx.QueryRowContext(ctx, upsertTotalSQL, id, l.shard, m.delta).Scan(&f.v); err != nil {
			return nil, err
		}
		if m.unknown {
			// The next reader counts the table again (initCount).
			if _, err := tx.exec(ctx, `DELETE FROM "_totals" WHERE "collection" = ? AND "shard" = -1`, id); err != nil {
				return nil, err
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// readCounts returns the "_totals" rows of collection id, in shard order
// (so catchUp meets pending lanes in one order).
func (db *DB) readCounts(ctx context.Context, id string) ([]shardState, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT "shard", "n", "v" FROM "_totals" WHERE "collection" = ? ORDER BY "shard"`, id)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	var out []shardState
	for rows.Next() {
		var s shardState
		if err := rows.Scan(&s.shard, &s.n, &s.v); err != nil {
			return nil, MapError(err)
		}
		out = append(out, s)
	}
	return out, MapError(rows.Err())
}

// hasBase reports whether state holds the base row.
func hasBase(state []shardState) bool {
	for _, s := range state {
		if s.shard < 0 {
			return true
		}
	}
	return false
}

// initCount counts c's table once and stores the base row: the count less
// what the shard rows already hold, with writers to the table kept out
// meanwhile (SQLite's writer is exclusive; PostgreSQL takes a SHARE lock),
// so the count and the shard rows agree.
func (db *DB) initCount(ctx context.Context, c *galley.Collection) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		for _, q := range db.d.countSetupSQL(c.Name) {
			if _, err := tx.exec(ctx, q); err != nil {
				return err
			}
		}
		_, err := tx.exec(ctx, `INSERT INTO "_totals" ("collection", "shard", "n", "v")
SELECT ?, -1, (SELECT COUNT(*) FROM `+Quote(c.Name)+`) - COALESCE((SELECT SUM("n") FROM "_totals" WHERE "collection" = ? AND "shard" >= 0), 0), 0
ON CONFLICT ("collection", "shard") DO NOTHING`, c.ID, c.ID)
		return err
	})
}

// countedTotal returns the number of rows of counted collection c matching
// where (see CountRecords).
func (db *DB) countedTotal(ctx context.Context, c *galley.Collection, where string, args []any, match func(*galley.Record) (bool, error)) (int64, error) {
	state, err := db.readCounts(ctx, c.ID)
	if err != nil {
		return 0, err
	}
	if !hasBase(state) {
		if err := db.initCount(ctx, c); err != nil {
			return 0, err
		}
		if state, err = db.readCounts(ctx, c.ID); err != nil {
			return 0, err
		}
	}
	if where == "" {
		var n int64
		for _, s := range state {
			n += s.n
		}
		return n, nil
	}
	q := "SELECT COUNT(*) FROM " + Quote(c.Name) + " AS " + Quote(Alias) + " WHERE " + where
	key := cacheKey(q, args)
	n, ok, err := db.catchUp(ctx, key, c.ID, state, match)
	if err != nil {
		return 0, err
	}
	if ok {
		return n, nil
	}
	// Count again, with the versions read in the same statement (one
	// snapshot on both databases).
	db.totals.recounts.Add(1)
	rctx, cancel := readContext(ctx, db.reader)
	defer cancel()
	rows, err := db.reader.QueryContext(rctx, `SELECT (`+q+`), "shard", "v" FROM "_totals" WHERE "collection" = ?`, append(slices.Clip(args), c.ID)...)
	if err != nil {
		return 0, readError(rctx, db.reader, err)
	}
	defer rows.Close()
	state = state[:0]
	for rows.Next() {
		var s shardState
		if err := rows.Scan(&n, &s.shard, &s.v); err != nil {
			return 0, readError(rctx, db.reader, err)
		}
		state = append(state, s)
	}
	if err := rows.Err(); err != nil {
		return 0, readError(rctx, db.reader, err)
	}
	if len(state) == 0 { // the rows went away (collection dropped meanwhile)
		return 0, galley.Errorf(galley.EUnavailable, "The collection changed meanwhile, please retry.")
	}
	// A condition that reads an auth collection's tokenKey cannot be
	// brought up to date from other nodes' notices, which withhold it.
	secret := c.IsAuth() && strings.Contains(where, Quote(withheldAuthField))
	db.totals.putCounted(key, c.ID, state, n, secret)
	return n, nil
}

// noticeWait is how long a reader waits for another node's notice of a
// commit whose version it read before it counts again (and stops every
// reader from waiting for that version: see notHeld). A notice normally
// comes within a round trip of the commit; one that does not come (its
// node stopped between COMMIT and NOTIFY, or its queue overflowed) costs
// each filtered total one recount.
const noticeWait = time.Second

// catchUp brings the cached total of key up to the versions of state,
// waiting for what is pending (see totalsCache.catchUp): false when it has
// to be counted again.
func (db *DB) catchUp(ctx context.Context, key, collection string, state []shardState, match func(*galley.Record) (bool, error)) (int64, bool, error) {
	n, ok, p := db.totals.catchUp(key, state, match)
	// A version committed by a local lane that has not logged it yet: wait
	// for that lane and try again. Several lanes (PostgreSQL has up to
	// four) may each be in that state for the versions read, and catchUp
	// names one at a time, so wait as often as there are rows read: each
	// lane once, more only if one's group failed and it began another
	// meanwhile (then count again rather than wait on). Versions of other
	// nodes' commits are waited for until noticeWait has passed.
	var timeout <-chan time.Time
	for local := 0; p.ch != nil; {
		if p.remote {
			if timeout == nil {
				db.totals.noticeWaits.Add(1)
				t := time.NewTimer(noticeWait)
				defer t.Stop()
				timeout = t.C
			}
			select {
			case <-p.ch:
			case <-timeout:
				db.totals.noticeTimeouts.Add(1)
				db.totals.notHeld(collection, p.shard, p.v)
				return 0, false, nil
			case <-ctx.Done():
				return 0, false, MapError(ctx.Err())
			}
		} else {
			if local >= len(state) {
				return 0, false, nil
			}
			local++
			db.totals.waits.Add(1)
			select {
			case <-p.ch:
			case <-ctx.Done():
				return 0, false, MapError(ctx.Err())
			}
		}
		n, ok, p = db.totals.catchUp(key, state, match)
	}
	return n, ok, nil
}

// TotalsRecounts returns how many filtered totals of counted collections
// this DB has counted in the database rather than kept up to date through
// writes (see totals.go), since it opened: for tests and diagnostics.
func (db *DB) TotalsRecounts() int64 { return db.totals.recounts.Load() }

// TotalsWaits returns how many times a filtered total waited for a local
// writer lane to log a commit it had read (see catchUp), since the DB
// opened: for tests and diagnostics.
func (db *DB) TotalsWaits() int64 { return db.totals.waits.Load() }

// TotalsNoticeWaits returns how many filtered totals waited for another
// node's notice of a commit they had read, and TotalsNoticeTimeouts how
// many of them stopped waiting (after noticeWait) and counted again, since
// the DB opened (PostgreSQL; for tests and diagnostics).
func (db *DB) TotalsNoticeWaits() int64 { return db.totals.noticeWaits.Load() }

// TotalsNoticeTimeouts: see TotalsNoticeWaits.
func (db *DB) TotalsNoticeTimeouts() int64 { return db.totals.noticeTimeouts.Load() }

// TotalsRemoteGroups returns how many committed groups of other nodes this
// DB has logged from their notices (each brings the cached filtered totals
// over its version up to date without a count), since it opened.
func (db *DB) TotalsRemoteGroups() int64 { return db.totals.remoteGroups.Load() }

// TotalsResets returns how many times the totals' caches were dropped
// whole (a schema reload: a change of collections, or a PostgreSQL listener
// that reconnected and so may have missed notices): each makes every cached
// filtered total count once more. For tests and diagnostics.
func (db *DB) TotalsResets() int64 { return db.totals.resets.Load() }
