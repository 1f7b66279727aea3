package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/store/storetest"
	"github.com/galleyhq/galley/internal/testserver"
)

// twoNodes starts two servers on one PostgreSQL schema (two nodes), the
// second with realtime settings rt; without PostgreSQL the test is skipped.
func twoNodes(t *testing.T, rt realtime.Config) (a, b *testserver.Server) {
	t.Helper()
	if storetest.PostgresDSN() == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvDSN)
	}
	opts := storetest.Options(t)
	return testserver.NewOn(t, opts, api.Config{}), testserver.NewOn(t, opts, api.Config{Realtime: rt})
}

// TestRealtimeAcrossNodes runs two servers on one PostgreSQL schema (two
// nodes): record events written through A reach an SSE subscriber on B
// (create, update, delete), WebSocket presence and broadcast cross between
// the nodes, and an auth record's password change on A de-authorises its
// stream on B.
func TestRealtimeAcrossNodes(t *testing.T) {
	a, b := twoNodes(t, realtime.Config{})
	a.Super("POST", "/api/collections", map[string]any{"name": "notes", "listRule": "", "viewRule": "",
		"fields": []map[string]any{{"name": "text", "type": "text"}}}).Status(200)
	waitFor(t, func() bool { return b.Do("GET", "/api/collections/notes/records", "", nil).Code == 200 })

	// B started after A: B learns of A from A's answer to B's first
	// heartbeat, so B's writes reach A's subscribers from the start.
	onA := openSSE(t, a.URL)
	onA.subscribe(a, "", 204, "notes")
	fromB := b.Super("POST", "/api/collections/notes/records", map[string]any{"text": "from B"}).Status(200).JSON()
	if ev := onA.Next(); ev.Name != "notes" || ev.JSON(t)["record"].(map[string]any)["id"] != fromB["id"] {
		t.Fatalf("B's create on A: %s %s", ev.Name, ev.Data)
	}
	onA.Close()

	sse := openSSE(t, b.URL)
	sse.subscribe(b, "", 204, "notes")
	rec := a.Super("POST", "/api/collections/notes/records", map[string]any{"text": "hi"}).Status(200).JSON()
	id := rec["id"].(string)
	for _, step := range []struct {
		action, text string
		do           func()
	}{
		{"create", "hi", func() {}},
		{"update", "edited", func() {
			a.Super("PATCH", "/api/collections/notes/records/"+id, map[string]any{"text": "edited"}).Status(200)
		}},
		{"delete", "edited", func() { a.Super("DELETE", "/api/collections/notes/records/"+id, nil).Status(204) }},
	} {
		step.do()
		ev := sse.Next()
		data := ev.JSON(t)
		r, _ := data["record"].(map[string]any)
		if ev.Name != "notes" || data["action"] != step.action || r["id"] != id || r["text"] != step.text || r["collectionName"] != "notes" {
			t.Fatalf("%s on A, event on B: %s %s", step.action, ev.Name, ev.Data)
		}
	}

	// Presence and broadcast between a WebSocket client on A and one on B.
	a.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "lobby", "joinRule": "", "sendRule": ""}}}}).Status(200)
	wa, wb := openWS(t, a, ""), openWS(t, b, "")
	wa.ok(map[string]any{"type": "join", "channel": "lobby", "meta": map[string]any{"name": "Ann"}})
	waitFor(t, func() bool { // B's settings and B's view of A's member arrive by NOTIFY
		r, _ := wb.call(map[string]any{"type": "join", "channel": "lobby", "meta": map[string]any{"name": "Bob"}})
		if r["type"] != "ok" {
			return false
		}
		ms, _ := r["members"].([]any)
		return len(ms) == 2
	})
	for {
		ev := wa.read()
		if ev["type"] == "presence" && ev["action"] == "join" && ev["member"].(map[string]any)["clientId"] == wb.ID {
			break
		}
	}
	wb.ok(map[string]any{"type": "send", "channel": "lobby", "data": map[string]any{"text": "from B"}})
	for {
		ev := wa.read()
		if ev["type"] == "message" {
			if ev["data"].(map[string]any)["text"] != "from B" || ev["from"].(map[string]any)["clientId"] != wb.ID {
				t.Fatalf("broadcast from B on A: %v", ev)
			}
			break
		}
	}

	// A message over NOTIFY's 8000-byte limit travels through _realtimeEvents.
	big := strings.Repeat("x", 20000)
	wb.ok(map[string]any{"type": "send", "channel": "lobby", "data": map[string]any{"text": big}})
	for {
		ev := wa.read()
		if ev["type"] == "message" {
			if ev["data"].(map[string]any)["text"] != big {
				t.Fatalf("large broadcast from B on A arrived changed")
			}
			break
		}
	}

	// A user's stream on B loses its auth when the password changes on A.
	usersCollection(t, a, nil)
	waitFor(t, func() bool { return b.Do("GET", "/api/collections/users/auth-methods", "", nil).Code == 200 })
	uid, tok := signUp(t, b, "u@example.com", "password-1")
	a.Super("PATCH", "/api/collections/notes", map[string]any{"listRule": `@request.auth.id != ""`}).Status(200)
	us := openSSE(t, b.URL)
	waitFor(t, func() bool {
		return b.DB.Schema.Collection("notes").ListRule != nil && *b.DB.Schema.Collection("notes").ListRule != ""
	})
	us.subscribe(b, tok, 204, "notes")
	a.Super("POST", "/api/collections/notes/records", map[string]any{"text": "for users"}).Status(200)
	if ev := us.Next(); ev.Name != "notes" {
		t.Fatalf("event for the signed-in user: %+v", ev)
	}
	a.Super("PATCH", "/api/collections/users/records/"+uid, map[string]any{"password": "password-2", "passwordConfirm": "password-2"}).Status(200)
	waitFor(t, func() bool { return b.API.Realtime().Client(us.ID).Auth() == nil })
	a.Super("POST", "/api/collections/notes/records", map[string]any{"text": "after"}).Status(200)
	select {
	case ev := <-us.events:
		t.Fatalf("a de-authorised stream on B got %s %s", ev.Name, ev.Data)
	case <-time.After(300 * time.Millisecond): // nothing may come; not a timing assertion
	}
}

// TestRealtimeSubscribeForwarded: behind a round-robin load balancer an SSE
// client's POST /api/realtime may reach another node than the one holding
// its stream; that node forwards it (with the request's auth) to the
// holder, whose answer it returns.
func TestRealtimeSubscribeForwarded(t *testing.T) {
	a, b := twoNodes(t, realtime.Config{ForwardTimeout: 500 * time.Millisecond})
	usersCollection(t, a, nil)
	a.Super("POST", "/api/collections", map[string]any{"name": "notes", "listRule": `@request.auth.id != ""`, "viewRule": "",
		"createRule": "", "fields": []map[string]any{{"name": "text", "type": "text"}}}).Status(200)
	waitFor(t, func() bool { return b.Do("GET", "/api/collections/notes/records", "", nil).Code == 200 })
	_, tok := signUp(t, b, "u@example.com", "password-1")
	_, other := signUp(t, b, "v@example.com", "password-1")

	onA := openSSE(t, a.URL)
	// Subscribed through B as the user (B forwards once it has heard of A).
	waitFor(t, func() bool {
		return b.Do("POST", "/api/realtime", tok, map[string]any{"clientId": onA.ID, "subscriptions": []string{"notes"}}).Code == 204
	})
	if got := a.API.Realtime().Client(onA.ID).Auth(); got == nil || got.Data["email"] != "u@example.com" {
		t.Fatalf("auth on A after a subscribe through B: %v", got)
	}
	// The listRule needs the auth: the event proves it came along.
	rec := b.Do("POST", "/api/collections/notes/records", "", map[string]any{"text": "hello"}).Status(200).JSON()
	if ev := onA.Next(); ev.Name != "notes" || ev.JSON(t)["record"].(map[string]any)["id"] != rec["id"] {
		t.Fatalf("event after a forwarded subscribe: %s %s", ev.Name, ev.Data)
	}
	// The holder's errors come back as they are.
	r := onA.subscribe(b, tok, 400, "notes/*?options=notjson").JSON()
	if r["data"].(map[string]any)["subscriptions"] == nil {
		t.Fatalf("bad topic through B: %v", r)
	}
	onA.subscribe(b, other, 403, "notes")
	// An id no node holds is 404 once the wait is over.
	b.Do("POST", "/api/realtime", tok, map[string]any{"clientId": "nobody-has-this-client", "subscriptions": []string{"notes"}}).Status(404)
	// The subscription in force on A is still the user's.
	b.Do("POST", "/api/collections/notes/records", "", map[string]any{"text": "again"}).Status(200)
	if ev := onA.Next(); ev.JSON(t)["record"].(map[string]any)["text"] != "again" {
		t.Fatalf("event after the refused requests: %s", ev.Data)
	}
}

// TestRealtimeRemoteDeleteJoinRule: a delete made on node A reaches a
// subscriber on node B whose listRule needs a join — B checks it against
// the deleted row put back in a rolled-back transaction — and only the
// subscribers the rule lets see it.
func TestRealtimeRemoteDeleteJoinRule(t *testing.T) {
	a, b := twoNodes(t, realtime.Config{})
	usersCollection(t, a, nil)
	a.Super("POST", "/api/collections", map[string]any{"name": "posts", "listRule": `owner.team = @request.auth.team`,
		"viewRule": `owner.team = @request.auth.team`, "fields": []map[string]any{{"name": "title", "type": "text"},
			{"name": "owner", "type": "relation", "collectionId": "users", "maxSelect": 1}}}).Status(200)
	waitFor(t, func() bool { return b.Do("GET", "/api/collections/posts/records", "", nil).Code == 200 })
	annID, annTok := signUp(t, a, "ann@example.com", "password-1")
	bobID, bobTok := signUp(t, a, "bob@example.com", "password-1")
	a.Super("PATCH", "/api/collections/users/records/"+annID, map[string]any{"team": "red"}).Status(200)
	a.Super("PATCH", "/api/collections/users/records/"+bobID, map[string]any{"team": "blue"}).Status(200)
	ann, bob := openSSE(t, b.URL), openSSE(t, b.URL)
	ann.subscribe(b, annTok, 204, "posts")
	bob.subscribe(b, bobTok, 204, "posts")

	// B must know of A before A's events are sent to it: wait for one.
	var post map[string]any
	waitFor(t, func() bool {
		post = a.Super("POST", "/api/collections/posts/records", map[string]any{"title": "red post", "owner": annID}).Status(200).JSON()
		select {
		case ev := <-ann.events:
			return ev.JSON(t)["record"].(map[string]any)["id"] == post["id"]
		case <-time.After(500 * time.Millisecond):
			return false
		}
	})
	a.Super("DELETE", "/api/collections/posts/records/"+post["id"].(string), nil).Status(204)
	for {
		ev := ann.Next()
		d := ev.JSON(t)
		if d["action"] == "delete" {
			if d["record"].(map[string]any)["id"] != post["id"] {
				t.Fatalf("delete event on B: %s", ev.Data)
			}
			break
		}
	}
	// Bob's first event is his own post: none of Ann's reached him.
	mine := a.Super("POST", "/api/collections/posts/records", map[string]any{"title": "blue post", "owner": bobID}).Status(200).JSON()
	if ev := bob.Next(); ev.JSON(t)["record"].(map[string]any)["id"] != mine["id"] {
		t.Fatalf("bob's first event: %s", ev.Data)
	}
	// Nothing was left behind by the checks on B.
	if n := a.Super("GET", "/api/collections/posts/records", nil).Status(200).JSON()["totalItems"]; n != float64(1) {
		t.Fatalf("%v posts after the checks, want 1", n)
	}
}
