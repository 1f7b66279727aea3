package core

import (
	"context"
	"time"
)

// The system cron jobs `galley serve` registers (AddSystemCrons), under
// PocketBase's ids where PocketBase has the same job, so that GET
// /api/crons lists them and POST /api/crons/{id} runs one now.
const (
	CronDBOptimize  = "__pbDBOptimize__"     // the query planner's statistics
	CronOTPCleanup  = "__pbOTPCleanup__"     // expired one-time passwords
	CronMFACleanup  = "__pbMFACleanup__"     // expired MFA sessions
	CronLogsCleanup = "__pbLogsCleanup__"    // request logs past logs.maxDays
	CronFilesSweep  = "__galleyFilesSweep__" // orphan files (Galley's own)
)

// logPruner is what the logs clean-up needs of App.RequestLogs
// (*reqlog.Store has it).
type logPruner interface {
	Prune(ctx context.Context, maxDays int) (int64, error)
}

// AddSystemCrons registers the system jobs on the App's scheduler:
// __pbDBOptimize__ daily (SQLite's PRAGMA optimize, PostgreSQL's ANALYZE),
// __pbOTPCleanup__ and __pbMFACleanup__ hourly (Maintain also deletes
// expired rows every minute; the jobs let a superuser run it now),
// __pbLogsCleanup__ every 6 hours (the request logs older than
// logs.maxDays; the log store also prunes hourly on its own) and
// __galleyFilesSweep__ every 6 hours (the orphan-file sweep, which
// Maintain then leaves to the job). Each tick runs on one node.
func (app *App) AddSystemCrons() error {
	jobs := []struct {
		id, expr string
		fn       func(context.Context) error
	}{
		{CronDBOptimize, "0 0 * * *", app.optimizeDB},
		{CronOTPCleanup, "0 * * * *", func(ctx context.Context) error { _, err := app.deleteExpired(ctx, true, false); return err }},
		{CronMFACleanup, "0 * * * *", func(ctx context.Context) error { _, err := app.deleteExpired(ctx, false, true); return err }},
		{CronLogsCleanup, "0 */6 * * *", app.cleanLogs},
		{CronFilesSweep, "0 */6 * * *", app.sweepFilesJob},
	}
	for _, j := range jobs {
		if err := app.cron.Add(j.id, j.expr, j.fn); err != nil {
			return err
		}
	}
	app.filesSweptByCron.Store(true)
	return nil
}

// optimizeDB refreshes the query planner's statistics.
func (app *App) optimizeDB(ctx context.Context) error {
	stmt := "PRAGMA optimize"
	if app.db.DialectName() != "sqlite" {
		stmt = "ANALYZE"
	}
	_, err := app.db.Exec(ctx, stmt)
	return err
}

// cleanLogs deletes the request logs older than logs.maxDays.
func (app *App) cleanLogs(ctx context.Context) error {
	p, ok := app.RequestLogs.(logPruner)
	if !ok {
		return nil
	}
	s, err := app.Settings(ctx)
	if err != nil {
		return err
	}
	n, err := p.Prune(ctx, s.Logs.MaxDays)
	if n > 0 {
		app.Log.Info("cron: request logs cleaned", "deleted", n)
	}
	return err
}

// sweepFilesJob removes the stored files no record refers to (older than
// App.FileOrphanGrace).
func (app *App) sweepFilesJob(ctx context.Context) error {
	grace := app.FileOrphanGrace
	if grace <= 0 {
		grace = DefaultFileOrphanGrace
	}
	ctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	n, err := app.SweepOrphanFiles(ctx, grace)
	if n > 0 {
		app.Log.Info("cron: removed orphan files", "objects", n)
	}
	return err
}
