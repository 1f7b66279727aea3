// Package core holds Galley's services: the business rules between the HTTP
// transport (internal/api) and storage (internal/store). Services take an
// Actor (who is asking), validate input, enforce API rules and call the store
// inside explicit transactions. They return *galley.Error values only.
package core

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/cron"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/oauth2"
	"github.com/galleyhq/galley/internal/ratelimit"
	"github.com/galleyhq/galley/internal/store"
)

// App is the set of services over one database. Its methods are safe for
// concurrent use.
type App struct {
	db  *store.DB
	Log *slog.Logger
	// Mailer sends auth mails (verification, reset, OTP, ...); nil logs them.
	Mailer Mailer
	// RequestLogs is where ListLogs, ViewLog and LogStats read; nil answers
	// empty lists (request logging off).
	RequestLogs RequestLogs
	// AllowedOrigins are the browser origins the server trusts (the CORS
	// list); OAuth2 redirect URLs must be on one of them or on the app URL.
	AllowedOrigins []string
	// Guards limit failed log-ins and auth mails per client IP, account and
	// address; on by default (their zero values use the defaults).
	Guards ratelimit.Guards
	// MaintenanceEvery is the period of Maintain (DefaultMaintenanceEvery when 0).
	MaintenanceEvery time.Duration
	// FilterLimits bound the relation paths of non-superuser filters and
	// sorts (MaxHops, MaxJoins; zero fields mean filter.DefaultMaxHops and
	// filter.DefaultMaxJoins). Rules and superuser filters use the rule
	// limits (filter.DefaultRuleMaxHops, filter.DefaultRuleMaxJoins).
	FilterLimits filter.Limits
	// ExpandMaxRecords bounds the records one expand may load in one
	// request (DefaultExpandMaxRecords when 0); above it the request is
	// EInvalid naming the limit.
	ExpandMaxRecords int
	// FileSweepEvery is the period of the orphan-file sweep in Maintain
	// (DefaultFileSweepEvery when 0); FileOrphanGrace the age an
	// unreferenced file must reach before it is swept
	// (DefaultFileOrphanGrace when 0).
	FileSweepEvery, FileOrphanGrace time.Duration
	// OnCollectionsChanged, when set, is called after a change of the
	// collections commits — a create, update, delete or import, with the
	// rule rewrites a rename causes — with each collection as it was (Old;
	// nil when created) and as it is now (New; nil when deleted), on the
	// goroutine that made the change. --automigrate writes migration files
	// from it. It must not change collections itself.
	OnCollectionsChanged func(ctx context.Context, changes []store.CollectionChange)

	// testHookFilesStored, when set (tests), runs after a write's files
	// are stored and before its transaction commits.
	testHookFilesStored func()

	hooks    Hooks
	cron     *cron.Scheduler
	files    fileStore
	oauth2   *oauth2.Registry
	patterns regexpCache
	rules    ruleCache
	settings settingsCache
	events   events
	backups  backupState
	// filesSweptByCron: the orphan-file sweep is the __galleyFilesSweep__
	// cron job (AddSystemCrons), not Maintain's.
	filesSweptByCron atomic.Bool
}

// New returns an App over db.
func New(db *store.DB, log *slog.Logger) *App {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	app := &App{db: db, Log: log, oauth2: oauth2.NewRegistry(oauth2.Options{})}
	app.cron = cron.New(cron.Options{Claim: db.ClaimCronTick, Log: log})
	// Another node changed the settings (or notifications were missed).
	db.OnNotify(func(topic string) {
		if topic == store.TopicSettings || topic == store.TopicAll {
			app.ReloadSettings()
			app.SyncBackupCron(context.Background())
		}
	})
	return app
}

// IsLeader reports whether this node runs the leader-only background work
// (see LeaderMaintenance): always on SQLite; on PostgreSQL exactly one node
// of a cluster at a time.
func (app *App) IsLeader() bool { return app.db.IsLeader(LeaderMaintenance) }

// CollectionKey returns the name and id of the collection named or
// identified by nameOrID (case-insensitive), and false when there is none.
// It checks no access: it is for keying (rate limits, logs), not for
// answering clients.
func (app *App) CollectionKey(nameOrID string) (name, id string, ok bool) {
	c := app.db.Schema.Collection(nameOrID)
	if c == nil {
		return "", "", false
	}
	return c.Name, c.ID, true
}

// Actor is who performs a request.
type Actor struct {
	// Auth is the authenticated record (nil for guests). A record of the
	// _superusers collection makes the actor a superuser.
	Auth *galley.Record
	// Request carries @request.* values for rules (method, headers, query, body).
	Request *filter.RequestInfo
	// IP is the client IP (after trusted-proxy resolution), for rate limits.
	IP string
	// Refreshable is false for tokens that auth-refresh must not renew
	// (impersonation).
	Refreshable bool
	// Expires is when the token that authenticated the actor expires
	// (zero: no token, or unknown). Long-lived connections (realtime) stop
	// counting the auth then.
	Expires time.Time
}

// IsSuperuser reports whether the actor is an authenticated superuser.
func (a Actor) IsSuperuser() bool {
	return a.Auth != nil && a.Auth.Collection != nil && a.Auth.Collection.Name == galley.SuperusersName
}

// RequestInfo returns the @request values for a rule evaluated for a, with
// Auth filled in.
func (a Actor) RequestInfo() *filter.RequestInfo {
	ri := filter.RequestInfo{Context: "default"}
	if a.Request != nil {
		ri = *a.Request
	}
	ri.Auth = a.Auth
	return &ri
}

// Env returns the filter environment for compiling rules and filters for a.
// trusted selects rule compilation (or a superuser filter); untrusted user
// filters cannot use @collection, @request or hidden fields.
func (app *App) Env(a Actor, trusted bool) *filter.Env {
	env := &filter.Env{
		Collection:  app.db.Schema.Collection,
		Collections: app.db.Schema.Collections,
		Request:     a.RequestInfo(),
		Trusted:     trusted || a.IsSuperuser(),
		Dialect:     app.db.Dialect(),
		Limits:      ruleLimits,
	}
	if !env.Trusted {
		env.Limits = app.FilterLimits
	}
	return env
}

// ListQuery is the common query of list endpoints.
type ListQuery struct {
	Page, PerPage int
	Sort, Filter  string
	SkipTotal     bool
}

// MaxPerPage is the largest page size; larger values are clamped.
const MaxPerPage = 1000

// Normalize applies defaults: page<1 → 1, perPage<1 → 30, perPage>1000 → 1000.
func (q *ListQuery) Normalize() {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 {
		q.PerPage = 30
	}
	if q.PerPage > MaxPerPage {
		q.PerPage = MaxPerPage
	}
}

// List is one page of results. TotalItems and TotalPages are -1 when the
// query skipped totals.
type List[T any] struct {
	Page       int `json:"page"`
	PerPage    int `json:"perPage"`
	TotalItems int `json:"totalItems"`
	TotalPages int `json:"totalPages"`
	Items      []T `json:"items"`
}
