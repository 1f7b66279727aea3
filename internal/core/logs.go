package core

import (
	"context"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/reqlog"
)

// RequestLogs is what the request-log services read from; *reqlog.Store
// implements it. App.RequestLogs is nil when request logging is off.
type RequestLogs interface {
	List(ctx context.Context, q reqlog.Query) (*reqlog.Result, error)
	View(ctx context.Context, id string) (*reqlog.Log, error)
	Stats(ctx context.Context, filter string) ([]reqlog.Stat, error)
}

// ListLogs returns a page of request logs (see reqlog.Store.List: page,
// perPage, sort, filter over id, created, level, message and data.*).
// Superusers only: EUnauthenticated for guests, EForbidden for other auth
// records. Without a log store the page is empty.
func (app *App) ListLogs(ctx context.Context, a Actor, q reqlog.Query) (*reqlog.Result, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	if app.RequestLogs == nil {
		return &reqlog.Result{Page: max(q.Page, 1), PerPage: min(max(q.PerPage, 1), reqlog.MaxPerPage), Items: []reqlog.Log{}}, nil
	}
	return app.RequestLogs.List(ctx, q)
}

// ViewLog returns the request log with id; ENotFound when missing or when
// there is no log store. Superusers only, like ListLogs.
func (app *App) ViewLog(ctx context.Context, a Actor, id string) (*reqlog.Log, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	if app.RequestLogs == nil {
		return nil, galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
	}
	return app.RequestLogs.View(ctx, id)
}

// LogStats returns the number of request logs matching filter per hour,
// oldest first (see reqlog.Store.Stats); empty without a log store.
// Superusers only, like ListLogs.
func (app *App) LogStats(ctx context.Context, a Actor, filter string) ([]reqlog.Stat, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	if app.RequestLogs == nil {
		return []reqlog.Stat{}, nil
	}
	return app.RequestLogs.Stats(ctx, filter)
}
