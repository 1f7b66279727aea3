package api

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/reqlog"
)

func (e *opsEnv) flushLogs() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.logs.Flush(ctx); err != nil {
		e.t.Fatal(err)
	}
}

// listLogs returns the decoded /api/logs answer for query q.
func (e *opsEnv) listLogs(q string) (total int, items []map[string]any) {
	e.t.Helper()
	r := e.do("GET", "/api/logs?"+q, e.super, nil)
	if r.code != 200 {
		e.t.Fatalf("GET /api/logs?%s: %d %s", q, r.code, r.body)
	}
	var res struct {
		TotalItems int              `json:"totalItems"`
		Items      []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(r.body, &res); err != nil {
		e.t.Fatal(err)
	}
	return res.TotalItems, res.Items
}

func TestLogsEndpoints(t *testing.T) {
	e := newOpsEnv(t, envOpts{logs: &reqlog.Options{}, prepare: func(s *Server) {
		s.mux.HandleFunc("GET /test/boom", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	}})
	const n = 1000
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			path := "/api/health?i=" + fmt.Sprint(i)
			if i%10 == 0 {
				path = "/api/nope"
			}
			e.do("GET", path, "", nil, "User-Agent", "logs-test", "Referer", "http://x.test/")
		}()
	}
	wg.Wait()
	e.do("GET", "/test/boom", e.super, nil)
	e.flushLogs()

	total, _ := e.listLogs("filter=" + url.QueryEscape(`data.userAgent = "logs-test"`))
	if total != n {
		t.Fatalf("logged %d requests, want %d (dropped %d)", total, n, e.logs.Dropped())
	}
	total, items := e.listLogs("filter=" + url.QueryEscape("data.status >= 400 && data.status < 500") + "&perPage=5&sort=-created")
	if total != n/10 || len(items) != 5 {
		t.Fatalf("4xx: total %d, items %d; want %d, 5", total, len(items), n/10)
	}
	it := items[0]
	data := it["data"].(map[string]any)
	if it["level"] != 4.0 || data["url"] != "/api/nope" || data["method"] != "GET" || data["type"] != "request" ||
		data["auth"] != "guest" || data["referer"] != "http://x.test/" || data["remoteIP"] != "127.0.0.1" || it["message"] != "GET /api/nope" {
		t.Fatalf("log entry = %v", it)
	}
	// The panic is logged as a 500 by a superuser with its error.
	_, items = e.listLogs("filter=" + url.QueryEscape("level = 8"))
	if len(items) != 1 {
		t.Fatalf("level 8 entries: %v", items)
	}
	d := items[0]["data"].(map[string]any)
	if d["status"] != 500.0 || d["auth"] != "_superusers" || !strings.Contains(fmt.Sprint(d["error"]), "boom") {
		t.Fatalf("panic entry = %v", items[0])
	}
	id := items[0]["id"].(string)
	if r := e.do("GET", "/api/logs/"+id, e.super, nil); r.code != 200 || r.json(t)["id"] != id {
		t.Fatalf("view: %d %s", r.code, r.body)
	}
	if r := e.do("GET", "/api/logs/nothere12345678", e.super, nil); r.code != 404 {
		t.Fatalf("view missing: %d", r.code)
	}
	// A bad filter is 400, not 500.
	if r := e.do("GET", "/api/logs?filter="+url.QueryEscape("data.status >>= 1"), e.super, nil); r.code != 400 {
		t.Fatalf("bad filter: %d %s", r.code, r.body)
	}

	// fields projects each item, data.* included; the page keys stay.
	r := e.do("GET", "/api/logs?perPage=2&fields=id,data.url&filter="+url.QueryEscape(`data.url = "/api/nope"`), e.super, nil)
	var page struct {
		Page, PerPage, TotalItems int
		Items                     []map[string]any
	}
	if r.code != 200 || json.Unmarshal(r.body, &page) != nil || page.TotalItems != n/10 || page.PerPage != 2 || len(page.Items) != 2 {
		t.Fatalf("fields: %d %s", r.code, r.body)
	}
	if it := page.Items[0]; len(it) != 2 || it["id"] == nil || fmt.Sprint(it["data"]) != "map[url:/api/nope]" {
		t.Fatalf("projected item = %v", it)
	}
	// Without a sort the oldest come first, as PocketBase lists them.
	_, oldest := e.listLogs("perPage=3")
	_, newest := e.listLogs("perPage=3&sort=-created")
	if len(oldest) != 3 || len(newest) != 3 || oldest[0]["created"].(string) > oldest[2]["created"].(string) ||
		newest[0]["created"].(string) < newest[2]["created"].(string) || oldest[0]["created"].(string) >= newest[0]["created"].(string) {
		t.Fatalf("default order: %v; -created: %v", oldest, newest)
	}
	// page and perPage are integers or a 400 naming them.
	for _, q := range []string{"perPage=abc", "page=x"} {
		if r := e.do("GET", "/api/logs?"+q, e.super, nil); r.code != 400 || !strings.Contains(string(r.body), `"code":"validation_invalid_value","message":"Must be an integer."`) {
			t.Fatalf("%s: %d %s", q, r.code, r.body)
		}
	}
	// A bad stats filter: PocketBase's message.
	if r := e.do("GET", "/api/logs/stats?filter=(((", e.super, nil); r.code != 400 || r.json(t)["message"] != "Invalid filter format." {
		t.Fatalf("stats bad filter: %d %s", r.code, r.body)
	}

	r = e.do("GET", "/api/logs/stats?filter="+url.QueryEscape(`data.userAgent = "logs-test"`), e.super, nil)
	var stats []reqlog.Stat
	if r.code != 200 || json.Unmarshal(r.body, &stats) != nil || len(stats) == 0 {
		t.Fatalf("stats: %d %s", r.code, r.body)
	}
	sum := 0
	for _, s := range stats {
		sum += s.Total
		if !strings.HasSuffix(s.Date, ":00:00.000Z") {
			t.Fatalf("stat date %q is not an hour", s.Date)
		}
	}
	if sum != n {
		t.Fatalf("stats sum %d, want %d", sum, n)
	}
}

func TestLogsAccess(t *testing.T) {
	e := newOpsEnv(t, envOpts{logs: &reqlog.Options{}})
	for _, p := range []string{"/api/logs", "/api/logs/stats", "/api/logs/abc"} {
		if r := e.do("GET", p, "", nil); r.code != 401 {
			t.Errorf("guest %s: %d", p, r.code)
		}
		if r := e.do("GET", p, e.user, nil); r.code != 403 {
			t.Errorf("user %s: %d", p, r.code)
		}
	}
}

func TestLogsFollowSettings(t *testing.T) {
	e := newOpsEnv(t, envOpts{logs: &reqlog.Options{}})
	if r := e.do("PATCH", "/api/settings", e.super, `{"logs":{"logIP":false,"logAuthId":true,"minLevel":4}}`); r.code != 200 {
		t.Fatalf("patch: %d %s", r.code, r.body)
	}
	e.do("GET", "/api/health", e.super, nil) // level 0 < minLevel 4: not logged
	e.do("GET", "/api/nope", e.user, nil)    // level 4: logged without IPs, with the auth id
	e.flushLogs()
	_, items := e.listLogs("sort=-rowid")
	var found map[string]any
	for _, it := range items {
		d := it["data"].(map[string]any)
		if d["url"] == "/api/health" {
			t.Fatalf("an info entry was logged below minLevel: %v", it)
		}
		if d["url"] == "/api/nope" {
			found = d
		}
	}
	if found == nil || found["remoteIP"] != nil || found["userIP"] != nil || found["auth"] != "users" || found["authId"] == nil {
		t.Fatalf("entry = %v", found)
	}
	// maxDays 0 turns logging off.
	if r := e.do("PATCH", "/api/settings", e.super, `{"logs":{"maxDays":0,"minLevel":0}}`); r.code != 200 {
		t.Fatalf("patch: %d %s", r.code, r.body)
	}
	e.flushLogs()
	before := e.logs.Written()
	for range 5 {
		e.do("GET", "/api/health", "", nil)
	}
	e.flushLogs()
	if after := e.logs.Written(); after != before {
		t.Fatalf("logging off, yet %d entries were written", after-before)
	}
}

// TestFullLogBufferNeverBlocks locks auxiliary.db from outside so the log
// writer is stuck, and checks that requests are still answered at once while
// the tiny queue overflows.
func TestFullLogBufferNeverBlocks(t *testing.T) {
	e := newOpsEnv(t, envOpts{logs: &reqlog.Options{Buffer: 1, BatchSize: 1}})
	lock, err := sql.Open("sqlite", "file:"+filepath.Join(e.dir, reqlog.FileName)+"?_pragma=busy_timeout(1000)")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	ctx := context.Background()
	conn, err := lock.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range 100 {
		if r := e.do("GET", "/api/health", "", nil); r.code != 200 {
			t.Fatalf("health: %d", r.code)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("100 requests took %v with a stuck log writer", d)
	}
	if e.logs.Dropped() == 0 {
		t.Fatal("nothing dropped: the writer was not stuck")
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	e.flushLogs()
	if e.logs.Dropped()+e.logs.Written() < 98 {
		t.Fatalf("written %d + dropped %d: entries unaccounted for", e.logs.Written(), e.logs.Dropped())
	}
}
