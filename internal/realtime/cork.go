package realtime

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"time"
)

// corkLimit bounds what a corked connection holds before it writes anyway.
const corkLimit = 64 << 10

// corkBufs recycles the buffers of corked batches, so an idle connection
// holds none.
var corkBufs = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// corkConn is the hijacked connection under a WebSocket. While corked,
// writes collect in memory and leave in one write on uncork, so a burst of
// frames costs one system call instead of one per frame (the WebSocket
// library flushes every frame). Every write to the network gets a fresh
// deadline of timeout. Safe for concurrent use: a frame written by another
// goroutine (a pong, a close) while corked joins the batch in order.
type corkConn struct {
	net.Conn
	timeout time.Duration

	mu     sync.Mutex
	corked bool
	buf    *[]byte
}

// Write implements io.Writer.
func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corked {
		if c.buf == nil {
			c.buf = corkBufs.Get().(*[]byte)
		}
		if len(*c.buf)+len(p) > corkLimit {
			if err := c.flushLocked(); err != nil {
				return 0, err
			}
		}
		if len(p) <= corkLimit {
			*c.buf = append(*c.buf, p...)
			return len(p), nil
		}
	}
	return c.writeLocked(p)
}

func (c *corkConn) writeLocked(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// flushLocked writes what the batch holds.
func (c *corkConn) flushLocked() error {
	if c.buf == nil || len(*c.buf) == 0 {
		return nil
	}
	_, err := c.writeLocked(*c.buf)
	*c.buf = (*c.buf)[:0]
	return err
}

// cork starts a batch.
func (c *corkConn) cork() {
	c.mu.Lock()
	c.corked = true
	c.mu.Unlock()
}

// uncork ends the batch, writing it, and gives its buffer back.
func (c *corkConn) uncork() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = false
	err := c.flushLocked()
	if c.buf != nil {
		if cap(*c.buf) <= corkLimit {
			corkBufs.Put(c.buf)
		}
		c.buf = nil
	}
	return err
}

// corkingWriter hands the WebSocket library a corkConn when it hijacks the
// connection.
type corkingWriter struct {
	http.ResponseWriter
	timeout time.Duration
	conn    *corkConn
}

// Hijack implements http.Hijacker: anything net/http still buffers (the
// 101 answer) is written first, then every write goes through a corkConn.
func (w *corkingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		nc.Close()
		return nil, nil, err
	}
	w.conn = &corkConn{Conn: nc, timeout: w.timeout}
	brw.Writer.Reset(w.conn)
	return w.conn, brw, nil
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *corkingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
