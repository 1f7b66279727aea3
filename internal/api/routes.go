package api

import (
	"net/http"
	"sync"

	"github.com/galleyhq/galley/internal/dashboard"
)

// access says who may call a route. The route table declares it for readers
// and tests; the core services decide it (no handler checks access), and
// TestRouteAccess checks every declaration against the behaviour.
type access int

const (
	// anyone may call the route; the service applies the collection's rules
	// or its own checks (an install token, a one-time code, ...).
	anyone access = iota
	// authRecord routes need an authenticated record: 401 for guests.
	authRecord
	// superusers routes answer 401 to guests and 403 to other auth records.
	superusers
)

func (a access) String() string {
	switch a {
	case authRecord:
		return "auth record"
	case superusers:
		return "superusers"
	}
	return "anyone"
}

// route is one line of the route table.
type route struct {
	pattern string // "METHOD /path/{wildcard}" as http.ServeMux reads it
	access  access // who may call it
	handler handlerFunc
}

// routeTable lists every route of the API: the inventory that tests walk.
func (s *Server) routeTable() []route {
	return append([]route{
		// Superuser and auth.
		{"POST /api/collections/{collection}/auth-with-password", anyone, s.authWithPassword},
		{"POST /api/collections/{collection}/auth-refresh", authRecord, s.authRefresh},
		{"POST /api/install", anyone, s.install},
		{"GET /api/collections/{collection}/auth-methods", anyone, s.authMethods},
		{"POST /api/collections/{collection}/request-verification", anyone, s.requestVerification},
		{"POST /api/collections/{collection}/confirm-verification", anyone, s.confirmVerification},
		{"POST /api/collections/{collection}/request-password-reset", anyone, s.requestPasswordReset},
		{"POST /api/collections/{collection}/confirm-password-reset", anyone, s.confirmPasswordReset},
		{"POST /api/collections/{collection}/request-email-change", authRecord, s.requestEmailChange},
		{"POST /api/collections/{collection}/confirm-email-change", anyone, s.confirmEmailChange},
		{"POST /api/collections/{collection}/request-otp", anyone, s.requestOTP},
		{"POST /api/collections/{collection}/auth-with-otp", anyone, s.authWithOTP},
		{"POST /api/collections/{collection}/impersonate/{id}", superusers, s.impersonate},
		{"POST /api/collections/{collection}/auth-with-oauth2", anyone, s.authWithOAuth2},
		{"POST /api/settings/test/email", superusers, s.testEmail},
		{"POST /api/settings/test/s3", superusers, s.testS3},

		// Collections.
		{"GET /api/collections", superusers, s.listCollections},
		{"POST /api/collections", superusers, s.createCollection},
		{"PUT /api/collections/import", superusers, s.importCollections},
		{"GET /api/collections/meta/scaffolds", superusers, s.collectionScaffolds},
		{"POST /api/collections/meta/check-rule", superusers, s.checkRule},
		{"POST /api/collections/{collection}/rule-test", superusers, s.testRule},
		{"GET /api/collections/{collection}", superusers, s.viewCollection},
		{"PATCH /api/collections/{collection}", superusers, s.updateCollection},
		{"DELETE /api/collections/{collection}", superusers, s.deleteCollection},
		{"DELETE /api/collections/{collection}/truncate", superusers, s.truncateCollection},

		// Backups.
		{"GET /api/backups", superusers, s.listBackups},
		{"POST /api/backups", superusers, s.createBackup},
		{"POST /api/backups/upload", superusers, s.uploadBackup},
		{"GET /api/backups/{key}", anyone, s.downloadBackup},
		{"DELETE /api/backups/{key}", superusers, s.deleteBackup},
		{"POST /api/backups/{key}/restore", superusers, s.restoreBackup},

		// Records: the collection's API rules decide.
		{"GET /api/collections/{collection}/records", anyone, s.listRecords},
		{"POST /api/collections/{collection}/records", anyone, s.createRecord},
		{"GET /api/collections/{collection}/records/{id}", anyone, s.viewRecord},
		{"PATCH /api/collections/{collection}/records/{id}", anyone, s.updateRecord},
		{"DELETE /api/collections/{collection}/records/{id}", anyone, s.deleteRecord},

		// Batch: each request is checked as it would be alone.
		{"POST /api/batch", anyone, s.runBatch},

		// Files: the file's field and the collection's viewRule decide.
		{"GET /api/files/{collection}/{recordId}/{filename}", anyone, s.serveFile},
		{"POST /api/files/token", authRecord, s.fileToken},

		// Realtime.
		{"GET /api/realtime", anyone, s.realtimeConnect},
		{"POST /api/realtime", anyone, s.realtimeSubscribe},
		{"GET /api/realtime/ws", anyone, s.realtimeWS},
		{"GET /api/realtime/stats", superusers, s.realtimeStats},
		{"GET /api/oauth2-redirect", anyone, s.oauth2Redirect},
		{"POST /api/oauth2-redirect", anyone, s.oauth2Redirect},

		// Health, settings, logs.
		{"GET /api/health", anyone, s.health}, // GET patterns match HEAD too
		{"GET /api/settings", superusers, s.getSettings},
		{"PATCH /api/settings", superusers, s.updateSettings},
		{"GET /api/logs", superusers, s.listLogs},
		{"GET /api/logs/stats", superusers, s.logStats},
		{"GET /api/logs/{id}", superusers, s.viewLog},
		{"GET /api/crons", superusers, s.listCrons},
		{"POST /api/crons/{id}", superusers, s.runCron},

		// The admin dashboard: a single-page app on the public API.
		{"GET /_/{$}", anyone, s.dashboard},
		{"GET /_/{path...}", anyone, s.dashboard},

		// Anything else under /api is a PocketBase-shaped 404 (see
		// errNotFoundFor); paths no pattern matches get the same from
		// withPublic (after the public files for GET and HEAD).
		{"/api/", anyone, notFound},
		{"/api", anyone, notFound},
	}, s.metricsRoutes()...) // GET /metrics, superusers, with --metrics
}

// notFound answers a path no route matches (see errNotFoundFor).
func notFound(w http.ResponseWriter, r *http.Request) error { return errNotFoundFor(r) }

// routes registers the route table on the mux.
func (s *Server) routes() {
	for _, rt := range s.routeTable() {
		s.register(rt.pattern, s.handle(rt.handler))
	}
}

// dashboardHandler is the embedded admin UI, made once (it compresses its
// files when made).
var dashboardHandler = sync.OnceValue(dashboard.Handler)

// dashboard serves the admin UI at /_/ (see internal/dashboard).
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	dashboardHandler().ServeHTTP(w, r)
	return nil
}
