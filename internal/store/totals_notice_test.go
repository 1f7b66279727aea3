package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
)

// TestTotalsNoticeCodec: committed groups go out in notices of at most
// MaxNotifyPayload bytes (several groups to a notice, several notices for
// a burst) and come back as the same rows, in the canonical Go values of
// their fields, password fields and an auth collection's tokenKey left
// out; a group too big for one notice goes without its rows.
func TestTotalsNoticeCodec(t *testing.T) {
	c := &galley.Collection{ID: "c_codec", Name: "codec", Type: galley.CollectionAuth, Fields: []*galley.Field{
		IDField(),
		{ID: "1", Name: "t", Type: galley.FieldText},
		{ID: "2", Name: "n", Type: galley.FieldNumber},
		{ID: "3", Name: "b", Type: galley.FieldBool},
		{ID: "4", Name: "j", Type: galley.FieldJSON},
		{ID: "5", Name: "tags", Type: galley.FieldSelect, Values: []string{"x", "y"}, MaxSelect: 2},
		{ID: "6", Name: "g", Type: galley.FieldGeoPoint},
		{ID: "7", Name: "d", Type: galley.FieldDate},
		{ID: "8", Name: "password", Type: galley.FieldPassword},
		{ID: "9", Name: "tokenKey", Type: galley.FieldText, Hidden: true},
	}}
	rec := func(i int, text string) *galley.Record {
		return &galley.Record{Collection: c, Data: map[string]any{"id": fmt.Sprintf("r%014d", i), "t": text, "n": float64(i) + 0.25,
			"b": i%2 == 0, "j": json.RawMessage(`{"a":[1,2]}`), "tags": []string{"x", "y"}, "g": galley.GeoPoint{Lon: 1.5, Lat: -2},
			"d": "2024-01-02 03:04:05.000Z", "password": "$2a$10$secret-hash", "tokenKey": "secret-token-key"}}
	}
	var groups []outGroup
	for i := range 40 {
		changes := []recordChange{{New: rec(i, "new")}, {Old: rec(i, "old"), New: rec(i, "héllo \"q\" \x00")}, {Old: rec(i, "gone")}}
		groups = append(groups, outGroup{shard: i % 3, f: flushedCount{collection: c.ID, v: int64(i + 1), changes: changes}})
	}
	big := outGroup{shard: 1, f: flushedCount{collection: c.ID, v: 41, changes: []recordChange{{New: rec(41, strings.Repeat("é", MaxNotifyPayload))}}}}
	groups = append(groups, big, outGroup{shard: 2, f: flushedCount{collection: c.ID, v: 42, unknown: true}})

	var o totalsOutbox
	notices := o.noticesOf(groups, true)
	if len(notices) < 2 {
		t.Fatalf("%d notices for %d groups, want several", len(notices), len(groups))
	}
	if w := o.withheld.Load(); w != 1 {
		t.Errorf("withheld %d groups, want 1 (the big one)", w)
	}
	var got []wireGroup
	for _, n := range notices {
		if len(n) > MaxNotifyPayload {
			t.Fatalf("a notice of %d bytes, over %d", len(n), MaxNotifyPayload)
		}
		if strings.Contains(n, "secret-") {
			t.Fatal("a notice carries a password field or a tokenKey")
		}
		payload, ok := strings.CutPrefix(n, topicTotals)
		if !ok {
			t.Fatalf("notice without its topic: %.40q", n)
		}
		var gs []wireGroup
		if err := json.Unmarshal([]byte(payload), &gs); err != nil {
			t.Fatal(err)
		}
		got = append(got, gs...)
	}
	if len(got) != len(groups) {
		t.Fatalf("%d groups back, want %d", len(got), len(groups))
	}
	for i, w := range got {
		g := groups[i]
		if w.Collection != c.ID || w.Shard != g.shard || w.V != g.f.v {
			t.Fatalf("group %d: %+v, want shard %d v %d", i, w, g.shard, g.f.v)
		}
		if i >= 40 {
			if !w.Withheld || w.Changes != nil {
				t.Errorf("group %d (too big or unknown) came with its rows", i)
			}
			continue
		}
		if w.Withheld || len(w.Changes) != len(g.f.changes) {
			t.Fatalf("group %d: withheld %v, %d changes", i, w.Withheld, len(w.Changes))
		}
		for j, pair := range w.Changes {
			for k, want := range []*galley.Record{g.f.changes[j].Old, g.f.changes[j].New} {
				r, ok := recordOf(c, pair[k])
				if !ok {
					t.Fatalf("group %d change %d: a row does not decode", i, j)
				}
				if want == nil {
					if r != nil {
						t.Fatalf("group %d change %d: a row where none was", i, j)
					}
					continue
				}
				wantData := map[string]any{}
				for name, v := range want.Data {
					if name != "password" && name != "tokenKey" {
						wantData[name] = v
					}
				}
				if !reflect.DeepEqual(r.Data, wantData) {
					t.Fatalf("group %d change %d:\n got %#v\nwant %#v", i, j, r.Data, wantData)
				}
			}
		}
	}
	// A row missing a field of the receiver's collection does not decode.
	if _, ok := recordOf(c, map[string]json.RawMessage{"id": json.RawMessage(`"x"`)}); ok {
		t.Error("a row missing fields decoded")
	}
}

// TestTotalsNoticeRanges: without rows (no other node live), the groups
// go as one withheld range per collection and shard, lowest to highest
// version, and no row goes out.
func TestTotalsNoticeRanges(t *testing.T) {
	row := []recordChange{{New: &galley.Record{Data: map[string]any{"t": "secret-row"}}}}
	var groups []outGroup
	for v := int64(1); v <= 30; v++ {
		groups = append(groups, outGroup{shard: int(v % 3), f: flushedCount{collection: "c1", v: v, changes: row}})
	}
	groups = append(groups, outGroup{shard: 0, f: flushedCount{collection: "c2", v: 7, changes: row}})
	var o totalsOutbox
	notices := o.noticesOf(groups, false)
	if len(notices) != 1 {
		t.Fatalf("%d notices, want 1", len(notices))
	}
	if strings.Contains(notices[0], "secret-") {
		t.Fatal("a row went out")
	}
	var got []wireGroup
	if err := json.Unmarshal([]byte(strings.TrimPrefix(notices[0], topicTotals)), &got); err != nil {
		t.Fatal(err)
	}
	want := []wireGroup{
		{Collection: "c1", Shard: 1, From: 1, V: 28, Withheld: true},
		{Collection: "c1", Shard: 2, From: 2, V: 29, Withheld: true},
		{Collection: "c1", Shard: 0, From: 3, V: 30, Withheld: true},
		{Collection: "c2", Shard: 0, From: 7, V: 7, Withheld: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if a, w := o.alone.Load(), o.withheld.Load(); a != int64(len(groups)) || w != 0 {
		t.Errorf("alone %d (want %d), withheld %d (want 0)", a, len(groups), w)
	}
}

// TestTotalsOutboxBounds: groups queued past maxOutboxChanges rows go
// without them, past maxOutboxGroups not at all.
func TestTotalsOutboxBounds(t *testing.T) {
	var o totalsOutbox
	row := []recordChange{{New: &galley.Record{Data: map[string]any{}}}}
	many := make([]recordChange, maxOutboxChanges)
	o.queue(0, []flushedCount{{collection: "c", v: 1, changes: row}, {collection: "c", v: 2, changes: many}})
	if w := o.withheld.Load(); w != 1 {
		t.Fatalf("withheld %d, want 1", w)
	}
	gs := o.take()
	if len(gs) != 2 || len(gs[0].f.changes) != 1 || gs[1].f.changes != nil || !gs[1].f.unknown {
		t.Fatalf("queued %+v", gs)
	}
	for i := range maxOutboxGroups + 5 {
		o.queue(0, []flushedCount{{collection: "c", v: int64(i)}})
	}
	if d := o.dropped.Load(); d != 5 || len(o.take()) != maxOutboxGroups {
		t.Fatalf("dropped %d, want 5", d)
	}
}

// TestTotalsSecretTotal: a cached total whose condition reads a withheld
// field (secret) is counted again after a group from another node's notice
// (partial), while other totals are brought up to date from it.
func TestTotalsSecretTotal(t *testing.T) {
	c := newTotalsCache()
	c.cluster = true
	state := []shardState{{shard: -1, n: 0}, {shard: 0, n: 1, v: 1}}
	c.putCounted("plain", "c", state, 1, false)
	c.putCounted("secret", "c", state, 1, true)
	row := &galley.Record{Data: map[string]any{"id": "x"}}
	c.publish(0, []flushedCount{{collection: "c", v: 2, changes: []recordChange{{New: row}}, partial: true}})
	state[1].v = 2
	all := func(*galley.Record) (bool, error) { return true, nil }
	if n, ok, _ := c.catchUp("plain", state, all); !ok || n != 2 {
		t.Errorf("plain total: %d, %v; want 2, true", n, ok)
	}
	if _, ok, p := c.catchUp("secret", state, all); ok || p.ch != nil {
		t.Errorf("secret total brought up to date (or waiting) from a partial group: %v, %+v", ok, p)
	}
}

// BenchmarkTotalsNotices: encoding one create's group (the bench's post
// row) for the other nodes, with rows and as a withheld range (a node
// alone).
func BenchmarkTotalsNotices(b *testing.B) {
	c := &galley.Collection{ID: "c_posts", Name: "posts", Type: galley.CollectionBase, Fields: []*galley.Field{
		IDField(),
		{ID: "1", Name: "title", Type: galley.FieldText},
		{ID: "2", Name: "views", Type: galley.FieldNumber},
		{ID: "3", Name: "author", Type: galley.FieldRelation, MaxSelect: 1},
		{ID: "4", Name: "public", Type: galley.FieldBool},
		{ID: "5", Name: "created", Type: galley.FieldAutodate},
		{ID: "6", Name: "updated", Type: galley.FieldAutodate},
	}}
	r := &galley.Record{Collection: c, Data: map[string]any{"id": "abcdefghijklmno", "title": "a post title of some length",
		"views": float64(1234), "author": "authorid0000001", "public": true,
		"created": "2026-12-03 07:00:00.000Z", "updated": "2026-12-03 07:00:00.000Z"}}
	groups := []outGroup{{shard: 1, f: flushedCount{collection: c.ID, v: 42, changes: []recordChange{{New: r}}}}}
	for _, rows := range []bool{true, false} {
		b.Run(fmt.Sprintf("rows=%v", rows), func(b *testing.B) {
			var o totalsOutbox
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = len(o.noticesOf(groups, rows)[0])
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
}
