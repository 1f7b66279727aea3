package api

import (
	"net/http"
)

// getSettings answers GET /api/settings with the current settings, secrets
// removed. core.App.ViewSettings decides access (superusers only: 401 for
// guests, 403 for other auth records).
func (s *Server) getSettings(w http.ResponseWriter, r *http.Request) error {
	set, err := s.app.ViewSettings(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set.Redacted())
	return nil
}

// updateSettings answers PATCH /api/settings: the body is a partial settings
// object, decoded strictly by core.App.UpdateSettings, which also decides
// access (superusers only); the answer is the whole updated settings,
// secrets removed. Bad input is 400 naming the field ("logs.maxDays"); a
// body over the limit is 413.
func (s *Server) updateSettings(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	set, err := s.app.UpdateSettings(r.Context(), actorOf(r), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set.Redacted())
	return nil
}

// loadFailed is PocketBase's message for a body that does not decode.
const loadFailed = "An error occurred while loading the submitted data."
