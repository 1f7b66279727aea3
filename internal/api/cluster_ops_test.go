package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/reqlog"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
	"github.com/galleyhq/galley/internal/testserver"
)

// opsNode is one node of a two-node cluster with request logs in the
// shared database.
type opsNode struct {
	*testserver.Server
	logs *reqlog.Store
}

// newOpsNode starts a node on opts (one PostgreSQL schema for every node)
// with its request logs in the shared database, as galley serve wires them.
func newOpsNode(t *testing.T, opts store.Options) *opsNode {
	t.Helper()
	n := &opsNode{}
	n.Server = testserver.NewOnPrepared(t, opts, api.Config{Version: "9.9.9"}, func(s *testserver.Server) {
		logs, err := reqlog.Open(context.Background(), reqlog.Options{DB: s.DB.Reader(), Node: s.DB.NodeID(), Leader: s.DB.RunAsLeader})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { logs.Close() })
		s.API.UseRequestLogs(logs)
		n.logs = logs
	})
	n.API.SetAddress(n.URL)
	return n
}

// twoOpsNodes starts two nodes on one PostgreSQL schema and records both
// in the node registry (A beats again after B, so both count two live
// nodes); skipped without PostgreSQL.
func twoOpsNodes(t *testing.T) (a, b *opsNode) {
	t.Helper()
	if storetest.PostgresDSN() == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvDSN)
	}
	opts := storetest.Options(t)
	a, b = newOpsNode(t, opts), newOpsNode(t, opts)
	ctx := context.Background()
	for _, n := range []*opsNode{a, b, a} {
		if err := n.DB.Beat(ctx, n.API.NodeInfo()); err != nil {
			t.Fatal(err)
		}
	}
	if a.DB.LiveNodes() != 2 || b.DB.LiveNodes() != 2 {
		t.Fatalf("live nodes: A %d, B %d; want 2", a.DB.LiveNodes(), b.DB.LiveNodes())
	}
	return a, b
}

func (n *opsNode) flush(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.logs.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestClusterRequestLogs: on PostgreSQL the requests served by either node
// land in one table; GET /api/logs and /api/logs/stats on either node show
// both nodes' entries, each carrying its node in data.node, and one log
// is viewable through the other node.
func TestClusterRequestLogs(t *testing.T) {
	a, b := twoOpsNodes(t)
	for i := range 5 {
		a.Do("GET", fmt.Sprintf("/api/health?from=a&i=%d", i), "", nil).Status(200)
		b.Do("GET", fmt.Sprintf("/api/health?from=b&i=%d", i), "", nil).Status(200)
	}
	a.flush(t)
	b.flush(t)
	for _, n := range []*opsNode{a, b} {
		for _, c := range []struct {
			filter string
			node   *opsNode
		}{{"message ~ 'from=a'", a}, {"message ~ 'from=b'", b}} {
			res := n.Super("GET", "/api/logs?perPage=50&filter="+url.QueryEscape(c.filter), nil).Status(200).JSON()
			items := res["items"].([]any)
			if len(items) != 5 || res["totalItems"].(float64) != 5 {
				t.Fatalf("%s on %s: %d items, total %v; want 5", c.filter, n.URL, len(items), res["totalItems"])
			}
			for _, it := range items {
				if got := it.(map[string]any)["data"].(map[string]any)["node"]; got != c.node.DB.NodeID() {
					t.Fatalf("data.node = %v, want %s", got, c.node.DB.NodeID())
				}
			}
		}
		byNode := n.Super("GET", "/api/logs?filter="+url.QueryEscape("data.node = '"+b.DB.NodeID()+"' && message ~ 'from='"), nil).Status(200).JSON()
		if byNode["totalItems"].(float64) != 5 {
			t.Fatalf("filter by data.node: %v", byNode["totalItems"])
		}
	}
	one := a.Super("GET", "/api/logs?perPage=1&filter="+url.QueryEscape("message ~ 'from=a'"), nil).Status(200).JSON()["items"].([]any)[0].(map[string]any)
	b.Super("GET", "/api/logs/"+one["id"].(string), nil).Status(200).Contains(`"node":"` + a.DB.NodeID() + `"`)
	b.Super("GET", "/api/logs/nope", nil).Status(404)
	stats := b.Super("GET", "/api/logs/stats?filter="+url.QueryEscape("message ~ 'from='"), nil).Status(200)
	var total float64
	var rows []map[string]any
	if err := json.Unmarshal(stats.Body, &rows); err != nil {
		t.Fatal(err)
	}
	for _, s := range rows {
		total += s["total"].(float64)
	}
	if total != 10 {
		t.Fatalf("stats total = %v, want 10", total)
	}
	// A bad filter is a 400 naming the problem, on PostgreSQL too.
	b.Super("GET", "/api/logs?filter="+url.QueryEscape("nope = 1"), nil).Status(400)
}

// TestClusterRetention: the retention sweep runs on the node that holds
// the retention lock and prunes every node's entries (logs.maxDays 0
// deletes everything at the next sweep; here Prune is called directly as
// the sweep would).
func TestClusterRetention(t *testing.T) {
	a, b := twoOpsNodes(t)
	a.Do("GET", "/api/health?x=1", "", nil).Status(200)
	b.Do("GET", "/api/health?x=2", "", nil).Status(200)
	a.flush(t)
	b.flush(t)
	n, err := a.logs.Prune(context.Background(), 0)
	if err != nil || n < 2 {
		t.Fatalf("Prune = %d, %v; want both nodes' entries", n, err)
	}
	if got := b.Super("GET", "/api/logs?filter="+url.QueryEscape("message ~ 'x='"), nil).Status(200).JSON()["totalItems"]; got.(float64) != 0 {
		t.Fatalf("after prune: %v entries", got)
	}
}

// TestClusterLoginLimit: with two live nodes each node admits half of the
// failed log-ins per IP (10 a minute by default): the sixth failure on A is
// refused, B admits its five, and the cluster as a whole admits ten.
func TestClusterLoginLimit(t *testing.T) {
	a, b := twoOpsNodes(t)
	login := func(n *opsNode, i int) int {
		return n.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{
			"identity": "nobody@example.com", "password": fmt.Sprintf("wrong-%d", i)}).Code
	}
	for _, n := range []*opsNode{a, b} {
		for i := range 5 {
			if code := login(n, i); code != 400 {
				t.Fatalf("failure %d on %s: %d, want 400", i+1, n.URL, code)
			}
		}
		if code := login(n, 5); code != 429 {
			t.Fatalf("sixth failure on %s: %d, want 429", n.URL, code)
		}
	}
}

// TestClusterRateLimitRule: a rate-limit rule of 4 requests a minute is
// shared between two live nodes: each admits 2, so a client spread over
// both gets 4 before a 429 (not 8).
func TestClusterRateLimitRule(t *testing.T) {
	a, b := twoOpsNodes(t)
	a.Super("PATCH", "/api/settings", map[string]any{"rateLimits": map[string]any{"enabled": true,
		"rules": []map[string]any{{"label": "/api/health", "maxRequests": 4, "duration": 60}}}}).Status(200)
	waitFor(t, func() bool {
		set := b.Super("GET", "/api/settings", nil).Status(200).JSON()
		return set["rateLimits"].(map[string]any)["enabled"] == true
	})
	admitted := 0
	for i := range 8 {
		n := a
		if i%2 == 1 {
			n = b
		}
		switch code := n.Do("GET", "/api/health", "", nil).Code; code {
		case 200:
			admitted++
		case 429:
		default:
			t.Fatalf("GET /api/health: %d", code)
		}
	}
	if admitted != 4 {
		t.Fatalf("admitted %d of 8 across two nodes, want 4", admitted)
	}
}

// TestClusterHealthNodes: GET /api/health lists the live nodes to
// superusers (this node first), with their address, version and which one
// leads; guests see none of it.
func TestClusterHealthNodes(t *testing.T) {
	a, b := twoOpsNodes(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go a.DB.RunAsLeader(ctx, core.LeaderMaintenance, func(ctx context.Context) { <-ctx.Done() })
	waitFor(t, a.App.IsLeader)
	if err := a.DB.Beat(ctx, a.API.NodeInfo()); err != nil {
		t.Fatal(err)
	}
	data := a.Super("GET", "/api/health", nil).Status(200).JSON()["data"].(map[string]any)
	nodes := data["nodes"].([]any)
	if len(nodes) != 2 {
		t.Fatalf("nodes = %v", nodes)
	}
	self := nodes[0].(map[string]any)
	other := nodes[1].(map[string]any)
	if self["id"] != a.DB.NodeID() || self["self"] != true || self["address"] != a.URL || self["version"] != "9.9.9" {
		t.Fatalf("self = %v", self)
	}
	if other["id"] != b.DB.NodeID() || other["self"] != false || other["address"] != b.URL || other["lastSeen"] == "" || other["leader"] != false {
		t.Fatalf("other = %v", other)
	}
	if self["leader"] != true {
		t.Fatalf("self is not the leader: %v", self)
	}
	fromB := b.Super("GET", "/api/health", nil).Status(200).JSON()["data"].(map[string]any)["nodes"].([]any)
	if len(fromB) != 2 || fromB[0].(map[string]any)["id"] != b.DB.NodeID() || fromB[1].(map[string]any)["leader"] != true {
		t.Fatalf("nodes from B = %v", fromB)
	}
	guest := a.Do("GET", "/api/health", "", nil).Status(200).JSON()["data"].(map[string]any)
	if _, ok := guest["nodes"]; ok {
		t.Fatalf("guest sees nodes: %v", guest)
	}
}
