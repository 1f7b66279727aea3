package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/store/storetest"
	"github.com/galleyhq/galley/internal/testserver"
)

// hopSchema creates public collections a (nA records) and b (nB records,
// b.rel → a, spread evenly), inserted in one statement each.
func hopSchema(t *testing.T, s *testserver.Server, nA, nB int) {
	t.Helper()
	pub := ptr("")
	a := mustCollection(t, s, &galley.Collection{Name: "a", ListRule: pub, ViewRule: pub,
		Fields: []*galley.Field{{ID: "f_aname", Name: "name", Type: galley.FieldText}}})
	mustCollection(t, s, &galley.Collection{Name: "b", ListRule: pub, ViewRule: pub,
		Fields: []*galley.Field{{ID: "f_bname", Name: "name", Type: galley.FieldText},
			{ID: "f_rel", Name: "rel", Type: galley.FieldRelation, CollectionID: a.ID, MaxSelect: 1},
			{ID: "f_hrel", Name: "hrel", Type: galley.FieldRelation, CollectionID: a.ID, MaxSelect: 1, Hidden: true}}})
	ctx := context.Background()
	seed := func(q string, args ...any) {
		if _, err := s.DB.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	seed(`INSERT INTO "a" ("id", "name") WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		SELECT 'a' || i, 'a' || i FROM n`, nA-1)
	seed(`INSERT INTO "b" ("id", "name", "rel", "hrel") WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		SELECT 'b' || i, 'b' || i, 'a' || (i % ?), 'a' || (i % ?) FROM n`, nB-1, nA, nA)
}

// TestFilterHopLimits: a guest's filter may follow 3 relations per path and
// join 10 relations in all; rules 6 hops, refused when the collection is
// saved (400 on the rule field).
func TestFilterHopLimits(t *testing.T) {
	s := testserver.New(t)
	hopSchema(t, s, 4, 8)
	three := url.QueryEscape(`rel.b_via_rel.rel.name ?= "a1"`)
	s.Do("GET", "/api/collections/b/records?filter="+three, "", nil).Status(200)
	four := url.QueryEscape(`rel.b_via_rel.rel.b_via_rel.name ?= "zz"`)
	s.Do("GET", "/api/collections/b/records?filter="+four, "", nil).Status(400).Contains("too many relation hops", "at most 3")
	s.Super("GET", "/api/collections/b/records?filter="+four, nil).Status(200) // superusers: the rule limit
	joins := url.QueryEscape(strings.TrimSuffix(strings.Repeat(`rel.b_via_rel.name ?= "x" || `, 6), " || "))
	s.Do("GET", "/api/collections/b/records?filter="+joins, "", nil).Status(400).Contains("at most 10 relation joins")
	seven := `rel.b_via_rel.rel.b_via_rel.rel.b_via_rel.rel.name ?= "x"`
	res := s.Super("PATCH", "/api/collections/b", map[string]any{"listRule": seven}).Status(400)
	if res.FieldCode("listRule") == "" || !strings.Contains(string(res.Body), "at most 6") {
		t.Fatalf("7-hop rule: %s", res.Body)
	}
	six := `rel.b_via_rel.rel.b_via_rel.rel.b_via_rel.name ?= "x"`
	s.Super("PATCH", "/api/collections/b", map[string]any{"listRule": six}).Status(200)
}

// TestSlowReadStopped: the confirmed hole — an 8-hop path over 20 × 400
// records ran 35 s on SQLite. With the hop limit raised to let it through,
// the statement timeout stops it on both databases with a 400 naming the
// timeout, and the server keeps answering.
func TestSlowReadStopped(t *testing.T) {
	opts := storetest.Options(t)
	opts.StatementTimeout = time.Second
	s := testserver.NewOn(t, opts, api.Config{})
	s.App.FilterLimits.MaxHops = 8
	hopSchema(t, s, 20, 400)
	slow := url.QueryEscape(`rel.b_via_rel.rel.b_via_rel.rel.b_via_rel.rel.b_via_rel.name ?= "zz"`)
	done := make(chan *testserver.Response, 3)
	for range 3 {
		go func() { done <- s.Do("GET", "/api/collections/b/records?filter="+slow, "", nil) }()
	}
	for range 3 {
		(<-done).Status(400).Contains("longer than the 1s statement timeout")
	}
	s.Do("GET", "/api/collections/b/records?perPage=1", "", nil).Status(200)
}

// TestExpandBounds: a back-relation expand gives each record at most 1000
// records; an expand loading more than App.ExpandMaxRecords in all is 400
// naming the limit; hidden relation fields are not expanded for guests.
func TestExpandBounds(t *testing.T) {
	s := testserver.New(t)
	hopSchema(t, s, 2, 1203) // a0: 602 b's, a1: 601
	s.App.ExpandMaxRecords = 1000
	res := s.Do("GET", "/api/collections/a/records/a0?expand=b_via_rel", "", nil).Status(200)
	if n := len(res.JSON()["expand"].(map[string]any)["b_via_rel"].([]any)); n != 602 {
		t.Fatalf("a0 b_via_rel: %d records", n)
	}
	s.Do("GET", "/api/collections/a/records?expand=b_via_rel", "", nil).Status(400).Contains("more than 1000 records")
	s.App.ExpandMaxRecords = 0 // the default, 10000
	res = s.Do("GET", "/api/collections/a/records?expand=b_via_rel", "", nil).Status(200)
	for _, it := range res.JSON()["items"].([]any) {
		m := it.(map[string]any)
		if n := len(m["expand"].(map[string]any)["b_via_rel"].([]any)); n != map[string]int{"a0": 602, "a1": 601}[m["id"].(string)] {
			t.Fatalf("%s b_via_rel: %d records", m["id"], n)
		}
	}
	// Hidden relation fields: ignored like unknown paths, both ways.
	res = s.Do("GET", "/api/collections/b/records/b0?expand=hrel,rel", "", nil).Status(200)
	if exp := res.JSON()["expand"].(map[string]any); exp["hrel"] != nil || exp["rel"] == nil {
		t.Fatalf("guest expand of hidden hrel: %s", res.Body)
	}
	res = s.Do("GET", "/api/collections/a/records/a0?expand=b_via_hrel", "", nil).Status(200)
	if _, ok := res.JSON()["expand"]; ok {
		t.Fatalf("guest expand of back-relation through hidden hrel: %s", res.Body)
	}
	res = s.Super("GET", "/api/collections/b/records/b0?expand=hrel", nil).Status(200)
	if res.JSON()["expand"].(map[string]any)["hrel"] == nil {
		t.Fatalf("superuser expand of hidden hrel: %s", res.Body)
	}
}
