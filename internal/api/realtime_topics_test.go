package api_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/testserver"
)

// TestRealtimeCustomTopics: a topic that names no collection (the SDK's
// PB_CONNECT listener, "chat:room1", "orders") is accepted, over SSE and
// WebSocket, and simply receives no record events; the per-client topic
// limit counts it; malformed topics (over-long, control characters,
// invalid UTF-8) are still a 400 naming subscriptions.
func TestRealtimeCustomTopics(t *testing.T) {
	s := newRealtimeServer(t, realtime.Config{MaxTopics: 4, MaxTopicLength: 64})
	usersCollection(t, s, nil)
	postsCollection(t, s, "", "")
	c := openSSE(t, s.URL)
	custom := []string{"PB_CONNECT", "chat:room1", "orders", `orders/123?options={"query":{"filter":"nope ~"}}`}
	c.subscribe(s, "", 204, custom...)
	got := map[string]bool{}
	for _, sub := range s.API.Realtime().Client(c.ID).Subscriptions() {
		got[sub.Raw] = sub.CollectionID == ""
	}
	for _, topic := range custom {
		if !got[topic] {
			t.Fatalf("subscriptions %v: %q missing or bound to a collection", got, topic)
		}
	}
	// A record topic beside custom ones still gets its events, named by
	// the topic as sent; the custom topics get none.
	c.subscribe(s, "", 204, "chat:room1", "posts/*", "PB_CONNECT")
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "hello"}).Status(200)
	if ev := c.Next(); ev.Name != "posts/*" || ev.JSON(t)["record"].(map[string]any)["title"] != "hello" {
		t.Fatalf("event %+v", ev)
	}
	select {
	case ev := <-c.events:
		t.Fatalf("unexpected event %+v", ev)
	case <-time.After(200 * time.Millisecond):
	}
	// The limit counts custom topics.
	r := c.subscribe(s, "", 400, "a", "b", "c", "d", "e")
	r.Contains(`"subscriptions":{"code":"validation_length_too_long","message":"The length must be no more than 4.","params":{"max":4,"min":0}}`)
	// Malformed topics stay a 400 naming the topic (PocketBase's nesting:
	// data.subscriptions.<index>).
	r = c.subscribe(s, "", 400, "ok", strings.Repeat("x", 65))
	r.Contains(`"subscriptions":{"1":{"code":"validation_length_too_long","message":"The length must be no more than 64.","params":{"max":64,"min":0}}}`)
	for _, bad := range []string{"chat\troom", "room\x00", "bell\x07", "del\x7f", "next\u0085line"} {
		r := c.subscribe(s, "", 400, bad)
		if topicErrorCode(r, 0) == "" {
			t.Errorf("%q: %s", bad, r.Body)
		}
	}
	// Invalid UTF-8 can only arrive in form data.
	form := "clientId=" + c.ID + "&subscriptions=" + url.QueryEscape("bad\xff")
	r = s.DoWith("POST", "/api/realtime", "", form, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}).Status(400)
	if topicErrorCode(r, 0) == "" {
		t.Fatalf("invalid UTF-8: %s", r.Body)
	}
	// The failed requests changed nothing.
	if n := len(s.API.Realtime().Client(c.ID).Subscriptions()); n != 3 {
		t.Fatalf("%d subscriptions after refused requests, want 3", n)
	}

	// WebSocket: the same topics are accepted, the limit holds.
	w := openWS(t, s, "")
	w.ok(map[string]any{"type": "subscribe", "topics": []string{"PB_CONNECT", "chat:room1", "posts"}})
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "again"}).Status(200)
	if ev := w.read(); ev["type"] != "event" || ev["topic"] != "posts" {
		t.Fatalf("ws event %v", ev)
	}
	if r, _ := w.call(map[string]any{"type": "subscribe", "topics": []string{"a", "b", "c", "d", "e"}}); r["status"] != float64(400) {
		t.Fatalf("ws limit %v", r)
	}
	if r, _ := w.call(map[string]any{"type": "subscribe", "topics": []string{"tab\there"}}); r["status"] != float64(400) || r["data"].(map[string]any)["subscriptions"] == nil {
		t.Fatalf("ws control character %v", r)
	}
}

// topicErrorCode is the code of the error of topic i in a subscribe
// answer (data.subscriptions.<i>.code), "" when there is none.
func topicErrorCode(r *testserver.Response, i int) string {
	data, _ := r.JSON()["data"].(map[string]any)
	subs, _ := data["subscriptions"].(map[string]any)
	fe, _ := subs[strconv.Itoa(i)].(map[string]any)
	code, _ := fe["code"].(string)
	return code
}
