package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
)

// The batch_100 scenario: every request is one POST /api/batch of
// batchSize creates of the create scenario's post shape, all in one
// transaction. It is measured in records per second, against create's
// single creates (issue 11).

// batchSize is the creates per batch of batch_100.
const batchSize = 100

const batchPath = "/api/batch"

// enableBatch turns Galley's batch API on (it is off by default) with room
// for batchSize requests: PATCH /api/settings as the superuser. The
// baseline's batch needs no setting.
func enableBatch(ctx context.Context, t *target) error {
	if t.name != "galley" {
		return nil
	}
	return t.call(ctx, "PATCH", "/api/settings", map[string]any{"batch": map[string]any{
		"enabled": true, "maxRequests": 1000, "timeout": 30, "maxBodySize": 0,
	}}, nil)
}

type batchCreate struct {
	Method string     `json:"method"`
	URL    string     `json:"url"`
	Body   createBody `json:"body"`
}

type createBody struct {
	Title  string `json:"title"`
	Views  int    `json:"views"`
	Author string `json:"author"`
	Public bool   `json:"public"`
}

// randomPost is the body of one create (createRequest, and each request of
// a batch).
func randomPost(r *rand.Rand, t *target) createBody {
	return createBody{
		Title:  "bench post " + strconv.Itoa(r.IntN(1_000_000)),
		Views:  r.IntN(1000),
		Author: t.authorIDs[r.IntN(len(t.authorIDs))],
		Public: r.IntN(2) == 0,
	}
}

// batchRequest is one batch of batchSize creates, sent as a guest like
// create (the posts createRule is "").
func batchRequest(r *rand.Rand, t *target) req {
	reqs := make([]batchCreate, batchSize)
	for i := range reqs {
		reqs[i] = batchCreate{Method: "POST", URL: postsPath, Body: randomPost(r, t)}
	}
	b, _ := json.Marshal(map[string]any{"requests": reqs})
	return guestReq("POST", batchPath, b)
}

// probeBatch sends one batch and checks the answer: 200, a JSON array of
// one {status: 200, body: record} per request in request order (each body
// the post that request created, with a distinct id). It returns the
// sorted keys of the first record.
func probeBatch(ctx context.Context, t *target, rq req) (problems []string, keys []string) {
	fail := func(format string, args ...any) {
		problems = append(problems, "POST "+batchPath+": "+fmt.Sprintf(format, args...))
	}
	var sent struct {
		Requests []batchCreate `json:"requests"`
	}
	if err := json.Unmarshal(rq.body, &sent); err != nil {
		fail("the bench's own request: %v", err)
		return
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, t.srv.base+rq.path, strings.NewReader(string(rq.body)))
	if err != nil {
		fail("%v", err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.client.Do(req)
	if err != nil {
		fail("%v", err)
		return
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		fail("%v", err)
		return
	}
	if resp.StatusCode != http.StatusOK {
		fail("status %d, want 200: %s", resp.StatusCode, truncate(string(b), 300))
		return
	}
	var got []struct {
		Status int            `json:"status"`
		Body   map[string]any `json:"body"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		fail("not a JSON array of {status, body}: %v: %s", err, truncate(string(b), 200))
		return
	}
	if len(got) != len(sent.Requests) {
		fail("%d results for %d requests", len(got), len(sent.Requests))
		return
	}
	ids := map[string]bool{}
	for i, g := range got {
		if g.Status != http.StatusOK {
			fail("result %d: status %d, want 200", i, g.Status)
			continue
		}
		for _, p := range checkRecord(fmt.Sprintf("result %d", i), g.Body) {
			fail("%s", p)
		}
		want := sent.Requests[i].Body
		if g.Body["title"] != want.Title || num(g.Body["views"]) != float64(want.Views) ||
			g.Body["author"] != want.Author || g.Body["public"] != want.Public {
			fail("result %d is %v, not the post request %d created (%+v)", i, g.Body, i, want)
		}
		id, _ := g.Body["id"].(string)
		if ids[id] {
			fail("result %d: id %q repeats an earlier result's", i, id)
		}
		ids[id] = true
	}
	if len(got) > 0 {
		keys = sortedKeys(got[0].Body)
	}
	return problems, keys
}

// batchRow compares batch_100 with create in records per second on each
// server: the gain of one transaction per 100 creates over one per create.
// No target.
func (rp *report) batchRow(w io.Writer) {
	b := rp.row("batch_100")
	if b == nil {
		return
	}
	c := rp.row("create")
	cells := []string{fmt.Sprintf("Batch of %d creates vs %d single creates (records/s: batch_100 at %d clients ÷ create at %d)",
		batchSize, batchSize, b.sc.clients(rp.cfg.conc), rp.cfg.conc)}
	for _, n := range []string{"galley", "baseline"} {
		i := rp.index(n)
		if i < 0 {
			cells = append(cells, "–")
			continue
		}
		recs := b.results[i].rps * batchSize
		cell := fmt.Sprintf("%.0f records/s", recs)
		if c != nil && c.results[i].rps > 0 {
			cell += fmt.Sprintf(" vs %.0f records/s = %.2f×", c.results[i].rps, recs/c.results[i].rps)
		}
		cells = append(cells, cell)
	}
	cells = append(cells, "–", "–")
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
}
