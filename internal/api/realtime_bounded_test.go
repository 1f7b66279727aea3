package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/testserver"
)

// seedMesh creates collection "n" (name, rels: a multi relation to n
// itself) with count records, each related to all of them, so that a path
// like rels.rels.rels (three hops, within the user-filter limits) reaches
// count³ rows, and one more record, leaf, related to them all but that no
// record points to (deleting it clears no relation). It returns the ids
// of the mesh and leaf's.
func seedMesh(t *testing.T, s *testserver.Server, count int) (ids []string, leaf string) {
	t.Helper()
	s.Super("POST", "/api/collections", map[string]any{"name": "n", "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": "",
		"fields": []map[string]any{{"name": "name", "type": "text"}}}).Status(200)
	s.Super("PATCH", "/api/collections/n", map[string]any{"fields": []map[string]any{{"name": "name", "type": "text"},
		{"name": "rels", "type": "relation", "collectionId": "n", "maxSelect": count + 10}}}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "marks", "listRule": "", "viewRule": "", "createRule": "",
		"fields": []map[string]any{{"name": "name", "type": "text"}}}).Status(200)
	ids = make([]string, count)
	parallel := func(fn func(i int)) {
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < count; i += 8 {
					fn(i)
				}
			}()
		}
		wg.Wait()
	}
	parallel(func(i int) {
		ids[i] = s.Super("POST", "/api/collections/n/records", map[string]any{"name": fmt.Sprint("n", i)}).Status(200).JSON()["id"].(string)
	})
	parallel(func(i int) {
		s.Super("PATCH", "/api/collections/n/records/"+ids[i], map[string]any{"rels": ids}).Status(200)
	})
	leaf = s.Super("POST", "/api/collections/n/records", map[string]any{"name": "leaf", "rels": ids}).Status(200).JSON()["id"].(string)
	// Events go out in order: once a probe has the mark's event, the
	// seeding's events are past the dispatcher and reach no later
	// subscriber.
	probe := openSSE(t, s.URL)
	probe.subscribe(s, "", 204, "marks")
	s.Do("POST", "/api/collections/marks/records", "", map[string]any{"name": "seeded"}).Status(200)
	probe.Next()
	probe.Close()
	return ids, leaf
}

// topicWithFilter is topic with a filter option.
func topicWithFilter(topic, filter string) string {
	return topic + "?options=" + url.QueryEscape(`{"query":{"filter":`+fmt.Sprintf("%q", filter)+`}}`)
}

// expensiveFilter reaches count³ rows of the mesh (twice) without ever
// matching: the SQL check has to walk all of them.
const expensiveFilter = `rels.rels.rels.name ?= "zz" || rels.rels.rels.name ?= "yy"`

// A subscriber's filter that costs minutes of SQL does not stall writes:
// its check is cut off (CheckTimeout) on the dispatcher after an update
// and inside the deleting transaction for a delete, the write returns, a
// cheap subscriber gets every event, and the expensive one gets nothing.
// Without the bound the update's event never reaches the cheap subscriber
// and the delete does not return (SQLite: minutes; PostgreSQL: the 30 s
// statement timeout).
func TestRealtimeExpensiveFilterIsBounded(t *testing.T) {
	s := newRealtimeServer(t, realtime.Config{})
	ids, leaf := seedMesh(t, s, 400)
	b := s.API.Realtime()

	slow, cheap := openSSE(t, s.URL), openSSE(t, s.URL)
	slow.subscribe(s, "", 204, topicWithFilter("n", expensiveFilter), "marks")
	cheap.subscribe(s, "", 204, "n/*")
	_, sql0, _, _ := b.Stats().Counts()
	failed0, _ := b.Stats().Unanswered()

	s.Do("PATCH", "/api/collections/n/records/"+ids[1], "", map[string]any{"name": "changed"}).Status(200)
	if m := cheap.Next().JSON(t); m["action"] != "update" {
		t.Fatalf("cheap subscriber: %.100v, want the update", m)
	}

	done := make(chan *testserver.Response, 1)
	go func() { done <- s.Do("DELETE", "/api/collections/n/records/"+leaf, "", nil) }()
	select {
	case r := <-done:
		r.Status(204)
	case <-time.After(eventWait):
		t.Fatalf("the delete did not return within %v", eventWait)
	}
	if m := cheap.Next().JSON(t); m["action"] != "delete" {
		t.Fatalf("cheap subscriber: %.100v, want the delete", m)
	}
	// The delete committed, and the writer still works.
	s.Do("GET", "/api/collections/n/records/"+leaf, s.SuperToken, nil).Status(404)
	s.Do("POST", "/api/collections/marks/records", "", map[string]any{"name": "mark"}).Status(200)
	// Events keep their order: the expensive subscriber's first event is
	// the mark, so neither n event reached it.
	if ev := slow.Next(); ev.Name != "marks" {
		t.Fatalf("expensive subscriber got %s %s first, want the mark", ev.Name, ev.Data)
	}
	_, sql1, _, _ := b.Stats().Counts()
	failed1, _ := b.Stats().Unanswered()
	if sql1-sql0 != 2 || failed1-failed0 != 2 {
		t.Fatalf("%d SQL checks, %d cut off; want 2 and 2 (the update's and the delete's)", sql1-sql0, failed1-failed0)
	}
}

// An event runs at most MaxSQLChecks rule checks that need a query; the
// groups beyond get nothing and are counted. Each group here has its own
// filter that needs a join (and matches), so with a budget of 2 exactly
// two of the three subscribers get the create, for a create and a delete.
func TestRealtimeSQLCheckBudget(t *testing.T) {
	s := newRealtimeServer(t, realtime.Config{MaxSQLChecks: 2})
	ids, _ := seedMesh(t, s, 3)
	b := s.API.Realtime()
	var clients []*sseClient
	for _, f := range []string{`rels.name ?= "n0"`, `rels.name ?= "n1"`, `rels.name ?= "n2"`} {
		c := openSSE(t, s.URL)
		c.subscribe(s, "", 204, topicWithFilter("n", f), "marks")
		clients = append(clients, c)
	}
	// got counts the clients whose next event is an n event of action,
	// before the mark that follows it.
	got := func(action string) int {
		t.Helper()
		s.Do("POST", "/api/collections/marks/records", "", map[string]any{"name": "mark"}).Status(200)
		n := 0
		for _, c := range clients {
			ev := c.Next()
			if ev.Name == "marks" {
				continue
			}
			if m := ev.JSON(t); m["action"] != action {
				t.Fatalf("event %v, want %s", m, action)
			}
			n++
			if ev := c.Next(); ev.Name != "marks" {
				t.Fatalf("event %s after the n event, want the mark", ev.Name)
			}
		}
		return n
	}
	_, sql0, _, _ := b.Stats().Counts()
	_, over0 := b.Stats().Unanswered()
	id := s.Do("POST", "/api/collections/n/records", "", map[string]any{"name": "new", "rels": ids}).Status(200).JSON()["id"].(string)
	if n := got("create"); n != 2 {
		t.Fatalf("%d subscribers got the create, want 2 (the budget)", n)
	}
	s.Do("DELETE", "/api/collections/n/records/"+id, "", nil).Status(204)
	if n := got("delete"); n != 2 {
		t.Fatalf("%d subscribers got the delete, want 2 (the budget)", n)
	}
	_, sql1, _, _ := b.Stats().Counts()
	_, over1 := b.Stats().Unanswered()
	if sql1-sql0 != 4 || over1-over0 != 2 {
		t.Fatalf("%d SQL checks, %d over the budget; want 4 and 2", sql1-sql0, over1-over0)
	}
}

// Subscribers of one topic whose options differ get the record as REST
// would show each of them: fields and expand shape it, and an expanded
// relation appears only for the subscriber whose headers or query satisfy
// the related collection's viewRule. (The rendering used to be shared by
// auth, expand and fields alone, so whichever subscriber came first
// decided what the others saw.)
func TestRealtimeRenderFollowsSubscriptionOptions(t *testing.T) {
	s := testserver.New(t)
	s.Super("POST", "/api/collections", map[string]any{"name": "owners", "listRule": "", "createRule": "",
		"viewRule": `@request.headers.x_key = "k" || @request.query.key = "v"`,
		"fields":   []map[string]any{{"name": "name", "type": "text"}}}).Status(200)
	s.Super("POST", "/api/collections", map[string]any{"name": "docs", "listRule": "", "viewRule": "", "createRule": "",
		"fields": []map[string]any{{"name": "title", "type": "text"}, {"name": "body", "type": "text"},
			{"name": "owner", "type": "relation", "collectionId": "owners", "maxSelect": 1}}}).Status(200)
	owner := s.Super("POST", "/api/collections/owners/records", map[string]any{"name": "Olga"}).Status(200).JSON()["id"].(string)

	opts := map[string]string{
		"header":  `{"query":{"expand":"owner"},"headers":{"X-Key":"k"}}`,
		"query":   `{"query":{"expand":"owner","key":"v"}}`,
		"plain":   `{"query":{"expand":"owner"}}`,
		"fields":  `{"query":{"expand":"owner","fields":"id,title"}}`,
		"noopts":  ``,
		"fields2": `{"query":{"fields":"body"}}`,
	}
	clients := map[string]*sseClient{}
	for name, o := range opts {
		c := openSSE(t, s.URL)
		topic := "docs"
		if o != "" {
			topic += "?options=" + url.QueryEscape(o)
		}
		c.subscribe(s, "", 204, topic)
		clients[name] = c
	}
	s.Do("POST", "/api/collections/docs/records", "", map[string]any{"title": "T", "body": "B", "owner": owner}).Status(200)
	rec := map[string]map[string]any{}
	for name, c := range clients {
		rec[name] = c.Next().JSON(t)["record"].(map[string]any)
	}
	ownerName := func(name string) any {
		exp, _ := rec[name]["expand"].(map[string]any)
		o, _ := exp["owner"].(map[string]any)
		return o["name"]
	}
	if ownerName("header") != "Olga" || ownerName("query") != "Olga" {
		t.Fatalf("the subscribers whose headers/query pass the owners viewRule: %v, %v; want the owner expanded", rec["header"], rec["query"])
	}
	for _, name := range []string{"plain", "fields", "noopts", "fields2"} {
		if _, ok := rec[name]["expand"]; ok {
			t.Fatalf("%s subscriber got an expand it may not see: %v", name, rec[name])
		}
	}
	if len(rec["fields"]) != 2 || rec["fields"]["title"] != "T" || rec["fields2"]["body"] != "B" || len(rec["fields2"]) != 1 {
		t.Fatalf("fields: %v and %v, want only id,title and only body", rec["fields"], rec["fields2"])
	}
	if !strings.Contains(fmt.Sprint(rec["noopts"]), "body:B") || rec["noopts"]["owner"] != owner {
		t.Fatalf("no options: %v", rec["noopts"])
	}
}
