package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// Node is one Galley process serving the database, as its heartbeats
// record it.
type Node struct {
	ID       string    `json:"id"`
	Address  string    `json:"address"` // its API address when known, else ""
	Version  string    `json:"version"`
	Started  time.Time `json:"started"`
	LastSeen time.Time `json:"lastSeen"`
	Leader   bool      `json:"leader"` // runs the leader-only background work
	Self     bool      `json:"self"`   // the node that answers
	// Realtime is the node's realtime counts (realtime.Counts as JSON) as
	// of its last heartbeat (this node's: as of the call), or absent when
	// the node reports none (a node of an earlier version).
	Realtime json.RawMessage `json:"realtime,omitempty"`
}

// NodeInfo is what a node says about itself in its heartbeats.
type NodeInfo struct {
	Address string
	Version string
	// Leader reports whether the node leads now (read at each beat).
	Leader func() bool
	// Realtime returns the node's realtime counts (read at each beat and
	// stored as JSON, opaque to the store); nil reports none. The value
	// must marshal to a JSON object of at most maxNodeRealtime bytes.
	Realtime func() any
}

// maxNodeRealtime bounds the realtime counts a heartbeat stores: larger
// ones are not stored (and logged), so a bug cannot bloat the registry.
const maxNodeRealtime = 4 << 10

// realtimeJSON is info's realtime counts as JSON, or nil when it has none.
func (info NodeInfo) realtimeJSON() (json.RawMessage, error) {
	if info.Realtime == nil {
		return nil, nil
	}
	b, err := json.Marshal(info.Realtime())
	if err != nil {
		return nil, err
	}
	if len(b) > maxNodeRealtime || len(b) == 0 || b[0] != '{' {
		return nil, fmt.Errorf("node realtime counts: want a JSON object of at most %d bytes, got %d bytes", maxNodeRealtime, len(b))
	}
	return b, nil
}

// NodeLive is how recently a node must have beaten to count as live.
const NodeLive = 10 * time.Second

// nodeForget is how long the row of a silent node is kept (then any node
// deletes it).
const nodeForget = time.Hour

// NodeID returns this process's node id: on PostgreSQL the random id that
// also tags its notifications, on SQLite "local".
func (db *DB) NodeID() string {
	if db.pgState == nil {
		return "local"
	}
	return db.pgState.node
}

// liveNodes caches the live node count between beats (see LiveNodes).
type liveNodes struct {
	n       atomic.Int64
	ensured atomic.Bool // the "_nodes" table exists
}

// LiveNodes returns how many nodes (this one included) beat within
// NodeLive at the last heartbeat: always 1 on SQLite, and 1 on PostgreSQL
// until RunHeartbeat has run once. Rate limits divide by it.
func (db *DB) LiveNodes() int {
	if db.pgState == nil {
		return 1
	}
	return max(1, int(db.pgState.live.n.Load()))
}

// ensureNodes creates the "_nodes" table (PostgreSQL). Nodes starting
// together may race on CREATE TABLE IF NOT EXISTS (a duplicate key on the
// catalog): that is retried.
func (db *DB) ensureNodes(ctx context.Context) error {
	q := `CREATE TABLE IF NOT EXISTS "_nodes" (
		"id" TEXT COLLATE "C" PRIMARY KEY NOT NULL,
		"address" TEXT NOT NULL DEFAULT '',
		"version" TEXT NOT NULL DEFAULT '',
		"started" TIMESTAMPTZ NOT NULL DEFAULT now(),
		"lastSeen" TIMESTAMPTZ NOT NULL DEFAULT now(),
		"leader" BOOLEAN NOT NULL DEFAULT FALSE,
		"realtime" JSONB
	)`
	var err error
	for try := 0; try < 3; try++ {
		if _, err = db.reader.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "duplicate key") {
			break
		}
	}
	if err != nil {
		return MapError(err)
	}
	// A registry made by an earlier version has no realtime column yet.
	_, err = db.reader.ExecContext(ctx, `ALTER TABLE "_nodes" ADD COLUMN IF NOT EXISTS "realtime" JSONB`)
	return MapError(err)
}

// Beat records one heartbeat of this node (PostgreSQL; nothing on SQLite):
// its row is created or refreshed with the database's clock, rows silent
// for an hour are deleted, and the live count of LiveNodes is updated.
func (db *DB) Beat(ctx context.Context, info NodeInfo) error {
	s := db.pgState
	if s == nil {
		return nil
	}
	if !s.live.ensured.Load() {
		if err := db.ensureNodes(ctx); err != nil {
			return err
		}
		s.live.ensured.Store(true)
	}
	leader := info.Leader != nil && info.Leader()
	var rt any // NULL when the node reports no counts
	if b, err := info.realtimeJSON(); err != nil {
		db.log.Warn("node heartbeat: realtime counts not stored", "err", err)
	} else if b != nil {
		rt = string(b)
	}
	if _, err := db.reader.ExecContext(ctx, `INSERT INTO "_nodes" ("id", "address", "version", "leader", "realtime")
		VALUES (?, ?, ?, ?, ?::jsonb)
		ON CONFLICT ("id") DO UPDATE SET "address" = EXCLUDED."address", "version" = EXCLUDED."version",
			"leader" = EXCLUDED."leader", "realtime" = EXCLUDED."realtime", "lastSeen" = now()`,
		s.node, info.Address, info.Version, leader, rt); err != nil {
		return MapError(err)
	}
	var n int64
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM "_nodes" WHERE "lastSeen" > now() - ?::interval`,
		NodeLive.String()).Scan(&n); err != nil {
		return MapError(err)
	}
	s.live.n.Store(n)
	_, err := db.reader.ExecContext(ctx, `DELETE FROM "_nodes" WHERE "lastSeen" < now() - ?::interval`, nodeForget.String())
	return MapError(err)
}

// RunHeartbeat beats every interval (PostgreSQL) until ctx ends, then
// deletes this node's row, so that the others stop counting it at once.
// A failed beat is logged and retried at the next interval. On SQLite it
// returns at once. Call it on its own goroutine.
func (db *DB) RunHeartbeat(ctx context.Context, info NodeInfo, interval time.Duration) {
	if db.pgState == nil {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		bctx, cancel := context.WithTimeout(ctx, interval+5*time.Second)
		if err := db.Beat(bctx, info); err != nil && ctx.Err() == nil {
			db.log.Warn("node heartbeat failed", "err", err)
		}
		cancel()
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			_, _ = db.reader.ExecContext(dctx, `DELETE FROM "_nodes" WHERE "id" = ?`, db.pgState.node)
			cancel()
			return
		case <-tick.C:
		}
	}
}

// Nodes returns the nodes that beat within NodeLive, this one first
// (marked Self, its realtime counts read now from info), the others by
// start time with the counts of their last heartbeat. On SQLite it returns
// this node alone, described by info.
func (db *DB) Nodes(ctx context.Context, info NodeInfo, started time.Time) ([]Node, error) {
	self := Node{ID: db.NodeID(), Address: info.Address, Version: info.Version, Started: started.UTC(),
		LastSeen: time.Now().UTC(), Leader: info.Leader != nil && info.Leader(), Self: true}
	// Counts that cannot be stored (see realtimeJSON) are left out here too.
	self.Realtime, _ = info.realtimeJSON()
	if db.pgState == nil {
		return []Node{self}, nil
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT "id", "address", "version", "started", "lastSeen", "leader", "realtime"
		FROM "_nodes" WHERE "lastSeen" > now() - ?::interval ORDER BY "started", "id"`, NodeLive.String())
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return []Node{self}, nil // no heartbeat has run yet
		}
		return nil, MapError(err)
	}
	defer rows.Close()
	out := []Node{self}
	for rows.Next() {
		var n Node
		var rt *string
		if err := rows.Scan(&n.ID, &n.Address, &n.Version, &n.Started, &n.LastSeen, &n.Leader, &rt); err != nil {
			return nil, MapError(err)
		}
		if rt != nil {
			n.Realtime = json.RawMessage(*rt)
		}
		if n.ID == self.ID {
			out[0].Started, out[0].LastSeen = n.Started.UTC(), n.LastSeen.UTC()
			continue
		}
		n.Started, n.LastSeen = n.Started.UTC(), n.LastSeen.UTC()
		out = append(out, n)
	}
	return out, MapError(rows.Err())
}
