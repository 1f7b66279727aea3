package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/testserver"
)

// TestWebSocketOutlivesBodyReadTimeout: a WebSocket connection keeps
// working long after --body-read-timeout: the deadline is for request
// bodies, and an upgraded connection has none.
func TestWebSocketOutlivesBodyReadTimeout(t *testing.T) {
	const limit = 200 * time.Millisecond
	s := testserver.NewConfig(t, api.Config{BodyReadTimeout: limit})
	usersCollection(t, s, nil)
	postsCollection(t, s, "", "")
	w := openWS(t, s, "")
	w.ok(map[string]any{"type": "subscribe", "topics": []string{"posts"}})
	time.Sleep(3 * limit)
	w.ok(map[string]any{"type": "subscribe", "topics": []string{"posts", "users"}})
}

// TestWebSocketConnsPerIPv6Network: WebSocket connections count against
// the per-IP cap by /64 too.
func TestWebSocketConnsPerIPv6Network(t *testing.T) {
	s := testserver.NewConfig(t, api.Config{Realtime: realtime.Config{MaxConnsPerIP: 1}})
	s.Super("PATCH", "/api/settings", map[string]any{"trustedProxy": map[string]any{"headers": []string{"X-Forwarded-For"}}}).Status(200)
	from := func(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }
	if _, _, err := dialWS(t, s, "", from("2001:db8:5:6::1")); err != nil {
		t.Fatalf("first WebSocket: %v", err)
	}
	_, res, err := dialWS(t, s, "", from("2001:db8:5:6::2"))
	if err == nil || res == nil || res.StatusCode != 429 {
		t.Fatalf("second WebSocket from the same /64: %v %v, want 429", err, res)
	}
	if _, _, err := dialWS(t, s, "", from("2001:db8:5:7::1")); err != nil {
		t.Fatalf("WebSocket from another /64: %v", err)
	}
}
