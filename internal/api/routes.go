package api

import "net/http"

// routes registers every route. The mux is the inventory of the API.
func (s *Server) routes() {
	m := s.mux
	// Superuser and auth.
	m.Handle("POST /api/collections/{collection}/auth-with-password", s.handle(s.authWithPassword))
	m.Handle("POST /api/collections/{collection}/auth-refresh", s.handle(s.authRefresh))
	m.Handle("POST /api/install", s.handle(s.install))
	m.Handle("GET /api/collections/{collection}/auth-methods", s.handle(s.authMethods))
	m.Handle("POST /api/collections/{collection}/request-verification", s.handle(s.requestVerification))
	m.Handle("POST /api/collections/{collection}/confirm-verification", s.handle(s.confirmVerification))
	m.Handle("POST /api/collections/{collection}/request-password-reset", s.handle(s.requestPasswordReset))
	m.Handle("POST /api/collections/{collection}/confirm-password-reset", s.handle(s.confirmPasswordReset))
	m.Handle("POST /api/collections/{collection}/request-email-change", s.handle(s.requestEmailChange))
	m.Handle("POST /api/collections/{collection}/confirm-email-change", s.handle(s.confirmEmailChange))
	m.Handle("POST /api/collections/{collection}/request-otp", s.handle(s.requestOTP))
	m.Handle("POST /api/collections/{collection}/auth-with-otp", s.handle(s.authWithOTP))
	m.Handle("POST /api/collections/{collection}/impersonate/{id}", s.handle(s.impersonate))
	m.Handle("POST /api/collections/{collection}/auth-with-oauth2", s.handle(s.authWithOAuth2))
	m.Handle("POST /api/settings/test/email", s.handle(s.testEmail))

	// Collections (superusers only).
	s.routesCollections()

	// Records.
	m.Handle("GET /api/collections/{collection}/records", s.handle(s.listRecords))
	m.Handle("POST /api/collections/{collection}/records", s.handle(s.createRecord))
	m.Handle("GET /api/collections/{collection}/records/{id}", s.handle(s.viewRecord))
	m.Handle("PATCH /api/collections/{collection}/records/{id}", s.handle(s.updateRecord))
	m.Handle("DELETE /api/collections/{collection}/records/{id}", s.handle(s.deleteRecord))

	// Realtime.
	s.routesRealtime()

	// Health, settings, logs.
	s.routesOps()

	m.Handle("/api/", s.handle(func(w http.ResponseWriter, r *http.Request) error { return errNotFoundRoute() }))
}
