package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/jackc/pgx/v5"
)

// Notification topics. Several nodes on one PostgreSQL database keep their
// in-memory caches in step through them: a transaction that changes what a
// cache holds calls Tx.Notify, and every other node's OnNotify handlers run
// once it commits (PostgreSQL NOTIFY is transactional). Besides these,
// the data notifier sends the rows of committed writes for the other nodes'
// list totals (topicTotals, totals_notice.go); other handlers ignore them.
const (
	TopicSchema   = "schema"   // collections changed
	TopicSettings = "settings" // settings changed
	TopicData     = "data"     // rows changed (cached list totals are stale)
	// TopicAll is delivered when the listener (re)connects: notifications
	// may have been missed, so every cache must be refreshed.
	TopicAll = "*"
)

// pgState is what a PostgreSQL-backed DB keeps for running as one of many
// nodes: the schema it lives in, the notification listener and the leader
// locks it holds.
type pgState struct {
	cfg     *pgx.ConnConfig
	schema  string
	channel string
	node    string // this process's id, to skip its own notifications
	log     *slog.Logger

	mu       sync.Mutex
	handlers []func(topic string)
	leaders  map[string]bool

	ctx    context.Context // ends at close
	cancel context.CancelFunc
	done   chan struct{}
	// ready is closed after the first LISTEN; listened and late are owned
	// by the listener goroutine and Open (before and after waiting).
	ready    chan struct{}
	listened bool
	late     atomic.Bool // Open stopped waiting for the first LISTEN

	// dataCh holds one pending "rows changed" notice for dataNotifier.
	dataCh chan struct{}
	// outbox holds the committed groups of counted collections that
	// dataNotifier sends next (totals_notice.go).
	outbox totalsOutbox
	// stopNotifier ends dataNotifier, which closes notifierDone once it
	// has sent what was queued.
	stopNotifier context.CancelFunc
	notifierDone chan struct{}
	// live is the live node count of the last heartbeat (nodes.go).
	live liveNodes
}

// dataChanged asks dataNotifier to tell the other nodes that rows changed;
// notices that come while one is pending or being sent fold into one.
func (s *pgState) dataChanged() {
	select {
	case s.dataCh <- struct{}{}:
	default:
	}
}

// totalsCommitted queues a committed group's changes to counted
// collections (lane shard) for the other nodes, and asks dataNotifier to
// send them.
func (s *pgState) totalsCommitted(shard int, flushed []flushedCount) {
	s.outbox.queue(shard, flushed)
	s.dataChanged()
}

// dataNotifier sends TopicData for the notices of dataChanged, with the
// queued groups' notices (topicTotals) before it, in one autocommitted
// statement at a time, until ctx ends; then it sends what is still queued
// (a node that closes: the other nodes need not wait for its last
// commits' notices) and closes notifierDone. Other nodes see a write
// within about one round trip after its commit.
func (db *DB) dataNotifier(ctx context.Context) {
	defer close(db.pgState.notifierDone)
	send := func(topics []string) {
		if len(topics) == 0 {
			return
		}
		// Not cancelled with ctx: a send under way at close completes.
		nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := db.NotifyMany(nctx, topics); err != nil {
			// The other nodes wait for the groups' versions, then count again.
			db.log.Warn("notify data change", "err", err, "notices", len(topics))
		}
	}
	for {
		select {
		case <-ctx.Done():
			send(db.pgState.outbox.noticesOf(db.pgState.outbox.take(), db.pgState.othersLive()))
			return
		case <-db.pgState.dataCh:
			send(append(db.pgState.outbox.noticesOf(db.pgState.outbox.take(), db.pgState.othersLive()), TopicData))
		}
	}
}

// othersLive reports whether other nodes may be live, so that the totals'
// notices should carry rows: false only when the last heartbeat counted
// this node alone. Before any heartbeat (a process that runs none, or has
// not beaten yet) it cannot tell: true. A node that started since the last
// heartbeat gets withheld ranges and counts again (totals_notice.go).
func (s *pgState) othersLive() bool { return s.live.n.Load() != 1 }

// closeNotifier stops dataNotifier once it has sent what was queued (the
// writer has stopped: nothing more is queued).
func (s *pgState) closeNotifier() {
	if s.stopNotifier != nil {
		s.stopNotifier()
		<-s.notifierDone
	}
}

func newPGState(cfg *pgx.ConnConfig, schema string, log *slog.Logger) *pgState {
	h := fnv.New32a()
	h.Write([]byte(schema))
	return &pgState{cfg: cfg, schema: schema, log: log, leaders: map[string]bool{}, dataCh: make(chan struct{}, 1),
		channel: fmt.Sprintf("galley_%08x", h.Sum32()),
		node:    galley.RandomString(16, "abcdefghijklmnopqrstuvwxyz0123456789")}
}

// lockKey names an advisory lock within this database's schema, so that
// Galleys in different schemas of one database do not share locks.
func (s *pgState) lockKey(name string) string { return s.schema + ":galley:" + name }

// OnNotify registers fn to run (on the listener goroutine, one call at a
// time) for every topic another node notifies, and for TopicAll after the
// listener (re)connects. On SQLite there is one process and it never runs.
func (db *DB) OnNotify(fn func(topic string)) {
	if db.pgState == nil {
		return
	}
	db.pgState.mu.Lock()
	db.pgState.handlers = append(db.pgState.handlers, fn)
	db.pgState.mu.Unlock()
}

// Notify tells the other nodes, once tx commits, that topic changed. On
// SQLite it does nothing (the committing process updates its own caches
// after commit). Payloads must be short (PostgreSQL's limit is 8000 bytes):
// send names and ids, never data.
func (tx *Tx) Notify(ctx context.Context, topic string) error {
	s := tx.db.pgState
	if s == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_notify(?, ?)`, s.channel, s.node+":"+topic)
	return err
}

// NotifyNow tells the other nodes, at once and outside any transaction,
// that topic happened (PostgreSQL; a no-op on SQLite). The payload is
// limited to MaxNotifyPayload bytes.
func (db *DB) NotifyNow(ctx context.Context, topic string) error {
	return db.NotifyMany(ctx, []string{topic})
}

// NotifyMany is NotifyNow for several topics in one statement (one round
// trip however many there are).
func (db *DB) NotifyMany(ctx context.Context, topics []string) error {
	s := db.pgState
	if s == nil || len(topics) == 0 {
		return nil
	}
	for _, t := range topics {
		if len(t) > MaxNotifyPayload {
			return fmt.Errorf("notification of %d bytes is over the %d-byte limit", len(t), MaxNotifyPayload)
		}
	}
	_, err := db.reader.ExecContext(ctx, `SELECT pg_notify(?::text, ?::text || t) FROM unnest(?::text[]) AS t`, s.channel, s.node+":", topics)
	return MapError(err)
}

// MaxNotifyPayload is the largest topic NotifyNow sends (PostgreSQL's
// limit is 8000 bytes with the default page size; the node id and
// separator take the rest).
const MaxNotifyPayload = 7900

// IsPostgres reports whether the database is PostgreSQL, where several
// nodes may share it.
func (db *DB) IsPostgres() bool { return db.pgState != nil }

func (s *pgState) dispatch(topic string) {
	s.mu.Lock()
	hs := append([]func(string){}, s.handlers...)
	s.mu.Unlock()
	for _, h := range hs {
		func() {
			defer func() {
				if p := recover(); p != nil {
					s.log.Error("notification handler panicked", "topic", topic, "panic", p)
				}
			}()
			h(topic)
		}()
	}
}

// startListener starts the listener and waits up to wait for its first
// LISTEN, so that nothing committed after Open returns can be missed; if
// it is not there in time, the listener dispatches TopicAll once it is.
func (s *pgState) startListener(wait time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done, s.ready = cancel, make(chan struct{}), make(chan struct{})
	s.ctx = ctx
	go s.listen(ctx)
	select {
	case <-s.ready:
	case <-time.After(wait):
		s.late.Store(true)
		s.log.Warn("notification listener not connected yet; caches refresh once it is")
	}
}

// listen keeps one connection LISTENing on the channel, reconnecting after
// a second when it fails. After a reconnect it dispatches TopicAll.
func (s *pgState) listen(ctx context.Context) {
	defer close(s.done)
	for ctx.Err() == nil {
		s.listenOnce(ctx)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (s *pgState) listenOnce(ctx context.Context) {
	conn, err := pgx.ConnectConfig(ctx, s.cfg)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("notification listener cannot connect", "err", PGMessage(err))
		}
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+Quote(s.channel)); err != nil {
		s.log.Warn("LISTEN failed", "err", PGMessage(err))
		return
	}
	if s.listened || s.late.Load() {
		s.dispatch(TopicAll) // notifications may have been missed meanwhile
	} else {
		close(s.ready)
	}
	s.listened = true
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("notification listener lost its connection", "err", PGMessage(err))
			}
			return
		}
		node, topic, _ := strings.Cut(n.Payload, ":")
		if node == s.node {
			continue
		}
		s.dispatch(topic)
	}
}

func (s *pgState) close() {
	if s.cancel != nil {
		s.cancel()
		<-s.done
	}
}

// leaderRetry is how often a follower tries to take a leader lock, and how
// often a leader checks that its lock connection is alive.
const leaderRetry = time.Second

// RunAsLeader runs fn while this node holds the leader lock called name,
// until ctx ends. On PostgreSQL the lock is a session advisory lock on a
// connection held for the purpose: at most one node runs fn at a time, and
// when the leader dies (its connection drops) another node takes over within
// about a second. fn must return when its context is cancelled (leadership
// lost or ctx done). On SQLite there is one node: fn runs at once.
// RunAsLeader blocks; call it on its own goroutine.
func (db *DB) RunAsLeader(ctx context.Context, name string, fn func(ctx context.Context)) {
	s := db.pgState
	if s == nil {
		fn(ctx)
		return
	}
	key := s.lockKey("leader:" + name)
	for ctx.Err() == nil {
		db.leadOnce(ctx, name, key, fn)
		select {
		case <-ctx.Done():
		case <-time.After(leaderRetry):
		}
	}
}

// IsLeader reports whether this node currently holds the leader lock name
// (always true on SQLite).
func (db *DB) IsLeader(name string) bool {
	if db.pgState == nil {
		return true
	}
	db.pgState.mu.Lock()
	defer db.pgState.mu.Unlock()
	return db.pgState.leaders[name]
}

func (db *DB) setLeader(name string, v bool) {
	db.pgState.mu.Lock()
	db.pgState.leaders[name] = v
	db.pgState.mu.Unlock()
}

// leadOnce tries the lock once; when it gets it, it runs fn until the
// connection fails or ctx ends.
func (db *DB) leadOnce(ctx context.Context, name, key string, fn func(ctx context.Context)) {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return
	}
	discard := func() { // never return a connection holding the lock to the pool
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		_ = conn.Close()
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, key).Scan(&got); err != nil || !got {
		_ = conn.Close()
		return
	}
	db.setLeader(name, true)
	db.log.Info("leader lock taken", "name", name)
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				db.log.Error("leader task panicked", "name", name, "panic", p)
			}
		}()
		fn(lctx)
	}()
	tick := time.NewTicker(leaderRetry)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
		case <-done:
		case <-tick.C:
			pctx, pcancel := context.WithTimeout(ctx, 2*leaderRetry)
			err := conn.PingContext(pctx)
			pcancel()
			if err == nil {
				continue
			}
			db.log.Warn("leader lock connection lost", "name", name, "err", err)
		}
		break
	}
	cancel()
	<-done
	db.setLeader(name, false)
	discard()
}

// Lock takes the transaction-scoped lock called name: until tx ends, no
// other transaction (on any node) gets the same lock. Read-modify-write
// sequences that are not protected by a row lock use it. On SQLite, where
// one transaction writes at a time, it does nothing.
func (tx *Tx) Lock(ctx context.Context, name string) error {
	s := tx.db.pgState
	if s == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, s.lockKey("tx:"+name))
	return err
}

// LockRecord locks the row id of c until tx ends (SELECT … FOR UPDATE on
// PostgreSQL), so that a read-modify-write of the record cannot interleave
// with another one. A missing row is not an error. On SQLite it does nothing.
func (tx *Tx) LockRecord(ctx context.Context, c *galley.Collection, id string) error {
	if tx.db.pgState == nil || c.IsView() {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT 1 FROM `+Quote(c.Name)+` WHERE "id" = ? FOR UPDATE`, id)
	if err != nil {
		return err
	}
	return rows.Close()
}

// HoldExclusive takes the session lock called name for as long as this
// process holds it (until release, or until its connection is lost): ok is
// false when another node already holds it. On SQLite (one node) it
// always succeeds and holds nothing. Galley uses it to refuse a second
// node that would keep files on its own local disk.
func (db *DB) HoldExclusive(ctx context.Context, name string) (release func(), ok bool, err error) {
	s := db.pgState
	if s == nil {
		return func() {}, true, nil
	}
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, s.lockKey("exclusive:"+name)).Scan(&got); err != nil {
		_ = conn.Close()
		return nil, false, err
	}
	if !got {
		_ = conn.Close()
		return nil, false, nil
	}
	return func() { // never return a connection holding the lock to the pool
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		_ = conn.Close()
	}, true, nil
}

// WithLock runs fn while this process holds the session lock called name,
// waiting for it as long as ctx allows (no statement timeout applies to
// the wait): no other WithLock of the same name, on any node, runs
// meanwhile. Unlike Tx.Lock it spans any number of transactions, so fn
// may call services that open their own. On PostgreSQL the lock is held
// on a connection taken from the pool for the purpose and discarded after
// (which releases it, also when fn panics); on SQLite, one node, fn runs
// at once.
func (db *DB) WithLock(ctx context.Context, name string, fn func() error) error {
	s := db.pgState
	if s == nil {
		return fn()
	}
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return MapError(err)
	}
	defer func() { // never return a connection holding the lock to the pool
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		_ = conn.Close()
	}()
	if _, err := conn.ExecContext(ctx, `SET statement_timeout = 0`); err != nil {
		return MapError(err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext($1))`, s.lockKey("session:"+name)); err != nil {
		return MapError(err)
	}
	return fn()
}
