package main

import (
	"context"
	"log/slog"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/reqlog"
)

// startOps starts the operational services (request logs in auxiliary.db)
// and returns a function that stops them, flushing what is queued.
func startOps(ctx context.Context, srv *api.Server, app *core.App, dir string, log *slog.Logger) (func(), error) {
	logs, err := reqlog.Open(ctx, reqlog.Options{Dir: dir, Logger: log, MaxDays: func() int {
		set, err := app.Settings(context.Background())
		if err != nil {
			return 7
		}
		return set.Logs.MaxDays
	}})
	if err != nil {
		return nil, err
	}
	srv.UseRequestLogs(logs)
	return func() { _ = logs.Close() }, nil
}
