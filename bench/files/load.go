package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// result is what one scenario measured on one server.
type result struct {
	requests int
	errors   int
	bytes    int64 // file bytes moved by the completed requests
	elapsed  time.Duration
	cpu      time.Duration // the server's user+system CPU over the measured run
	rps      float64
	mbps     float64 // MiB of file content per second
	p50, p99 time.Duration
	errLog   []string
	lat      []time.Duration // every latency, sorted
}

// merge pools two runs of the same scenario on the same server.
func (a result) merge(b result) result {
	if a.elapsed == 0 {
		return b
	}
	m := result{
		errors:  a.errors + b.errors,
		bytes:   a.bytes + b.bytes,
		elapsed: a.elapsed + b.elapsed,
		cpu:     a.cpu + b.cpu,
		errLog:  a.errLog,
		lat:     append(slices.Clip(a.lat), b.lat...),
	}
	for _, e := range b.errLog {
		if len(m.errLog) < 5 && !slices.Contains(m.errLog, e) {
			m.errLog = append(m.errLog, e)
		}
	}
	m.finish()
	return m
}

// op is one request of a scenario by client c (its i-th). It returns the
// file bytes it moved.
type op func(ctx context.Context, c, i int) (int64, error)

type clientResult struct {
	lat    []time.Duration
	bytes  int64
	errors int
	errLog []string
}

func (cr *clientResult) record(t0 time.Time, n int64, err error) {
	cr.lat = append(cr.lat, time.Since(t0))
	if err != nil {
		cr.errors++
		if len(cr.errLog) < 3 {
			cr.errLog = append(cr.errLog, truncate(err.Error(), 400))
		}
		return
	}
	cr.bytes += n
}

// closedLoop runs conc clients that each send their next request as soon
// as the previous one is answered: a warm-up that is not recorded, then d
// measured. A request started before the end is waited for and counted.
func closedLoop(ctx context.Context, t *target, conc int, warmup, d time.Duration, f op) result {
	if warmup > 0 {
		timedPhase(ctx, t, conc, warmup, f)
	}
	return timedPhase(ctx, t, conc, d, f)
}

func timedPhase(ctx context.Context, t *target, conc int, d time.Duration, f op) result {
	results := make([]clientResult, conc)
	var wg sync.WaitGroup
	cpu0 := t.srv.cpu()
	start := time.Now()
	deadline := start.Add(d)
	for c := range conc {
		wg.Go(func() {
			cr := &results[c]
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				t0 := time.Now()
				n, err := f(ctx, c, i)
				cr.record(t0, n, err)
			}
		})
	}
	wg.Wait()
	return summarise(results, time.Since(start), t.srv.cpu()-cpu0)
}

// countLoop runs n requests (f's i is 0…n-1, each once) on conc clients.
func countLoop(ctx context.Context, t *target, conc, n int, f op) result {
	results := make([]clientResult, conc)
	var next atomic.Int64
	var wg sync.WaitGroup
	cpu0 := t.srv.cpu()
	start := time.Now()
	for c := range conc {
		wg.Go(func() {
			cr := &results[c]
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				m, err := f(ctx, c, i)
				cr.record(t0, m, err)
			}
		})
	}
	wg.Wait()
	return summarise(results, time.Since(start), t.srv.cpu()-cpu0)
}

func summarise(results []clientResult, elapsed, cpu time.Duration) result {
	r := result{elapsed: elapsed, cpu: cpu}
	var lat []time.Duration
	for _, cr := range results {
		lat = append(lat, cr.lat...)
		r.errors += cr.errors
		r.bytes += cr.bytes
		for _, e := range cr.errLog {
			if len(r.errLog) < 5 && !slices.Contains(r.errLog, e) {
				r.errLog = append(r.errLog, e)
			}
		}
	}
	r.lat = lat
	r.finish()
	return r
}

// finish sorts the latencies and computes the rates and percentiles.
func (r *result) finish() {
	r.requests = len(r.lat)
	if r.requests == 0 || r.elapsed <= 0 {
		return
	}
	slices.Sort(r.lat)
	r.rps = float64(r.requests) / r.elapsed.Seconds()
	r.mbps = float64(r.bytes) / (1 << 20) / r.elapsed.Seconds()
	r.p50 = r.lat[len(r.lat)*50/100]
	r.p99 = r.lat[min(len(r.lat)-1, len(r.lat)*99/100)]
}

// drain reads r to its end through buf and returns the bytes read.
func drain(r io.Reader, buf []byte) (int64, error) {
	var n int64
	for {
		m, err := r.Read(buf)
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

func (r result) String() string {
	return fmt.Sprintf("%d requests (%d errors), %.1f MiB/s, %.1f req/s, p50 %s, p99 %s, server CPU %.2f s",
		r.requests, r.errors, r.mbps, r.rps, ms(r.p50), ms(r.p99), r.cpu.Seconds())
}

func ms(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}
