package store

import (
	"context"
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
}

// NodeInfo is what a node says about itself in its heartbeats.
type NodeInfo struct {
	Address string
	Version string
	// Leader reports whether the node leads now (read at each beat).
	Leader func() bool
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
		"leader" BOOLEAN NOT NULL DEFAULT FALSE
	)`
	var err error
	for try := 0; try < 3; try++ {
		if _, err = db.reader.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "duplicate key") {
			break
		}
	}
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
	if _, err := db.reader.ExecContext(ctx, `INSERT INTO "_nodes" ("id", "address", "version", "leader")
		VALUES (?, ?, ?, ?)
		ON CONFLICT ("id") DO UPDATE SET "address" = EXCLUDED."address", "version" = EXCLUDED."version",
			"leader" = EXCLUDED."leader", "lastSeen" = now()`, s.node, info.Address, info.Version, leader); err != nil {
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
// (marked Self), the others by start time. On SQLite it returns this node
// alone, described by info.
func (db *DB) Nodes(ctx context.Context, info NodeInfo, started time.Time) ([]Node, error) {
	self := Node{ID: db.NodeID(), Address: info.Address, Version: info.Version, Started: started.UTC(),
		LastSeen: time.Now().UTC(), Leader: info.Leader != nil && info.Leader(), Self: true}
	if db.pgState == nil {
		return []Node{self}, nil
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT "id", "address", "version", "started", "lastSeen", "leader"
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
		if err := rows.Scan(&n.ID, &n.Address, &n.Version, &n.Started, &n.LastSeen, &n.Leader); err != nil {
			return nil, MapError(err)
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
