package safego

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestGoRecoversPanic(t *testing.T) {
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	done := make(chan struct{})
	Go(log, "boom-worker", func() {
		defer close(done)
		panic("kaboom")
	})
	<-done
	// The deferred close runs before the recovering defer logs: poll.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "stack") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	out := buf.String()
	if !strings.Contains(out, "boom-worker") || !strings.Contains(out, "kaboom") || !strings.Contains(out, "safego_test.go") {
		t.Fatalf("panic not logged with name, value and stack: %s", out)
	}
}

func TestRun(t *testing.T) {
	if err := Run(nil, "ok", func() {}); err != nil {
		t.Fatalf("Run returned %v for a normal return", err)
	}
	err := Run(nil, "bad", func() { var m map[string]int; m["x"] = 1 })
	if err == nil || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("Run = %v, want a panic error naming the goroutine", err)
	}
}
