package realtime

import (
	"sync"

	galley "github.com/galleyhq/galley"
)

// Event kinds carried by a Bus.
const (
	KindRecord    = "record"    // a committed record change
	KindBroadcast = "broadcast" // a client message to a channel
	KindPresence  = "presence"  // a join or leave on a channel
)

// Event is what travels on a Bus: the ids of a change, and for in-process
// delivery the change itself.
//
// The seam for several nodes: a network Bus (PostgreSQL LISTEN/NOTIFY)
// sends Kind, Action, CollectionID, RecordID, Channel and Data — small, well
// under NOTIFY's 8000-byte payload limit for record events — and leaves
// Record nil; the receiving broker then reads the record once per node (by
// id) before fanning it out. Deletes, whose row is gone, need the record in
// the payload (or a tombstone table); Prepared (the in-transaction rule
// checks of a delete) never leaves the node that made it: other nodes
// check database-backed rules of a delete against the row put back in a
// rolled-back transaction (store.DB.WithRestored).
type Event struct {
	Kind   string
	Action string // create, update, delete; join, leave; message

	CollectionID string
	RecordID     string
	// Record is the changed record, nil when it came from another node.
	Record *galley.Record
	// Prepared is the delete's in-transaction rule check (same node only).
	Prepared any

	// Channel and Data are set for broadcast and presence events: Data is
	// the JSON payload delivered to channel members.
	Channel string
	Data    []byte
	// Sender is the client id that sent a broadcast (it is not echoed back).
	Sender string

	// TokenChanged marks an update of an auth record that invalidated its
	// tokens (its clients are de-authorised on every node).
	TokenChanged bool
	// Node is the id of the node the event came from; empty for events of
	// this node.
	Node string
}

// Bus distributes events to every broker sharing it. Publish must not
// block for long: it is called after a commit on the writer's behalf.
// Handlers run in the order events were published on one node; across
// nodes no order is promised.
type Bus interface {
	// Publish delivers ev to every handler subscribed to the bus (on every
	// node, including this one).
	Publish(ev Event) error
	// Subscribe registers fn for every published event until the returned
	// function is called.
	Subscribe(fn func(Event)) (unsubscribe func())
}

// LocalBus is the in-process Bus of a single node: Publish calls every
// handler synchronously, in registration order. The zero value is ready.
type LocalBus struct {
	mu       sync.RWMutex
	next     int
	handlers map[int]func(Event)
	order    []int
}

// Publish calls every subscribed handler with ev; it never fails.
func (b *LocalBus) Publish(ev Event) error {
	b.mu.RLock()
	hs := make([]func(Event), 0, len(b.order))
	for _, id := range b.order {
		hs = append(hs, b.handlers[id])
	}
	b.mu.RUnlock()
	for _, h := range hs {
		h(ev)
	}
	return nil
}

// Subscribe registers fn; the returned function removes it.
func (b *LocalBus) Subscribe(fn func(Event)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.handlers == nil {
		b.handlers = map[int]func(Event){}
	}
	id := b.next
	b.next++
	b.handlers[id] = fn
	b.order = append(b.order, id)
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.handlers, id)
		for i, x := range b.order {
			if x == id {
				b.order = append(b.order[:i:i], b.order[i+1:]...)
				break
			}
		}
	}
}
