package api

import "net/http"

// getSettings answers GET /api/settings (superusers only: 401 for guests,
// 403 for other auth records) with the current settings, secrets removed.
func (s *Server) getSettings(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	set, err := s.app.Settings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set.Redacted())
	return nil
}

// updateSettings answers PATCH /api/settings (superusers only): the body is a
// partial settings object, decoded strictly (see core.App.UpdateSettings);
// the answer is the whole updated settings, secrets removed. Bad input is 400
// naming the field ("logs.maxDays"); a body over the limit is 413.
func (s *Server) updateSettings(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	set, err := s.app.UpdateSettings(r.Context(), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set.Redacted())
	return nil
}
