//go:build !collections

package api

// routesCollections is empty until the collections service lands.
func (s *Server) routesCollections() {}
