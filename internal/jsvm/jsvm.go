// Package jsvm runs the application's JavaScript hooks: the *.pb.js files
// of a hooks directory, with PocketBase's JavaScript API (onRecordCreate,
// routerAdd, cronAdd, $app, $security, $http, …) on goja, a JavaScript
// engine in pure Go.
//
// Every file is loaded, in filename order, into each runtime of a pool;
// a hook, route or job runs in whichever runtime is free, so handlers run
// in parallel up to the pool's size. A goja runtime is single-threaded:
// state a file keeps in a top-level variable is per runtime, not shared
// (keep shared state in the database). A call that finds every runtime
// busy waits briefly, then runs in an extra runtime made for it: nested
// calls (a hook's $app.save firing another hook while its own runtime is
// held) never wait on each other.
//
// Registration happens once, from the first runtime: hooks are bound to
// the App's hook points, routes added to the API server, jobs to the cron
// scheduler. In development (Config.Dev) the files are watched; a change
// loads a whole new pool and swaps it in, or — when a file fails — logs
// the error and keeps the old one.
package jsvm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/oauth2"
	"github.com/galleyhq/galley/internal/safego"
)

// DefaultTimeout bounds one call into JavaScript (a hook, route, job).
const DefaultTimeout = 30 * time.Second

// Router is where routerAdd adds routes (*api.Server).
type Router interface {
	AddRoute(method, path string, h func(e *api.RequestEvent) error, mws ...api.Middleware) error
}

// Scheduler is where cronAdd adds jobs: Add registers fn under id at the
// ticks of expr (replacing a job with that id; a bad id or expression is
// an error), Remove unregisters id. CronFuncs adapts *cron.Scheduler.
type Scheduler interface {
	Add(id, expr string, fn func(ctx context.Context) error) error
	Remove(id string) bool
}

// CronFuncs is a Scheduler made of two functions, e.g. for *cron.Scheduler
// (whose Add takes its own function type):
//
//	jsvm.CronFuncs{AddFunc: func(id, expr string, fn func(context.Context) error) error {
//		return s.Add(id, expr, fn)
//	}, RemoveFunc: s.Remove}
type CronFuncs struct {
	AddFunc    func(id, expr string, fn func(ctx context.Context) error) error
	RemoveFunc func(id string) bool
}

// Add calls AddFunc.
func (c CronFuncs) Add(id, expr string, fn func(ctx context.Context) error) error {
	return c.AddFunc(id, expr, fn)
}

// Remove calls RemoveFunc.
func (c CronFuncs) Remove(id string) bool { return c.RemoveFunc(id) }

// Config configures Start.
type Config struct {
	// Dir holds the *.pb.js files (other files are ignored; a missing
	// directory means no hooks).
	Dir string
	// Dev reloads the files when they change (polling every PollInterval).
	Dev          bool
	PollInterval time.Duration // default 500ms
	// PoolSize is the number of runtimes kept (default 2×GOMAXPROCS, at
	// least 8: a call often holds more than one, e.g. a route and the write
	// hooks its $app.save fires). More are made while every one is busy.
	PoolSize int
	// Timeout bounds one call into JavaScript: a hook, route or job still
	// running then is interrupted (its request gets a 500, the cause is
	// logged) and its runtime replaced. 0 is DefaultTimeout, <0 none.
	Timeout time.Duration
	App     *core.App
	// Router receives routerAdd's routes (nil: routerAdd throws).
	Router Router
	// Cron receives cronAdd's jobs (nil: cronAdd throws).
	Cron Scheduler
	// HTTPClient sends $http.send's requests; nil is the SSRF-safe client
	// (public addresses only, see oauth2.NewHTTPClient).
	HTTPClient *http.Client
	// Getenv reads $os.getenv (nil: os.Getenv).
	Getenv func(string) string
	Log    *slog.Logger
}

// VM is the running hooks of one App.
type VM struct {
	cfg  Config
	log  *slog.Logger
	http *http.Client

	mu     sync.Mutex // serializes loads and binds
	gen    atomic.Pointer[generation]
	routes map[string]*routeSlot // "METHOD path" → its slot, added to the Router once
	stamp  string                // the files' names, sizes and mtimes at the last load

	stop chan struct{}
	done chan struct{}
}

// Start loads the hooks of cfg.Dir and binds them. A file that fails to
// compile or to run is an error naming it with its line, and nothing is
// bound. With cfg.Dev it watches the files until Close.
func Start(cfg Config) (*VM, error) {
	if cfg.App == nil {
		return nil, errors.New("jsvm: no App")
	}
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = max(2*goruntime.GOMAXPROCS(0), 8)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 500 * time.Millisecond
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	vm := &VM{cfg: cfg, log: cfg.Log, http: cfg.HTTPClient, routes: map[string]*routeSlot{}, stop: make(chan struct{}), done: make(chan struct{})}
	if vm.http == nil {
		vm.http = oauth2.NewHTTPClient(oauth2.Options{Timeout: httpMaxTimeout})
	}
	if err := vm.load(); err != nil {
		return nil, err
	}
	if cfg.Dev {
		safego.Go(vm.log, "hooks watcher", vm.watch)
	} else {
		close(vm.done)
	}
	return vm, nil
}

// Close stops watching and unbinds the hooks and jobs (routes stay on the
// router and answer 404).
func (vm *VM) Close() {
	select {
	case <-vm.stop:
	default:
		close(vm.stop)
	}
	<-vm.done
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if g := vm.gen.Swap(nil); g != nil {
		g.unbind()
	}
}

// Files reports the hooks files of the current load, in load order.
func (vm *VM) Files() []string {
	g := vm.gen.Load()
	if g == nil {
		return nil
	}
	out := make([]string, len(g.files))
	for i, f := range g.files {
		out[i] = f.name
	}
	return out
}

// source is one compiled hooks file.
type source struct {
	name string // base name, as errors and stacks show it
	prg  *goja.Program
}

// readFiles compiles the *.pb.js files of dir in name order. A syntax
// error names file:line:col.
func readFiles(dir string) ([]source, string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("hooks dir: %w", err)
	}
	stamp := stampOf(dir)
	var out []source
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".pb.js") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, "", fmt.Errorf("hooks: %w", err)
		}
		prg, err := compile(e.Name(), string(b))
		if err != nil {
			return nil, "", err
		}
		out = append(out, source{name: e.Name(), prg: prg})
	}
	return out, stamp, nil
}

// compile parses and compiles one file; a syntax error is
// "hooks: file:line:col: syntax error: message".
func compile(name, src string) (*goja.Program, error) {
	ast, err := parser.ParseFile(nil, name, src, 0)
	if err != nil {
		var list parser.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			p := list[0].Position
			return nil, fmt.Errorf("hooks: %s:%d:%d: syntax error: %s", name, p.Line, p.Column, list[0].Message)
		}
		return nil, fmt.Errorf("hooks: %s: syntax error: %v", name, err)
	}
	prg, err := goja.CompileAST(ast, false)
	if err != nil {
		var ce *goja.CompilerSyntaxError
		if errors.As(err, &ce) && ce.File != nil {
			p := ce.File.Position(ce.Offset)
			return nil, fmt.Errorf("hooks: %s:%d:%d: syntax error: %s", name, p.Line, p.Column, ce.Message)
		}
		return nil, fmt.Errorf("hooks: %s: %v", name, err)
	}
	return prg, nil
}

// load reads, compiles and runs the files into a new pool and, when all
// of it worked, swaps it in for the old one.
func (vm *VM) load() error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	files, stamp, err := readFiles(vm.cfg.Dir)
	if err != nil {
		return err
	}
	vm.stamp = stamp
	g := &generation{vm: vm, files: files, pool: make(chan *runtime, vm.cfg.PoolSize)}
	first, err := g.newRuntime()
	if err != nil {
		return err
	}
	g.regs = first.regs
	if err := g.check(); err != nil {
		return err
	}
	g.pool <- first
	for i := 1; i < vm.cfg.PoolSize; i++ {
		r, err := g.newRuntime()
		if err != nil {
			return err
		}
		if len(r.regs) != len(g.regs) {
			return fmt.Errorf("hooks: the files registered %d handlers in one runtime and %d in another: register at the top level of a file, not conditionally", len(g.regs), len(r.regs))
		}
		g.pool <- r
	}
	old := vm.gen.Load()
	if old != nil {
		old.unbind()
		old.retired.Store(true)
	}
	if err := g.bind(); err != nil {
		g.unbind()
		if old != nil { // put the old hooks back
			old.retired.Store(false)
			if berr := old.bind(); berr != nil {
				vm.log.Error("hooks: restoring the previous hooks failed", "err", berr)
			}
		}
		return err
	}
	vm.gen.Store(g)
	if len(files) > 0 {
		vm.log.Info("hooks loaded", "dir", vm.cfg.Dir, "files", len(files), "handlers", len(g.regs), "runtimes", vm.cfg.PoolSize)
	}
	return nil
}

// generation is one load of the files: its runtimes and what it bound.
type generation struct {
	vm      *VM
	files   []source
	regs    []registration
	pool    chan *runtime
	retired atomic.Bool
	// extra counts the runtimes beyond the pool's size (made by acquire
	// when every runtime was busy), less the ones a broken runtime left
	// free: the runtimes alive are cap(pool) + extra.
	extra atomic.Int64

	unbinds []func()
}

// newRuntime makes a runtime and runs every file in it.
func (g *generation) newRuntime() (*runtime, error) {
	r := &runtime{gen: g, rt: goja.New(), loading: true}
	if err := r.install(); err != nil {
		return nil, err
	}
	for _, f := range g.files {
		r.callSite = f.name
		if _, err := r.rt.RunProgram(f.prg); err != nil {
			return nil, loadError(f.name, err)
		}
	}
	r.loading = false
	r.callSite = ""
	return r, nil
}

// loadError names the file and line of an error thrown while a file ran.
func loadError(name string, err error) error {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		loc := where(ex.Stack())
		if loc == "" {
			loc = name
		}
		msg := "undefined"
		if ex.Value() != nil {
			msg = ex.Value().String()
		}
		return fmt.Errorf("hooks: %s: %s", loc, msg)
	}
	return fmt.Errorf("hooks: %s: %v", name, err)
}

// runtime is one goja runtime of a generation's pool.
type runtime struct {
	gen         *generation
	rt          *goja.Runtime
	loading     bool
	regs        []registration // what the files registered, in order
	fns         []goja.Callable
	goErrSym    *goja.Symbol
	mwSym       *goja.Symbol
	settingsSym *goja.Symbol // marks the object $app.settings() returns
	// The built-in JSON.stringify and JSON.parse (see stringify).
	jsonStringify, jsonParse goja.Callable
	app                      *goja.Object // $app
	txAppProto               *goja.Object // a transaction's app's prototype
	evProto                  *goja.Object // hook events' prototype
	reqProto                 *goja.Object // record request events' (inherits evProto)
	writeProto               *goja.Object // record write events' (inherits evProto)
	routeProto               *goja.Object // route events' prototype
	httpReqProto             *goja.Object // a route's e.request's
	recProto                 *goja.Object

	// During a call: its contexts (innermost last), where it was entered,
	// and whether the runtime must be replaced after it.
	ctxs     []context.Context
	callSite string
	broken   bool

	// The timeout: one timer per runtime, re-armed for each call (a new
	// timer per call cost more than a small handler). It interrupts the
	// call only once the call's deadline has passed, so a timer that fires
	// late, for a call already over, leaves the next call alone.
	imu      sync.Mutex // guards deadline and timer against the timer's func
	deadline time.Time  // the running call's (zero: no call may be interrupted)
	timeout  time.Duration
	timer    *time.Timer // nil until the first call
}

// arm sets the running call's deadline to t from now and (re)starts the
// timer.
func (r *runtime) arm(t time.Duration) {
	r.imu.Lock()
	defer r.imu.Unlock()
	r.deadline = time.Now().Add(t)
	r.timeout = t
	if r.timer == nil {
		r.timer = time.AfterFunc(t, r.expire)
		return
	}
	r.timer.Reset(t)
}

// expire is the timer's func: it interrupts the running call once its
// deadline has passed, and re-arms for the rest when it fired early for
// it (a late fire for the previous call).
func (r *runtime) expire() {
	r.imu.Lock()
	defer r.imu.Unlock()
	if r.deadline.IsZero() {
		return
	}
	if left := time.Until(r.deadline); left > 0 {
		r.timer.Reset(left)
		return
	}
	r.rt.Interrupt(errTimeout{r.timeout})
}

// ctx is the context of the innermost call (Background at load).
func (r *runtime) ctx() context.Context {
	if n := len(r.ctxs); n > 0 {
		return r.ctxs[n-1]
	}
	return context.Background()
}

// call runs fn in a free runtime of g (see acquire). site names the
// handler's file:line for errors. fn's error goes through goError; a
// panic, a timeout or a stack overflow is EInternal and the runtime is
// replaced.
func (g *generation) call(ctx context.Context, site string, fn func(r *runtime) (goja.Value, error)) error {
	r, err := g.acquire(ctx)
	if err != nil {
		return err
	}
	if t := g.vm.cfg.Timeout; t > 0 {
		r.arm(t)
	}
	err = r.run(ctx, site, fn)
	r.imu.Lock()
	r.deadline = time.Time{}
	r.rt.ClearInterrupt()
	r.imu.Unlock()
	if r.broken {
		g.vm.log.Error("hooks: replacing a JavaScript runtime", "at", site, "err", err)
		g.extra.Add(-1)
	} else {
		g.release(r)
	}
	return err
}

// maxExtra bounds the extra runtimes (at least; 16× the pool when that is
// more).
const maxExtra = 256

// overflowWait is how long a call waits for a busy pool before it makes an
// extra runtime.
const overflowWait = 10 * time.Millisecond

// acquire takes a free runtime; when none is free within overflowWait it
// makes one more (up to maxExtra beyond the pool's size; then it waits for
// ctx). An extra runtime goes back to the pool when there is room, else it
// is dropped: the pool returns to its size, and a broken runtime is
// replaced the same way. Waiting without limit would deadlock: a call
// holds its runtime while Go code it called waits for another (a route's
// $app.save runs the write hooks on the database's writer goroutine, and
// the after-commit hooks before it returns), and that writer serves every
// request.
func (g *generation) acquire(ctx context.Context) (*runtime, error) {
	select {
	case r := <-g.pool:
		return r, nil
	default:
	}
	t := time.NewTimer(overflowWait)
	defer t.Stop()
	select {
	case r := <-g.pool:
		return r, nil
	case <-ctx.Done():
		return nil, galley.Errorf(galley.EUnavailable, "The request was cancelled while waiting for a JavaScript runtime.")
	case <-t.C:
	}
	if n := g.extra.Add(1); n <= int64(max(maxExtra, 16*cap(g.pool))) {
		r, err := g.newRuntime()
		if err == nil {
			return r, nil
		}
		g.extra.Add(-1)
		g.vm.log.Error("hooks: an extra runtime failed to load", "err", err)
	} else {
		g.extra.Add(-1)
	}
	select {
	case r := <-g.pool:
		return r, nil
	case <-ctx.Done():
		return nil, galley.Errorf(galley.EUnavailable, "The request was cancelled while waiting for a JavaScript runtime.")
	}
}

// release puts r back in the pool, or drops it when the pool is full (an
// extra runtime) or the generation was replaced.
func (g *generation) release(r *runtime) {
	if g.retired.Load() {
		return
	}
	select {
	case g.pool <- r:
	default:
		g.extra.Add(-1)
	}
}

// run calls fn in r with ctx as the current context.
func (r *runtime) run(ctx context.Context, site string, fn func(r *runtime) (goja.Value, error)) (err error) {
	r.ctxs = append(r.ctxs, ctx)
	prevSite := r.callSite
	r.callSite = site
	defer func() {
		r.ctxs = r.ctxs[:len(r.ctxs)-1]
		r.callSite = prevSite
		if p := recover(); p != nil {
			r.broken = true
			err = galley.Internal(fmt.Errorf("%s: %w", site, errPanic{p}))
		}
	}()
	_, err = fn(r)
	return r.goError(err)
}
