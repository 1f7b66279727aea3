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
	"github.com/galleyhq/galley/internal/api"
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
	// Queues long enough for the 1,000 joins' presence frames, so that no
	// client is dropped as too slow while they go out.
	s := testserver.NewConfig(b, api.Config{Realtime: realtime.Config{Buffer: 2 * n}})
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
		deadline := time.Now().Add(guard)
		for received.Load() < want {
			if time.Now().After(deadline) {
				_, _, dropped, _ := br.Stats().Counts()
				failed, _ := br.Stats().Unanswered()
				b.Fatalf("a broadcast reached %d of %d members (dropped %d, checks failed %d, present %d)",
					received.Load()-want+n-1, n-1, dropped, failed, br.Counts().Present)
			}
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

// TestRecheckCutOff: when the check of a stale membership cannot be
// answered (here every query is cut off at once), the member is neither
// removed nor sent the channel's frames.
func TestRecheckCutOff(t *testing.T) {
	s := testserver.NewConfig(t, api.Config{Realtime: realtime.Config{CheckTimeout: time.Nanosecond}})
	s.Users(map[string]any{"name": "users", "type": "auth", "createRule": ""}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "seats",
		"fields": []map[string]any{{"name": "room", "type": "text"}, {"name": "user", "type": "text"}}}).Status(200)
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "room:*", "joinRule": `@collection.seats:s.room = @request.body.meta.room && @collection.seats:s.user = @request.auth.id`, "sendRule": ""},
		{"pattern": "lobby", "joinRule": "", "sendRule": ""},
	}}}).Status(200)
	users := s.DB.Schema.Collection("users")
	br := s.API.Realtime()
	var cs []*realtime.Client
	for _, id := range []string{"annannannannann", "bobbobbobbobbob"} {
		s.Super("POST", "/api/collections/seats/records", map[string]any{"room": "r1", "user": id}).Status(200)
		c, err := br.Connect("192.0.2.1", true)
		if err != nil {
			t.Fatal(err)
		}
		defer br.Disconnect(c, "test over")
		if err := br.Authorize(c, &galley.Record{Collection: users, Data: map[string]any{"id": id}}, time.Time{}); err != nil {
			t.Fatal(err)
		}
		for _, ch := range []string{"room:r1", "lobby"} {
			if _, err := br.Join(context.Background(), c, ch, json.RawMessage(`{"room":"r1"}`)); err != nil {
				t.Fatal(err)
			}
		}
		cs = append(cs, c)
	}
	ann, bob := cs[0], cs[1]
	s.Super("POST", "/api/collections/seats/records", map[string]any{"room": "other", "user": "x"}).Status(200)
	waitFor(t, "the check cut off", func() bool { failed, _ := br.Stats().Unanswered(); return failed > 0 })
	// The room's message, then the lobby's (its rule needs no query): bob
	// gets the lobby's and nothing of the room's before it.
	for _, ch := range []string{"room:r1", "lobby"} {
		if err := br.Send(context.Background(), ann, ch, json.RawMessage(`{"text":"hi"}`)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.After(guard)
	for done := false; !done; {
		select {
		case m := <-bob.Out():
			var f map[string]any
			_ = json.Unmarshal(m.Data, &f)
			if f["type"] == "message" && f["channel"] == "room:r1" || f["type"] == "left" {
				t.Fatalf("bob, not checked again, got %v", f)
			}
			done = f["type"] == "message" && f["channel"] == "lobby"
		case <-deadline:
			t.Fatal("no lobby message")
		}
	}
	if ms, err := br.Members(bob, "room:r1"); err != nil || len(ms) != 2 {
		t.Fatalf("bob removed on a check that was cut off: %v %v", ms, err)
	}
}

// TestTokenExpiryLeaves: a member whose token expires counts as a guest:
// the next frame of its channel finds its membership stale, checks it
// again, and removes it (the rule needs an auth).
func TestTokenExpiryLeaves(t *testing.T) {
	s := testserver.New(t)
	s.Users(map[string]any{"name": "users", "type": "auth", "createRule": ""}).Status(200)
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "room:*", "joinRule": `@request.auth.id != ""`, "sendRule": ""},
	}}}).Status(200)
	users := s.DB.Schema.Collection("users")
	br := s.API.Realtime()
	join := func(id string, exp time.Time) *realtime.Client {
		c, err := br.Connect("192.0.2.1", true)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { br.Disconnect(c, "test over") })
		if err := br.Authorize(c, &galley.Record{Collection: users, Data: map[string]any{"id": id}}, exp); err != nil {
			t.Fatal(err)
		}
		if _, err := br.Join(context.Background(), c, "room:r1", nil); err != nil {
			t.Fatal(err)
		}
		return c
	}
	ann := join("annannannannann", time.Time{})
	exp := time.Now().Add(300 * time.Millisecond)
	bob := join("bobbobbobbobbob", exp)
	waitFor(t, "bob's token to expire", func() bool { return time.Now().After(exp) })
	if err := br.Send(context.Background(), ann, "room:r1", json.RawMessage(`{"text":"hi"}`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(guard)
	for left := false; !left; {
		select {
		case m := <-bob.Out():
			var f map[string]any
			_ = json.Unmarshal(m.Data, &f)
			if f["type"] == "message" {
				t.Fatalf("bob, expired, got %v", f)
			}
			left = f["type"] == "left"
		case <-deadline:
			t.Fatal("no left frame after the token expired")
		}
	}
	if _, err := br.Members(bob, "room:r1"); err == nil {
		t.Fatal("bob still a member")
	}
}
