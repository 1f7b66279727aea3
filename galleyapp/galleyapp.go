// Package galleyapp builds a custom Galley binary: Galley's whole command
// line (serve, superuser, migrate-data, …) with the application's own
// hooks and routes, in Go.
//
//	func main() {
//		app := galleyapp.New()
//		app.OnRecordCreateRequest(func(e *galleyapp.RecordRequestEvent) error {
//			if strings.Contains(e.Record.GetString("title"), "spam") {
//				return galleyapp.BadRequest("No spam, please.")
//			}
//			return e.Next()
//		}, "posts")
//		app.OnServe(func(e *galleyapp.ServeEvent) error {
//			return e.Router.GET("/api/hello", func(re *galleyapp.RequestEvent) error {
//				return re.JSON(200, map[string]string{"hello": "world"})
//			})
//		})
//		app.Start()
//	}
//
// Hooks follow one pattern: a handler does its work and calls e.Next() to
// continue (the next handler, then the operation itself), or returns an
// error to stop it — a *galley.Error (BadRequest, Forbidden, NotFound, …)
// is answered with its status, any other error is a 400 with its text.
// Handlers bound with collection names run only for those collections.
// Hooks run for every path into the operation: REST requests, batch
// requests and (for the record write hooks) the application's own writes
// through TxApp.
package galleyapp

import (
	"context"
	"io"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/cli"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/migrate"
)

// The types hook handlers and routes see.
type (
	// Core is the running application: its services (records, auth,
	// collections, settings), Hooks, RunInTransaction, Save, Delete,
	// FindRecordByID, FindRecordsByFilter, SendMail.
	Core = core.App
	// Hooks are the hook points of a running Core.
	Hooks = core.Hooks
	// RecordRequestEvent: a record create, update or delete asked by a
	// request, before the write (OnRecord*Request).
	RecordRequestEvent = core.RecordRequestEvent
	// RecordWriteEvent: a record written by anyone, inside the write's
	// transaction (OnRecordCreate, OnRecordUpdate, OnRecordDelete).
	RecordWriteEvent = core.RecordWriteEvent
	// RecordSuccessEvent: after a committed record write
	// (OnRecordAfter*Success).
	RecordSuccessEvent = core.RecordSuccessEvent
	// AuthRequestEvent: a successful authentication about to be answered.
	AuthRequestEvent = core.AuthRequestEvent
	// MailEvent: a mail about to be sent.
	MailEvent = core.MailEvent
	// Message is a mail.
	Message = core.Message
	// TxApp is the Core inside one transaction.
	TxApp = core.TxApp
	// Actor is who performs a request (Auth nil for guests).
	Actor = core.Actor
	// Record is a record of a collection.
	Record = galley.Record
	// Collection is a collection's definition.
	Collection = galley.Collection
	// Error is Galley's error: its Code maps to the HTTP status.
	Error = galley.Error
	// RequestEvent is a request to an application route.
	RequestEvent = api.RequestEvent
	// Middleware wraps an application route.
	Middleware = api.Middleware
)

// RequireAuth lets through records of the named auth collections (any
// when none are named): 401 for guests, 403 for others.
func RequireAuth(collections ...string) Middleware { return api.RequireAuth(collections...) }

// RequireSuperuser lets through superusers only.
func RequireSuperuser() Middleware { return api.RequireSuperuser() }

// BadRequest, Forbidden, Unauthorized and NotFound are errors a handler
// returns to answer 400, 403, 401 and 404 with msg.
func BadRequest(msg string) error { return galley.Errorf(galley.EInvalid, "%s", msg) }

// Forbidden is a 403 with msg.
func Forbidden(msg string) error { return galley.Errorf(galley.EForbidden, "%s", msg) }

// Unauthorized is a 401 with msg.
func Unauthorized(msg string) error { return galley.Errorf(galley.EUnauthenticated, "%s", msg) }

// NotFound is a 404 with msg.
func NotFound(msg string) error { return galley.Errorf(galley.ENotFound, "%s", msg) }

// App is a custom Galley: register hooks, routes and migrations, then
// Start.
type App struct {
	setups     []cli.Setup
	migrations migrate.Registry
}

// New returns an App with no hooks.
func New() *App { return &App{} }

// MigrationFunc is one direction of a Go migration.
type MigrationFunc = migrate.Func

// Migration registers a Go migration: applied once, in name order together
// with the migration files, when serve starts or by `galley migrate up`;
// down undoes it (`galley migrate down`; nil: not reversible). Names are
// file-like ("1700000000_add_posts"). A bad name or a duplicate is an
// error.
func (a *App) Migration(name string, up, down MigrationFunc) error {
	return a.migrations.Register(name, up, down)
}

// ServeEvent is the start of `serve`: Core is the running application,
// Router adds routes.
type ServeEvent struct {
	Core   *Core
	Router *Router
}

// Router adds application routes to the API's router.
type Router struct{ srv *api.Server }

// Add adds a route: method ("" for any) and path as http.ServeMux reads
// them ("/api/hello/{name}"). The route has the API's middleware
// (authentication, CORS, body limits, rate limits, logs) and then mws.
// A clash with one of Galley's own routes is an error.
func (r *Router) Add(method, path string, h func(e *RequestEvent) error, mws ...Middleware) error {
	return r.srv.AddRoute(method, path, h, mws...)
}

// GET adds a GET (and HEAD) route.
func (r *Router) GET(path string, h func(e *RequestEvent) error, mws ...Middleware) error {
	return r.Add("GET", path, h, mws...)
}

// POST adds a POST route.
func (r *Router) POST(path string, h func(e *RequestEvent) error, mws ...Middleware) error {
	return r.Add("POST", path, h, mws...)
}

// OnServe registers fn to run when `serve` starts, before the first
// request: bind hooks on e.Core.Hooks(), add routes on e.Router. An error
// stops the start.
func (a *App) OnServe(fn func(e *ServeEvent) error) {
	a.setups = append(a.setups, func(c *core.App, srv *api.Server) error {
		return fn(&ServeEvent{Core: c, Router: &Router{srv: srv}})
	})
}

func (a *App) bind(fn func(h *core.Hooks)) {
	a.setups = append(a.setups, func(c *core.App, _ *api.Server) error { fn(c.Hooks()); return nil })
}

// OnRecordCreateRequest binds fn to record creates asked by requests (of
// the named collections; all when none).
func (a *App) OnRecordCreateRequest(fn func(e *RecordRequestEvent) error, collections ...string) {
	a.bind(func(h *core.Hooks) { h.RecordCreateRequest.BindFor(fn, collections...) })
}

// OnRecordUpdateRequest binds fn to record updates asked by requests.
func (a *App) OnRecordUpdateRequest(fn func(e *RecordRequestEvent) error, collections ...string) {
	a.bind(func(h *core.Hooks) { h.RecordUpdateRequest.BindFor(fn, collections...) })
}

// OnRecordDeleteRequest binds fn to record deletes asked by requests.
func (a *App) OnRecordDeleteRequest(fn func(e *RecordRequestEvent) error, collections ...string) {
	a.bind(func(h *core.Hooks) { h.RecordDeleteRequest.BindFor(fn, collections...) })
}

// OnRecordCreate binds fn to every record insert, inside its transaction.
func (a *App) OnRecordCreate(fn func(e *RecordWriteEvent) error, collections ...string) {
	a.bind(func(h *core.Hooks) { h.RecordCreate.BindFor(fn, collections...) })
}

// OnRecordUpdate binds fn to every record update, inside its transaction.
func (a *App) OnRecordUpdate(fn func(e *RecordWriteEvent) error, collections ...string) {
	a.bind(func(h *core.Hooks) { h.RecordUpdate.BindFor(fn, collections...) })
}

// OnRecordDelete binds fn to every record delete, inside its transaction.
func (a *App) OnRecordDelete(fn func(e *RecordWriteEvent) error, collections ...string) {
	a.bind(func(h *core.Hooks) { h.RecordDelete.BindFor(fn, collections...) })
}

// OnRecordAfterCreateSuccess binds fn to committed record creates.
func (a *App) OnRecordAfterCreateSuccess(fn func(e *RecordSuccessEvent) error, collections ...string) {
	a.bind(func(h *core.Hooks) { h.RecordAfterCreate.BindFor(fn, collections...) })
}

// OnRecordAfterUpdateSuccess binds fn to committed record updates.
func (a *App) OnRecordAfterUpdateSuccess(fn func(e *RecordSuccessEvent) error, collections ...string) {
	a.bind(func(h *core.Hooks) { h.RecordAfterUpdate.BindFor(fn, collections...) })
}

// OnRecordAfterDeleteSuccess binds fn to committed record deletes.
func (a *App) OnRecordAfterDeleteSuccess(fn func(e *RecordSuccessEvent) error, collections ...string) {
	a.bind(func(h *core.Hooks) { h.RecordAfterDelete.BindFor(fn, collections...) })
}

// OnRecordAuthRequest binds fn to successful authentications of the named
// auth collections, before the token is answered.
func (a *App) OnRecordAuthRequest(fn func(e *AuthRequestEvent) error, collections ...string) {
	a.bind(func(h *core.Hooks) { h.AuthRequest.BindFor(fn, collections...) })
}

// OnMailerSend binds fn to every mail Galley sends.
func (a *App) OnMailerSend(fn func(e *MailEvent) error) {
	a.bind(func(h *core.Hooks) { h.MailSend.Bind(fn) })
}

// Start runs Galley's command line with the process's arguments (the same
// commands and flags as the galley binary) and exits non-zero on failure.
func (a *App) Start() {
	cli.MainWith(cli.Extensions{Setups: a.setups, Migrations: &a.migrations})
}

// Run is Start with explicit arguments (no program name) and output,
// returning instead of exiting; serve stops when ctx ends. For tests and
// for embedding Galley in a larger program.
func (a *App) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return cli.RunWith(ctx, args, func(string) string { return "" }, stdout, stderr, cli.Extensions{Setups: a.setups, Migrations: &a.migrations})
}
