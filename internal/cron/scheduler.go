package cron

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/galleyhq/galley/internal/safego"
)

// Func is a job's work. It should return soon after ctx is cancelled (the
// scheduler is stopping). Its error is recorded as the job's LastError.
type Func func(ctx context.Context) error

// ClaimFunc decides which node of a cluster runs a tick: for one id and
// tick it returns true to exactly one caller, on whichever node, and false
// to every other. A scheduler without one runs every tick it sees.
type ClaimFunc func(ctx context.Context, id string, tick time.Time) (bool, error)

// Options configure New. The zero value is a scheduler on the system clock
// that claims nothing (one node) and logs nothing.
type Options struct {
	// Clock tells the time and makes timers; nil is the system clock.
	// Tests pass a crontest.Clock.
	Clock Clock
	// Claim, when set, is asked before each scheduled run (never before a
	// manual Run or Trigger); the run happens only when it returns true.
	// An error skips the tick (logged): a tick runs at most once.
	Claim ClaimFunc
	Log   *slog.Logger
}

// Job is a snapshot of one job, as List returns it.
type Job struct {
	ID         string
	Expression string
	// Next is the next scheduled tick (UTC; zero when the scheduler has
	// not computed it yet or the schedule never fires again).
	Next time.Time
	// LastRun is when the last run on this node started (zero: none) and
	// LastError its error ("" when it succeeded; a panic is recorded as
	// "panic: …"). Runs on other nodes are not seen here.
	LastRun   time.Time
	LastError string
	// Running reports a run in progress on this node.
	Running bool
}

// Errors of the scheduler.
var (
	// ErrNotFound is returned for a job id that is not registered.
	ErrNotFound = errors.New("cron: no such job")
	// ErrStopped is returned by Start and Trigger after Stop.
	ErrStopped = errors.New("cron: the scheduler is stopped")
)

// MaxIDLen bounds the length of a job id.
const MaxIDLen = 100

type job struct {
	id, expr string
	sched    Schedule
	fn       Func
	next     time.Time
	lastRun  time.Time
	lastErr  string
	running  int // runs in progress on this node
}

// Scheduler runs jobs at the ticks of their schedules (in UTC). Jobs can be
// added and removed at any time, before or after Start. A job never starts
// a scheduled run while a run of it is in progress on this node: that tick
// is skipped here. When the scheduler oversleeps (the process was paused,
// a test clock jumped), each job runs once for its latest missed tick, not
// once per missed tick. Its methods are safe for concurrent use.
type Scheduler struct {
	clock Clock
	claim ClaimFunc
	log   *slog.Logger

	mu      sync.Mutex
	jobs    map[string]*job
	started bool
	stopped bool

	wake   chan struct{}      // wakes the loop after Add and Remove
	ctx    context.Context    // the runs' context, cancelled by Stop
	cancel context.CancelFunc // cancels ctx
	wg     sync.WaitGroup     // the loop and every run
}

// New returns a scheduler that is not started: Run and Trigger work, no
// tick fires until Start.
func New(opts Options) *Scheduler {
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{clock: opts.Clock, claim: opts.Claim, log: opts.Log, jobs: map[string]*job{}, wake: make(chan struct{}, 1)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

// ValidateID returns an error unless id can name a job: 1 to MaxIDLen
// bytes of printable characters, no "/" (the id is a URL path segment).
func ValidateID(id string) error {
	if id == "" || len(id) > MaxIDLen {
		return fmt.Errorf("cron: job id must be 1 to %d characters", MaxIDLen)
	}
	if i := strings.IndexFunc(id, func(r rune) bool { return r == '/' || !unicode.IsPrint(r) }); i >= 0 {
		return fmt.Errorf("cron: job id %q: no '/' or unprintable characters", id)
	}
	return nil
}

// Add registers fn to run at the ticks of expr (see Parse), replacing a job
// with the same id (a run of the old one in progress finishes). Errors: an
// invalid id (see ValidateID), a *ParseError for expr, a nil fn.
func (s *Scheduler) Add(id, expr string, fn Func) error {
	if err := ValidateID(id); err != nil {
		return err
	}
	sched, err := Parse(expr)
	if err != nil {
		return err
	}
	if fn == nil {
		return fmt.Errorf("cron: job %q has no function", id)
	}
	j := &job{id: id, expr: expr, sched: sched, fn: fn}
	s.mu.Lock()
	if s.started {
		j.next = sched.Next(s.clock.Now())
	}
	s.jobs[id] = j
	s.mu.Unlock()
	s.poke()
	return nil
}

// Remove unregisters the job id and reports whether it was registered. A
// run of it in progress finishes.
func (s *Scheduler) Remove(id string) bool {
	s.mu.Lock()
	_, ok := s.jobs[id]
	delete(s.jobs, id)
	s.mu.Unlock()
	s.poke()
	return ok
}

// List returns the registered jobs sorted by id (an empty, non-nil slice
// when there are none).
func (s *Scheduler) List() []Job {
	s.mu.Lock()
	out := make([]Job, 0, len(s.jobs))
	for _, j := range s.jobs {
		out = append(out, Job{ID: j.id, Expression: j.expr, Next: j.next, LastRun: j.lastRun, LastError: j.lastErr, Running: j.running > 0})
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Job) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Run runs the job id now, on this goroutine, with ctx, and returns its
// error (ErrNotFound when there is no such job). A manual run is not
// claimed: it runs on this node whatever the others do, even while a
// scheduled run of the same job is in progress.
func (s *Scheduler) Run(ctx context.Context, id string) error {
	j := s.job(id)
	if j == nil {
		return ErrNotFound
	}
	s.begin(j)
	return s.execute(ctx, j, "manual")
}

// Trigger starts the job id now on its own goroutine, with the
// scheduler's context (cancelled by Stop, which waits for it), and returns
// at once: ErrNotFound when there is no such job, ErrStopped after Stop.
// The run's outcome is recorded in the job's LastRun and LastError.
func (s *Scheduler) Trigger(id string) error {
	j := s.job(id)
	if j == nil {
		return ErrNotFound
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return ErrStopped
	}
	j.running++
	s.wg.Add(1)
	safego.Go(s.log, "cron job "+id, func() {
		defer s.wg.Done()
		_ = s.execute(s.ctx, j, "manual")
	})
	return nil
}

// Start starts firing ticks until ctx ends or Stop is called; it returns
// at once. A second Start, or a Start after Stop, is an error.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stopped:
		return ErrStopped
	case s.started:
		return errors.New("cron: the scheduler is already started")
	}
	s.started = true
	now := s.clock.Now()
	for _, j := range s.jobs {
		j.next = j.sched.Next(now)
	}
	context.AfterFunc(ctx, s.cancel)
	s.wg.Add(1)
	safego.Go(s.log, "cron scheduler", func() {
		defer s.wg.Done()
		s.loop()
	})
	return nil
}

// Stop stops firing ticks, cancels the context of the runs in progress and
// waits for them to return. It may be called more than once.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

func (s *Scheduler) job(id string) *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobs[id]
}

func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// loop fires the due jobs, then sleeps until the next tick of any job, a
// change of the jobs or the end of the scheduler's context.
func (s *Scheduler) loop() {
	for {
		wait := s.fireDue()
		var timer Timer
		var fire <-chan time.Time
		if wait >= 0 {
			timer = s.clock.NewTimer(wait)
			fire = timer.C()
		}
		select {
		case <-s.ctx.Done():
		case <-s.wake:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
		if s.ctx.Err() != nil {
			return
		}
	}
}

// fireDue starts a run for every job whose tick has come and returns the
// time until the next tick of any job (negative when there is none).
func (s *Scheduler) fireDue() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	wait := time.Duration(-1)
	for _, j := range s.jobs {
		if j.next.IsZero() {
			continue
		}
		if !j.next.After(now) {
			tick := latestTick(j.sched, j.next, now)
			j.next = j.sched.Next(now)
			if j.running > 0 {
				s.log.Warn("cron job still running: tick skipped on this node", "job", j.id, "tick", tick)
			} else {
				j.running++ // until the claim fails or the run ends
				s.wg.Add(1)
				safego.Go(s.log, "cron job "+j.id, func() {
					defer s.wg.Done()
					s.scheduled(j, tick)
				})
			}
		}
		if !j.next.IsZero() {
			if d := j.next.Sub(now); wait < 0 || d < wait {
				wait = d
			}
		}
	}
	return wait
}

// maxCatchUp bounds the ticks latestTick walks over.
const maxCatchUp = 100_000

// latestTick returns the last tick of sched at or before now, starting
// from first (a tick at or before now).
func latestTick(sched Schedule, first, now time.Time) time.Time {
	t := first
	for range maxCatchUp {
		n := sched.Next(t)
		if n.IsZero() || n.After(now) {
			break
		}
		t = n
	}
	return t
}

// scheduled runs j for tick unless another node claimed the tick; fireDue
// counted the run in j.running.
func (s *Scheduler) scheduled(j *job, tick time.Time) {
	if s.claim != nil {
		ok, err := s.claim(s.ctx, j.id, tick)
		if err != nil && s.ctx.Err() == nil {
			s.log.Warn("cron tick not claimed: skipped", "job", j.id, "tick", tick, "err", err)
		}
		if err != nil || !ok { // not ok: another node runs it
			s.mu.Lock()
			j.running--
			s.mu.Unlock()
			return
		}
	}
	_ = s.execute(withTick(s.ctx, tick), j, "scheduled")
}

// begin counts a manual run of j in j.running.
func (s *Scheduler) begin(j *job) {
	s.mu.Lock()
	j.running++
	s.mu.Unlock()
}

// execute runs j.fn (a panic becomes an error), then records the run and
// uncounts it from j.running, which the caller counted it in.
func (s *Scheduler) execute(ctx context.Context, j *job, kind string) error {
	start := s.clock.Now()
	err := s.call(ctx, j)
	msg := ""
	if err != nil {
		msg = err.Error()
		s.log.Error("cron job failed", "job", j.id, "run", kind, "err", msg)
	} else {
		s.log.Debug("cron job done", "job", j.id, "run", kind, "took", s.clock.Now().Sub(start))
	}
	s.mu.Lock()
	j.running--
	j.lastRun, j.lastErr = start, msg
	s.mu.Unlock()
	return err
}

// call runs j.fn, turning a panic into an error (logged with its stack).
func (s *Scheduler) call(ctx context.Context, j *job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			s.log.Error("cron job panicked", "job", j.id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	return j.fn(ctx)
}

type tickKey struct{}

func withTick(ctx context.Context, tick time.Time) context.Context {
	return context.WithValue(ctx, tickKey{}, tick)
}

// TickOf returns the scheduled tick a job's context belongs to (UTC, zero
// seconds), and false for a manual run. Jobs that work on a period ("rows
// older than a day") should measure it from the tick, not from the clock.
func TickOf(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(tickKey{}).(time.Time)
	return t, ok
}
