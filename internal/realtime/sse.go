package realtime

import (
	"bufio"
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
	defer b.Disconnect(c, "stream ended")
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 4096)
	write := func(m Message) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(b.cfg.WriteTimeout))
		writeSSE(bw, c.ID, m)
		if bw.Flush() != nil || rc.Flush() != nil {
			return false
		}
		return true
	}
	if !write(Message{Name: "PB_CONNECT", Data: []byte(`{"clientId":"` + c.ID + `"}`)}) {
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
			return
		case <-r.Context().Done():
			return
		}
	}
}

// writeSSE writes one event; names and ids never hold line breaks
// (topics are validated) and the data is one line of JSON.
func writeSSE(w *bufio.Writer, id string, m Message) {
	w.WriteString("id:")
	w.WriteString(id)
	w.WriteString("\nevent:")
	w.WriteString(m.Name)
	w.WriteString("\ndata:")
	w.Write(m.Data)
	w.WriteString("\n\n")
}
