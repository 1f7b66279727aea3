package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/testserver"
)

// nodeStats is GET /api/realtime/stats as the dashboard reads it.
type nodeStats struct {
	realtime.Counts
	Nodes []struct {
		ID       string           `json:"id"`
		Self     bool             `json:"self"`
		Realtime *realtime.Counts `json:"realtime"`
	} `json:"nodes"`
}

func getNodeStats(t *testing.T, s *testserver.Server) nodeStats {
	t.Helper()
	var n nodeStats
	if err := json.Unmarshal(s.Super("GET", "/api/realtime/stats", nil).Status(200).Body, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// healthRealtime returns each live node's realtime counts from GET
// /api/health as a superuser, by node id (nil: the node reported none).
func healthRealtime(t *testing.T, s *testserver.Server) map[string]*realtime.Counts {
	t.Helper()
	var h struct {
		Data struct {
			Nodes []struct {
				ID       string           `json:"id"`
				Realtime *realtime.Counts `json:"realtime"`
			} `json:"nodes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(s.Super("GET", "/api/health", nil).Status(200).Body, &h); err != nil {
		t.Fatal(err)
	}
	out := map[string]*realtime.Counts{}
	for _, n := range h.Data.Nodes {
		out[n.ID] = n.Realtime
	}
	return out
}

// TestNodeRealtimeSingle: on one node (SQLite, or PostgreSQL before any
// heartbeat) GET /api/realtime/stats lists this node alone under "nodes"
// with the same counts as its top level, and GET /api/health's node
// carries them too; guests see no nodes in health.
func TestNodeRealtimeSingle(t *testing.T) {
	s := testserver.New(t)
	postsCollection(t, s, "", "")
	sse := openSSE(t, s.URL)
	sse.subscribe(s, "", 204, "posts/*", "posts")
	ws := openWS(t, s, "")
	ws.ok(map[string]any{"type": "subscribe", "topics": []string{"posts/*"}})
	want := realtime.Counts{Clients: 2, WebSocket: 1, Subscriptions: 3} // the SSE client holds two topics

	n := getNodeStats(t, s)
	if n.Counts != want {
		t.Fatalf("top level: %+v, want %+v", n.Counts, want)
	}
	if len(n.Nodes) != 1 || !n.Nodes[0].Self || n.Nodes[0].ID != s.DB.NodeID() || n.Nodes[0].Realtime == nil || *n.Nodes[0].Realtime != want {
		t.Fatalf("nodes: %+v, want this node (%s) alone with %+v", n.Nodes, s.DB.NodeID(), want)
	}
	h := healthRealtime(t, s)
	if len(h) != 1 || h[s.DB.NodeID()] == nil || *h[s.DB.NodeID()] != want {
		t.Fatalf("health nodes: %+v, want %s with %+v", h, s.DB.NodeID(), want)
	}
	if body := string(s.Do("GET", "/api/health", "", nil).Status(200).Body); strings.Contains(body, "realtime") || strings.Contains(body, "nodes") {
		t.Fatalf("guest health shows nodes: %s", body)
	}
	sse.Close()
	waitFor(t, func() bool { return getNodeStats(t, s).Nodes[0].Realtime.Clients == 1 })
}

// TestClusterNodeRealtime: on PostgreSQL each node's heartbeat carries its
// realtime counts, so either node's GET /api/realtime/stats and GET
// /api/health show the other's clients, subscriptions and presence as of
// its last beat, and their own as of now.
func TestClusterNodeRealtime(t *testing.T) {
	a, b := twoOpsNodes(t)
	ctx := context.Background()
	b.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "room:*", "joinRule": "", "sendRule": ""}}}}).Status(200)
	postsCollection(t, b.Server, "", "")
	w1, w2 := openWS(t, b.Server, ""), openWS(t, b.Server, "")
	w1.ok(map[string]any{"type": "subscribe", "topics": []string{"posts/*"}})
	w1.ok(map[string]any{"type": "join", "channel": "room:1"})
	w2.ok(map[string]any{"type": "join", "channel": "room:2"})
	onB := realtime.Counts{Clients: 2, WebSocket: 2, Subscriptions: 1, Channels: 2, Present: 2}
	if err := b.DB.Beat(ctx, b.API.NodeInfo()); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name string
		n    *opsNode
	}{{"A", a}, {"B", b}} {
		st := getNodeStats(t, c.n.Server)
		if len(st.Nodes) != 2 || !st.Nodes[0].Self || st.Nodes[0].ID != c.n.DB.NodeID() {
			t.Fatalf("%s: nodes %+v, want 2 with itself first", c.name, st.Nodes)
		}
		got := map[string]realtime.Counts{}
		for _, n := range st.Nodes {
			if n.Realtime == nil {
				t.Fatalf("%s: node %s reports no counts", c.name, n.ID)
			}
			got[n.ID] = *n.Realtime
		}
		if got[b.DB.NodeID()].Clients != onB.Clients || got[b.DB.NodeID()].WebSocket != onB.WebSocket ||
			got[b.DB.NodeID()].Subscriptions != onB.Subscriptions || got[b.DB.NodeID()].Present != onB.Present {
			t.Fatalf("%s: B's counts %+v, want %+v", c.name, got[b.DB.NodeID()], onB)
		}
		if a := got[a.DB.NodeID()]; a.Clients != 0 || a.Present != 0 {
			t.Fatalf("%s: A's counts %+v, want no clients", c.name, a)
		}
		h := healthRealtime(t, c.n.Server)
		if h[b.DB.NodeID()] == nil || h[b.DB.NodeID()].Clients != 2 || h[a.DB.NodeID()] == nil || h[a.DB.NodeID()].Clients != 0 {
			t.Fatalf("%s: health nodes %+v", c.name, h)
		}
	}

	// B's clients leave: A sees it at B's next beat.
	w1.c.CloseNow()
	w2.c.CloseNow()
	waitFor(t, func() bool { return b.API.Realtime().Counts().Clients == 0 })
	if err := b.DB.Beat(ctx, b.API.NodeInfo()); err != nil {
		t.Fatal(err)
	}
	for _, n := range getNodeStats(t, a.Server).Nodes {
		if n.ID == b.DB.NodeID() && (n.Realtime == nil || n.Realtime.Clients != 0 || n.Realtime.Present != 0) {
			t.Fatalf("after B's clients left, A shows B with %+v", n.Realtime)
		}
	}
}
