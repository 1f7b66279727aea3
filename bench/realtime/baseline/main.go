// Command baseline is the minimal hand-written broadcaster the realtime
// bench compares Galley with: clients connect over WebSocket (/ws) or SSE
// (/sse), and every body POSTed to /publish is sent to all of them. No
// auth, no rules, no database: the cost of fan-out and nothing else. Each
// connection has a queue of 64 messages and is dropped when it is full.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
	"sync"

	"github.com/coder/websocket"
)

type hub struct {
	mu    sync.RWMutex
	conns map[chan []byte]struct{}
}

func (h *hub) add() chan []byte {
	ch := make(chan []byte, 64)
	h.mu.Lock()
	h.conns[ch] = struct{}{}
	h.mu.Unlock()
	return ch
}

func (h *hub) remove(ch chan []byte) {
	h.mu.Lock()
	delete(h.conns, ch)
	h.mu.Unlock()
}

func (h *hub) publish(msg []byte) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for ch := range h.conns {
		select {
		case ch <- msg:
		default: // too slow: its writer sees no more messages; the client times out
		}
	}
}

func main() {
	addr := flag.String("http", "127.0.0.1:8091", "listen address")
	flag.Parse()
	h := &hub{conns: map[chan []byte]struct{}{}}
	http.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		ctx := c.CloseRead(r.Context())
		ch := h.add()
		defer h.remove(ch)
		for {
			select {
			case m := <-ch:
				if c.Write(ctx, websocket.MessageText, m) != nil {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	})
	http.HandleFunc("/sse", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		ch := h.add()
		defer h.remove(ch)
		w.Write([]byte("event:connect\ndata:{}\n\n"))
		w.(http.Flusher).Flush()
		for {
			select {
			case m := <-ch:
				w.Write([]byte("event:message\ndata:"))
				w.Write(m)
				w.Write([]byte("\n\n"))
				w.(http.Flusher).Flush()
			case <-r.Context().Done():
				return
			}
		}
	})
	http.HandleFunc("POST /publish", func(w http.ResponseWriter, r *http.Request) {
		msg, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.publish(msg)
		w.WriteHeader(http.StatusNoContent)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
