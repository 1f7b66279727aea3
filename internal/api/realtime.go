package api

import (
	"bytes"
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/ratelimit"
	"github.com/galleyhq/galley/internal/realtime"
)

// realtimeConnect opens an SSE stream: GET /api/realtime. Too many open
// connections from the client's IP is 429; the connections are counted per
// ratelimit.IPKey (an IPv6 client by its /64), like every other per-IP
// limit, so one subscriber cannot multiply its share by switching
// addresses within its network.
func (s *Server) realtimeConnect(w http.ResponseWriter, r *http.Request) error {
	c, err := s.rt.Connect(ratelimit.IPKey(actorOf(r).IP), false)
	if err != nil {
		return err
	}
	s.rt.ServeSSE(w, r, c)
	return nil
}

// realtimeSubscribe replaces a client's subscriptions: POST /api/realtime
// {clientId, subscriptions} as JSON or form data, authorised by the
// request's token. 204 on success; 404 for an unknown clientId; 403 when
// the token is not the one the client was first authorised with; 400
// naming the field for a malformed body or topic.
func (s *Server) realtimeSubscribe(w http.ResponseWriter, r *http.Request) error {
	id, topics, err := decodeSubscriptions(r)
	if err != nil {
		return err
	}
	if err := s.rt.SetSubscriptions(id, actorOf(r), topics); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// decodeSubscriptions reads {clientId, subscriptions} from a JSON or form
// body (a form body within readForm's bounds: no files, at most
// maxFormBytes). A missing clientId, a non-string clientId and
// subscriptions that are not a list of strings are EInvalid naming the
// field.
func decodeSubscriptions(r *http.Request) (string, []string, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" || ct == "application/x-www-form-urlencoded" {
		// In memory only, within the form bounds: this route is open to
		// anyone, so it must not write request data to disk.
		form, err := readForm(r)
		if err != nil {
			return "", nil, err
		}
		id := form.Get("clientId")
		if id == "" {
			return "", nil, galley.FieldInvalid("clientId", "validation_required", "Cannot be blank.")
		}
		return id, form["subscriptions"], nil
	}
	b, err := readBody(r)
	if err != nil {
		return "", nil, err
	}
	var in map[string]json.RawMessage
	if len(bytes.TrimSpace(b)) == 0 {
		in = map[string]json.RawMessage{}
	} else if err := json.Unmarshal(b, &in); err != nil {
		return "", nil, galley.Errorf(galley.EInvalid, "Failed to load the submitted data due to invalid formatting: the body must be a JSON object.")
	}
	var id string
	if raw, ok := in["clientId"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &id); err != nil {
			return "", nil, galley.FieldInvalid("clientId", "validation_invalid_value", "Must be a string.")
		}
	}
	if strings.TrimSpace(id) == "" {
		return "", nil, galley.FieldInvalid("clientId", "validation_required", "Cannot be blank.")
	}
	var topics []string
	if raw, ok := in["subscriptions"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &topics); err != nil {
			return "", nil, galley.FieldInvalid("subscriptions", "validation_invalid_value", "Must be a list of topic strings.")
		}
	}
	return id, topics, nil
}

// routesRealtime registers the realtime routes.
func (s *Server) routesRealtime() {
	m := s.mux
	m.Handle("GET /api/realtime", s.handle(s.realtimeConnect))
	m.Handle("POST /api/realtime", s.handle(s.realtimeSubscribe))
	m.Handle("GET /api/realtime/ws", s.handle(s.realtimeWS))
	m.Handle("GET /api/oauth2-redirect", s.handle(s.oauth2Redirect))
	m.Handle("POST /api/oauth2-redirect", s.handle(s.oauth2Redirect))
}

// oauth2Redirect receives the OAuth2 provider's redirect for the SDK's
// popup flow (GET query, or POST form for response_mode=form_post) and
// forwards {state, code, error} on the @oauth2 topic to the realtime
// client whose id is the state; the SDK, listening there, then calls
// auth-with-oauth2 itself. The answer is a small page that closes the
// popup; a state that names no subscribed client is a 400 page.
func (s *Server) oauth2Redirect(w http.ResponseWriter, r *http.Request) error {
	vals := r.URL.Query()
	if r.Method == http.MethodPost {
		form, err := readForm(r)
		if err != nil {
			return err
		}
		vals = form
	}
	get := vals.Get
	state, code, oerr := get("state"), get("code"), get("error")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if state == "" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(oauth2Page("Authentication failed: the redirect has no state.")))
		return nil
	}
	payload, _ := json.Marshal(map[string]string{"state": state, "code": code, "error": oerr})
	if err := s.rt.SendOAuth2(state, payload); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(oauth2Page("Authentication failed: the app that started it is no longer listening. Close this window and try again.")))
		return nil
	}
	if oerr != "" {
		_, _ = w.Write([]byte(oauth2Page("Authentication failed. You can close this window.")))
		return nil
	}
	_, _ = w.Write([]byte(oauth2Page("Authentication complete. You can close this window.")))
	return nil
}

// oauth2Page is the popup's answer; msg is a constant (never request data).
func oauth2Page(msg string) string {
	return `<!doctype html><html><head><meta charset="utf-8"><title>OAuth2</title></head><body><p>` + msg +
		`</p><script>window.close()</script></body></html>`
}

// realtimeWS serves the WebSocket transport: GET /api/realtime/ws. A
// browser Origin not in the allowed origins is 403; ?token= authenticates
// at once (401 when invalid); too many connections from the IP (counted
// per ratelimit.IPKey, as for SSE) is 429.
func (s *Server) realtimeWS(w http.ResponseWriter, r *http.Request) error {
	origins := s.app.AllowedOrigins
	if len(origins) == 0 {
		origins = s.cfg.AllowedOrigins
	}
	if !realtime.OriginAllowed(r.Header.Get("Origin"), origins) {
		return galley.Errorf(galley.EForbidden, "The origin is not allowed.")
	}
	c, err := s.rt.Connect(ratelimit.IPKey(actorOf(r).IP), true)
	if err != nil {
		return err
	}
	authn := func(ctx context.Context, token string) (*galley.Record, time.Time, error) {
		token = strings.TrimSpace(token)
		if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
			token = strings.TrimSpace(token[7:])
		}
		rec, claims, err := s.app.Authenticate(ctx, token, actorOf(r).IP)
		if err != nil {
			return nil, time.Time{}, err
		}
		var exp time.Time
		if claims.ExpiresAt != nil {
			exp = claims.ExpiresAt.Time
		}
		return rec, exp, nil
	}
	return s.rt.ServeWS(w, r, c, authn, r.URL.Query().Get("token"))
}

// nodeRealtime is one live node's realtime counts in GET /api/realtime/stats.
type nodeRealtime struct {
	ID       string    `json:"id"`
	Self     bool      `json:"self"`
	LastSeen time.Time `json:"lastSeen"`
	// Realtime is null for a node that reports no counts (an earlier version).
	Realtime *realtime.Counts `json:"realtime"`
}

// realtimeStats answers GET /api/realtime/stats (superusers): this node's
// realtime clients, subscriptions and channel presence (realtime.Counts,
// at the top level) and "nodes": every live node's counts (this one's now,
// the others' as of their last heartbeat, at most a few seconds old; on
// SQLite this node alone), for the dashboard's Nodes screen. A Galley
// addition.
func (s *Server) realtimeStats(w http.ResponseWriter, r *http.Request) error {
	if err := core.RequireSuperuser(actorOf(r)); err != nil {
		return err
	}
	out := struct {
		realtime.Counts
		Nodes []nodeRealtime `json:"nodes"`
	}{Counts: s.rt.Counts(), Nodes: []nodeRealtime{}}
	if s.db != nil {
		nodes, err := s.db.Nodes(r.Context(), s.NodeInfo(), s.started)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			nr := nodeRealtime{ID: n.ID, Self: n.Self, LastSeen: n.LastSeen}
			if n.Self {
				c := out.Counts
				nr.Realtime = &c
			} else if len(n.Realtime) > 0 {
				var c realtime.Counts
				if json.Unmarshal(n.Realtime, &c) == nil {
					nr.Realtime = &c
				}
			}
			out.Nodes = append(out.Nodes, nr)
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
