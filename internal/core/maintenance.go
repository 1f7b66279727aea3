package core

import (
	"context"
	"time"
)

// LeaderMaintenance names the leader lock under which Maintain runs: with
// several nodes on one PostgreSQL database, one node at a time does it.
const LeaderMaintenance = "maintenance"

// DefaultMaintenanceEvery is how often Maintain deletes expired rows.
const DefaultMaintenanceEvery = time.Minute

// Maintain runs the periodic housekeeping of the shared database until ctx
// ends: at once, then every app.MaintenanceEvery (the orphan-file sweep
// every app.FileSweepEvery, unless AddSystemCrons gave it to the
// scheduler). Run it through
// store.DB.RunAsLeader so that one node does it at a time.
func (app *App) Maintain(ctx context.Context) {
	every := app.MaintenanceEvery
	if every <= 0 {
		every = DefaultMaintenanceEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	sweepEvery := app.FileSweepEvery
	if sweepEvery <= 0 {
		sweepEvery = DefaultFileSweepEvery
	}
	grace := app.FileOrphanGrace
	if grace <= 0 {
		grace = DefaultFileOrphanGrace
	}
	var lastSweep time.Time
	for {
		if time.Since(lastSweep) >= sweepEvery && !app.filesSweptByCron.Load() {
			lastSweep = time.Now()
			if n, err := app.SweepOrphanFiles(ctx, grace); err != nil {
				if ctx.Err() == nil {
					app.Log.Warn("maintenance: sweep orphan files", "err", err)
				}
			} else if n > 0 {
				app.Log.Info("maintenance: removed orphan files", "objects", n)
			}
		}
		if n, err := app.DeleteExpired(ctx); err != nil {
			if ctx.Err() == nil {
				app.Log.Warn("maintenance: delete expired", "err", err)
			}
		} else if n > 0 {
			app.Log.Info("maintenance: deleted expired one-time passwords and MFA sessions", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// DeleteExpired deletes the one-time passwords and MFA sessions that are
// past their collection's duration (they can no longer be redeemed) and
// returns how many rows went.
func (app *App) DeleteExpired(ctx context.Context) (int64, error) {
	return app.deleteExpired(ctx, true, true)
}

// deleteExpired deletes the expired one-time passwords (otp) and MFA
// sessions (mfa) of every auth collection.
func (app *App) deleteExpired(ctx context.Context, otp, mfa bool) (int64, error) {
	var total int64
	now := time.Now()
	for _, c := range app.db.Schema.Collections() {
		if !c.IsAuth() || c.Auth == nil {
			continue
		}
		cutoff := func(secs int64) time.Time { return now.Add(-time.Duration(max(secs, 1)) * time.Second) }
		if otp {
			n, err := app.db.DeleteExpiredOTPs(ctx, c.ID, cutoff(c.Auth.OTP.Duration))
			total += n
			if err != nil {
				return total, err
			}
		}
		if mfa {
			n, err := app.db.DeleteExpiredMFAs(ctx, c.ID, cutoff(c.Auth.MFA.Duration))
			total += n
			if err != nil {
				return total, err
			}
		}
	}
	return total, nil
}
