package api

import "net/http"

// The cron handlers decode, call one core service and encode; the services
// decide access (superusers only: 401 for guests, 403 for other auth
// records).

// listCrons answers GET /api/crons with [{"id","expression"}], sorted by
// id.
func (s *Server) listCrons(w http.ResponseWriter, r *http.Request) error {
	jobs, err := s.app.ListCrons(actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jobs)
	return nil
}

// runCron answers POST /api/crons/{id}: 204 once the job has started on
// this node (it runs on after the response), 404 for an unknown id.
func (s *Server) runCron(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.RunCron(actorOf(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
