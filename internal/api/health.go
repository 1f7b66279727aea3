package api

import (
	"net/http"
)

// healthBody is the answer of GET /api/health.
type healthBody struct {
	Code    int            `json:"code"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data"`
}

// guestHealthBody is the answer of GET /api/health to all but superusers,
// as writeJSON would encode it.
var guestHealthBody = []byte(`{"code":200,"message":"API is healthy.","data":{}}` + "\n")

// proxyHeaders are the headers that usually carry the client IP behind a
// proxy, in the order possibleProxyHeader looks for them.
var proxyHeaders = []string{"X-Forwarded-For", "X-Real-IP", "CF-Connecting-IP", "True-Client-IP", "Fly-Client-IP", "X-Client-IP", "Forwarded"}

// health answers GET and HEAD /api/health with 200 and, as PocketBase does,
// {"code":200,"message":"API is healthy.","data":{}}. Superusers also get
// in data: canBackup (app.CanBackup: backups have a place and none runs on
// this node), realIP (the
// client IP as the trusted proxy settings resolve it), possibleProxyHeader
// (a proxy header present in the request while no trusted proxy header is
// configured, else "": the hint that trustedProxy should be set) and
// Galley's leader (whether this node runs the leader-only background work:
// always true on SQLite, exactly one node of a PostgreSQL cluster) and
// nodes: the live nodes of the cluster (this one first, "self": true; id,
// address when known, version, started, lastSeen, leader, and realtime:
// the node's realtime.Counts as of its last heartbeat, this one's as of
// now; see store.DB.Nodes); on SQLite only this one. For
// guests it touches no database, so load balancers can poll it cheaply.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h["Cache-Control"] = hvNoStore
	if !actorOf(r).IsSuperuser() {
		// The answer load balancers poll: written as is, no encoding.
		h["Content-Type"] = hvJSON
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(guestHealthBody)
		return nil
	}
	data := map[string]any{}
	{
		set, err := s.app.Settings(r.Context())
		if err != nil {
			return err
		}
		possible := ""
		if len(set.TrustedProxy.Headers) == 0 {
			for _, h := range proxyHeaders {
				if r.Header.Get(h) != "" {
					possible = h
					break
				}
			}
		}
		data["canBackup"] = s.app.CanBackup(r.Context())
		data["realIP"] = userIP(r, set.TrustedProxy)
		data["possibleProxyHeader"] = possible
		data["leader"] = s.app.IsLeader()
		if s.db != nil {
			nodes, err := s.db.Nodes(r.Context(), s.NodeInfo(), s.started)
			if err != nil {
				return err
			}
			data["nodes"] = nodes
		}
	}
	writeJSON(w, http.StatusOK, healthBody{Code: http.StatusOK, Message: "API is healthy.", Data: data})
	return nil
}
