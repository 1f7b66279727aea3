package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/galleyhq/galley/internal/testserver"
)

// wsConn is a real WebSocket client.
type wsConn struct {
	t    *testing.T
	c    *websocket.Conn
	ID   string
	next int
}

func dialWS(t *testing.T, s *testserver.Server, query string, header http.Header) (*wsConn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), eventWait)
	defer cancel()
	c, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/api/realtime/ws"+query, &websocket.DialOptions{HTTPHeader: header})
	if err != nil {
		return nil, res, err
	}
	w := &wsConn{t: t, c: c}
	t.Cleanup(func() { c.CloseNow() })
	hello := w.read()
	if hello["type"] != "connect" {
		t.Fatalf("first frame %v", hello)
	}
	w.ID = hello["clientId"].(string)
	return w, res, nil
}

func openWS(t *testing.T, s *testserver.Server, token string) *wsConn {
	t.Helper()
	q := ""
	if token != "" {
		q = "?token=" + token
	}
	w, _, err := dialWS(t, s, q, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return w
}

func (w *wsConn) read() map[string]any {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), eventWait)
	defer cancel()
	_, data, err := w.c.Read(ctx)
	if err != nil {
		w.t.Fatalf("read: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		w.t.Fatalf("frame %s: %v", data, err)
	}
	return m
}

// call sends msg with a fresh id and returns the reply to it; other frames
// arriving meanwhile are returned too, in order.
func (w *wsConn) call(msg map[string]any) (reply map[string]any, others []map[string]any) {
	w.t.Helper()
	w.next++
	msg["id"] = float64(w.next)
	data, _ := json.Marshal(msg)
	if err := w.c.Write(context.Background(), websocket.MessageText, data); err != nil {
		w.t.Fatalf("write: %v", err)
	}
	for {
		m := w.read()
		if (m["type"] == "ok" || m["type"] == "error") && m["id"] == float64(w.next) {
			return m, others
		}
		others = append(others, m)
	}
}

func (w *wsConn) ok(msg map[string]any) map[string]any {
	w.t.Helper()
	r, _ := w.call(msg)
	if r["type"] != "ok" {
		w.t.Fatalf("%v: %v", msg, r)
	}
	return r
}

func TestRealtimeWSEvents(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	rule := "public = true || owner = @request.auth.id"
	postsCollection(t, s, rule, rule)
	aID, aTok := signUp(t, s, "a@example.com", "password-1")
	a := openWS(t, s, aTok)
	g := openWS(t, s, "")
	a.ok(map[string]any{"type": "subscribe", "topics": []string{"posts/*"}})
	g.ok(map[string]any{"type": "subscribe", "topics": []string{"posts/*"}})
	s.Do("POST", "/api/collections/posts/records", aTok, map[string]any{"title": "mine", "owner": aID}).Status(200)
	s.Do("POST", "/api/collections/posts/records", aTok, map[string]any{"title": "ours", "public": true}).Status(200)
	ev := a.read()
	if ev["type"] != "event" || ev["topic"] != "posts/*" || ev["data"].(map[string]any)["record"].(map[string]any)["title"] != "mine" {
		t.Fatalf("owner event %v", ev)
	}
	if ev := g.read(); ev["data"].(map[string]any)["record"].(map[string]any)["title"] != "ours" {
		t.Fatalf("guest event %v", ev)
	}
	// Bad input gets an error reply naming the field; the connection lives on.
	if r, _ := g.call(map[string]any{"type": "subscribe", "topics": []string{"posts/*?options=notjson"}}); r["type"] != "error" || r["status"] != float64(400) || r["data"].(map[string]any)["subscriptions"] == nil {
		t.Fatalf("bad topic reply %v", r)
	}
	if r, _ := g.call(map[string]any{"type": "dance"}); r["status"] != float64(400) || r["data"].(map[string]any)["type"] == nil {
		t.Fatalf("bad type reply %v", r)
	}
	if r, _ := g.call(map[string]any{"type": "auth", "token": "bogus"}); r["status"] != float64(401) {
		t.Fatalf("bad token reply %v", r)
	}
	// Switching auth works on a WebSocket.
	g.ok(map[string]any{"type": "auth", "token": aTok})
	s.Do("POST", "/api/collections/posts/records", aTok, map[string]any{"title": "mine too", "owner": aID}).Status(200)
	if ev := g.read(); ev["data"].(map[string]any)["record"].(map[string]any)["title"] != "mine too" {
		t.Fatalf("re-authenticated event %v", ev)
	}
	// An invalid token at connect refuses the upgrade.
	if _, res, err := dialWS(t, s, "?token=bogus", nil); err == nil || res == nil || res.StatusCode != 401 {
		t.Fatalf("bogus token: %v %v", err, res)
	}
}

func TestRealtimeWSPresenceAndBroadcast(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "room:*", "joinRule": `@request.auth.id != ""`, "sendRule": `@request.auth.id != "" && @request.body.data.text != ""`},
		{"pattern": "lobby", "joinRule": "", "sendRule": nil},
	}}}).Status(200)
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{{"pattern": "a*b*", "joinRule": "("}}}}).Status(400)
	aID, aTok := signUp(t, s, "a@example.com", "password-1")
	bID, bTok := signUp(t, s, "b@example.com", "password-1")
	a, b, g := openWS(t, s, aTok), openWS(t, s, bTok), openWS(t, s, "")

	r := a.ok(map[string]any{"type": "join", "channel": "room:1", "meta": map[string]any{"name": "Ann"}})
	if ms := r["members"].([]any); len(ms) != 1 || ms[0].(map[string]any)["auth"].(map[string]any)["id"] != aID {
		t.Fatalf("members after first join %v", r)
	}
	b.ok(map[string]any{"type": "join", "channel": "room:1", "meta": map[string]any{"name": "Bob"}})
	if ev := a.read(); ev["type"] != "presence" || ev["action"] != "join" || ev["member"].(map[string]any)["meta"].(map[string]any)["name"] != "Bob" {
		t.Fatalf("join event %v", ev)
	}
	if ms := a.ok(map[string]any{"type": "presence", "channel": "room:1"})["members"].([]any); len(ms) != 2 {
		t.Fatalf("presence %v", ms)
	}
	// Guests may not join rooms; nobody may join an unconfigured channel.
	if r, _ := g.call(map[string]any{"type": "join", "channel": "room:1"}); r["status"] != float64(403) {
		t.Fatalf("guest join %v", r)
	}
	if r, _ := a.call(map[string]any{"type": "join", "channel": "secret"}); r["status"] != float64(403) {
		t.Fatalf("unconfigured channel %v", r)
	}
	if r, _ := g.call(map[string]any{"type": "presence", "channel": "room:1"}); r["status"] != float64(403) {
		t.Fatalf("presence of a non-member %v", r)
	}
	// Broadcast reaches the other members, not the sender; the send rule reads the body.
	b.ok(map[string]any{"type": "send", "channel": "room:1", "data": map[string]any{"text": "hi"}})
	if ev := a.read(); ev["type"] != "message" || ev["data"].(map[string]any)["text"] != "hi" || ev["from"].(map[string]any)["clientId"] != b.ID {
		t.Fatalf("message %v", ev)
	}
	if r, _ := b.call(map[string]any{"type": "send", "channel": "room:1", "data": map[string]any{"text": ""}}); r["status"] != float64(403) {
		t.Fatalf("send rule %v", r)
	}
	g.ok(map[string]any{"type": "join", "channel": "lobby"})
	if r, _ := g.call(map[string]any{"type": "send", "channel": "lobby", "data": 1}); r["status"] != float64(403) {
		t.Fatalf("null send rule %v", r)
	}
	// A disconnect leaves every channel.
	b.c.Close(websocket.StatusNormalClosure, "bye")
	if ev := a.read(); ev["type"] != "presence" || ev["action"] != "leave" || ev["member"].(map[string]any)["auth"].(map[string]any)["id"] != bID {
		t.Fatalf("leave event %v", ev)
	}
	waitFor(t, func() bool {
		ms := a.ok(map[string]any{"type": "presence", "channel": "room:1"})["members"].([]any)
		return len(ms) == 1
	})
}

func TestRealtimeWSOrigin(t *testing.T) {
	s := testserver.New(t)
	s.App.AllowedOrigins = []string{"https://app.example.com"}
	if _, res, err := dialWS(t, s, "", http.Header{"Origin": {"https://evil.example.com"}}); err == nil || res == nil || res.StatusCode != 403 {
		t.Fatalf("foreign origin: %v %v", err, res)
	}
	if _, _, err := dialWS(t, s, "", http.Header{"Origin": {"https://app.example.com"}}); err != nil {
		t.Fatalf("allowed origin: %v", err)
	}
}
