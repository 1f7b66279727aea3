package api

import (
	"net/http"

	"github.com/galleyhq/galley/internal/core"
)

// testEmail answers POST /api/settings/test/email with 204 once the mail is
// sent. The body {"email", "template", "collection"} is decoded strictly
// here; core.App.SendTestEmail decides access (superusers only: 401 for
// guests, 403 for other auth records), validates the input (400 naming the
// field) and sends, waiting for the SMTP exchange (an SMTP failure is a 400
// whose message carries the cause). With SMTP disabled the mail goes to the
// server log and the answer is still 204.
func (s *Server) testEmail(w http.ResponseWriter, r *http.Request) error {
	var in core.TestEmail
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	if err := s.app.SendTestEmail(r.Context(), actorOf(r), in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
