package realtime_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/testserver"
)

// TestJoinRacingRevoke: a seat deleted (and its event dispatched) after
// the join rule passed but before the membership is stored still removes
// the member: the join counts as checked as of before the check.
func TestJoinRacingRevoke(t *testing.T) {
	s := testserver.New(t)
	s.Users(map[string]any{"name": "users", "type": "auth", "createRule": ""}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "seats",
		"fields": []map[string]any{{"name": "room", "type": "text"}, {"name": "user", "type": "text"}}}).Status(200)
	s.Super("PATCH", "/api/settings", map[string]any{"realtime": map[string]any{"channels": []map[string]any{
		{"pattern": "room:*", "joinRule": `@request.body.channel ~ @request.body.meta.room && ` +
			`@collection.seats:s.room = @request.body.meta.room && @collection.seats:s.user = @request.auth.id`, "sendRule": ""},
	}}}).Status(200)
	bobID := s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": "bob@example.com",
		"password": "password-1", "passwordConfirm": "password-1"}).Status(200).JSON()["id"].(string)
	seat := s.Super("POST", "/api/collections/seats/records", map[string]any{"room": "r1", "user": bobID}).Status(200).JSON()["id"].(string)
	bob, err := store.FindRecordByID(context.Background(), s.DB.Reader(), s.DB.Schema.Collection("users"), bobID)
	if err != nil {
		t.Fatal(err)
	}

	br := s.API.Realtime()
	c, err := br.Connect("192.0.2.1", true)
	if err != nil {
		t.Fatal(err)
	}
	defer br.Disconnect(c, "test over")
	if err := br.Authorize(c, bob, time.Time{}); err != nil {
		t.Fatal(err)
	}
	br.SetJoinChecked(func() {
		done := br.Stats().Events()
		s.Super("DELETE", "/api/collections/seats/records/"+seat, nil).Status(204)
		waitFor(t, "the delete dispatched", func() bool { return br.Stats().Events() > done })
	})
	if _, err := br.Join(context.Background(), c, "room:r1", json.RawMessage(`{"room":"r1"}`)); err != nil {
		t.Fatalf("join: %v", err) // the rule passed before the delete
	}
	br.SetJoinChecked(nil)
	deadline := time.After(guard)
	for left := false; !left; {
		select {
		case m := <-c.Out():
			var f map[string]any
			_ = json.Unmarshal(m.Data, &f)
			left = f["type"] == "left" && f["channel"] == "room:r1"
		case <-deadline:
			t.Fatal("no left frame after a revoke that raced the join")
		}
	}
	if _, err := br.Members(c, "room:r1"); err == nil {
		t.Fatal("still a member after the revoke")
	}
}
