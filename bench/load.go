package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// result is what one scenario measured on one target.
type result struct {
	requests int
	errors   int
	elapsed  time.Duration
	rps      float64
	p50, p99 time.Duration
	errLog   []string        // a few distinct error samples
	lat      []time.Duration // every latency, sorted
}

// runLoad runs sc against t with conc closed-loop clients: a warm-up whose
// requests are not recorded, then the measured run of length d. Every
// client sends its next request as soon as its previous answer is read.
func runLoad(ctx context.Context, t *target, sc scenario, conc int, warmup, d time.Duration) result {
	if warmup > 0 {
		loadPhase(ctx, t, sc, conc, warmup, 1000)
	}
	return loadPhase(ctx, t, sc, conc, d, 0)
}

func loadPhase(ctx context.Context, t *target, sc scenario, conc int, d time.Duration, seed uint64) result {
	type clientResult struct {
		lat    []time.Duration
		errors int
		errLog []string
	}
	results := make([]clientResult, conc)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i := range conc {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed+uint64(i), 42))
			cr := &results[i]
			cr.lat = make([]time.Duration, 0, 4096)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				q := sc.request(r, t)
				method, path := q.method, q.path
				t0 := time.Now()
				status, sample, err := do(ctx, t.client, method, t.srv.base+path, q.body, q.token)
				cr.lat = append(cr.lat, time.Since(t0))
				if err != nil || status/100 != 2 {
					cr.errors++
					if len(cr.errLog) < 3 {
						msg := fmt.Sprintf("%s %s → %d %s", method, path, status, sample)
						if err != nil {
							msg = fmt.Sprintf("%s %s → %v", method, path, err)
						}
						cr.errLog = append(cr.errLog, truncate(msg, 400))
					}
				}
			}
		})
	}
	wg.Wait()
	res := result{elapsed: time.Since(start)}
	var lat []time.Duration
	for _, cr := range results {
		lat = append(lat, cr.lat...)
		res.errors += cr.errors
		for _, e := range cr.errLog {
			if len(res.errLog) < 5 && !slices.Contains(res.errLog, e) {
				res.errLog = append(res.errLog, e)
			}
		}
	}
	res.lat = lat
	res.summarise()
	return res
}

// merge pools two runs of the same scenario on the same target.
func (a result) merge(b result) result {
	m := result{
		errors:  a.errors + b.errors,
		elapsed: a.elapsed + b.elapsed,
		lat:     append(slices.Clip(a.lat), b.lat...),
		errLog:  a.errLog,
	}
	for _, e := range b.errLog {
		if len(m.errLog) < 5 && !slices.Contains(m.errLog, e) {
			m.errLog = append(m.errLog, e)
		}
	}
	m.summarise()
	return m
}

func (r *result) summarise() {
	r.requests = len(r.lat)
	if r.requests == 0 || r.elapsed <= 0 {
		return
	}
	slices.Sort(r.lat)
	r.rps = float64(r.requests) / r.elapsed.Seconds()
	r.p50 = r.lat[len(r.lat)*50/100]
	r.p99 = r.lat[min(len(r.lat)-1, len(r.lat)*99/100)]
}

// do sends one request and reads the whole answer. For a non-2xx answer it
// returns the start of the body as sample. A token, if set, is sent as the
// Authorization header.
func do(ctx context.Context, c *http.Client, method, url string, body []byte, token string) (status int, sample string, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, "", err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, string(b), nil
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, "", err
}
