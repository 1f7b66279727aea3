package realtime

import (
	"net/http"
	"time"
)

// ServeSSE streams c's messages to w as Server-Sent Events until the
// client is closed (dropped, idle for IdleTimeout, older than MaxAge,
// broker closed) or the request ends; it then disconnects c.
//
// Framing, as the pocketbase SDK reads it: the first event is
//
//	id:<clientId>
//	event:PB_CONNECT
//	data:{"clientId":"<clientId>"}
//
// and every later event has the same id line, the subscription's topic as
// its event name and {action, record} as its data.
func (b *Broker) ServeSSE(w http.ResponseWriter, r *http.Request, c *Client) {
	b.streamStarted()
	defer b.streamEnded()
	defer b.Disconnect(c, "stream ended")
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// Events are framed into a pooled buffer and written to w (which
	// buffers itself); messages already queued go out in the same flush, so
	// a client that fell behind costs one write syscall per batch, not per
	// event. An idle stream holds no framing buffer.
	write := func(m *Message) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(b.cfg.WriteTimeout))
		bp := corkBufs.Get().(*[]byte)
		buf := appendSSE((*bp)[:0], c.ID, m)
		for range maxSSEBatch - 1 {
			select {
			case next := <-c.out:
				buf = appendSSE(buf, c.ID, next)
				continue
			default:
			}
			break
		}
		_, err := w.Write(buf)
		if cap(buf) <= corkLimit {
			*bp = buf[:0]
			corkBufs.Put(bp)
		}
		return err == nil && rc.Flush() == nil
	}
	if !write(&Message{Name: "PB_CONNECT", Data: []byte(`{"clientId":"` + c.ID + `"}`)}) {
		return
	}
	idle := time.NewTimer(b.cfg.IdleTimeout)
	defer idle.Stop()
	age := time.NewTimer(b.cfg.MaxAge)
	defer age.Stop()
	for {
		select {
		case m := <-c.out:
			if !write(m) {
				c.close("write failed")
				return
			}
			idle.Reset(b.cfg.IdleTimeout)
		case <-idle.C:
			c.close("idle timeout")
			return
		case <-age.C:
			c.close("maximum connection age reached")
			return
		case <-c.done:
			if c.Reason() == ReasonShutdown {
				// Tell the EventSource to reconnect after a second (the
				// SDK resubscribes on its new connection), then end.
				_ = rc.SetWriteDeadline(time.Now().Add(b.cfg.WriteTimeout))
				if _, err := w.Write([]byte("retry:1000\n\n")); err == nil {
					_ = rc.Flush()
				}
			}
			return
		case <-r.Context().Done():
			return
		}
	}
}

// maxSSEBatch bounds the events written in one flush.
const maxSSEBatch = 64

// appendSSE appends one event to dst; names and ids never hold line breaks
// (topics are validated) and the data is one line of JSON.
func appendSSE(dst []byte, id string, m *Message) []byte {
	dst = append(dst, "id:"...)
	dst = append(dst, id...)
	dst = append(dst, "\nevent:"...)
	dst = append(dst, m.Name...)
	dst = append(dst, "\ndata:"...)
	dst = append(dst, m.Data...)
	return append(dst, "\n\n"...)
}
