package migrate

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

// Snapshot writes to files a migration that brings a database to the
// collections cols — all of them, system ones included, so its up step
// imports them with deleteMissing (collections not in it are deleted) —
// and returns its path (galley migrate collections). Its down step does
// nothing: to go back, apply an older snapshot. Auth collections are
// written without their secrets (token secrets, OAuth2 client secrets),
// which a database keeps, or generates for a collection it creates.
func Snapshot(files *Files, cols []*galley.Collection, now time.Time) (string, error) {
	if len(cols) == 0 {
		return "", fmt.Errorf("there are no collections to snapshot")
	}
	return files.Write("collections_snapshot", Plan{Up: Step{Collections: cols, DeleteMissing: true}}, now)
}

// PlanOf returns the migration of committed collection changes (Old: the
// collection before, nil when created; New: after, nil when deleted) and
// a description for its file name: up makes the changes, down undoes
// them (deletes what was created, restores the definitions changed or
// deleted — a deleted collection comes back without its records).
func PlanOf(changes []store.CollectionChange) (Plan, string) {
	var p Plan
	for _, ch := range changes {
		switch {
		case ch.Old == nil && ch.New != nil:
			p.Up.Collections = append(p.Up.Collections, ch.New)
			p.Down.Delete = append(p.Down.Delete, ch.New.ID)
		case ch.Old != nil && ch.New != nil:
			p.Up.Collections = append(p.Up.Collections, ch.New)
			p.Down.Collections = append(p.Down.Collections, ch.Old)
		case ch.Old != nil:
			p.Up.Delete = append(p.Up.Delete, ch.Old.ID)
			p.Down.Collections = append(p.Down.Collections, ch.Old)
		}
	}
	desc := "collections_changed"
	if len(changes) == 1 {
		switch ch := changes[0]; {
		case ch.Old == nil && ch.New != nil:
			desc = "created_" + ch.New.Name
		case ch.New == nil && ch.Old != nil:
			desc = "deleted_" + ch.Old.Name
		case ch.New != nil:
			desc = "updated_" + ch.New.Name
		}
	}
	return p, desc
}

// AutoMigrate is --automigrate: for every change of the collections that
// is not made by a migration (see Applying) — through the API, the
// dashboard, application code — it writes a migration file describing it
// (PlanOf) and records that file as applied, since its change is already
// made. Committed to version control and deployed, the files replay the
// changes on other databases. Bind CollectionsChanged to
// core.App.OnCollectionsChanged. It is meant for development on one node:
// every node would write its own files.
type AutoMigrate struct {
	Files *Files
	DB    *store.DB
	Log   *slog.Logger
	// Now names and stamps the files (time.Now when nil).
	Now func() time.Time
}

// CollectionsChanged writes and records the migration of changes. A
// failure is logged: the change itself has committed.
func (a *AutoMigrate) CollectionsChanged(ctx context.Context, changes []store.CollectionChange) {
	if _, ok := Applying(ctx); ok || len(changes) == 0 {
		return
	}
	log := a.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Now()
	if a.Now != nil {
		now = a.Now()
	}
	plan, desc := PlanOf(changes)
	path, err := a.Files.Write(desc, plan, now)
	if err != nil {
		log.Error("automigrate: could not write the migration of a collection change", "change", desc, "err", err)
		return
	}
	if err := a.DB.RecordMigration(context.WithoutCancel(ctx), filepath.Base(path), now); err != nil {
		log.Error("automigrate: wrote a migration but could not record it as applied; it will run again at the next start", "file", path, "err", err)
		return
	}
	log.Info("automigrate: wrote migration", "file", path)
}
