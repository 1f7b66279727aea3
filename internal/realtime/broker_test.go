package realtime_test

import (
	"bufio"
	"context"
	galley "github.com/galleyhq/galley"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/testserver"
)

const guard = 10 * time.Second // failure guard for waits, never a timing assertion

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, guard)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newServer(t *testing.T, cfg realtime.Config) *testserver.Server {
	s := testserver.NewConfig(t, api.Config{Realtime: cfg})
	s.Super("POST", "/api/collections", map[string]any{"name": "posts", "listRule": "", "viewRule": "",
		"createRule": "", "fields": []map[string]any{{"name": "title", "type": "text"}}}).Status(200)
	return s
}

// stream is a raw SSE reader that counts events of one name.
type stream struct {
	id     string
	cancel context.CancelFunc
	lines  chan string
	done   chan struct{}
}

func openStream(t *testing.T, url string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		cancel()
		t.Fatalf("connect: %v %v", err, res)
	}
	st := &stream{cancel: cancel, lines: make(chan string, 4096), done: make(chan struct{})}
	go func() {
		defer close(st.done)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			select {
			case st.lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for st.id == "" {
		select {
		case l := <-st.lines:
			st.id, _ = strings.CutPrefix(l, "id:")
		case <-time.After(guard):
			t.Fatal("no PB_CONNECT")
		}
	}
	t.Cleanup(st.close)
	return st
}

// nextData returns the data line of the next event.
func (st *stream) nextData(t *testing.T) string {
	t.Helper()
	for {
		select {
		case l := <-st.lines:
			if d, ok := strings.CutPrefix(l, "data:"); ok && !strings.Contains(d, "clientId") {
				return d
			}
		case <-time.After(guard):
			t.Fatal("no event")
		}
	}
}

func (st *stream) close() { st.cancel(); <-st.done }

// A client that never reads is dropped once its queue is full; the other
// clients get every event.
func TestSlowClientDropped(t *testing.T) {
	const buffer = 4
	s := newServer(t, realtime.Config{Buffer: buffer})
	b := s.API.Realtime()
	slow, err := b.Connect("192.0.2.1", false) // no transport: nobody drains it
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetSubscriptions(slow.ID, core.Actor{}, []string{"posts/*"}); err != nil {
		t.Fatal(err)
	}
	fast := openStream(t, s.URL)
	s.Do("POST", "/api/realtime", "", map[string]any{"clientId": fast.id, "subscriptions": []string{"posts"}}).Status(204)
	for i := 0; i < buffer+3; i++ {
		s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "t"}).Status(200)
		fast.nextData(t)
	}
	select {
	case <-slow.Done():
	case <-time.After(guard):
		t.Fatal("slow client not dropped")
	}
	if !strings.Contains(slow.Reason(), "too slow") {
		t.Fatalf("reason %q", slow.Reason())
	}
	if _, _, dropped, _ := b.Stats().Counts(); dropped != 1 {
		t.Fatalf("dropped %d, want 1", dropped)
	}
	b.Disconnect(slow, "test done")
}

// Opening, using and closing many streams leaves no goroutine behind.
func TestNoGoroutineLeak(t *testing.T) {
	s := newServer(t, realtime.Config{})
	s.Super("GET", "/api/health", nil)
	http.DefaultClient.CloseIdleConnections()
	base := runtime.NumGoroutine()
	var streams []*stream
	for i := 0; i < 30; i++ {
		st := openStream(t, s.URL)
		s.Do("POST", "/api/realtime", "", map[string]any{"clientId": st.id, "subscriptions": []string{"posts/*"}}).Status(204)
		streams = append(streams, st)
	}
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "t"}).Status(200)
	for _, st := range streams {
		st.nextData(t)
		st.close()
	}
	waitFor(t, "clients gone", func() bool { return s.API.Realtime().ClientCount() == 0 })
	waitFor(t, "goroutines back to baseline", func() bool {
		http.DefaultClient.CloseIdleConnections()
		return runtime.NumGoroutine() <= base
	})
}

// A panic while dispatching one event is recovered: the dispatcher keeps
// delivering later events.
func TestDispatcherSurvivesPanics(t *testing.T) {
	bus := &realtime.LocalBus{}
	s := newServer(t, realtime.Config{Bus: bus})
	st := openStream(t, s.URL)
	s.Do("POST", "/api/realtime", "", map[string]any{"clientId": st.id, "subscriptions": []string{"posts/*"}}).Status(204)
	// A record without its collection panics while it is rendered.
	postsID := s.App.DB.Schema.Collection("posts").ID
	if err := bus.Publish(realtime.Event{Kind: realtime.KindRecord, Action: "update", CollectionID: postsID, RecordID: "x", Record: &galley.Record{}}); err != nil {
		t.Fatal(err)
	}
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "after"}).Status(200)
	if d := st.nextData(t); !strings.Contains(d, `"title":"after"`) {
		t.Fatalf("event %s", d)
	}
}
