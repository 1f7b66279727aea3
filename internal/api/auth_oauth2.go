package api

import (
	"net/http"

	galley "github.com/galleyhq/galley"
)

// authMethods lists the auth methods of a collection (being implemented).
func (s *Server) authMethods(w http.ResponseWriter, r *http.Request) error {
	return galley.Errorf(galley.ENotFound, "Not implemented yet.")
}

// authWithOAuth2 logs in with an OAuth2 provider (being implemented).
func (s *Server) authWithOAuth2(w http.ResponseWriter, r *http.Request) error {
	return galley.Errorf(galley.ENotFound, "Not implemented yet.")
}
