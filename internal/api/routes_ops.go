package api

// ops holds the state of the operational routes (health, settings, logs).
type ops struct{}

// routesOps registers the operational routes: health, settings, logs.
func (s *Server) routesOps() {}
