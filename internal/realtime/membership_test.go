package realtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/testserver"
)

// TestJoinRacingRevoke: a seat deleted (and its event dispatched) after
// the join rule passed but before the membership is stored still removes
// the member: the join counts as checked as of before the check.
func TestJoinRacingRevoke(t *testing.T) {
	s := testserver.New(t)
	s.Users(map[string]any{"name": "users", "type": "auth", "createRule": ""}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "seats",
		"fields": []map[string]any{{"name": "room", "type": "text"}, {"name": "user", "type": "text"}}}).Status(200)
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "room:*", "joinRule": `@request.body.channel ~ @request.body.meta.room && ` +
			`@collection.seats:s.room = @request.body.meta.room && @collection.seats:s.user = @request.auth.id`, "sendRule": ""},
	}}}).Status(200)
	bobID := s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": "bob@example.com",
		"password": "password-1", "passwordConfirm": "password-1"}).Status(200).JSON()["id"].(string)
	seat := s.Super("POST", "/api/collections/seats/records", map[string]any{"room": "r1", "user": bobID}).Status(200).JSON()["id"].(string)
	bob, err := store.FindRecordByID(context.Background(), s.DB.Reader(), s.DB.Schema.Collection("users"), bobID)
	if err != nil {
		t.Fatal(err)
	}

	br := s.API.Realtime()
	c, err := br.Connect("192.0.2.1", true)
	if err != nil {
		t.Fatal(err)
	}
	defer br.Disconnect(c, "test over")
	if err := br.Authorize(c, bob, time.Time{}); err != nil {
		t.Fatal(err)
	}
	br.SetJoinChecked(func() {
		done := br.Stats().Events()
		s.Super("DELETE", "/api/collections/seats/records/"+seat, nil).Status(204)
		waitFor(t, "the delete dispatched", func() bool { return br.Stats().Events() > done })
	})
	if _, err := br.Join(context.Background(), c, "room:r1", json.RawMessage(`{"room":"r1"}`)); err != nil {
		t.Fatalf("join: %v", err) // the rule passed before the delete
	}
	br.SetJoinChecked(nil)
	deadline := time.After(guard)
	for left := false; !left; {
		select {
		case m := <-c.Out():
			var f map[string]any
			_ = json.Unmarshal(m.Data, &f)
			left = f["type"] == "left" && f["channel"] == "room:r1"
		case <-deadline:
			t.Fatal("no left frame after a revoke that raced the join")
		}
	}
	if _, err := br.Members(c, "room:r1"); err == nil {
		t.Fatal("still a member after the revoke")
	}
}

// BenchmarkChannelRecheck measures a broadcast to a channel of 1,000
// members (1,000 distinct users, a join rule that needs a query):
// "broadcast" while no membership is stale, "write+broadcast" with a write
// to the collection the rule reads before each broadcast (every membership
// is checked again: 1,000 queries), and "write" alone for comparison.
//
//	go test -run '^$' -bench ChannelRecheck -benchtime 20x ./internal/realtime/
func BenchmarkChannelRecheck(b *testing.B) {
	const n = 1000
	s := testserver.New(b)
	s.Users(map[string]any{"name": "users", "type": "auth", "createRule": ""}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "seats",
		"fields":  []map[string]any{{"name": "room", "type": "text"}, {"name": "user", "type": "text"}},
		"indexes": []string{"CREATE INDEX idx_seats_user ON seats (user)"}}).Status(200)
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "room:*", "joinRule": `@request.body.channel ~ @request.body.meta.room && ` +
			`@collection.seats:s.room = @request.body.meta.room && @collection.seats:s.user = @request.auth.id`, "sendRule": ""},
	}}}).Status(200)
	users := s.DB.Schema.Collection("users")
	br := s.API.Realtime()
	var received atomic.Int64
	clients := make([]*realtime.Client, n)
	for i := range n { // the seats first: each write makes the members so far stale
		s.Super("POST", "/api/collections/seats/records", map[string]any{"room": "r1", "user": fmt.Sprintf("u%014d", i)}).Status(200)
	}
	for i := range n {
		id := fmt.Sprintf("u%014d", i)
		c, err := br.Connect(fmt.Sprintf("192.0.2.%d", i%250), true)
		if err != nil {
			b.Fatal(err)
		}
		clients[i] = c
		defer br.Disconnect(c, "bench over")
		if err := br.Authorize(c, &galley.Record{Collection: users, Data: map[string]any{"id": id}}, time.Time{}); err != nil {
			b.Fatal(err)
		}
		go func() {
			for {
				select {
				case m := <-c.Out():
					if bytes.Contains(m.Data, []byte(`"type":"message"`)) {
						received.Add(1)
					}
				case <-c.Done():
					return
				}
			}
		}()
		if _, err := br.Join(context.Background(), c, "room:r1", json.RawMessage(`{"room":"r1"}`)); err != nil {
			b.Fatal(err)
		}
	}
	sender := clients[0]
	broadcast := func() {
		want := received.Load() + n - 1
		if err := br.Send(context.Background(), sender, "room:r1", json.RawMessage(`{"text":"hi"}`)); err != nil {
			b.Fatal(err)
		}
		for received.Load() < want {
			time.Sleep(50 * time.Microsecond)
		}
	}
	write := func() {
		s.Super("POST", "/api/collections/seats/records", map[string]any{"room": "other", "user": "nobody"}).Status(200)
	}
	broadcast() // warm up
	b.Run("broadcast", func(b *testing.B) {
		for b.Loop() {
			broadcast()
		}
	})
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			write()
		}
	})
	b.Run("write+broadcast", func(b *testing.B) {
		for b.Loop() {
			write()
			broadcast()
		}
	})
	_, sql, dropped, _ := br.Stats().Counts()
	b.Logf("members %d, dropped %d, SQL checks %d", br.Counts().Present, dropped, sql)
}
