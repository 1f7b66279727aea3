package realtime_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	galley "github.com/galleyhq/galley"
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
	postsID := s.DB.Schema.Collection("posts").ID
	if err := bus.Publish(realtime.Event{Kind: realtime.KindRecord, Action: "update", CollectionID: postsID, RecordID: "x", Record: &galley.Record{}}); err != nil {
		t.Fatal(err)
	}
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "after"}).Status(200)
	if d := st.nextData(t); !strings.Contains(d, `"title":"after"`) {
		t.Fatalf("event %s", d)
	}
}

// Rules that need a join cost one query per event per (rule, auth) group,
// not per subscriber; rules on the record's own fields and @request.auth
// cost none. Deletes are checked inside the deleting transaction.
func TestAuthorisationCost(t *testing.T) {
	s := testserver.New(t)
	s.Users(map[string]any{"name": "users", "type": "auth", "listRule": "", "viewRule": "",
		"createRule": "", "fields": []map[string]any{{"name": "name", "type": "text"}}}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "posts", "createRule": "", "deleteRule": "",
		"listRule": `owner.name = @request.auth.name`, "viewRule": `owner = @request.auth.id`,
		"fields": []map[string]any{{"name": "title", "type": "text"}, {"name": "owner", "type": "relation", "collectionId": "users", "maxSelect": 1}}}).Status(200)
	uid := s.Super("POST", "/api/collections/users/records", map[string]any{"email": "a@example.com", "password": "password-1", "passwordConfirm": "password-1", "name": "Ann"}).Status(200).JSON()["id"].(string)
	user := s.DB.Schema.Collection("users")
	b := s.API.Realtime()
	auth, authErr := s.App.ViewRecord(context.Background(), core.Actor{Auth: nil}, user.Name, uid, "")
	if authErr != nil {
		t.Fatal(authErr)
	}
	var clients []*realtime.Client
	subscribe := func(a *galley.Record, topic string) {
		c, err := b.Connect("192.0.2.9", false)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Disconnect(c, "test done") })
		if err := b.SetSubscriptions(c.ID, core.Actor{Auth: a}, []string{topic}); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	for i := 0; i < 20; i++ {
		subscribe(auth, "posts/*")
	}
	for i := 0; i < 5; i++ {
		subscribe(nil, "posts/*")
	}
	// received waits until want more messages were queued (the whole
	// event is dispatched at once), then counts the clients that got one.
	var seen int64
	received := func(want int) {
		t.Helper()
		waitFor(t, "delivery", func() bool { _, _, _, d := b.Stats().Counts(); return d >= seen+int64(want) })
		_, _, _, seen = b.Stats().Counts()
		got := 0
		for _, c := range clients {
			select {
			case <-c.Out():
				got++
			default:
			}
		}
		if got != want {
			t.Fatalf("%d clients received the event, want %d", got, want)
		}
	}
	mem0, sql0, _, _ := b.Stats().Counts()
	id := s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "x", "owner": uid}).Status(200).JSON()["id"].(string)
	received(20)
	mem1, sql1, _, _ := b.Stats().Counts()
	if sql1-sql0 != 2 || mem1 != mem0 {
		t.Fatalf("join rule: %d queries and %d memory checks for 25 subscribers, want 2 and 0", sql1-sql0, mem1-mem0)
	}
	s.Super("DELETE", "/api/collections/posts/records/"+id, nil).Status(204)
	received(20)

	// A record topic uses the viewRule, which needs no join: no query at all.
	for _, c := range clients {
		b.Disconnect(c, "next part")
	}
	clients = nil
	// The create's event is dispatched after the response: wait for it, or
	// it could reach the record subscriptions made just below.
	ev0 := b.Stats().Events()
	id2 := s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "y", "owner": uid}).Status(200).JSON()["id"].(string)
	waitFor(t, "create dispatched", func() bool { return b.Stats().Events() > ev0 })
	for i := 0; i < 10; i++ {
		subscribe(auth, "posts/"+id2)
		subscribe(nil, "posts/"+id2)
	}
	_, sql2, _, _ := b.Stats().Counts()
	s.Super("PATCH", "/api/collections/posts/records/"+id2, map[string]any{"title": "z"}).Status(200)
	received(10)
	mem3, sql3, _, _ := b.Stats().Counts()
	if sql3 != sql2 || mem3-mem1 != 2 {
		t.Fatalf("own-field rule: %d queries, %d memory checks; want 0 and 2 (one per group)", sql3-sql2, mem3-mem1)
	}
}

// A burst of events reaches an SSE stream complete and in order, however
// many of them the writer batches into one flush.
func TestSSEBurstInOrder(t *testing.T) {
	bus := &realtime.LocalBus{}
	s := newServer(t, realtime.Config{Bus: bus, Buffer: 512})
	st := openStream(t, s.URL)
	s.Do("POST", "/api/realtime", "", map[string]any{"clientId": st.id, "subscriptions": []string{"posts"}}).Status(204)
	const n = 300
	publishBurst(t, s, bus, n)
	if d := st.nextData(t); !strings.Contains(d, `"title":"first"`) {
		t.Fatalf("first event %s", d)
	}
	for i := range n {
		d := st.nextData(t)
		if want := fmt.Sprintf(`"title":"t%d-`, i); !strings.Contains(d, want) || !strings.HasPrefix(d, `{"action":"update"`) {
			t.Fatalf("event %d: %.80s…, want %s", i, d, want)
		}
	}
}

// publishBurst creates a post and publishes n updates of it back to back
// on bus (titles "t0-ppp…" to "t{n-1}-ppp…", 1 KB each), faster than any
// writer drains them.
func publishBurst(t *testing.T, s *testserver.Server, bus *realtime.LocalBus, n int) {
	t.Helper()
	rec := s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "first"}).Status(200).JSON()
	posts := s.DB.Schema.Collection("posts")
	pad := strings.Repeat("p", 1000)
	for i := range n {
		data := map[string]any{}
		for k, v := range rec {
			data[k] = v
		}
		data["title"] = fmt.Sprintf("t%d-%s", i, pad)
		if err := bus.Publish(realtime.Event{Kind: realtime.KindRecord, Action: "update", CollectionID: posts.ID,
			RecordID: data["id"].(string), Record: &galley.Record{Collection: posts, Data: data}}); err != nil {
			t.Fatal(err)
		}
	}
}

// A burst of events reaches a WebSocket complete and in order, however
// the writer corks them into batches (here more than one batch's limit).
func TestWSBurstInOrder(t *testing.T) {
	bus := &realtime.LocalBus{}
	s := newServer(t, realtime.Config{Bus: bus, Buffer: 512})
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/api/realtime/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	read := func() string {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		return string(data)
	}
	read() // connect
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"subscribe","topics":["posts/*"]}`)); err != nil {
		t.Fatal(err)
	}
	if r := read(); !strings.Contains(r, `"type":"ok"`) {
		t.Fatalf("subscribe: %s", r)
	}
	const n = 300 // ~300 KB: past corkLimit several times over
	publishBurst(t, s, bus, n)
	if ev := read(); !strings.Contains(ev, `"title":"first"`) {
		t.Fatalf("first event %s", ev)
	}
	for i := range n {
		if ev, want := read(), fmt.Sprintf(`"title":"t%d-`, i); !strings.Contains(ev, want) {
			t.Fatalf("event %d: %.80s…, want %s", i, ev, want)
		}
	}
}
