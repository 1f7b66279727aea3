package ratelimit

import (
	"testing"
	"time"
)

// TestWithNodes: each node admits its share of a limit (max / live nodes,
// at least 1), and follows the node count as it changes.
func TestWithNodes(t *testing.T) {
	nodes := 3
	l := New(100, WithNodes(func() int { return nodes }))
	admitted := func(key string, max int) int {
		n := 0
		for range max * 2 {
			if ok, _ := l.Allow(key, max, time.Minute); ok {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		nodes, max, want int
	}{{3, 10, 3}, {3, 2, 1}, {1, 10, 10}, {0, 10, 10}, {2, 10, 5}} {
		nodes = c.nodes
		key := time.Now().String() + string(rune('a'+c.nodes)) + string(rune('a'+c.max))
		if got := admitted(key, c.max); got != c.want {
			t.Errorf("%d nodes, max %d: admitted %d, want %d", c.nodes, c.max, got, c.want)
		}
		if blocked, _ := l.Check(key, c.max, time.Minute); !blocked {
			t.Errorf("%d nodes, max %d: Check not blocked after the share", c.nodes, c.max)
		}
	}
	g := &LoginGuard{Nodes: func() int { return 2 }}
	n := 0
	for range 20 {
		if ok, _ := g.Attempt("192.0.2.1", ""); ok {
			n++
		}
	}
	if n != 5 {
		t.Fatalf("login guard on 2 nodes admitted %d failures per IP, want 5 (10 / 2)", n)
	}
}
