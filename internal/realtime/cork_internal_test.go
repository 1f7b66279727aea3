package realtime

import (
	"bytes"
	"net"
	"sync"
	"testing"
	"time"
)

// countingConn records every write that reaches the "network".
type countingConn struct {
	net.Conn
	mu        sync.Mutex
	writes    int
	data      bytes.Buffer
	deadlines int
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	return c.data.Write(p)
}

func (c *countingConn) SetWriteDeadline(time.Time) error {
	c.mu.Lock()
	c.deadlines++
	c.mu.Unlock()
	return nil
}

// Corked writes leave in one network write on uncork, in order; a batch
// past corkLimit is written early rather than held; uncorked writes pass
// straight through; every network write gets a deadline.
func TestCorkConn(t *testing.T) {
	nc := &countingConn{}
	c := &corkConn{Conn: nc, timeout: time.Second}
	c.Write([]byte("a"))
	if nc.writes != 1 {
		t.Fatalf("uncorked write: %d network writes, want 1", nc.writes)
	}
	c.cork()
	for _, s := range []string{"b", "c", "d"} {
		c.Write([]byte(s))
	}
	if nc.writes != 1 {
		t.Fatalf("corked writes reached the network: %d writes", nc.writes)
	}
	if err := c.uncork(); err != nil {
		t.Fatal(err)
	}
	if nc.writes != 2 || nc.data.String() != "abcd" {
		t.Fatalf("after uncork: %d writes, %q; want 2 and abcd", nc.writes, nc.data.String())
	}
	if c.buf != nil {
		t.Fatal("an idle connection kept its batch buffer")
	}
	// A burst bigger than the limit: written when the next write would
	// pass it, nothing lost or reordered.
	nc.data.Reset()
	c.cork()
	chunk := bytes.Repeat([]byte("x"), corkLimit/2+1)
	c.Write(chunk)
	c.Write(chunk)
	c.Write([]byte("end"))
	if nc.writes != 3 {
		t.Fatalf("over the limit: %d network writes so far, want 3", nc.writes)
	}
	c.uncork()
	if want := string(chunk) + string(chunk) + "end"; nc.data.String() != want {
		t.Fatalf("over the limit: %d bytes written, want %d", nc.data.Len(), len(want))
	}
	if nc.deadlines != nc.writes {
		t.Fatalf("%d deadlines for %d network writes", nc.deadlines, nc.writes)
	}
	// Writes from other goroutines while corked join the batch.
	nc.data.Reset()
	c.cork()
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); c.Write([]byte("p")) }()
	}
	wg.Wait()
	c.uncork()
	if nc.data.String() != "pppppppppp" {
		t.Fatalf("concurrent writes: %q", nc.data.String())
	}
}
