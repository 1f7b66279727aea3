package reqlog

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
)

func openTest(t *testing.T, opts Options) *Store {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func flush(t *testing.T, s *Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

func req(i, status int) Request {
	return Request{Time: time.Now(), Method: "GET", URL: fmt.Sprintf("/api/x?i=%d", i), Status: status,
		Duration: 1500 * time.Microsecond, RemoteIP: "127.0.0.1", UserIP: "10.0.0.1", UA: "test", Auth: "guest"}
}

func count(t *testing.T, s *Store, filter string) int {
	t.Helper()
	res, err := s.List(context.Background(), Query{Filter: filter, PerPage: 1})
	if err != nil {
		t.Fatalf("List(%q): %v", filter, err)
	}
	return res.TotalItems
}

func TestBatchedWrites(t *testing.T) {
	s := openTest(t, Options{})
	for i := range 1000 {
		s.Log(req(i, 200+i%3*100)) // 200, 300, 400
	}
	flush(t, s)
	if got := count(t, s, ""); got != 1000 {
		t.Fatalf("total = %d, want 1000 (dropped %d)", got, s.Dropped())
	}
	if got, want := count(t, s, "data.status >= 400"), 333; got != want {
		t.Fatalf("data.status >= 400: %d, want %d", got, want)
	}
	if got := count(t, s, "level = 4 && message ~ 'GET /api/x'"); got != 333 {
		t.Fatalf("level = 4: %d, want 333", got)
	}
}

func TestLogShape(t *testing.T) {
	s := openTest(t, Options{})
	r := req(1, 503)
	r.Error = "boom"
	r.AuthID = "abc"
	s.Log(r)
	flush(t, s)
	res, err := s.List(context.Background(), Query{})
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("List = %+v, %v", res, err)
	}
	l := res.Items[0]
	if len(l.ID) != 15 || l.Level != LevelError || l.Message != "GET /api/x?i=1" {
		t.Fatalf("log = %+v", l)
	}
	if _, err := time.Parse(galley.DateLayout, l.Created); err != nil {
		t.Fatalf("created %q: %v", l.Created, err)
	}
	var data map[string]any
	if err := json.Unmarshal(l.Data, &data); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"type": "request", "method": "GET", "url": "/api/x?i=1", "status": 503.0, "execTime": 1.5,
		"remoteIP": "127.0.0.1", "userIP": "10.0.0.1", "referer": "", "userAgent": "test", "auth": "guest", "authId": "abc", "error": "boom"}
	for k, v := range want {
		if data[k] != v {
			t.Errorf("data.%s = %v, want %v", k, data[k], v)
		}
	}
	got, err := s.View(context.Background(), l.ID)
	if err != nil || got.ID != l.ID {
		t.Fatalf("View = %+v, %v", got, err)
	}
	if _, err := s.View(context.Background(), "missing"); galley.ErrorCodeOf(err) != galley.ENotFound {
		t.Fatalf("View(missing) = %v, want not_found", err)
	}
}

// TestFullBufferDrops holds the only write connection so the writer is
// stuck, logs far more than the buffer holds and checks that Log returned
// every time (a Log that waited for the writer would hang here, since the
// writer cannot move until the connection is released), that what did not
// fit was dropped and counted, and that the rest is written afterwards.
func TestFullBufferDrops(t *testing.T) {
	const buffer = 4
	s := openTest(t, Options{Buffer: buffer, BatchSize: 2, FlushInterval: time.Millisecond})
	ctx := context.Background()
	conn, err := s.write.Conn(ctx) // the pool has one connection: the writer now waits
	if err != nil {
		t.Fatal(err)
	}
	const n = 5000
	for i := range n {
		s.Log(req(i, 200))
	}
	// At most one buffer waits and at most one more is held by the stuck
	// writer.
	dropped := s.Dropped()
	if dropped < n-2*buffer {
		t.Fatalf("dropped = %d, want at least %d", dropped, n-2*buffer)
	}
	conn.Close()
	flush(t, s)
	if got := count(t, s, ""); uint64(got) != n-dropped {
		t.Fatalf("stored %d, want %d (logged %d, dropped %d)", got, n-dropped, n, dropped)
	}
}

// TestBatchSizeWakesWriter: BatchSize waiting entries are written without
// waiting for the (here hour-long) interval or a Flush, and a buffer larger
// than BatchSize is written in several transactions, none lost.
func TestBatchSizeWakesWriter(t *testing.T) {
	s := openTest(t, Options{BatchSize: 10, FlushInterval: time.Hour})
	for i := range 10 {
		s.Log(req(i, 200))
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.Written() != 10 {
		if time.Now().After(deadline) {
			t.Fatalf("written = %d, want 10 without a flush", s.Written())
		}
		time.Sleep(5 * time.Millisecond)
	}
	for i := range 25 {
		s.Log(req(100+i, 200))
	}
	flush(t, s)
	if got := count(t, s, ""); got != 35 || s.Dropped() != 0 {
		t.Fatalf("stored %d, want 35 (dropped %d)", got, s.Dropped())
	}
}

func TestSortAndPaging(t *testing.T) {
	s := openTest(t, Options{})
	for i := range 25 {
		s.Log(req(i, 200+i))
	}
	flush(t, s)
	res, err := s.List(context.Background(), Query{Page: 2, PerPage: 10, Sort: "-data.status"})
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalItems != 25 || res.TotalPages != 3 || len(res.Items) != 10 {
		t.Fatalf("page = %d items, totals %d/%d", len(res.Items), res.TotalItems, res.TotalPages)
	}
	var first map[string]any
	json.Unmarshal(res.Items[0].Data, &first)
	if first["status"] != 214.0 {
		t.Fatalf("first status on page 2 = %v, want 214", first["status"])
	}
	res, err = s.List(context.Background(), Query{Sort: "rowid", SkipTotal: true, PerPage: 1})
	if err != nil || res.TotalItems != -1 || res.Items[0].Message != "GET /api/x?i=0" {
		t.Fatalf("rowid sort: %+v, %v", res, err)
	}
	if _, err := s.List(context.Background(), Query{Filter: "nope = 1"}); galley.ErrorCodeOf(err) != galley.EInvalid {
		t.Fatalf("unknown field: %v, want invalid", err)
	}
	if _, err := s.List(context.Background(), Query{Filter: "data.status >="}); galley.ErrorCodeOf(err) != galley.EInvalid {
		t.Fatalf("syntax error: %v, want invalid", err)
	}
}

func TestStats(t *testing.T) {
	s := openTest(t, Options{})
	base := time.Date(2026, 3, 1, 10, 15, 0, 0, time.UTC)
	for i, h := range []int{0, 0, 0, 1, 3, 3} {
		r := req(i, 200)
		if i == 5 {
			r.Status = 500
		}
		r.Time = base.Add(time.Duration(h) * time.Hour)
		s.Log(r)
	}
	flush(t, s)
	stats, err := s.Stats(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	want := []Stat{{3, "2026-03-01 10:00:00.000Z"}, {1, "2026-03-01 11:00:00.000Z"}, {2, "2026-03-01 13:00:00.000Z"}}
	if fmt.Sprint(stats) != fmt.Sprint(want) {
		t.Fatalf("stats = %v, want %v", stats, want)
	}
	stats, err = s.Stats(context.Background(), "data.status >= 500")
	if err != nil || len(stats) != 1 || stats[0].Total != 1 {
		t.Fatalf("filtered stats = %v, %v", stats, err)
	}
}

func TestRetention(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, Options{Dir: dir})
	old := req(1, 200)
	old.Time = time.Now().AddDate(0, 0, -10)
	s.Log(old)
	s.Log(req(2, 200))
	flush(t, s)
	if n, err := s.Prune(context.Background(), 7); err != nil || n != 1 {
		t.Fatalf("Prune(7) = %d, %v; want 1 deleted", n, err)
	}
	if got := count(t, s, ""); got != 1 {
		t.Fatalf("after prune: %d rows, want 1", got)
	}
	s.Log(old)
	flush(t, s)
	s.Close()
	// Reopening sweeps at start with the configured retention.
	s2 := openTest(t, Options{Dir: dir, MaxDays: func() int { return 3 }})
	if got := count(t, s2, ""); got != 1 {
		t.Fatalf("after reopen: %d rows, want 1", got)
	}
	// The periodic sweep uses the current setting: 0 deletes everything.
	s2.Close()
	s3 := openTest(t, Options{Dir: dir, MaxDays: func() int { return 0 }})
	if got := count(t, s3, ""); got != 0 {
		t.Fatalf("maxDays 0: %d rows, want 0", got)
	}
}

func TestPeriodicRetention(t *testing.T) {
	var days atomic.Int64
	days.Store(30)
	s := openTest(t, Options{MaxDays: func() int { return int(days.Load()) }, RetentionInterval: 20 * time.Millisecond})
	old := req(1, 200)
	old.Time = time.Now().AddDate(0, 0, -10)
	s.Log(old)
	flush(t, s)
	if got := count(t, s, ""); got != 1 {
		t.Fatalf("rows = %d, want 1", got)
	}
	days.Store(5) // the next sweep reads the new setting
	deadline := time.Now().Add(5 * time.Second)
	for count(t, s, "") != 0 {
		if time.Now().After(deadline) {
			t.Fatal("old entry not pruned by the periodic sweep")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCloseFlushesAndLogAfterCloseIsDropped(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), Options{Dir: dir, FlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		s.Log(req(i, 200))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.Log(req(99, 200)) // must neither panic nor block
	if s.Dropped() != 1 {
		t.Fatalf("dropped = %d, want 1", s.Dropped())
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	s2 := openTest(t, Options{Dir: dir})
	if got := count(t, s2, ""); got != 10 {
		t.Fatalf("after Close: %d rows, want 10", got)
	}
}

// TestIdleFreesBuffer: once nothing comes, the buffer that a burst grew is
// let go (flushes stand in for idle ticks here).
func TestIdleFreesBuffer(t *testing.T) {
	s := openTest(t, Options{FlushInterval: time.Hour})
	for i := range 1000 {
		s.Log(req(i, 200))
	}
	flush(t, s)
	s.Log(req(1000, 200))
	flush(t, s)
	s.mu.Lock()
	grown := cap(s.pending)
	s.mu.Unlock()
	if grown < 1000 {
		t.Fatalf("cap(pending) = %d after a burst of 1000: the burst's slice was not reused", grown)
	}
	for range 3 {
		flush(t, s)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := cap(s.pending); c != 0 {
		t.Fatalf("cap(pending) = %d after idle flushes, want 0", c)
	}
}
