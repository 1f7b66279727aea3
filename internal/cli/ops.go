package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"time"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/mail"
	"github.com/galleyhq/galley/internal/reqlog"
	"github.com/galleyhq/galley/internal/safego"
	"github.com/galleyhq/galley/internal/store"
)

// startOps starts the operational services (request logs: in auxiliary.db
// on SQLite; on PostgreSQL in the shared database, each entry tagged with
// this node and pruned by the node that holds the retention lock) and
// returns a function that stops them, flushing what is queued.
func startOps(ctx context.Context, srv *api.Server, app *core.App, db *store.DB, dir string, log *slog.Logger) (func(), error) {
	opts := reqlog.Options{Dir: dir, Logger: log, MaxDays: func() int {
		set, err := app.Settings(context.Background())
		if err != nil {
			return 7
		}
		return set.Logs.MaxDays
	}}
	if db.IsPostgres() {
		opts.DB, opts.Node, opts.Leader = db.Reader(), db.NodeID(), db.RunAsLeader
	}
	logs, err := reqlog.Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	srv.UseRequestLogs(logs)
	mailer := mail.New(app.Settings, log)
	app.Mailer = mailer
	stop := make(chan struct{})
	safego.Go(log, "idle memory trimmer", func() { trimWhenIdle(srv, db, stop) })
	return func() {
		close(stop)
		// Let mails queued by finished requests go out before exiting.
		wctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = mailer.Wait(wctx)
		cancel()
		_ = logs.Close()
	}, nil
}

// idleAfter is how long without requests before memory is returned to the OS.
const idleAfter = 3 * time.Second

// trimWhenIdle releases memory once each time the server goes idle: idle
// database connections and page caches, then freed heap to the operating
// system, so a quiet Galley keeps a small footprint after a burst of work
// (the Go runtime otherwise returns memory only gradually).
func trimWhenIdle(srv *api.Server, db *store.DB, stop <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	trimmed := false
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			idle := srv.IdleFor() >= idleAfter
			if idle && !trimmed {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				db.ReleaseMemory(ctx)
				cancel()
				debug.FreeOSMemory()
			}
			trimmed = idle
		}
	}
}

// startPprof serves Go's profiles on addr (a separate listener, so they are
// never reachable through the API's address) until the process exits.
func startPprof(addr string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Warn("serving profiles (--pprof): keep this address private", "addr", "http://"+ln.Addr().String()+"/debug/pprof/")
	safego.Go(log, "pprof listener", func() { _ = http.Serve(ln, mux) })
	return nil
}
