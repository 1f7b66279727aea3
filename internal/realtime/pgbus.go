package realtime

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/safego"
	"github.com/galleyhq/galley/internal/store"
)

// KindAlive is the heartbeat a PGBus sends so that the other nodes know its
// presence members are still there.
const KindAlive = "alive"

// Heartbeat timing of PGBus: a node sends KindAlive every AliveEvery; the
// presence members of a node not heard from for AliveTimeout are dropped
// (it died without saying goodbye).
const (
	AliveEvery   = 10 * time.Second
	AliveTimeout = 35 * time.Second
)

// PGBus carries events between the nodes of one PostgreSQL database with
// LISTEN/NOTIFY. Publish delivers to this node's handlers at once (with the
// record in hand) and sends the other nodes a compact form: ids for creates
// and updates, which each receiving node reads once, however many
// subscribers it has; the record's data for deletes (minus password and
// tokenKey), since the row is gone; the frame for presence and broadcast.
// A payload over NOTIFY's limit is stored in _realtimeEvents and only its
// id is sent. Delivery across nodes is at most once and unordered between
// nodes; a node that reconnects to the database may miss events sent
// meanwhile (the SDK resubscribes when its stream drops).
type PGBus struct {
	db    *store.DB
	log   *slog.Logger
	local LocalBus
	node  string

	// heard is when another node was last heard from (Unix nanoseconds):
	// with nobody else there, events are not sent over the network.
	heard atomic.Int64
	known sync.Map // node ids heard from; a new one is greeted at once
	alive string   // this node's heartbeat payload
	// spilledAt is when this node last stored a large event in
	// _realtimeEvents (Unix ns; 0: none left to prune).
	spilledAt atomic.Int64

	in   chan string // received topics, resolved by receiveLoop
	out  chan string // topics to send, sent by sendLoop
	stop chan struct{}
	done chan struct{}
}

// wireEvent is the JSON form of an Event on the wire.
type wireEvent struct {
	Node         string                     `json:"n"`
	Kind         string                     `json:"k"`
	Action       string                     `json:"a,omitempty"`
	CollectionID string                     `json:"c,omitempty"`
	RecordID     string                     `json:"r,omitempty"`
	TokenChanged bool                       `json:"t,omitempty"`
	Data         map[string]json.RawMessage `json:"d,omitempty"` // a deleted record's fields
	Channel      string                     `json:"ch,omitempty"`
	Frame        json.RawMessage            `json:"f,omitempty"`
	Sender       string                     `json:"s,omitempty"`
}

const (
	topicEvent = "rt:" // followed by a wireEvent
	topicSpill = "rt@" // followed by an _realtimeEvents id
)

// NewPGBus returns a bus over db (which must be PostgreSQL) and starts its
// goroutines; Close stops them.
func NewPGBus(db *store.DB, log *slog.Logger) *PGBus {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &PGBus{db: db, log: log, node: galley.RandomString(12, "abcdefghijklmnopqrstuvwxyz0123456789"),
		in: make(chan string, 4096), out: make(chan string, 4096), stop: make(chan struct{}), done: make(chan struct{})}
	alive, _ := json.Marshal(wireEvent{Node: b.node, Kind: KindAlive})
	b.alive = string(alive)
	db.OnNotify(func(topic string) {
		if !strings.HasPrefix(topic, topicEvent) && !strings.HasPrefix(topic, topicSpill) {
			return
		}
		select {
		case <-b.stop:
			return // closed: nobody reads b.in any more
		default:
		}
		select {
		case b.in <- topic:
		default:
			b.log.Warn("realtime bus: receive queue full, a remote event was dropped")
		}
	})
	safego.Go(log, "realtime bus receiver", b.receiveLoop)
	safego.Go(log, "realtime bus sender", b.sendLoop)
	return b
}

// Peers reports whether another node has been heard from within
// AliveTimeout.
func (b *PGBus) Peers() bool {
	return time.Since(time.Unix(0, b.heard.Load())) <= AliveTimeout
}

// Subscribe registers fn for events published on this node or received
// from the others.
func (b *PGBus) Subscribe(fn func(Event)) func() { return b.local.Subscribe(fn) }

// Publish delivers ev here and queues it for the other nodes (writers wait
// when the queue is full rather than events being lost). While no other
// node has been heard from for AliveTimeout (a single node; every node
// announces itself when it starts and every AliveEvery), nothing is sent.
func (b *PGBus) Publish(ev Event) error {
	if err := b.local.Publish(ev); err != nil {
		return err
	}
	if !b.Peers() {
		return nil
	}
	payload, err := json.Marshal(b.wire(ev))
	if err != nil {
		return err
	}
	select {
	case b.out <- string(payload):
	case <-b.stop:
	}
	return nil
}

// Close stops the bus after sending what is queued (for up to 5 seconds).
func (b *PGBus) Close() {
	select {
	case <-b.stop:
		return
	default:
	}
	close(b.stop)
	<-b.done
}

func (b *PGBus) wire(ev Event) wireEvent {
	w := wireEvent{Node: b.node, Kind: ev.Kind, Action: ev.Action, CollectionID: ev.CollectionID, RecordID: ev.RecordID,
		TokenChanged: ev.TokenChanged, Channel: ev.Channel, Frame: ev.Data, Sender: ev.Sender}
	if ev.Kind == KindRecord && ev.Action == core.ActionDelete && ev.Record != nil {
		w.Data = map[string]json.RawMessage{}
		for k, v := range ev.Record.Data {
			if ev.Record.Collection.IsAuth() && (k == "password" || k == "tokenKey") {
				continue
			}
			if raw, err := json.Marshal(v); err == nil {
				w.Data[k] = raw
			}
		}
	}
	return w
}

func (b *PGBus) sendLoop() {
	defer close(b.done)
	tick := time.NewTicker(AliveEvery)
	defer tick.Stop()
	b.send([]string{b.alive})
	batch := make([]string, 0, maxBatch)
	for {
		select {
		case p := <-b.out:
			// Everything queued meanwhile goes in the same statement.
			batch = append(batch[:0], p)
		drain:
			for len(batch) < maxBatch {
				select {
				case p := <-b.out:
					batch = append(batch, p)
				default:
					break drain
				}
			}
			b.send(batch)
		case <-tick.C:
			b.send([]string{b.alive})
			b.pruneSpilled()
		case <-b.stop:
			batch = batch[:0]
			for {
				select {
				case p := <-b.out:
					batch = append(batch, p)
					continue
				default:
				}
				break
			}
			b.send(batch)
			return
		}
	}
}

// maxBatch is the most payloads one NOTIFY statement carries.
const maxBatch = 256

// send notifies the other nodes of payloads in one statement; a payload
// too large for NOTIFY goes through _realtimeEvents.
func (b *PGBus) send(payloads []string) {
	if len(payloads) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	topics := make([]string, 0, len(payloads))
	for _, p := range payloads {
		if t := b.topic(ctx, p); t != "" {
			topics = append(topics, t)
		}
	}
	if err := b.db.NotifyMany(ctx, topics); err != nil {
		b.log.Warn("realtime bus: notify", "err", err)
	}
}

// topic returns the notification for one payload, storing it in
// _realtimeEvents when it is too large ("" when that fails).
func (b *PGBus) topic(ctx context.Context, payload string) string {
	topic := topicEvent + payload
	if len(topic) > store.MaxNotifyPayload {
		id := galley.NewID()
		now := time.Now()
		if err := b.db.InsertRealtimeEvent(ctx, id, payload, now); err != nil {
			b.log.Warn("realtime bus: store a large event", "err", err)
			return ""
		}
		topic = topicSpill + id
		b.spilledAt.Store(now.UnixNano())
	}
	return topic
}

// spillTTL is how long a large event stays in _realtimeEvents (every node
// has read it long before).
const spillTTL = 5 * time.Minute

// pruneSpilled deletes large events older than spillTTL, while this node
// has stored some that may not be gone yet; it runs on the heartbeat, off
// the event path.
func (b *PGBus) pruneSpilled() {
	last := b.spilledAt.Load()
	if last == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := time.Now()
	if _, err := b.db.DeleteRealtimeEventsBefore(ctx, now.Add(-spillTTL)); err != nil {
		b.log.Warn("realtime bus: prune large events", "err", err)
		return
	}
	if now.Sub(time.Unix(0, last)) > spillTTL {
		b.spilledAt.CompareAndSwap(last, 0) // the newest is gone too
	}
}

func (b *PGBus) receiveLoop() {
	for {
		select {
		case t := <-b.in:
			_ = safego.Run(b.log, "realtime bus receive", func() { b.receive(t) })
		case <-b.stop:
			return
		}
	}
}

// receive resolves one notification into an Event for this node's handlers.
func (b *PGBus) receive(topic string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	payload := strings.TrimPrefix(topic, topicEvent)
	if id, ok := strings.CutPrefix(topic, topicSpill); ok {
		var err error
		if payload, err = b.db.RealtimeEventPayload(ctx, id); err != nil {
			b.log.Warn("realtime bus: read a large event", "id", id, "err", err)
			return
		}
	}
	var w wireEvent
	if err := json.Unmarshal([]byte(payload), &w); err != nil || w.Node == b.node {
		return
	}
	b.heard.Store(time.Now().UnixNano())
	if _, seen := b.known.LoadOrStore(w.Node, true); !seen {
		// A node that just started has not heard of this one yet: answer
		// its first word with a heartbeat, so it sends its events here too.
		select {
		case b.out <- b.alive:
		default:
		}
	}
	ev := Event{Kind: w.Kind, Action: w.Action, CollectionID: w.CollectionID, RecordID: w.RecordID, TokenChanged: w.TokenChanged,
		Channel: w.Channel, Data: w.Frame, Sender: w.Sender, Node: w.Node}
	if w.Kind == KindRecord {
		c := b.db.Schema.Collection(w.CollectionID)
		if c == nil {
			return
		}
		if w.Action == core.ActionDelete {
			ev.Record = &galley.Record{Collection: c, Data: decodeData(c, w.Data)}
		} else {
			rec, err := store.FindRecordByID(ctx, b.db.Reader(), c, w.RecordID)
			if galley.ErrorCodeOf(err) == galley.ENotFound {
				return // deleted meanwhile: its delete event follows
			}
			if err != nil {
				b.log.Warn("realtime bus: read a changed record", "collection", c.Name, "err", err)
				return
			}
			ev.Record = rec
		}
	}
	_ = b.local.Publish(ev)
}

// decodeData turns a deleted record's JSON fields back into the canonical
// Go values of c's fields (see galley.Record).
func decodeData(c *galley.Collection, raw map[string]json.RawMessage) map[string]any {
	out := make(map[string]any, len(c.Fields))
	for _, f := range c.Fields {
		v, ok := raw[f.Name]
		switch {
		case f.IsMulti():
			list := []string{}
			_ = json.Unmarshal(v, &list)
			out[f.Name] = list
		case f.Type == galley.FieldNumber:
			var n float64
			_ = json.Unmarshal(v, &n)
			out[f.Name] = n
		case f.Type == galley.FieldBool:
			var x bool
			_ = json.Unmarshal(v, &x)
			out[f.Name] = x
		case f.Type == galley.FieldJSON:
			if !ok || string(v) == "null" {
				out[f.Name] = nil
			} else {
				out[f.Name] = json.RawMessage(v)
			}
		case f.Type == galley.FieldGeoPoint:
			var p galley.GeoPoint
			_ = json.Unmarshal(v, &p)
			out[f.Name] = p
		default:
			var s string
			_ = json.Unmarshal(v, &s)
			out[f.Name] = s
		}
	}
	return out
}
