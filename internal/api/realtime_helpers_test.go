package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/testserver"
)

// eventWait guards every wait for an event: a test that waits this long
// has failed (it is never a timing assertion).
const eventWait = 10 * time.Second

// sseEvent is one Server-Sent Event as read off the wire.
type sseEvent struct {
	ID, Name string
	Data     string
}

// JSON decodes the event's data.
func (e sseEvent) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(e.Data), &m); err != nil {
		t.Fatalf("event %s: data %q: %v", e.Name, e.Data, err)
	}
	return m
}

// sseClient is a real HTTP client reading GET /api/realtime.
type sseClient struct {
	t        *testing.T
	ID       string
	events   chan sseEvent
	closed   chan struct{}
	cancel   context.CancelFunc
	Connect  sseEvent
	response *http.Response
}

// openSSE connects to base and reads the PB_CONNECT event.
func openSSE(t *testing.T, base string) *sseClient {
	t.Helper()
	c, code := dialSSE(t, base)
	if code != 200 {
		t.Fatalf("GET /api/realtime: status %d", code)
	}
	return c
}

// dialSSE connects and returns the client (nil unless status 200) and the status.
func dialSSE(t *testing.T, base string) (*sseClient, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET /api/realtime: %v", err)
	}
	if res.StatusCode != 200 {
		res.Body.Close()
		cancel()
		return nil, res.StatusCode
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	c := &sseClient{t: t, events: make(chan sseEvent, 1000), closed: make(chan struct{}), cancel: cancel, response: res}
	go c.read()
	t.Cleanup(c.Close)
	c.Connect = c.Next()
	if c.Connect.Name != "PB_CONNECT" {
		t.Fatalf("first event %+v, want PB_CONNECT", c.Connect)
	}
	c.ID = c.Connect.ID
	return c, 200
}

func (c *sseClient) read() {
	defer close(c.closed)
	defer c.response.Body.Close()
	sc := bufio.NewScanner(c.response.Body)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.Name != "" || ev.Data != "" {
				c.events <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, "id:"):
			ev.ID = strings.TrimPrefix(line, "id:")
		case strings.HasPrefix(line, "event:"):
			ev.Name = strings.TrimPrefix(line, "event:")
		case strings.HasPrefix(line, "data:"):
			ev.Data += strings.TrimPrefix(line, "data:")
		}
	}
}

// Next returns the next event; it fails the test when none comes.
func (c *sseClient) Next() sseEvent {
	c.t.Helper()
	select {
	case ev := <-c.events:
		return ev
	case <-c.closed:
		select {
		case ev := <-c.events:
			return ev
		default:
		}
		c.t.Fatalf("stream closed while waiting for an event")
	case <-time.After(eventWait):
		c.t.Fatalf("no event within %v", eventWait)
	}
	return sseEvent{}
}

// WaitClosed fails the test unless the server ends the stream.
func (c *sseClient) WaitClosed() {
	c.t.Helper()
	select {
	case <-c.closed:
	case <-time.After(eventWait):
		c.t.Fatalf("stream still open after %v", eventWait)
	}
}

// Close ends the stream from the client side.
func (c *sseClient) Close() {
	c.cancel()
	<-c.closed
}

// subscribe sets the client's subscriptions as token and checks the status.
func (c *sseClient) subscribe(s *testserver.Server, token string, status int, topics ...string) *testserver.Response {
	c.t.Helper()
	if topics == nil {
		topics = []string{}
	}
	return s.Do("POST", "/api/realtime", token, map[string]any{"clientId": c.ID, "subscriptions": topics}).Status(status)
}

// newRealtimeServer is testserver.New with realtime limits cfg.
func newRealtimeServer(t *testing.T, cfg realtime.Config) *testserver.Server {
	t.Helper()
	return testserver.NewConfig(t, api.Config{Realtime: cfg})
}

// waitFor polls cond until it holds; it fails the test after eventWait.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(eventWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", eventWait)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
