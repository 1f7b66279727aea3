package realtime

import (
	"sync"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
)

// Message is one event for one client: Name is the SSE event name (the
// subscription's raw topic, "PB_CONNECT", "@oauth2", ...), Data its JSON.
// Raw messages (WebSocket only) are whole frames: presence, broadcasts and
// replies.
type Message struct {
	Name string
	Data []byte
	Raw  bool
}

// Client is one realtime connection (SSE or WebSocket). Its subscriptions
// and auth are replaced atomically, so the dispatcher reads them without
// locks.
type Client struct {
	ID string
	IP string
	// WS is true for WebSocket clients.
	WS bool
	// shard is the fan-out worker that queues this client's messages.
	shard uint8

	auth atomic.Pointer[galley.Record]
	// authExp is when auth stops counting (its token expires), in Unix
	// nanoseconds; 0 means never.
	authExp atomic.Int64
	// authVer counts the changes of auth (another record, a fresher copy,
	// a revoke), so a channel membership knows whether the auth its join
	// rule was checked with is still the client's.
	authVer atomic.Uint64
	subs    atomic.Pointer[[]*Subscription]
	out     chan *Message // shared messages: never modified once queued
	done    chan struct{}
	once    sync.Once
	reason  atomic.Pointer[string]
	created time.Time

	// setMu serialises subscription changes (auth check + replace).
	setMu sync.Mutex
}

func newClient(id, ip string, buffer int, ws bool) *Client {
	c := &Client{ID: id, IP: ip, WS: ws, out: make(chan *Message, buffer), done: make(chan struct{}), created: time.Now()}
	empty := []*Subscription{}
	c.subs.Store(&empty)
	return c
}

// Auth returns the record the client is authenticated as: nil for guests
// and once the token it authenticated with has expired.
func (c *Client) Auth() *galley.Record { return c.authAt(time.Now()) }

// authAt is Auth as of now (the dispatcher reads the clock once per event).
func (c *Client) authAt(now time.Time) *galley.Record {
	r := c.auth.Load()
	if r != nil {
		if e := c.authExp.Load(); e != 0 && now.UnixNano() >= e {
			return nil
		}
	}
	return r
}

// authWithExp is authAt(now) with its expiry in Unix ns (0: never, or
// a guest).
func (c *Client) authWithExp(now time.Time) (*galley.Record, int64) {
	r := c.authAt(now)
	if r == nil {
		return nil, 0
	}
	return r, c.authExp.Load()
}

// AuthExpires is when the client's auth stops counting (zero: never).
func (c *Client) AuthExpires() time.Time {
	if e := c.authExp.Load(); e != 0 {
		return time.Unix(0, e)
	}
	return time.Time{}
}

// setAuth replaces the client's auth and its expiry (zero: never).
func (c *Client) setAuth(r *galley.Record, exp time.Time) {
	c.auth.Store(r)
	c.authVer.Add(1)
	if exp.IsZero() || r == nil {
		c.authExp.Store(0)
	} else {
		c.authExp.Store(exp.UnixNano())
	}
}

// storeAuth replaces the client's auth record, keeping its expiry.
func (c *Client) storeAuth(r *galley.Record) {
	c.auth.Store(r)
	c.authVer.Add(1)
}

// Subscriptions returns the client's current subscriptions (do not modify).
func (c *Client) Subscriptions() []*Subscription { return *c.subs.Load() }

// Out is the client's outgoing queue; the transport writes what it reads.
func (c *Client) Out() <-chan *Message { return c.out }

// Done is closed when the client is closed (by the broker or transport).
func (c *Client) Done() <-chan struct{} { return c.done }

// Reason says why the client was closed ("" while open).
func (c *Client) Reason() string {
	if p := c.reason.Load(); p != nil {
		return *p
	}
	return ""
}

// close marks the client closed with reason; only the first call counts.
func (c *Client) close(reason string) {
	c.once.Do(func() {
		c.reason.Store(&reason)
		close(c.done)
	})
}

// send queues m without blocking; it reports false when the queue is full
// or the client is closed.
func (c *Client) send(m *Message) bool {
	select {
	case <-c.done:
		return false
	default:
	}
	select {
	case c.out <- m:
		return true
	default:
		return false
	}
}

// authKey identifies an auth record: "collectionId/recordId", "" for guests.
func authKey(r *galley.Record) string {
	if r == nil || r.Collection == nil {
		return ""
	}
	return r.Collection.ID + "/" + r.ID()
}
