package api_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/testserver"
)

// postsCollection creates "posts" (title, secret hidden, owner → users,
// public bool) with the given list and view rules (nil = superusers only).
func postsCollection(t *testing.T, s *testserver.Server, listRule, viewRule any) {
	t.Helper()
	s.Super("POST", "/api/collections", map[string]any{"name": "posts", "listRule": listRule, "viewRule": viewRule,
		"createRule": "", "updateRule": "", "deleteRule": "",
		"fields": []map[string]any{
			{"name": "title", "type": "text"},
			{"name": "secret", "type": "text", "hidden": true},
			{"name": "public", "type": "bool"},
			{"name": "owner", "type": "relation", "collectionId": "users", "maxSelect": 1},
		}}).Status(200)
}

func TestRealtimeConnectFraming(t *testing.T) {
	s := testserver.New(t)
	c := openSSE(t, s.URL)
	if len(c.ID) < 20 {
		t.Fatalf("client id %q", c.ID)
	}
	if got := c.Connect.JSON(t); !reflect.DeepEqual(got, map[string]any{"clientId": c.ID}) {
		t.Fatalf("PB_CONNECT data %v", got)
	}
	// An empty subscription set is accepted.
	c.subscribe(s, "", 204)
}

func TestRealtimeEventsMatchREST(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, map[string]any{"listRule": "", "viewRule": ""})
	postsCollection(t, s, "", "")
	aID, aTok := signUp(t, s, "a@example.com", "password-1")
	// Events are dispatched asynchronously: a witness subscribed before the
	// create sees it go by, so the clients below subscribe only after its
	// dispatch and cannot be handed it.
	witness := openSSE(t, s.URL)
	witness.subscribe(s, "", 204, "posts/*")
	// Hidden fields are set by superusers only.
	rec := s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "first", "secret": "s", "owner": aID}).Status(200).JSON()
	id := rec["id"].(string)
	if m := witness.Next().JSON(t); m["action"] != "create" {
		t.Fatalf("witness event %v", m)
	}

	guest := openSSE(t, s.URL)
	guest.subscribe(s, "", 204, "posts/*", "posts/"+id)
	super := openSSE(t, s.URL)
	opts := `?options=` + `{"query":{"expand":"owner","fields":"id,title,secret,expand.owner.name"}}`
	super.subscribe(s, s.SuperToken, 204, "posts"+opts)

	s.Do("PATCH", "/api/collections/posts/records/"+id, aTok, map[string]any{"title": "second"}).Status(200)
	restGuest := s.Do("GET", "/api/collections/posts/records/"+id, "", nil).Status(200).JSON()
	// The guest gets the event twice (collection and record topic), named
	// after each topic, with the record exactly as REST shows it to a guest.
	names := map[string]bool{}
	for i := 0; i < 2; i++ {
		ev := guest.Next()
		names[ev.Name] = true
		if ev.ID != guest.ID {
			t.Fatalf("event id %q, want the client id", ev.ID)
		}
		m := ev.JSON(t)
		if m["action"] != "update" || !reflect.DeepEqual(m["record"], restGuest) {
			t.Fatalf("guest event %v, want record %v", m, restGuest)
		}
	}
	if !names["posts/*"] || !names["posts/"+id] {
		t.Fatalf("event names %v", names)
	}
	restSuper := s.Super("GET", "/api/collections/posts/records/"+id+"?expand=owner&fields=id,title,secret,expand.owner.name", nil).Status(200).JSON()
	ev := super.Next()
	if ev.Name != "posts"+opts {
		t.Fatalf("event name %q", ev.Name)
	}
	if m := ev.JSON(t); !reflect.DeepEqual(m["record"], restSuper) || restSuper["secret"] != "s" {
		t.Fatalf("superuser event %v, want %v", m["record"], restSuper)
	}

	s.Do("DELETE", "/api/collections/posts/records/"+id, aTok, nil).Status(204)
	for i := 0; i < 2; i++ {
		if m := guest.Next().JSON(t); m["action"] != "delete" || m["record"].(map[string]any)["id"] != id {
			t.Fatalf("delete event %v", m)
		}
	}
	created := s.Do("POST", "/api/collections/posts/records", "", map[string]any{"title": "third"}).Status(200).JSON()
	if ev := guest.Next(); ev.Name != "posts/*" || ev.JSON(t)["action"] != "create" || ev.JSON(t)["record"].(map[string]any)["id"] != created["id"] {
		t.Fatalf("create event %+v", ev)
	}
}

// A private record never reaches another user; events keep their order,
// so receiving the later public record first proves the private one was
// not sent.
func TestRealtimeRulesPerSubscriber(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	rule := "public = true || owner = @request.auth.id"
	postsCollection(t, s, rule, rule)
	aID, aTok := signUp(t, s, "a@example.com", "password-1")
	_, bTok := signUp(t, s, "b@example.com", "password-1")
	a, b, g := openSSE(t, s.URL), openSSE(t, s.URL), openSSE(t, s.URL)
	a.subscribe(s, aTok, 204, "posts/*")
	b.subscribe(s, bTok, 204, "posts/*")
	g.subscribe(s, "", 204, "posts/*")

	priv := s.Do("POST", "/api/collections/posts/records", aTok, map[string]any{"title": "mine", "owner": aID}).Status(200).JSON()["id"]
	pub := s.Do("POST", "/api/collections/posts/records", aTok, map[string]any{"title": "ours", "public": true}).Status(200).JSON()["id"]
	if got := a.Next().JSON(t)["record"].(map[string]any)["id"]; got != priv {
		t.Fatalf("owner got %v first, want the private record", got)
	}
	for name, c := range map[string]*sseClient{"a": a, "b": b, "guest": g} {
		if got := c.Next().JSON(t)["record"].(map[string]any)["id"]; got != pub {
			t.Fatalf("%s got %v, want only the public record %v", name, got, pub)
		}
	}
}

func TestRealtimeNullRuleSuperusersOnly(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	postsCollection(t, s, nil, nil)
	_, aTok := signUp(t, s, "a@example.com", "password-1")
	user, super := openSSE(t, s.URL), openSSE(t, s.URL)
	// The subscription is accepted whatever the rules say.
	user.subscribe(s, aTok, 204, "posts/*", "users/*")
	super.subscribe(s, s.SuperToken, 204, "posts/*")
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "x"}).Status(200)
	if m := super.Next().JSON(t); m["action"] != "create" {
		t.Fatalf("superuser event %v", m)
	}
	// The user's next event is about its own record (users: id = auth.id).
	uid := s.Super("GET", "/api/collections/users/records", nil).Items()[0]
	s.Super("PATCH", "/api/collections/users/records/"+uid, map[string]any{"name": "Ann"}).Status(200)
	if ev := user.Next(); ev.Name != "users/*" {
		t.Fatalf("user got %s %s, want only its own users event", ev.Name, ev.Data)
	}
}

func TestRealtimeSubscribeErrors(t *testing.T) {
	s := newRealtimeServer(t, realtime.Config{MaxTopics: 3, MaxTopicLength: 64})
	usersCollection(t, s, nil)
	postsCollection(t, s, "", "")
	_, aTok := signUp(t, s, "a@example.com", "password-1")
	_, bTok := signUp(t, s, "b@example.com", "password-1")
	c := openSSE(t, s.URL)

	s.Do("POST", "/api/realtime", "", map[string]any{"clientId": "nope", "subscriptions": []string{}}).Status(404)
	for _, tc := range []struct {
		body  string
		field string
	}{
		{`{}`, "clientId"},
		{`{"clientId": 5}`, "clientId"},
		{`{"clientId": "` + c.ID + `", "subscriptions": "posts"}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": [1]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": ["posts/"]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": ["posts/a/b"]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": [""]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": ["chat\nroom"]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": ["chat\u0000"]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": ["posts/*?options=notjson"]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": ["posts/*?options={\"query\":{\"filter\":\"nope ~\"}}"]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": ["posts/*?options={\"query\":{\"filter\":\"secret='x'\"}}"]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": ["posts/*?options={\"query\":{\"fields\":\"a:bad\"}}"]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": ["a","b","c","d"]}`, "subscriptions"},
		{`{"clientId": "` + c.ID + `", "subscriptions": ["posts/` + strings.Repeat("x", 64) + `"]}`, "subscriptions"},
	} {
		r := s.Do("POST", "/api/realtime", "", tc.body).Status(400)
		if r.FieldCode(tc.field) == "" && topicErrorCode(r, 0) == "" {
			t.Errorf("%s: no error for %q: %s", tc.body, tc.field, r.Body)
		}
	}
	s.Do("POST", "/api/realtime", "", "not json").Status(400)
	// A missing clientId: PocketBase's required message.
	s.Do("POST", "/api/realtime", "", `{}`).Status(400).Contains(`"clientId":{"code":"validation_required","message":"Cannot be blank."}`)
	s.DoWith("POST", "/api/realtime", "", "subscriptions=posts", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}).
		Status(400).Contains(`"message":"Cannot be blank."`)
	// The first authenticated request fixes the client's auth.
	c.subscribe(s, aTok, 204, "posts/*")
	c.subscribe(s, aTok, 204, "posts/*", "users/*")
	c.subscribe(s, bTok, 403)
	c.subscribe(s, "", 403)
	// Form data works too.
	s.DoWith("POST", "/api/realtime", aTok, "clientId="+c.ID+"&subscriptions=posts", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}).Status(204)
}

func TestRealtimeConnectionsPerIP(t *testing.T) {
	s := newRealtimeServer(t, realtime.Config{MaxConnsPerIP: 2})
	a := openSSE(t, s.URL)
	openSSE(t, s.URL)
	if _, code := dialSSE(t, s.URL); code != 429 {
		t.Fatalf("third connection: status %d, want 429", code)
	}
	a.Close()
	// The slot is freed once the server sees the stream end.
	waitFor(t, func() bool { return s.API.Realtime().ClientCount() == 1 })
	openSSE(t, s.URL)
}

func TestRealtimeIdleTimeoutAndMaxAge(t *testing.T) {
	s := newRealtimeServer(t, realtime.Config{IdleTimeout: 50e6})
	openSSE(t, s.URL).WaitClosed()
	s2 := newRealtimeServer(t, realtime.Config{MaxAge: 50e6})
	openSSE(t, s2.URL).WaitClosed()
}

// A password change or the deletion of the auth record de-authorises its
// open streams at once: they continue as guests.
func TestRealtimeTokenRotationDeauthorises(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	rule := "public = true || owner = @request.auth.id"
	postsCollection(t, s, rule, rule)
	aID, aTok := signUp(t, s, "a@example.com", "password-1")
	c := openSSE(t, s.URL)
	c.subscribe(s, aTok, 204, "posts/*")
	s.Do("POST", "/api/collections/posts/records", aTok, map[string]any{"title": "before", "owner": aID}).Status(200)
	if m := c.Next().JSON(t); m["record"].(map[string]any)["title"] != "before" {
		t.Fatalf("event %v", m)
	}
	s.Do("PATCH", "/api/collections/users/records/"+aID, aTok, map[string]any{"password": "password-2", "passwordConfirm": "password-2", "oldPassword": "password-1"}).Status(200)
	if auth := s.API.Realtime().Client(c.ID).Auth(); auth != nil {
		t.Fatalf("client still authenticated as %v", auth.ID())
	}
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "private", "owner": aID}).Status(200)
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "public", "public": true}).Status(200)
	if m := c.Next().JSON(t); m["record"].(map[string]any)["title"] != "public" {
		t.Fatalf("de-authorised stream got %v", m)
	}
	// A new token of the same user re-authorises the guest client.
	tok := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-2"}).Status(200).JSON()["token"].(string)
	c.subscribe(s, tok, 204, "posts/*")
	s.Super("DELETE", "/api/collections/users/records/"+aID, nil).Status(204)
	if auth := s.API.Realtime().Client(c.ID).Auth(); auth != nil {
		t.Fatalf("client still authenticated after the delete")
	}
}

func TestRealtimeFilterOption(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	postsCollection(t, s, "", "")
	c := openSSE(t, s.URL)
	opt, _ := json.Marshal(map[string]any{"query": map[string]any{"filter": `title ~ "keep"`}})
	c.subscribe(s, "", 204, "posts/*?options="+string(opt))
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "drop me"}).Status(200)
	s.Super("POST", "/api/collections/posts/records", map[string]any{"title": "keep me"}).Status(200)
	if m := c.Next().JSON(t); m["record"].(map[string]any)["title"] != "keep me" {
		t.Fatalf("filtered event %v", m)
	}
}

// The OAuth2 popup redirect reaches the realtime client named by state,
// on @oauth2, as GET query or POST form.
func TestRealtimeOAuth2Redirect(t *testing.T) {
	s := testserver.New(t)
	c := openSSE(t, s.URL)
	c.subscribe(s, "", 204, "@oauth2")
	s.Do("GET", "/api/oauth2-redirect?state="+c.ID+"&code=abc", "", nil).Status(200).Contains("Authentication complete")
	ev := c.Next()
	if ev.Name != "@oauth2" || !reflect.DeepEqual(ev.JSON(t), map[string]any{"state": c.ID, "code": "abc", "error": ""}) {
		t.Fatalf("event %s %s", ev.Name, ev.Data)
	}
	s.DoWith("POST", "/api/oauth2-redirect", "", "state="+c.ID+"&code=xyz", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}).Status(200)
	if m := c.Next().JSON(t); m["code"] != "xyz" {
		t.Fatalf("form_post event %v", m)
	}
	s.Do("GET", "/api/oauth2-redirect?state="+c.ID+"&error=access_denied", "", nil).Status(200).Contains("failed")
	if m := c.Next().JSON(t); m["error"] != "access_denied" {
		t.Fatalf("error event %v", m)
	}
	// Unknown state, missing state, or a client not subscribed to @oauth2: 400.
	s.Do("GET", "/api/oauth2-redirect?state=unknown&code=abc", "", nil).Status(400)
	s.Do("GET", "/api/oauth2-redirect?code=abc", "", nil).Status(400)
	other := openSSE(t, s.URL)
	other.subscribe(s, "", 204)
	s.Do("GET", "/api/oauth2-redirect?state="+other.ID+"&code=abc", "", nil).Status(400)
}
