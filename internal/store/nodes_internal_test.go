package store

import (
	"strings"
	"testing"
)

// TestNodeRealtimeJSON: a heartbeat stores a node's realtime counts only as
// a JSON object of at most maxNodeRealtime bytes; no counts store nothing.
func TestNodeRealtimeJSON(t *testing.T) {
	obj := func(v any) NodeInfo { return NodeInfo{Realtime: func() any { return v }} }
	if b, err := (NodeInfo{}).realtimeJSON(); b != nil || err != nil {
		t.Fatalf("no Realtime: %q, %v; want nothing", b, err)
	}
	if b, err := obj(map[string]int{"clients": 3}).realtimeJSON(); err != nil || string(b) != `{"clients":3}` {
		t.Fatalf("small object: %q, %v", b, err)
	}
	// Exactly at the limit: {"k":"xxx…"} is 8 bytes around the string.
	if b, err := obj(map[string]string{"k": strings.Repeat("x", maxNodeRealtime-8)}).realtimeJSON(); err != nil || len(b) != maxNodeRealtime {
		t.Fatalf("object of %d bytes: %d bytes, %v", maxNodeRealtime, len(b), err)
	}
	for name, v := range map[string]any{
		"one byte over the limit": map[string]string{"k": strings.Repeat("x", maxNodeRealtime-7)},
		"an array":                []int{1, 2},
		"a number":                3,
		"null":                    nil,
		"not marshalable":         map[string]any{"c": make(chan int)},
	} {
		if b, err := obj(v).realtimeJSON(); err == nil {
			t.Errorf("%s: stored %q, want an error", name, b)
		}
	}
}
