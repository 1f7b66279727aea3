package api_test

import (
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/testserver"
)

// TestRealtimeTokenExpiry: a stream's auth lasts as long as the token that
// set it; after that the stream is a guest's until a fresh token of the
// same record renews it.
func TestRealtimeTokenExpiry(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	rule := "public = true || owner = @request.auth.id"
	postsCollection(t, s, rule, rule)
	uid, tok := signUp(t, s, "a@example.com", "password-1")
	c := openSSE(t, s.URL)
	c.subscribe(s, tok, 204, "posts/*")
	cl := s.API.Realtime().Client(c.ID)
	// The users collection's tokens last 5 days (432000 s).
	if exp := time.Until(cl.AuthExpires()); exp < 4*24*time.Hour || exp > 6*24*time.Hour {
		t.Fatalf("auth expires in %v, want the token's 5 days", exp)
	}
	// The token runs out (set the expiry in the past, as time would).
	if err := s.API.Realtime().Authorize(cl, cl.Auth(), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if cl.Auth() != nil {
		t.Fatal("an expired token still authenticates the stream")
	}
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "private", "owner": uid}).Status(200)
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "public", "public": true}).Status(200)
	if m := c.Next().JSON(t); m["record"].(map[string]any)["title"] != "public" {
		t.Fatalf("expired stream got %v", m)
	}
	// A fresh token of the same user renews it; another user's is refused.
	c.subscribe(s, tok, 204, "posts/*")
	if cl.Auth() == nil || cl.Auth().ID() != uid {
		t.Fatal("a fresh token did not renew the stream's auth")
	}
	_, other := signUp(t, s, "b@example.com", "password-1")
	c.subscribe(s, other, 403, "posts/*")
}

// TestRealtimeFloods: subscription changes and WebSocket messages beyond
// the per-client rate are refused with 429; other clients are unaffected.
func TestRealtimeFloods(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	postsCollection(t, s, "", "")
	c := openSSE(t, s.URL)
	limited := 0
	for range 100 {
		res := s.Do("POST", "/api/realtime", "", map[string]any{"clientId": c.ID, "subscriptions": []string{"posts"}})
		switch res.Code {
		case 204:
		case 429:
			limited++
		default:
			t.Fatalf("subscribe flood: status %d %s", res.Code, res.Body)
		}
	}
	if limited == 0 {
		t.Fatal("100 subscription changes in a burst were all accepted")
	}
	other := openSSE(t, s.URL)
	other.subscribe(s, "", 204, "posts")

	w := openWS(t, s, "")
	statuses := map[float64]int{}
	for range 100 {
		r, _ := w.call(map[string]any{"type": "subscribe", "topics": []string{"posts"}})
		if r["type"] == "ok" {
			statuses[200]++
		} else {
			statuses[r["status"].(float64)]++
		}
	}
	if statuses[429] == 0 || statuses[200] == 0 || len(statuses) != 2 {
		t.Fatalf("WebSocket flood answers: %v", statuses)
	}
}
