package api_test

import (
	"encoding/json"
	"testing"

	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/testserver"
)

// TestRealtimeStats: GET /api/realtime/stats tells a superuser this node's
// clients (and how many are WebSocket), subscriptions and channel presence,
// and follows them as clients come and go; others are refused.
func TestRealtimeStats(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	postsCollection(t, s, "", "")
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "room:*", "joinRule": "", "sendRule": ""}}}}).Status(200)
	_, tok := signUp(t, s, "a@example.com", "password-1")
	stats := func() realtime.Counts {
		t.Helper()
		var n realtime.Counts
		if err := json.Unmarshal(s.Super("GET", "/api/realtime/stats", nil).Status(200).Body, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := stats(); n != (realtime.Counts{}) {
		t.Fatalf("no clients yet: %+v", n)
	}
	sse := openSSE(t, s.URL)
	sse.subscribe(s, "", 204, "posts/*", "posts")
	a, b := openWS(t, s, tok), openWS(t, s, "")
	a.ok(map[string]any{"type": "subscribe", "topics": []string{"posts/*"}})
	a.ok(map[string]any{"type": "join", "channel": "room:1"})
	b.ok(map[string]any{"type": "join", "channel": "room:1"})
	b.ok(map[string]any{"type": "join", "channel": "room:2"})
	want := realtime.Counts{Clients: 3, WebSocket: 2, Subscriptions: 3, Channels: 2, Present: 3}
	if n := stats(); n != want {
		t.Fatalf("got %+v, want %+v", n, want)
	}
	b.c.CloseNow()
	sse.Close()
	waitFor(t, func() bool {
		return stats() == realtime.Counts{Clients: 1, WebSocket: 1, Subscriptions: 1, Channels: 1, Present: 1}
	})
	s.Do("GET", "/api/realtime/stats", tok, nil).Status(403)
	s.Do("GET", "/api/realtime/stats", "", nil).Status(401)
}
