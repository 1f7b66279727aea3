// Package realtime is Galley's realtime broker: clients (SSE and
// WebSocket), their subscriptions to record topics, the authorisation of
// every event per subscriber (see authz.go), presence and broadcast
// channels, and the Bus that carries events between nodes.
//
// Events are delivered only after the change committed: core calls the
// broker (a core.RecordListener) from the transaction's after-commit hook;
// the broker publishes the event on its Bus, and a single dispatcher
// goroutine per broker fans it out in publish order. Every client has a
// bounded queue; a client whose queue is full is dropped (closed), never
// waited for.
package realtime

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/ratelimit"
	"github.com/galleyhq/galley/internal/safego"
	"github.com/galleyhq/galley/internal/store"
)

// Config holds the broker's limits. Zero values mean the defaults.
type Config struct {
	// IdleTimeout closes a connection that was sent nothing for this long
	// (default 5 minutes, as PocketBase; the SDK reconnects).
	IdleTimeout time.Duration
	// MaxAge closes every connection after this long (default 12 hours),
	// so no stream outlives a long-expired token.
	MaxAge time.Duration
	// MaxTopics bounds the subscriptions of one client (default 1000).
	MaxTopics int
	// MaxTopicLength bounds one topic, options included (default 2500
	// bytes, PocketBase's bound).
	MaxTopicLength int
	// MaxConnsPerIP bounds the open connections of one client IP (default 500).
	MaxConnsPerIP int
	// Buffer is the per-client queue length (default 128 messages); a client
	// whose queue is full is dropped.
	Buffer int
	// QueueSize is the length of the broker's event queue (default 4096);
	// writers wait when it is full.
	QueueSize int
	// WriteTimeout bounds one write to a client (default 10 seconds).
	WriteTimeout time.Duration
	// MaxOpsPerSecond bounds a client's subscription changes and WebSocket
	// messages (default 10 a second, counted over a 2-second sliding window
	// so bursts of twice that pass); beyond it they are refused with 429.
	MaxOpsPerSecond int
	// Bus carries events between nodes; nil means a LocalBus.
	Bus Bus
	// ForwardTimeout bounds the wait for another node's answer to a
	// subscription request for a client it holds (default 3 seconds).
	ForwardTimeout time.Duration

	// CheckTimeout bounds one rule check that needs a query (default 1
	// second); a check cut off answers "not delivered" for its group.
	CheckTimeout time.Duration
	// MaxSQLChecks bounds the rule checks that need a query in one event
	// (default 32: one per distinct group); the groups beyond it do not get
	// the event, which is logged.
	MaxSQLChecks int
	// CheckBudget bounds the time all rule-check queries of one event take
	// together (default 2 seconds); checks left once it is spent answer
	// "not delivered". For a delete they run inside the deleting
	// transaction, so this is also the most a subscriber's filter can add
	// to a write.
	CheckBudget time.Duration
}

// Defaults.
const (
	DefaultIdleTimeout    = 5 * time.Minute
	DefaultMaxAge         = 12 * time.Hour
	DefaultMaxTopics      = 1000
	DefaultMaxTopicLength = 2500
	DefaultMaxConnsPerIP  = 500
	DefaultBuffer         = 128
	DefaultQueueSize      = 4096
	DefaultWriteTimeout   = 10 * time.Second
	DefaultMaxOpsPerSec   = 10
	DefaultCheckTimeout   = core.DefaultCheckTimeout
	DefaultMaxSQLChecks   = 32
	DefaultCheckBudget    = 2 * time.Second
)

func (c Config) withDefaults() Config {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defi := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.MaxAge, DefaultMaxAge)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.ForwardTimeout, DefaultForwardTimeout)
	def(&c.CheckTimeout, DefaultCheckTimeout)
	def(&c.CheckBudget, DefaultCheckBudget)
	defi(&c.MaxSQLChecks, DefaultMaxSQLChecks)
	defi(&c.MaxTopics, DefaultMaxTopics)
	defi(&c.MaxTopicLength, DefaultMaxTopicLength)
	defi(&c.MaxConnsPerIP, DefaultMaxConnsPerIP)
	defi(&c.Buffer, DefaultBuffer)
	defi(&c.QueueSize, DefaultQueueSize)
	defi(&c.MaxOpsPerSecond, DefaultMaxOpsPerSec)
	if c.Bus == nil {
		c.Bus = &LocalBus{}
	}
	return c
}

// Stats are counters for tests and metrics.
type Stats struct {
	memChecks atomic.Int64 // questions answered in memory
	sqlChecks atomic.Int64 // questions answered by a query
	dropped   atomic.Int64 // clients dropped for a full queue
	delivered atomic.Int64 // messages queued to clients
	events    atomic.Int64 // events the dispatcher has finished with (see Events)

	checksFailed  atomic.Int64 // SQL checks cut off by CheckTimeout or failed
	checksSkipped atomic.Int64 // SQL checks not run: the event's budget was spent

	refused atomic.Int64 // connections and requests refused as too many (429)
}

// Refused returns how many realtime connections (over MaxConnsPerIP) and
// client requests (over MaxOpsPerSecond) were refused as too many.
func (s *Stats) Refused() int64 { return s.refused.Load() }

// Counts returns (in-memory checks, SQL checks, dropped clients, queued messages).
func (s *Stats) Counts() (mem, sql, dropped, delivered int64) {
	return s.memChecks.Load(), s.sqlChecks.Load(), s.dropped.Load(), s.delivered.Load()
}

// Unanswered returns how many rule checks that needed a query were cut off
// (CheckTimeout) or failed, and how many were not run because their event's
// budget (MaxSQLChecks, CheckBudget) was spent. Each made an event not
// reach a group of subscribers.
func (s *Stats) Unanswered() (failed, overBudget int64) {
	return s.checksFailed.Load(), s.checksSkipped.Load()
}

// Events returns how many events the dispatcher has finished with: their
// targets are fixed, though their messages may still be on the way from the
// fan-out workers to the client queues.
func (s *Stats) Events() int64 { return s.events.Load() }

// Broker holds the realtime clients of one node. Its methods are safe for
// concurrent use.
type Broker struct {
	app   *core.App
	db    *store.DB
	log   *slog.Logger
	cfg   Config
	stats Stats

	mu      sync.RWMutex
	clients map[string]*Client
	perIP   map[string]int
	byAuth  map[string]map[*Client]struct{}

	channels channels
	// joinChecked, when set (tests only), runs in Join between the rule
	// check and the membership's insertion: a window a revoke can hit.
	joinChecked func()

	// ops counts the requests of each client (see allowOp).
	ops *ratelimit.Limiter
	// ownedBus is the PostgreSQL bus New made (closed by Close).
	ownedBus *PGBus
	// nodes: when each other node was last heard from.
	nodesMu sync.Mutex
	nodes   map[string]time.Time

	queue     chan Event
	fan       [fanWorkers]chan []delivery
	fanDone   sync.WaitGroup
	nextShard atomic.Uint32
	// pending: forwarded subscription requests waiting for an answer.
	pending   sync.Map // request id → chan forwardReply
	stop      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
	// streams counts the SSE and WebSocket transports being served (Drain).
	streams atomic.Int64
	unsub   func()
}

// New returns a broker for app, registered as its record listener, with
// its dispatcher running until Close. db is app's database: the broker
// reads records and evaluates rules through it, and on PostgreSQL (without
// cfg.Bus) carries events between nodes over it.
func New(app *core.App, db *store.DB, log *slog.Logger, cfg Config) *Broker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var owned *PGBus
	if cfg.Bus == nil && db.IsPostgres() { // several nodes may share the database
		owned = NewPGBus(db, log)
		cfg.Bus = owned
	}
	cfg = cfg.withDefaults()
	b := &Broker{app: app, db: db, log: log, cfg: cfg, ownedBus: owned, nodes: map[string]time.Time{}, ops: ratelimit.New(ratelimit.DefaultMaxKeys),
		clients: map[string]*Client{}, perIP: map[string]int{}, byAuth: map[string]map[*Client]struct{}{},
		queue: make(chan Event, cfg.QueueSize), stop: make(chan struct{}), stopped: make(chan struct{})}
	b.channels.init()
	b.checkRules() // the join rules' reads, before any join
	b.unsub = cfg.Bus.Subscribe(b.enqueue)
	app.AddRecordListener(b)
	safego.Go(log, "realtime dispatcher", b.dispatchLoop)
	safego.Go(log, "realtime membership recheck", b.recheckLoop)
	for i := range b.fan {
		b.fan[i] = make(chan []delivery, 64)
		b.fanDone.Add(1)
		safego.Go(log, "realtime fan-out", func() { b.fanLoop(i) })
	}
	return b
}

// Stats returns the broker's counters.
func (b *Broker) Stats() *Stats { return &b.stats }

// Config returns the broker's effective configuration.
func (b *Broker) Config() Config { return b.cfg }

// Close closes every client and stops the dispatcher. Events published
// afterwards are dropped.
func (b *Broker) Close() {
	b.closeOnce.Do(func() {
		b.unsub()
		close(b.stop)
		<-b.stopped
		b.fanDone.Wait()
		b.mu.RLock()
		for _, c := range b.clients {
			c.close(ReasonShutdown)
		}
		b.mu.RUnlock()
		if b.ownedBus != nil {
			b.ownedBus.Close()
		}
	})
}

// ReasonShutdown is the reason of clients closed by Close: the server is
// going away and the client should reconnect (to another node, or to this
// one once it is back). SSE streams end with a "retry" hint; WebSocket
// connections close with 1012 (service restart).
const ReasonShutdown = "server shutting down"

// Connect registers a new client for ip. More than MaxConnsPerIP open
// connections from ip is ERateLimited.
func (b *Broker) Connect(ip string, ws bool) (*Client, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-b.stop:
		return nil, galley.Errorf(galley.EUnavailable, "The server is shutting down.")
	default:
	}
	if b.perIP[ip] >= b.cfg.MaxConnsPerIP {
		b.stats.refused.Add(1)
		return nil, galley.Errorf(galley.ERateLimited, "Too many realtime connections from your IP (limit %d).", b.cfg.MaxConnsPerIP)
	}
	c := newClient(galley.RandomString(40, clientIDAlphabet), ip, b.cfg.Buffer, ws)
	c.shard = uint8(b.nextShard.Add(1) % fanWorkers)
	b.clients[c.ID] = c
	b.perIP[ip]++
	return c, nil
}

const clientIDAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// Disconnect closes c and forgets it (and its presence).
func (b *Broker) Disconnect(c *Client, reason string) {
	c.close(reason)
	b.mu.Lock()
	if b.clients[c.ID] == c {
		delete(b.clients, c.ID)
		if b.perIP[c.IP]--; b.perIP[c.IP] <= 0 {
			delete(b.perIP, c.IP)
		}
		b.unindexAuth(c, c.auth.Load()) // indexed even when its token has expired since
	}
	b.mu.Unlock()
	b.ops.Reset(c.ID)
	b.leaveAll(c)
}

// Client returns the open client id, or nil.
func (b *Broker) Client(id string) *Client {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.clients[id]
}

// ClientCount returns the number of open clients.
func (b *Broker) ClientCount() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.clients)
}

func (b *Broker) indexAuth(c *Client, r *galley.Record) {
	k := authKey(r)
	if k == "" {
		return
	}
	set := b.byAuth[k]
	if set == nil {
		set = map[*Client]struct{}{}
		b.byAuth[k] = set
	}
	set[c] = struct{}{}
}

func (b *Broker) unindexAuth(c *Client, r *galley.Record) {
	k := authKey(r)
	if set := b.byAuth[k]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(b.byAuth, k)
		}
	}
}

// Authorize attaches auth, whose token expires at exp (zero: unknown), to
// c. The first authenticated request fixes the client's auth: a later
// request with another auth (or none) is EForbidden, as PocketBase refuses
// it. A nil auth on a guest client is a no-op. Once exp passes, the client
// counts as a guest until a request with a fresh token of the same record.
func (b *Broker) Authorize(c *Client, auth *galley.Record, exp time.Time) error {
	cur := c.auth.Load()
	if cur != nil && authKey(cur) != authKey(auth) {
		return galley.Errorf(galley.EForbidden, "The current and the previous request authorization don't match.")
	}
	if auth == nil || authKey(cur) == authKey(auth) {
		if auth != nil { // a fresher copy of the same record, maybe a fresher token
			c.storeAuth(auth)
			if !exp.IsZero() {
				c.authExp.Store(exp.UnixNano())
			}
		}
		return nil
	}
	b.swapAuth(c, cur, auth, exp)
	return nil
}

// swapAuth replaces c's auth cur with auth (expiring at exp) in the client
// and in the broker's index by auth record.
func (b *Broker) swapAuth(c *Client, cur, auth *galley.Record, exp time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.unindexAuth(c, cur)
	c.setAuth(auth, exp)
	b.indexAuth(c, auth)
}

// allowOp counts one request of c; over the limit is ERateLimited.
func (b *Broker) allowOp(c *Client) error {
	return b.allow(c.ID)
}

// allow counts one realtime request under key: more than MaxOpsPerSecond
// a second (over a 2-second window) is a 429 with Retry-After.
func (b *Broker) allow(key string) error {
	if ok, after := b.ops.Allow(key, 2*b.cfg.MaxOpsPerSecond, 2*time.Second); !ok {
		b.stats.refused.Add(1)
		e := ratelimit.TooMany(after)
		e.Message = "Too many realtime requests from this client; slow down."
		return e
	}
	return nil
}

// SetSubscriptions replaces the subscriptions of client id with topics,
// authorised as actor a (see Authorize). A client held by another node
// gets the request forwarded over the bus (see forwardSubscribe). Unknown
// ids are ENotFound; too many topics, too long or malformed ones, unknown
// collections and bad options are EInvalid naming "subscriptions".
func (b *Broker) SetSubscriptions(id string, a core.Actor, topics []string) error {
	if b.Client(id) == nil {
		return b.forwardSubscribe(id, a, topics)
	}
	return b.setSubscriptions(id, a, topics)
}

// setSubscriptions is SetSubscriptions for a client held here.
func (b *Broker) setSubscriptions(id string, a core.Actor, topics []string) error {
	c := b.Client(id)
	if c == nil {
		return galley.Errorf(galley.ENotFound, "Missing or invalid client id.")
	}
	if !c.WS { // WebSocket messages are counted as they arrive
		if err := b.allowOp(c); err != nil {
			return err
		}
	}
	c.setMu.Lock()
	defer c.setMu.Unlock()
	if err := b.Authorize(c, a.Auth, a.Expires); err != nil {
		return err
	}
	if len(topics) > b.cfg.MaxTopics {
		return tooManyTopics(b.cfg.MaxTopics)
	}
	check := func(coll *galley.Collection, e filter.Expr) error {
		_, _, err := filter.Where(e, coll, "_r", b.app.Env(a, false))
		return err
	}
	subs := make([]*Subscription, 0, len(topics))
	seen := map[string]bool{}
	for i, t := range topics {
		if seen[t] {
			continue
		}
		seen[t] = true
		s, err := parseTopic(i, t, b.db.Schema.Collection, check, b.cfg.MaxTopicLength)
		if err != nil {
			return err
		}
		subs = append(subs, s)
	}
	c.subs.Store(&subs)
	return nil
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// RecordChanged implements core.RecordListener: it de-authorises clients
// of an auth record whose tokens died at once, refreshes the auth copy of
// clients of an updated auth record, and publishes the event.
func (b *Broker) RecordChanged(ev core.RecordEvent) {
	r := ev.Record
	if r.Collection.IsAuth() {
		b.refreshAuth(r, ev.TokenChanged || ev.Action == core.ActionDelete)
	}
	err := b.cfg.Bus.Publish(Event{Kind: KindRecord, Action: ev.Action, CollectionID: r.Collection.ID,
		RecordID: r.ID(), Record: r, Prepared: ev.Prepared, TokenChanged: ev.TokenChanged})
	if err != nil {
		b.log.Warn("realtime: publish failed", "err", err)
	}
}

// refreshAuth replaces the auth copy of every client authenticated as r,
// or removes it (the client becomes a guest) when revoke is set.
func (b *Broker) refreshAuth(r *galley.Record, revoke bool) {
	k := authKey(r)
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.byAuth[k] {
		if revoke {
			c.storeAuth(nil)
		} else {
			c.storeAuth(r)
		}
	}
	if len(b.byAuth[k]) > 0 { // their channel memberships are checked again
		b.signalRecheck()
	}
	if revoke {
		delete(b.byAuth, k)
	}
}

// enqueue takes a bus event for the dispatcher; it waits when the queue is
// full (the writers slow down rather than events being lost) and drops
// the event once the broker is closed. Forwarded subscription requests and
// answers are handled at once instead (see dispatchForward).
func (b *Broker) enqueue(ev Event) {
	if ev.Kind == KindSubscribe || ev.Kind == KindReply {
		// Quick and waited for by a request on another node: not behind
		// record events (a remote delete check can take seconds).
		_ = safego.Run(b.log, "realtime forward", func() { b.dispatchForward(ev) })
		return
	}
	select {
	case b.queue <- ev:
	case <-b.stop:
	}
}

func (b *Broker) dispatchLoop() {
	defer close(b.stopped)
	sweep := time.NewTicker(AliveEvery)
	defer sweep.Stop()
	for {
		select {
		case ev := <-b.queue:
			_ = safego.Run(b.log, "realtime dispatch", func() { b.dispatch(ev) })
			b.stats.events.Add(1)
		case <-sweep.C:
			_ = safego.Run(b.log, "realtime sweep", func() { b.sweepNodes(time.Now()) })
			b.signalRecheck() // memberships whose auth has expired since
		case <-b.stop:
			return
		}
	}
}

func (b *Broker) dispatch(ev Event) {
	if ev.Node != "" {
		b.nodeSeen(ev.Node)
	}
	switch ev.Kind {
	case KindRecord:
		b.noteRecordChange(ev.CollectionID)
		b.dispatchRecord(ev)
	case KindBroadcast, KindPresence:
		b.dispatchChannel(ev)
	}
}

// target is one subscription of one client that an event reaches.
type target struct {
	cl   *Client
	sub  *Subscription
	auth *galley.Record
}

// targets returns the subscriptions matching a record of collection
// collID with id recID.
func (b *Broker) targets(collID, recID string) []target {
	now := time.Now()
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []target
	for _, cl := range b.clients {
		for _, s := range cl.Subscriptions() {
			if s.CollectionID == collID && (s.RecordID == "" || s.RecordID == recID) {
				out = append(out, target{cl: cl, sub: s, auth: cl.authAt(now)})
			}
		}
	}
	return out
}

// dispatchRecord authorises and renders a record event for every target.
func (b *Broker) dispatchRecord(ev Event) {
	ctx := context.Background()
	r := ev.Record
	if r == nil {
		return // the bus resolves remote events to records before this
	}
	if ev.Node != "" && r.Collection.IsAuth() { // another node changed an auth record
		b.refreshAuth(r, ev.TokenChanged || ev.Action == core.ActionDelete)
	}
	c := b.db.Schema.Collection(ev.CollectionID)
	if c == nil {
		c = r.Collection
	}
	ts := b.targets(ev.CollectionID, ev.RecordID)
	if len(ts) == 0 {
		return
	}
	prepared, _ := ev.Prepared.(map[string]bool)
	if ev.Node != "" && ev.Action == core.ActionDelete {
		prepared = b.prepareRemoteDelete(ctx, r, ts)
	}
	ec := &eventChecks{answers: map[string]bool{}, prepared: prepared,
		delete: ev.Action == core.ActionDelete, budget: b.newBudget()}
	defer b.report(ec.budget, c, ev.Action)
	rendered := map[string][]byte{}
	// Targets with the same auth record, topic (options included) and
	// transport get the same message: it is worked out once per group, so a
	// target costs a map lookup and a queue send.
	type groupKey struct {
		auth *galley.Record
		raw  string
		ws   bool
	}
	groups := map[groupKey]*Message{}
	var bt batch
	defer b.fanOut(&bt)
	for _, t := range ts {
		gk := groupKey{t.auth, t.sub.Raw, t.cl.WS}
		m, seen := groups[gk]
		if !seen {
			m = b.recordMessage(ctx, c, r, ev.Action, t, ec, rendered)
			groups[gk] = m
		}
		if m != nil {
			bt.add(t.cl, m)
		}
	}
}

// recordMessage authorises and renders a record event for target t: nil
// when t may not see it. ec and rendered cache answers and renderings
// across the targets of one event (the caller builds one message per target
// group).
func (b *Broker) recordMessage(ctx context.Context, c *galley.Collection, r *galley.Record, action string, t target, ec *eventChecks, rendered map[string][]byte) *Message {
	k := b.checkFor(c, t.auth, t.sub)
	if !b.answer(ctx, r, k, ec) {
		return nil
	}
	data := b.render(ctx, r, action, t, k.Actor(), rendered)
	if data == nil {
		return nil
	}
	m := Message{Name: t.sub.Raw, Data: data}
	if t.cl.WS {
		m = Message{Data: wsFrame(&m), Raw: true}
	}
	return &m
}

// render returns {action, record} for t's subscriber, shaped as the REST
// answer for them (expand, fields, hidden fields, email visibility);
// subscribers that would see the same bytes share one rendering.
func (b *Broker) render(ctx context.Context, r *galley.Record, action string, t target, a core.Actor, cache map[string][]byte) []byte {
	key := authKey(t.auth) + "\x00" + t.sub.Expand + "\x00" + t.sub.Query["fields"]
	if t.sub.Expand != "" {
		// The expanded records are those whose collections' viewRules pass,
		// and a rule may read @request.query and @request.headers: the
		// subscription's own options (sub.key) decide what it sees.
		key += "\x00" + t.sub.key
	}
	if a.IsSuperuser() {
		key = "super\x00" + key
	}
	if data, ok := cache[key]; ok {
		return data
	}
	rec := &galley.Record{Collection: r.Collection, Data: r.Data}
	if t.sub.Expand != "" {
		if err := b.app.Expand(ctx, a, []*galley.Record{rec}, t.sub.Expand); err != nil {
			b.log.Warn("realtime: expand failed", "collection", r.Collection.Name, "err", err)
		}
	}
	obj := core.Project(b.app.Export(a, rec), t.sub.Fields)
	dst := append(make([]byte, 0, 512), `{"action":"`...)
	dst = append(dst, action...)
	dst = append(dst, `","record":`...)
	dst, err := obj.AppendJSON(dst)
	if err != nil {
		b.log.Warn("realtime: encode failed", "err", err)
		cache[key] = nil
		return nil
	}
	dst = append(dst, '}')
	cache[key] = dst
	return dst
}

// deliver queues m for c; a client whose queue is full is dropped.
func (b *Broker) deliver(c *Client, m *Message) {
	if c.send(m) {
		b.stats.delivered.Add(1)
		return
	}
	select {
	case <-c.done:
		return
	default:
	}
	b.stats.dropped.Add(1)
	b.log.Info("realtime: dropping a slow client", "client", c.ID, "ip", c.IP)
	c.close("too slow: the send queue is full")
}

// SendOAuth2 forwards an OAuth2 redirect ({state, code} or an error) to the
// client whose id is state, if it subscribed to @oauth2. A missing client
// or subscription is ENotFound.
func (b *Broker) SendOAuth2(state string, payload []byte) error {
	c := b.Client(state)
	if c == nil {
		return galley.Errorf(galley.ENotFound, "Missing or invalid OAuth2 subscription client.")
	}
	for _, s := range c.Subscriptions() {
		if s.Raw == TopicOAuth2 {
			b.deliver(c, &Message{Name: TopicOAuth2, Data: payload})
			return nil
		}
	}
	return galley.Errorf(galley.ENotFound, "Missing or invalid OAuth2 subscription client.")
}

// Counts is a snapshot of a node's realtime clients (see Broker.Counts).
type Counts struct {
	Clients       int `json:"clients"`       // open connections, SSE and WebSocket
	WebSocket     int `json:"websocket"`     // of which WebSocket
	Subscriptions int `json:"subscriptions"` // record topics subscribed, over all clients
	Channels      int `json:"channels"`      // channels with someone present
	Present       int `json:"present"`       // channel members connected to this node
	PresentRemote int `json:"presentRemote"` // channel members connected to other nodes
}

// Counts returns how many clients, subscriptions and present channel
// members this node has now. It walks the clients once: call it for a
// dashboard, not per request.
func (b *Broker) Counts() Counts {
	var n Counts
	b.mu.RLock()
	n.Clients = len(b.clients)
	for _, c := range b.clients {
		if c.WS {
			n.WebSocket++
		}
		if s := c.subs.Load(); s != nil {
			n.Subscriptions += len(*s)
		}
	}
	b.mu.RUnlock()
	b.channels.mu.Lock()
	seen := map[string]bool{}
	for name, m := range b.channels.members {
		if len(m) > 0 {
			seen[name] = true
			n.Present += len(m)
		}
	}
	for name, m := range b.channels.remote {
		if len(m) > 0 {
			seen[name] = true
			n.PresentRemote += len(m)
		}
	}
	b.channels.mu.Unlock()
	n.Channels = len(seen)
	return n
}
