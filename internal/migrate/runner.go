package migrate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/store"
)

// lockName is the cluster-wide lock every run holds (store.DB.WithLock).
const lockName = "app-migrations"

// Runner applies and reverts the migrations of its sources on one
// database. Every run holds a lock across the nodes of a cluster, so
// nodes starting together apply each migration once: the others wait,
// then find it applied.
type Runner struct {
	DB      *store.DB
	App     *core.App
	Sources []Source
	Log     *slog.Logger
	// Now stamps applied migrations (time.Now when nil).
	Now func() time.Time
}

// Status is one migration as Runner.Status reports it.
type Status struct {
	Name   string
	Origin string // "" when applied but no source has it any more
	// Applied is when it was applied; zero while pending.
	Applied time.Time
}

// all returns the migrations of every source in name order; a source
// that fails or a name found twice is an error.
func (r *Runner) all() ([]Migration, error) {
	var out []Migration
	seen := map[string]string{}
	for _, s := range r.Sources {
		ms, err := s.Migrations()
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if o, dup := seen[m.Name]; dup {
				return nil, fmt.Errorf("two migrations are named %q (%s and %s)", m.Name, o, m.Origin)
			}
			seen[m.Name] = m.Origin
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Migration) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Up applies every pending migration in name order, each recorded once its
// up step has succeeded, and returns the names applied. The first failure
// stops the run (the failed one is not recorded, the later ones not
// applied) and is returned naming the migration; what its up step did in
// transactions that committed stays — a step should be one transaction
// (one collection import, or app.RunInTransaction) or safe to re-run. A
// migration that is recorded but no longer has a source is left alone.
func (r *Runner) Up(ctx context.Context) ([]string, error) {
	all, err := r.all()
	if err != nil {
		return nil, err
	}
	var applied []string
	err = r.DB.WithLock(ctx, lockName, func() error {
		done, err := r.DB.AppliedMigrations(ctx)
		if err != nil {
			return err
		}
		isDone := map[string]bool{}
		for _, d := range done {
			isDone[d.Name] = true
		}
		for _, m := range all {
			if isDone[m.Name] {
				continue
			}
			if err := r.step(ctx, m, "up", m.Up); err != nil {
				return err
			}
			if err := r.DB.RecordMigration(ctx, m.Name, r.now()); err != nil {
				return fmt.Errorf("migration %s applied but not recorded: %w", m.Name, err)
			}
			r.log().Info("applied migration", "name", m.Name, "from", m.Origin)
			applied = append(applied, m.Name)
		}
		return nil
	})
	return applied, err
}

// Down reverts the n migrations applied last (n ≥ 1), latest first: runs
// each one's down step, then forgets it. It returns the names reverted. A
// recorded migration that no source has any more cannot be reverted: that
// is an error, and so is the first failing down step (that migration stays
// recorded).
func (r *Runner) Down(ctx context.Context, n int) ([]string, error) {
	if n < 1 {
		return nil, errors.New("revert at least 1 migration")
	}
	all, err := r.all()
	if err != nil {
		return nil, err
	}
	byName := map[string]Migration{}
	for _, m := range all {
		byName[m.Name] = m
	}
	var reverted []string
	err = r.DB.WithLock(ctx, lockName, func() error {
		done, err := r.DB.AppliedMigrations(ctx)
		if err != nil {
			return err
		}
		for i := len(done) - 1; i >= 0 && len(reverted) < n; i-- {
			m, ok := byName[done[i].Name]
			if !ok {
				return fmt.Errorf("migration %s was applied but no migration of that name exists any more: it cannot be reverted", done[i].Name)
			}
			if m.Down != nil {
				if err := r.step(ctx, m, "down", m.Down); err != nil {
					return err
				}
			}
			if err := r.DB.ForgetMigration(ctx, m.Name); err != nil {
				return fmt.Errorf("migration %s reverted but still recorded: %w", m.Name, err)
			}
			r.log().Info("reverted migration", "name", m.Name, "from", m.Origin)
			reverted = append(reverted, m.Name)
		}
		return nil
	})
	return reverted, err
}

// Status lists every migration: those of the sources in name order
// (Applied zero while pending), then those recorded that no source has any
// more (Origin "").
func (r *Runner) Status(ctx context.Context) ([]Status, error) {
	all, err := r.all()
	if err != nil {
		return nil, err
	}
	done, err := r.DB.AppliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	at := map[string]time.Time{}
	for _, d := range done {
		at[d.Name] = d.Applied
	}
	out := make([]Status, 0, len(all))
	for _, m := range all {
		out = append(out, Status{Name: m.Name, Origin: m.Origin, Applied: at[m.Name]})
		delete(at, m.Name)
	}
	for _, d := range done {
		if _, gone := at[d.Name]; gone {
			out = append(out, Status{Name: d.Name, Applied: d.Applied})
		}
	}
	return out, nil
}

// step runs one step of m, a panic turned into an error, with ctx marked
// as applying m (see Applying).
func (r *Runner) step(ctx context.Context, m Migration, dir string, fn Func) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log().Error("migration panicked", "name", m.Name, "step", dir, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
		if err != nil {
			err = fmt.Errorf("migration %s (%s) failed: %w", m.Name, dir, err)
		}
	}()
	return fn(withApplying(ctx, m.Name), r.App)
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}
