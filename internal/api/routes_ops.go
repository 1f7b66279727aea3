package api

// ops holds the state of the operational routes (health, settings, logs).
// It is embedded in Server.
type ops struct {
	// logs serves /api/logs; nil answers empty lists (see UseRequestLogs).
	logs LogStore
}

// routesOps registers the operational routes: health, settings, logs.
func (s *Server) routesOps() {
	m := s.mux
	m.Handle("GET /api/health", s.handle(s.health)) // GET patterns match HEAD too
	m.Handle("GET /api/settings", s.handle(s.getSettings))
	m.Handle("PATCH /api/settings", s.handle(s.updateSettings))
	m.Handle("GET /api/logs", s.handle(s.listLogs))
	m.Handle("GET /api/logs/stats", s.handle(s.logStats))
	m.Handle("GET /api/logs/{id}", s.handle(s.viewLog))
}
