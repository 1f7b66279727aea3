package api

import (
	"net/http"
)

// healthBody is the answer of GET /api/health.
type healthBody struct {
	Status  int            `json:"status"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data"`
}

// health answers GET and HEAD /api/health with 200 and
// {"status":200,"message":"API is healthy.","data":{"leader":true}}. It
// needs no auth and touches no database, so load balancers can poll it cheaply.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	// leader: whether this node runs the leader-only background work (always
	// true on SQLite; on PostgreSQL exactly one node of a cluster).
	data := map[string]any{"leader": s.app.IsLeader()}
	writeJSON(w, http.StatusOK, healthBody{Status: http.StatusOK, Message: "API is healthy.", Data: data})
	return nil
}
