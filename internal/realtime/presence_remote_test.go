package realtime_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/realtime"
)

// TestRemotePresence: members announced by another node (join, sync) are
// listed here, a leave removes them, and the members of a node that goes
// silent are dropped by the sweep.
func TestRemotePresence(t *testing.T) {
	s := newServer(t, realtime.Config{})
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "lobby", "joinRule": "", "sendRule": ""}}}}).Status(200)
	b := s.API.Realtime()
	c, err := b.Connect("192.0.2.1", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Join(context.Background(), c, "lobby", nil); err != nil {
		t.Fatal(err)
	}
	remote := func(node, action, id string) realtime.Event {
		frame, _ := json.Marshal(map[string]any{"type": "presence", "channel": "lobby", "action": action,
			"member": map[string]any{"clientId": id, "auth": nil, "meta": map[string]any{}}})
		return realtime.Event{Kind: realtime.KindPresence, Action: action, Channel: "lobby", Data: frame, Sender: id, Node: node}
	}
	count := func() int {
		ms, err := b.Members(c, "lobby")
		if err != nil {
			t.Fatal(err)
		}
		return len(ms)
	}
	b.Dispatch(remote("nodeX", "join", "x1"))
	b.Dispatch(remote("nodeY", "sync", "y1"))
	b.Dispatch(remote("nodeY", "sync", "y1")) // a repeated sync adds nothing
	if n := count(); n != 3 {
		t.Fatalf("members with two remote ones: %d", n)
	}
	b.Dispatch(remote("nodeX", "leave", "x1"))
	if n := count(); n != 2 {
		t.Fatalf("members after a remote leave: %d", n)
	}
	b.SweepNodes(time.Now()) // nodeY was just heard from: kept
	if n := count(); n != 2 {
		t.Fatalf("members after an early sweep: %d", n)
	}
	b.SweepNodes(time.Now().Add(realtime.AliveTimeout + time.Second))
	if n := count(); n != 1 {
		t.Fatalf("members after nodeY went silent: %d", n)
	}
}
