package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	idRE   = regexp.MustCompile(`^[a-z0-9]{15}$`)
	viewRE = regexp.MustCompile(`^views > ([0-9]+)$`)
)

var recordKeys = []string{"collectionId", "collectionName", "id", "title", "views", "author", "public", "created", "updated"}

// probe sends one request of sc to t and checks the answer against the
// contract and against the seeded data. It returns the problems found and
// the sorted keys of the record (or first list item), for comparing servers.
//
// After a scenario that writes, the seeded data is only a lower bound of
// what matches (grown is true), and totals are checked as such.
func probe(ctx context.Context, t *target, sc scenario, d *dataset, ruleOn, grown bool) (problems []string, keys []string) {
	r := rand.New(rand.NewPCG(7, 7))
	rq := sc.request(r, t)
	if sc.auth {
		return probeAuth(ctx, t, sc, rq, d)
	}
	if rq.path == batchPath {
		return probeBatch(ctx, t, rq)
	}
	method, path := rq.method, rq.path
	fail := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s %s: ", method, path)+fmt.Sprintf(format, args...))
	}
	m, err := fetchJSON(ctx, t, rq, http.StatusOK)
	if err != nil {
		fail("%v", err)
		return
	}

	u, _ := url.Parse(path)
	if _, isList := m["items"]; !isList && !strings.Contains(u.Path, "/records/") && method == "GET" {
		fail("list answer has no items: %v", m)
		return
	}
	if method == "POST" || strings.Contains(u.Path, "/records/") {
		problems = append(problems, checkRecord(method+" "+path, m)...)
		return problems, sortedKeys(m)
	}

	// A list.
	q := u.Query()
	for _, k := range []string{"page", "perPage", "totalItems", "totalPages", "items"} {
		if _, ok := m[k]; !ok {
			fail("list answer has no %q", k)
		}
	}
	perPage, _ := strconv.Atoi(q.Get("perPage"))
	pageN, _ := strconv.Atoi(q.Get("page"))
	if pageN == 0 {
		pageN = 1
	}
	if num(m["perPage"]) != float64(perPage) || num(m["page"]) != float64(pageN) {
		fail("page/perPage = %v/%v, want %d/%d", m["page"], m["perPage"], pageN, perPage)
	}

	var minViews = -1
	if ruleOn {
		minViews = ruleThreshold
	}
	if f := q.Get("filter"); f != "" {
		if mm := viewRE.FindStringSubmatch(f); mm != nil {
			x, _ := strconv.Atoi(mm[1])
			minViews = max(minViews, x)
		}
	}
	want := 0
	for _, p := range d.posts {
		if p.Views > minViews {
			want++
		}
	}
	if q.Get("skipTotal") != "" {
		if num(m["totalItems"]) != -1 || num(m["totalPages"]) != -1 {
			fail("skipTotal: totalItems/totalPages = %v/%v, want -1/-1", m["totalItems"], m["totalPages"])
		}
	} else {
		total := num(m["totalItems"])
		if grown && total >= float64(want) {
			want = int(total)
		}
		wantPages := (want + perPage - 1) / perPage
		if total != float64(want) || num(m["totalPages"]) != float64(wantPages) {
			fail("totalItems/totalPages = %v/%v, want %d/%d", m["totalItems"], m["totalPages"], want, wantPages)
		}
	}

	items, _ := m["items"].([]any)
	wantLen := min(perPage, max(0, want-(pageN-1)*perPage))
	if len(items) != wantLen {
		fail("%d items, want %d", len(items), wantLen)
	}
	prev := 1e18
	for i, it := range items {
		rec, ok := it.(map[string]any)
		if !ok {
			fail("item %d is not an object", i)
			continue
		}
		for _, p := range checkRecord(fmt.Sprintf("item %d", i), rec) {
			fail("%s", p)
		}
		v := num(rec["views"])
		if v <= float64(minViews) {
			fail("item %d has views %v, the filter/rule wants > %d", i, v, minViews)
		}
		if q.Get("sort") == "-views" {
			if v > prev {
				fail("items not sorted by -views (item %d: %v after %v)", i, v, prev)
			}
			prev = v
		}
		if q.Get("expand") == "author" {
			ex, _ := rec["expand"].(map[string]any)
			a, _ := ex["author"].(map[string]any)
			if a == nil {
				fail("item %d has no expand.author", i)
			} else if a["id"] != rec["author"] || a["name"] == nil {
				fail("item %d: expand.author = %v, want the author %v with its name", i, a, rec["author"])
			}
		}
		if i == 0 {
			keys = sortedKeys(rec)
		}
	}
	return problems, keys
}

// fetchJSON sends q and decodes its answer, which must have status want
// and be a JSON object.
func fetchJSON(ctx context.Context, t *target, q req, want int) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, q.method, t.srv.base+q.path, strings.NewReader(string(q.body)))
	if err != nil {
		return nil, err
	}
	if q.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if q.token != "" {
		req.Header.Set("Authorization", q.token)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("status %d, want %d: %s", resp.StatusCode, want, truncate(string(b), 300))
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return nil, fmt.Errorf("Content-Type %q, want application/json", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v: %s", err, truncate(string(b), 200))
	}
	return m, nil
}

func checkRecord(where string, m map[string]any) (problems []string) {
	for _, k := range recordKeys {
		if _, ok := m[k]; !ok {
			problems = append(problems, fmt.Sprintf("%s: record has no %q", where, k))
		}
	}
	if id, _ := m["id"].(string); !idRE.MatchString(id) {
		problems = append(problems, fmt.Sprintf("%s: id %q is not 15 [a-z0-9]", where, id))
	}
	if c, _ := m["created"].(string); c != "" {
		if _, err := time.Parse("2006-01-02 15:04:05.000Z", c); err != nil {
			problems = append(problems, fmt.Sprintf("%s: created %q is not 2006-01-02 15:04:05.000Z", where, c))
		}
	}
	if m["collectionName"] != "posts" {
		problems = append(problems, fmt.Sprintf("%s: collectionName = %v, want posts", where, m["collectionName"]))
	}
	if _, ok := m["views"].(float64); !ok {
		problems = append(problems, fmt.Sprintf("%s: views = %#v, want a JSON number", where, m["views"]))
	}
	if _, ok := m["public"].(bool); !ok {
		problems = append(problems, fmt.Sprintf("%s: public = %#v, want a JSON bool", where, m["public"]))
	}
	return problems
}

func num(v any) float64 {
	f, ok := v.(float64)
	if !ok {
		return -999
	}
	return f
}

func sortedKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
