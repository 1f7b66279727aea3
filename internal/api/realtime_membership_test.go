package api_test

import (
	"sync"
	"testing"

	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/testserver"
)

// seatRule lets a user join "room:<id>" only while a seats row ties them to
// that room (one alias: both conditions on the same row).
const seatRule = `@request.auth.id != "" && @request.body.channel ~ @request.body.meta.room && ` +
	`@collection.seats:s.room = @request.body.meta.room && @collection.seats:s.user = @request.auth.id`

// seatsSetup makes the users and seats collections and the channels
// "room:*" (seatRule), "team:*" (the auth record's team) and "lobby"
// (everyone) on s.
func seatsSetup(t *testing.T, s *testserver.Server) {
	t.Helper()
	usersCollection(t, s, nil)
	s.Super("POST", "/api/collections", map[string]any{"name": "seats",
		"fields": []map[string]any{{"name": "room", "type": "text"}, {"name": "user", "type": "text"}}}).Status(200)
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "room:*", "joinRule": seatRule, "sendRule": `@request.auth.id != ""`},
		{"pattern": "team:*", "joinRule": `@request.auth.team != "" && @request.body.channel ~ @request.auth.team`, "sendRule": ""},
		{"pattern": "lobby", "joinRule": "", "sendRule": ""},
	}}}).Status(200)
}

func seat(t *testing.T, s *testserver.Server, room, user string) string {
	t.Helper()
	return s.Super("POST", "/api/collections/seats/records", map[string]any{"room": room, "user": user}).Status(200).JSON()["id"].(string)
}

// until reads w's frames until one satisfies ok; a frame that satisfies
// bad first fails the test.
func until(t *testing.T, w *wsConn, what string, ok, bad func(map[string]any) bool) {
	t.Helper()
	for {
		ev := w.read()
		if bad != nil && bad(ev) {
			t.Fatalf("%s: got %v first", what, ev)
		}
		if ok(ev) {
			return
		}
	}
}

func isLeft(channel string) func(map[string]any) bool {
	return func(ev map[string]any) bool { return ev["type"] == "left" && ev["channel"] == channel }
}

func isLeave(channel, clientID string) func(map[string]any) bool {
	return func(ev map[string]any) bool {
		m, _ := ev["member"].(map[string]any)
		return ev["type"] == "presence" && ev["action"] == "leave" && ev["channel"] == channel && m["clientId"] == clientID
	}
}

func isMessage(channel, text string) func(map[string]any) bool {
	return func(ev map[string]any) bool {
		d, _ := ev["data"].(map[string]any)
		return ev["type"] == "message" && ev["channel"] == channel && (text == "" || d["text"] == text)
	}
}

// TestRealtimeChannelMembershipFollowsRules: a member whose join rule stops
// passing — their seat deleted, their auth record changed or deleted, the
// rule changed — is removed from the channel at once: told {"type":"left"},
// announced to the others as a leave, sent no later broadcast, refused when
// sending or joining again.
func TestRealtimeChannelMembershipFollowsRules(t *testing.T) {
	s := testserver.New(t)
	seatsSetup(t, s)
	annID, annTok := signUp(t, s, "ann@example.com", "password-1")
	bobID, bobTok := signUp(t, s, "bob@example.com", "password-1")
	seat(t, s, "r1", annID)
	bobSeat := seat(t, s, "r1", bobID)
	ann, bob := openWS(t, s, annTok), openWS(t, s, bobTok)
	join := func(w *wsConn, channel string, meta map[string]any) map[string]any {
		r, _ := w.call(map[string]any{"type": "join", "channel": channel, "meta": meta})
		return r
	}
	if r := join(ann, "room:r1", map[string]any{"room": "r1"}); r["type"] != "ok" {
		t.Fatalf("ann join %v", r)
	}
	if r := join(bob, "room:r1", map[string]any{"room": "r1"}); r["type"] != "ok" {
		t.Fatalf("bob join %v", r)
	}
	bob.ok(map[string]any{"type": "join", "channel": "lobby"})
	ann.ok(map[string]any{"type": "join", "channel": "lobby"})
	ann.ok(map[string]any{"type": "send", "channel": "room:r1", "data": map[string]any{"text": "before"}})
	until(t, bob, "a message before the removal", isMessage("room:r1", "before"), nil)

	// A write to an unrelated collection (users is not read by the rule
	// except through @request.auth) changes nothing.
	s.Super("DELETE", "/api/collections/seats/records/"+bobSeat, nil).Status(204)
	until(t, bob, "bob told he left", isLeft("room:r1"), isMessage("room:r1", ""))
	until(t, ann, "ann sees bob leave", isLeave("room:r1", bob.ID), nil)

	// Nothing sent to the room afterwards reaches bob: the lobby message
	// sent after them arrives first (one dispatcher, in order per client).
	ann.ok(map[string]any{"type": "send", "channel": "room:r1", "data": map[string]any{"text": "after"}})
	ann.ok(map[string]any{"type": "send", "channel": "lobby", "data": map[string]any{"text": "marker"}})
	until(t, bob, "the lobby marker", isMessage("lobby", "marker"), isMessage("room:r1", ""))
	// Re-sending join does not let bob back in; sending and presence are refused.
	if r := join(bob, "room:r1", map[string]any{"room": "r1"}); r["status"] != float64(403) {
		t.Fatalf("join again after removal %v", r)
	}
	if r, _ := bob.call(map[string]any{"type": "send", "channel": "room:r1", "data": map[string]any{"text": "x"}}); r["status"] != float64(403) {
		t.Fatalf("send after removal %v", r)
	}
	if r, _ := bob.call(map[string]any{"type": "presence", "channel": "room:r1"}); r["status"] != float64(403) {
		t.Fatalf("presence after removal %v", r)
	}
	if ms := ann.ok(map[string]any{"type": "presence", "channel": "room:r1"})["members"].([]any); len(ms) != 1 {
		t.Fatalf("members after removal %v", ms)
	}
	// A seat again: bob joins again.
	seat(t, s, "r1", bobID)
	if r := join(bob, "room:r1", map[string]any{"room": "r1"}); r["type"] != "ok" {
		t.Fatalf("join with a seat again %v", r)
	}

	// The auth record changes: team:red needs team "red".
	s.Super("PATCH", "/api/collections/users/records/"+bobID, map[string]any{"team": "red"}).Status(200)
	// (the socket's copy of the record is refreshed by the update)
	waitFor(t, func() bool { r := join(bob, "team:red", nil); return r["type"] == "ok" })
	s.Super("PATCH", "/api/collections/users/records/"+bobID, map[string]any{"team": "blue"}).Status(200)
	until(t, bob, "bob leaves team:red", isLeft("team:red"), isMessage("team:red", ""))

	// The rule changes: nobody but superusers may join rooms now.
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "room:*", "joinRule": nil, "sendRule": nil},
		{"pattern": "lobby", "joinRule": "", "sendRule": ""},
	}}}).Status(200)
	ann.ok(map[string]any{"type": "send", "channel": "lobby", "data": map[string]any{"text": "rules changed"}})
	until(t, bob, "bob leaves the room when its rule changes", isLeft("room:r1"), isMessage("room:r1", ""))
	until(t, ann, "ann leaves too", isLeft("room:r1"), nil)
}

// TestRealtimeChannelAuthRevoked: deleting the auth record of a member (or
// changing their password) removes them from the channels whose rules
// needed that auth; a switch to another auth leaves every channel.
func TestRealtimeChannelAuthRevoked(t *testing.T) {
	s := testserver.New(t)
	seatsSetup(t, s)
	annID, annTok := signUp(t, s, "ann@example.com", "password-1")
	bobID, bobTok := signUp(t, s, "bob@example.com", "password-1")
	_, cidTok := signUp(t, s, "cid@example.com", "password-1")
	seat(t, s, "r1", annID)
	seat(t, s, "r1", bobID)
	ann, bob, bob2 := openWS(t, s, annTok), openWS(t, s, bobTok), openWS(t, s, bobTok)
	for _, w := range []*wsConn{ann, bob, bob2} {
		w.ok(map[string]any{"type": "join", "channel": "room:r1", "meta": map[string]any{"room": "r1"}})
		w.ok(map[string]any{"type": "join", "channel": "lobby"})
	}
	// bob2 switches to cid's auth: it leaves every channel (its joins were
	// bob's) and cid has no seat, so it cannot join the room as cid.
	bob2.ok(map[string]any{"type": "auth", "token": cidTok})
	if r, _ := bob2.call(map[string]any{"type": "join", "channel": "room:r1", "meta": map[string]any{"room": "r1"}}); r["status"] != float64(403) {
		t.Fatalf("join under another auth %v", r)
	}
	// A password change turns bob's socket into a guest: out of the room,
	// still in the lobby (its rule lets guests in).
	s.Do("PATCH", "/api/collections/users/records/"+bobID, bobTok, map[string]any{"oldPassword": "password-1", "password": "password-2", "passwordConfirm": "password-2"}).Status(200)
	until(t, bob, "bob, a guest now, leaves the room", isLeft("room:r1"), isMessage("room:r1", ""))
	until(t, ann, "ann sees it", isLeave("room:r1", bob.ID), nil)
	ann.ok(map[string]any{"type": "send", "channel": "lobby", "data": map[string]any{"text": "still here?"}})
	until(t, bob, "the lobby still reaches bob", isMessage("lobby", "still here?"), isLeft("lobby"))

	// Ann's auth record is deleted: her socket leaves the room.
	s.Super("DELETE", "/api/collections/users/records/"+annID, nil).Status(204)
	until(t, ann, "ann, deleted, leaves the room", isLeft("room:r1"), nil)
}

// TestRealtimeChannelJoinRacingRevoke: joins racing the deletion of the
// seat that allows them never leave a member in the channel: whichever
// comes first, once the delete has committed the member is gone (told
// "left" when its join had been accepted).
func TestRealtimeChannelJoinRacingRevoke(t *testing.T) {
	s := testserver.New(t)
	seatsSetup(t, s)
	annID, annTok := signUp(t, s, "ann@example.com", "password-1")
	bobID, bobTok := signUp(t, s, "bob@example.com", "password-1")
	seat(t, s, "r1", annID)
	ann := openWS(t, s, annTok)
	ann.ok(map[string]any{"type": "join", "channel": "room:r1", "meta": map[string]any{"room": "r1"}})
	for i := range 15 {
		id := seat(t, s, "r1", bobID)
		bob := openWS(t, s, bobTok)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Super("DELETE", "/api/collections/seats/records/"+id, nil).Status(204)
		}()
		r, _ := bob.call(map[string]any{"type": "join", "channel": "room:r1", "meta": map[string]any{"room": "r1"}})
		wg.Wait()
		if r["type"] == "ok" {
			until(t, bob, "a join accepted before the revoke ends in left", isLeft("room:r1"), nil)
		}
		waitFor(t, func() bool {
			ms := ann.ok(map[string]any{"type": "presence", "channel": "room:r1"})["members"].([]any)
			return len(ms) == 1
		})
		if r, _ := bob.call(map[string]any{"type": "presence", "channel": "room:r1"}); r["status"] != float64(403) {
			t.Fatalf("round %d: bob still a member: %v", i, r)
		}
		bob.c.CloseNow()
	}
}

// TestRealtimeChannelRevokeAcrossNodes: a seat deleted through node A
// removes a member connected to node B; A's members see the leave.
func TestRealtimeChannelRevokeAcrossNodes(t *testing.T) {
	a, b := twoNodes(t, realtime.Config{})
	seatsSetup(t, a)
	annID, annTok := signUp(t, a, "ann@example.com", "password-1")
	bobID, bobTok := signUp(t, a, "bob@example.com", "password-1")
	seat(t, a, "r1", annID)
	bobSeat := seat(t, a, "r1", bobID)
	ann, bob := openWS(t, a, annTok), openWS(t, b, bobTok)
	ann.ok(map[string]any{"type": "join", "channel": "room:r1", "meta": map[string]any{"room": "r1"}})
	waitFor(t, func() bool { // B's settings and collections arrive by NOTIFY
		r, _ := bob.call(map[string]any{"type": "join", "channel": "room:r1", "meta": map[string]any{"room": "r1"}})
		if r["type"] != "ok" {
			return false
		}
		ms, _ := r["members"].([]any)
		return len(ms) == 2
	})
	until(t, ann, "bob's join seen on A", func(ev map[string]any) bool {
		m, _ := ev["member"].(map[string]any)
		return ev["type"] == "presence" && ev["action"] == "join" && m["clientId"] == bob.ID
	}, nil)
	a.Super("DELETE", "/api/collections/seats/records/"+bobSeat, nil).Status(204)
	until(t, bob, "bob on B told he left", isLeft("room:r1"), isMessage("room:r1", ""))
	until(t, ann, "ann on A sees bob leave", isLeave("room:r1", bob.ID), nil)
	ann.ok(map[string]any{"type": "send", "channel": "room:r1", "data": map[string]any{"text": "after"}})
	if r, _ := bob.call(map[string]any{"type": "join", "channel": "room:r1", "meta": map[string]any{"room": "r1"}}); r["status"] != float64(403) {
		t.Fatalf("join again on B %v", r)
	}
	if ms := ann.ok(map[string]any{"type": "presence", "channel": "room:r1"})["members"].([]any); len(ms) != 1 {
		t.Fatalf("A's members after removal %v", ms)
	}
}
