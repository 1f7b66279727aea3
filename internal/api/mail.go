package api

import (
	"net/http"

	galley "github.com/galleyhq/galley"
)

// testEmail sends a test mail (being implemented).
func (s *Server) testEmail(w http.ResponseWriter, r *http.Request) error {
	return galley.Errorf(galley.ENotFound, "Not implemented yet.")
}
