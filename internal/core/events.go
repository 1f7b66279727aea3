package core

import (
	"context"
	"sync"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

// Record event actions.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
)

// RecordEvent is a committed change to one record. Record is the record as
// written (for deletes: as it was just before the delete); listeners must
// not modify it. Prepared holds what the RecordListener's PrepareDelete
// returned for a delete (nil otherwise).
type RecordEvent struct {
	Action   string
	Record   *galley.Record
	Prepared any
	// TokenChanged is set when an auth record's tokenKey changed (password
	// or email change) or the auth record was deleted: every token of it is
	// dead and open connections authenticated as it must drop that auth.
	TokenChanged bool
}

// RecordListener receives record events. The realtime broker is one.
type RecordListener interface {
	// RecordChanged is called once per committed change, after the commit,
	// on the writing request's goroutine: it must not block for long.
	RecordChanged(ev RecordEvent)
	// PrepareDelete is called inside the deleting transaction, before the
	// row is gone, with q reading that transaction; what it returns comes
	// back as RecordEvent.Prepared. It lets a listener check database rules
	// against a row that no longer exists after the commit; it must be
	// cheap when nothing needs it.
	PrepareDelete(ctx context.Context, q store.Querier, r *galley.Record) any
}

// events holds the registered listeners.
type events struct {
	mu        sync.RWMutex
	listeners []RecordListener
}

// AddRecordListener registers l for every record change from now on.
func (app *App) AddRecordListener(l RecordListener) {
	app.events.mu.Lock()
	app.events.listeners = append(app.events.listeners, l)
	app.events.mu.Unlock()
}

func (app *App) recordListeners() []RecordListener {
	app.events.mu.RLock()
	defer app.events.mu.RUnlock()
	return app.events.listeners
}

// recordChanged schedules ev for every listener once tx commits. The record
// is copied, so later changes by the caller are not seen by listeners.
func (app *App) recordChanged(tx *store.Tx, ev RecordEvent) {
	ls := app.recordListeners()
	if len(ls) == 0 {
		return
	}
	ev.Record = snapshot(ev.Record)
	tx.AfterCommit(func() {
		for _, l := range ls {
			l.RecordChanged(ev)
		}
	})
}

// prepareDelete asks every listener to prepare a delete of r inside tx and
// schedules the delete event after the commit.
func (app *App) recordDeleted(ctx context.Context, tx *store.Tx, r *galley.Record) {
	ls := app.recordListeners()
	if len(ls) == 0 {
		return
	}
	snap := snapshot(r)
	prepared := make([]any, len(ls))
	for i, l := range ls {
		prepared[i] = l.PrepareDelete(ctx, tx, snap)
	}
	tx.AfterCommit(func() {
		for i, l := range ls {
			l.RecordChanged(RecordEvent{Action: ActionDelete, Record: snap, Prepared: prepared[i], TokenChanged: snap.Collection.IsAuth()})
		}
	})
}

// snapshot copies r's data (values are replaced, never mutated in place, so
// a shallow copy of the map is enough) without its expand.
func snapshot(r *galley.Record) *galley.Record {
	data := make(map[string]any, len(r.Data))
	for k, v := range r.Data {
		data[k] = v
	}
	return &galley.Record{Collection: r.Collection, Data: data}
}

// reloadChanged re-reads record id of c inside tx after a raw UPDATE and
// schedules its update event.
func (app *App) reloadChanged(ctx context.Context, tx *store.Tx, c *galley.Collection, id string, tokenChanged bool) error {
	if len(app.recordListeners()) == 0 {
		return nil
	}
	r, err := findByID(ctx, tx, c, id)
	if err != nil || r == nil {
		return err
	}
	app.recordChanged(tx, RecordEvent{Action: ActionUpdate, Record: r, TokenChanged: tokenChanged})
	return nil
}
