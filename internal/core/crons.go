package core

import (
	"errors"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/cron"
)

// CronJob is a cron job as GET /api/crons lists it.
type CronJob struct {
	ID         string `json:"id"`
	Expression string `json:"expression"`
}

// Cron returns the App's job scheduler. Application code (Go, and the
// JavaScript engine's cronAdd) adds jobs to it with Add; `galley serve`
// starts it and stops it at shutdown. Its ticks are claimed through the
// database, so with several nodes each tick of a job runs on one node.
// Jobs run with no actor: what they do through the App is trusted like a
// superuser's (SystemActor).
func (app *App) Cron() *cron.Scheduler { return app.cron }

// UseCron replaces the App's scheduler (tests, with a crontest clock).
// Call it before the scheduler is started and before jobs are added.
func (app *App) UseCron(s *cron.Scheduler) { app.cron = s }

// ListCrons returns the registered cron jobs sorted by id (an empty list
// when there are none). Superusers only (see requireSuperuser).
func (app *App) ListCrons(a Actor) ([]CronJob, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	jobs := app.cron.List()
	out := make([]CronJob, len(jobs))
	for i, j := range jobs {
		out[i] = CronJob{ID: j.ID, Expression: j.Expression}
	}
	return out, nil
}

// RunCron starts the cron job id now, on this node, and returns without
// waiting for it (its outcome is logged and kept as the job's LastError).
// A job that is not registered is ENotFound; a scheduler that has stopped
// (the server is shutting down) is EUnavailable. Superusers only (see
// requireSuperuser), checked first.
func (app *App) RunCron(a Actor, id string) error {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	switch err := app.cron.Trigger(id); {
	case errors.Is(err, cron.ErrNotFound):
		return galley.Errorf(galley.ENotFound, "Missing or invalid cron job.") // PocketBase's message
	case errors.Is(err, cron.ErrStopped):
		return galley.Errorf(galley.EUnavailable, "The server is shutting down.")
	case err != nil:
		return err
	}
	return nil
}
