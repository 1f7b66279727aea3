package cron_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/cron"
	"github.com/galleyhq/galley/internal/cron/crontest"
)

// guard bounds every wait of these tests: it only turns a deadlock into a
// failure, nothing is timed.
const guard = 30 * time.Second

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	t.Cleanup(cancel)
	return ctx
}

// recorder is a job that records the tick of each run (zero for manual runs).
type recorder struct {
	mu    sync.Mutex
	ticks []time.Time
	ran   chan struct{}
}

func newRecorder() *recorder { return &recorder{ran: make(chan struct{}, 1000)} }

func (r *recorder) fn(ctx context.Context) error {
	tick, _ := cron.TickOf(ctx)
	r.mu.Lock()
	r.ticks = append(r.ticks, tick)
	r.mu.Unlock()
	r.ran <- struct{}{}
	return nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, t := range r.ticks {
		out = append(out, t.Format("15:04"))
	}
	return out
}

func (r *recorder) wait(t *testing.T, n int) {
	t.Helper()
	ctx := waitCtx(t)
	for range n {
		select {
		case <-r.ran:
		case <-ctx.Done():
			t.Fatalf("waiting for a run: %v", ctx.Err())
		}
	}
}

// step waits for the runs in progress to end, moves the clock to hh:mm of
// its day and waits until the scheduler has handled it and armed its next
// timer.
func step(t *testing.T, s *cron.Scheduler, c *crontest.Clock, to string) {
	t.Helper()
	waitFor(t, func() bool {
		for _, j := range s.List() {
			if j.Running {
				return false
			}
		}
		return true
	})
	stepBusy(t, c, to)
}

// stepBusy is step without waiting for the runs in progress.
func stepBusy(t *testing.T, c *crontest.Clock, to string) {
	t.Helper()
	now := c.Now()
	at, err := time.Parse("15:04", to)
	if err != nil {
		t.Fatal(err)
	}
	c.Set(time.Date(now.Year(), now.Month(), now.Day(), at.Hour(), at.Minute(), 0, 0, time.UTC))
	if err := c.WaitTimers(waitCtx(t), 1); err != nil {
		t.Fatalf("scheduler did not go back to sleep: %v", err)
	}
}

func start(t *testing.T, s *cron.Scheduler, c *crontest.Clock) {
	t.Helper()
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	if err := c.WaitTimers(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
}

func TestSchedulerTicks(t *testing.T) {
	clock := crontest.New(time.Date(2026, 1, 1, 0, 0, 30, 0, time.UTC))
	s := cron.New(cron.Options{Clock: clock})
	every5 := newRecorder()
	if err := s.Add("every5", "*/5 * * * *", every5.fn); err != nil {
		t.Fatal(err)
	}
	start(t, s, clock)
	if got := s.List()[0].Next; got != time.Date(2026, 1, 1, 0, 5, 0, 0, time.UTC) {
		t.Fatalf("Next = %v", got)
	}
	step(t, s, clock, "00:04")
	step(t, s, clock, "00:05")
	every5.wait(t, 1)
	step(t, s, clock, "00:09")
	step(t, s, clock, "00:10")
	every5.wait(t, 1)
	// Oversleeping an hour runs the job once, for its latest tick.
	step(t, s, clock, "01:12")
	every5.wait(t, 1)
	step(t, s, clock, "01:14")
	hourly := newRecorder()
	if err := s.Add("hourly", "@hourly", hourly.fn); err != nil { // added while running
		t.Fatal(err)
	}
	step(t, s, clock, "01:15")
	every5.wait(t, 1)
	step(t, s, clock, "02:00")
	every5.wait(t, 1)
	hourly.wait(t, 1)
	s.Stop()
	if got, want := strings.Join(every5.got(), " "), "00:05 00:10 01:10 01:15 02:00"; got != want {
		t.Errorf("every5 ticks %s, want %s", got, want)
	}
	if got := strings.Join(hourly.got(), " "); got != "02:00" {
		t.Errorf("hourly ticks %s", got)
	}
	jobs := s.List()
	if len(jobs) != 2 || jobs[0].ID != "every5" || jobs[1].ID != "hourly" || jobs[1].Expression != "@hourly" {
		t.Fatalf("List = %+v", jobs)
	}
	if jobs[0].LastRun != time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC) || jobs[0].LastError != "" ||
		jobs[0].Next != time.Date(2026, 1, 1, 2, 5, 0, 0, time.UTC) {
		t.Errorf("every5 = %+v", jobs[0])
	}
}

func TestSchedulerErrorsAndPanics(t *testing.T) {
	clock := crontest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := cron.New(cron.Options{Clock: clock})
	done := make(chan struct{}, 10)
	fail := true
	must(t, s.Add("flaky", "* * * * *", func(context.Context) error {
		defer func() { done <- struct{}{} }()
		if fail {
			return errors.New("mail server down")
		}
		return nil
	}))
	must(t, s.Add("panics", "* * * * *", func(context.Context) error {
		defer func() { done <- struct{}{} }()
		var m map[string]int
		m["x"] = 1 // a nil-map write: the scheduler must survive it
		return nil
	}))
	start(t, s, clock)
	step(t, s, clock, "00:01")
	waitN(t, done, 2)
	s.Stop() // the runs have recorded their outcome
	jobs := s.List()
	if jobs[0].LastError != "mail server down" || jobs[0].LastRun.IsZero() {
		t.Errorf("flaky = %+v", jobs[0])
	}
	if !strings.HasPrefix(jobs[1].LastError, "panic: ") || !strings.Contains(jobs[1].LastError, "nil map") {
		t.Errorf("panics = %+v", jobs[1])
	}
	// A manual run returns the job's error and records success too.
	fail = false
	if err := s.Run(context.Background(), "flaky"); err != nil {
		t.Fatal(err)
	}
	<-done
	if j := s.List()[0]; j.LastError != "" {
		t.Errorf("after a good run: %+v", j)
	}
	if err := s.Run(context.Background(), "panics"); err == nil || !strings.HasPrefix(err.Error(), "panic: ") {
		t.Errorf("Run of a panicking job: %v", err)
	}
}

func TestSchedulerManualRuns(t *testing.T) {
	clock := crontest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := cron.New(cron.Options{Clock: clock, Claim: func(context.Context, string, time.Time) (bool, error) {
		t.Error("a manual run was claimed")
		return false, nil
	}})
	r := newRecorder()
	must(t, s.Add("job", "@yearly", r.fn))
	if err := s.Run(context.Background(), "nope"); !errors.Is(err, cron.ErrNotFound) {
		t.Fatalf("Run unknown: %v", err)
	}
	if err := s.Trigger("nope"); !errors.Is(err, cron.ErrNotFound) {
		t.Fatalf("Trigger unknown: %v", err)
	}
	// Before Start, manual runs work.
	must(t, s.Run(context.Background(), "job"))
	must(t, s.Trigger("job"))
	r.wait(t, 2)
	if got := r.got(); len(got) != 2 || got[0] != "00:00" || got[1] != "00:00" { // zero tick: manual
		t.Fatalf("manual runs had ticks %v", got)
	}
	// Trigger's run gets the scheduler's context: Stop cancels it and waits.
	started, returned := make(chan struct{}), make(chan struct{})
	must(t, s.Add("long", "@yearly", func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		close(returned)
		return ctx.Err()
	}))
	must(t, s.Trigger("long"))
	<-started
	s.Stop()
	select {
	case <-returned:
	default:
		t.Fatal("Stop returned before the run did")
	}
	if j := s.List()[1]; j.ID != "long" || j.LastError != context.Canceled.Error() {
		t.Errorf("long = %+v", j)
	}
	if err := s.Trigger("job"); !errors.Is(err, cron.ErrStopped) {
		t.Errorf("Trigger after Stop: %v", err)
	}
	if err := s.Start(context.Background()); !errors.Is(err, cron.ErrStopped) {
		t.Errorf("Start after Stop: %v", err)
	}
}

func TestSchedulerAddRemove(t *testing.T) {
	clock := crontest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := cron.New(cron.Options{Clock: clock})
	a, b := newRecorder(), newRecorder()
	for _, bad := range []struct{ id, expr string }{{"", "* * * * *"}, {"a/b", "* * * * *"}, {"tab\t", "* * * * *"}, {strings.Repeat("x", 101), "* * * * *"}, {"ok", "* * *"}} {
		if err := s.Add(bad.id, bad.expr, a.fn); err == nil {
			t.Errorf("Add(%q, %q) accepted", bad.id, bad.expr)
		}
	}
	if err := s.Add("ok", "* * * * *", nil); err == nil {
		t.Error("Add with a nil func accepted")
	}
	must(t, s.Add("job", "* * * * *", a.fn))
	must(t, s.Add("gone", "* * * * *", a.fn))
	start(t, s, clock)
	if !s.Remove("gone") || s.Remove("gone") {
		t.Fatal("Remove reports wrongly")
	}
	must(t, s.Add("job", "*/2 * * * *", b.fn)) // replaces
	clock.Advance(time.Minute)                 // 00:01: nothing due any more
	if err := clock.WaitTimers(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	step(t, s, clock, "00:02")
	b.wait(t, 1)
	s.Stop()
	if len(a.got()) != 0 || strings.Join(b.got(), " ") != "00:02" {
		t.Fatalf("replaced job ran %v, new one %v", a.got(), b.got())
	}
	if l := s.List(); len(l) != 1 || l[0].Expression != "*/2 * * * *" {
		t.Fatalf("List = %+v", l)
	}
	if l := cron.New(cron.Options{}).List(); l == nil || len(l) != 0 {
		t.Fatalf("empty List = %#v", l)
	}
}

// A tick that comes while the previous run is still going is skipped on
// this node, and a tick another node claimed (or a failed claim) is not run.
func TestSchedulerSkipsAndClaims(t *testing.T) {
	clock := crontest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	claims := map[string]bool{"slow@00:01": true, "slow@00:02": true, "slow@00:03": true, "other@00:01": false}
	s := cron.New(cron.Options{Clock: clock, Claim: func(_ context.Context, id string, tick time.Time) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		ok, known := claims[id+"@"+tick.Format("15:04")]
		if !known {
			return false, errors.New("database down")
		}
		return ok, nil
	}})
	release := make(chan struct{})
	slow := newRecorder()
	must(t, s.Add("slow", "* * * * *", func(ctx context.Context) error {
		if err := slow.fn(ctx); err != nil {
			return err
		}
		<-release
		return nil
	}))
	other := newRecorder()
	must(t, s.Add("other", "* * * * *", other.fn))
	start(t, s, clock)
	step(t, s, clock, "00:01")
	slow.wait(t, 1)
	stepBusy(t, clock, "00:02") // slow still running: skipped; other: claim fails
	close(release)
	step(t, s, clock, "00:03")
	slow.wait(t, 1)
	s.Stop()
	if got := strings.Join(slow.got(), " "); got != "00:01 00:03" {
		t.Errorf("slow ran at %s, want 00:01 00:03", got)
	}
	if got := other.got(); len(got) != 0 {
		t.Errorf("other ran at %v; every tick was claimed elsewhere or unclaimable", got)
	}
}

// waitFor polls cond until it holds (a deadlock guard bounds it).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	ctx := waitCtx(t)
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatal("condition never held")
		case <-time.After(time.Millisecond):
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func waitN(t *testing.T, ch chan struct{}, n int) {
	t.Helper()
	ctx := waitCtx(t)
	for range n {
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatal("waiting for runs:", ctx.Err())
		}
	}
}
