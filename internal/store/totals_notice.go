package store

import (
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"

	galley "github.com/galleyhq/galley"
)

// Totals across nodes (PostgreSQL).
//
// After COMMIT a lane hands its groups' changes to counted collections
// (shard, version, old and new rows) to the outbox; the data notifier sends
// them to the other nodes in notices of topicTotals (as many groups per
// notice as fit in MaxNotifyPayload, several notices in one statement),
// and each node logs the groups it receives as if its own lanes had
// committed them (see totals.go). A notice carries every field of the rows
// but secrets: password fields (which no filter reads in memory) and an
// auth collection's tokenKey (a filtered total whose condition reads it is
// counted again after another node's write to the collection). It goes
// over the database connection only, to the nodes of this schema, and is
// never logged. A group too big for one notice, or queued while the outbox
// is full (the notifier behind), is sent without its rows ("withheld"):
// the nodes count the totals that cross its version again. While the last
// heartbeat saw no other live node (see DB.Beat), the groups go without
// their rows too, as one withheld range per collection and shard: encoding
// and sending every row to no one cost a node alone about a third of its
// create rate on PostgreSQL, and a node that started since (not seen yet)
// counts again at once rather than keeping a wrong total. A notice that
// never comes (its node stopped between COMMIT and NOTIFY) is waited for
// up to noticeWait, then counted again too; a listener that reconnects
// reloads the schema, which drops every cached total.

// withheldAuthField is the field of auth collections that notices leave
// out besides password fields: the key each user's tokens are signed with.
const withheldAuthField = "tokenKey"

// topicTotals prefixes the notices of committed groups: a JSON array of
// wireGroup follows.
const topicTotals = "tc:"

// wireGroup is one committed group's changes to one collection, on the wire.
type wireGroup struct {
	Collection string `json:"c"`
	Shard      int    `json:"s"`
	V          int64  `json:"v"`
	// Changes are [old, new] pairs of field maps; null for none (an insert's
	// old row, a delete's new one).
	Changes  [][2]map[string]json.RawMessage `json:"x,omitempty"`
	Withheld bool                            `json:"w,omitempty"`
	// From, for a withheld group, is the first version of a range From..V
	// of the shard's versions withheld together (0: V alone). The range may
	// hold other nodes' versions too: the receiver counts again every total
	// cached before V.
	From int64 `json:"f,omitempty"`
}

const (
	// maxOutboxChanges bounds the rows queued for sending; groups queued
	// beyond it are sent withheld.
	maxOutboxChanges = 4096
	// maxOutboxGroups bounds the groups queued; beyond it they are not
	// sent at all (the other nodes wait for them, then count again).
	maxOutboxGroups = 65536
)

// totalsOutbox holds the committed groups not sent yet.
type totalsOutbox struct {
	mu      sync.Mutex
	groups  []outGroup
	changes int
	// withheld counts the groups sent without their rows (too big, or the
	// outbox full), dropped those not sent at all, alone those sent in
	// withheld ranges because no other node was live.
	withheld, dropped, alone atomic.Int64
	// mute (tests) drops every group: a node whose notices never come.
	mute atomic.Bool
}

type outGroup struct {
	shard int
	f     flushedCount
	// from (withheld groups only): the group stands for the versions
	// from..f.v of shard (0: f.v alone).
	from int64
}

// withheldRanges replaces groups by one withheld group per collection and
// shard that stands for their versions, lowest to highest (in the order
// each collection and shard first appears).
func withheldRanges(groups []outGroup) []outGroup {
	type key struct {
		collection string
		shard      int
	}
	at := map[key]int{}
	var out []outGroup
	for _, g := range groups {
		k := key{g.f.collection, g.shard}
		i, ok := at[k]
		if !ok {
			at[k] = len(out)
			out = append(out, outGroup{shard: g.shard, f: flushedCount{collection: g.f.collection, v: g.f.v, unknown: true}, from: g.f.v})
			continue
		}
		r := &out[i]
		r.from, r.f.v = min(r.from, g.f.v), max(r.f.v, g.f.v)
	}
	return out
}

// queue adds a committed group's changes (lane shard) for sending.
func (o *totalsOutbox) queue(shard int, flushed []flushedCount) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, f := range flushed {
		if o.mute.Load() || len(o.groups) >= maxOutboxGroups {
			o.dropped.Add(1)
			continue
		}
		if o.changes+len(f.changes) > maxOutboxChanges {
			f.changes, f.unknown = nil, true
			o.withheld.Add(1)
		}
		o.changes += len(f.changes)
		o.groups = append(o.groups, outGroup{shard: shard, f: f})
	}
}

// take empties the outbox.
func (o *totalsOutbox) take() []outGroup {
	o.mu.Lock()
	defer o.mu.Unlock()
	gs := o.groups
	o.groups, o.changes = nil, 0
	return gs
}

// noticesOf encodes groups as notices (topics for NotifyMany), each at
// most MaxNotifyPayload bytes; a group that does not fit in one alone goes
// withheld. Without rows (no other node live), the groups go withheld, one
// range per collection and shard.
func (o *totalsOutbox) noticesOf(groups []outGroup, rows bool) []string {
	if !rows {
		o.alone.Add(int64(len(groups)))
		groups = withheldRanges(groups)
	}
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			b.WriteByte(']')
			out = append(out, b.String())
			b.Reset()
		}
	}
	room := MaxNotifyPayload - len(topicTotals) - 2 // the brackets
	for _, g := range groups {
		w := wireGroup{Collection: g.f.collection, Shard: g.shard, V: g.f.v, Withheld: g.f.unknown, From: g.from}
		if !w.Withheld {
			w.Changes, w.Withheld = wireChanges(g.f.changes)
		}
		raw, err := json.Marshal(w)
		if err != nil || len(raw) > room {
			w.Changes, w.Withheld = nil, true
			o.withheld.Add(1)
			if raw, err = json.Marshal(w); err != nil {
				continue // cannot happen: ids and numbers
			}
		}
		if b.Len() > 0 && b.Len()+1+len(raw)+1 > MaxNotifyPayload {
			flush()
		}
		if b.Len() == 0 {
			b.WriteString(topicTotals + "[")
		} else {
			b.WriteByte(',')
		}
		b.Write(raw)
	}
	flush()
	return out
}

// wireChanges encodes changes' rows; true when one cannot be (then the
// group goes withheld).
func wireChanges(changes []recordChange) ([][2]map[string]json.RawMessage, bool) {
	out := make([][2]map[string]json.RawMessage, len(changes))
	for i, ch := range changes {
		for j, r := range []*galley.Record{ch.Old, ch.New} {
			if r == nil {
				continue
			}
			if r.Collection == nil {
				return nil, true
			}
			m := make(map[string]json.RawMessage, len(r.Data))
			for _, f := range r.Collection.Fields {
				if withheld(r.Collection, f) {
					continue
				}
				raw, err := json.Marshal(r.Data[f.Name])
				if err != nil {
					return nil, true
				}
				m[f.Name] = raw
			}
			out[i][j] = m
		}
	}
	return out, false
}

// receiveTotals logs the groups of a notice from another node (payload
// after topicTotals). A group of a collection this node does not know, or
// whose rows do not decode into its fields, is logged as unknown: the
// totals crossing it are counted again.
func (db *DB) receiveTotals(payload string) {
	var groups []wireGroup
	if err := json.Unmarshal([]byte(payload), &groups); err != nil {
		db.log.Warn("totals notice does not decode", "bytes", len(payload)) // never the payload: it holds rows
		return
	}
	for _, g := range groups {
		if g.Withheld {
			// Its rows (or a range's) did not come: the totals cached
			// before V count again, at once.
			db.totals.notHeld(g.Collection, g.Shard, g.V)
			db.totals.remoteGroups.Add(1)
			continue
		}
		f := flushedCount{collection: g.Collection, v: g.V}
		c := db.Schema.Collection(g.Collection)
		if c == nil || c.ID != g.Collection {
			f.unknown = true
		}
		if !f.unknown {
			f.partial = c.IsAuth()
			f.changes = make([]recordChange, 0, len(g.Changes))
			for _, pair := range g.Changes {
				old, ok1 := recordOf(c, pair[0])
				new, ok2 := recordOf(c, pair[1])
				if !ok1 || !ok2 {
					f.changes, f.unknown = nil, true
					break
				}
				f.changes = append(f.changes, recordChange{Old: old, New: new})
			}
		}
		db.totals.publish(g.Shard, []flushedCount{f})
		db.totals.remoteGroups.Add(1) // after: a test that saw it finds the group logged
	}
}

// recordOf decodes a row of c from a notice (nil: none) into the canonical
// Go values of its fields (see galley.Record), the withheld ones left out;
// false when another field is missing or does not decode.
func recordOf(c *galley.Collection, m map[string]json.RawMessage) (*galley.Record, bool) {
	if m == nil {
		return nil, true
	}
	data := make(map[string]any, len(c.Fields))
	for _, f := range c.Fields {
		if withheld(c, f) {
			continue
		}
		raw, ok := m[f.Name]
		if !ok {
			return nil, false
		}
		var v any
		var err error
		switch {
		case f.Type == galley.FieldJSON:
			if string(raw) != "null" {
				v = json.RawMessage(raw)
			}
		case f.Type == galley.FieldGeoPoint:
			var p galley.GeoPoint
			err = json.Unmarshal(raw, &p)
			v = p
		case f.IsMulti():
			list := []string{}
			if string(raw) != "null" {
				err = json.Unmarshal(raw, &list)
			}
			v = list
		default: // string, float64, bool or null, as sent
			err = json.Unmarshal(raw, &v)
		}
		if err != nil {
			return nil, false
		}
		data[f.Name] = v
	}
	return &galley.Record{Collection: c, Data: data}, true
}

// withheld reports whether notices leave field f of c out: a password
// field, or an auth collection's tokenKey.
func withheld(c *galley.Collection, f *galley.Field) bool {
	return f.Type == galley.FieldPassword || (c.IsAuth() && f.Name == withheldAuthField)
}
