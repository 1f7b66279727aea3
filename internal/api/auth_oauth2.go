package api

import (
	"net/http"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/go-json-experiment/json/jsontext"
)

// authMethods answers GET /api/collections/{collection}/auth-methods: the
// public list of auth methods (password, oauth2 providers with a fresh state
// and PKCE pair, mfa, otp). 404 for a missing or non-auth collection.
func (s *Server) authMethods(w http.ResponseWriter, r *http.Request) error {
	m, err := s.app.AuthMethods(r.Context(), r.PathValue("collection"))
	if err != nil {
		return err
	}
	proj, err := core.ParseFields(r.URL.Query().Get("fields"))
	if err != nil {
		return err
	}
	if proj == nil {
		writeJSON(w, http.StatusOK, m)
		return nil
	}
	writeJSON(w, http.StatusOK, core.Project(core.Object{
		{Key: "password", Value: m.Password}, {Key: "oauth2", Value: m.OAuth2},
		{Key: "mfa", Value: m.MFA}, {Key: "otp", Value: m.OTP}}, proj))
	return nil
}

// authWithOAuth2 answers POST /api/collections/{collection}/auth-with-oauth2
// with {token, record, meta}; see core.App.AuthWithOAuth2 for the rules.
// A request signed in to a record of the same collection links the OAuth2
// identity to that record. With MFA on, a first factor answers 401
// {mfaId}; "mfaId" in the body makes this log-in the second factor.
func (s *Server) authWithOAuth2(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Provider     string                    `json:"provider"`
		Code         string                    `json:"code"`
		CodeVerifier string                    `json:"codeVerifier"`
		RedirectURL  string                    `json:"redirectURL"`
		CreateData   map[string]jsontext.Value `json:"createData"`
		MFAID        string                    `json:"mfaId"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	res, err := s.app.AuthWithOAuth2(r.Context(), actorOf(r), r.PathValue("collection"), core.OAuth2Login{
		Provider: in.Provider, Code: in.Code, CodeVerifier: in.CodeVerifier, RedirectURL: in.RedirectURL,
		CreateData: core.Body(in.CreateData), MFAID: in.MFAID})
	if err != nil {
		return err
	}
	a := core.Actor{Auth: res.Record, Request: actorOf(r).Request}
	if err := s.app.Expand(r.Context(), a, []*galley.Record{res.Record}, r.URL.Query().Get("expand")); err != nil {
		return err
	}
	proj, err := core.ParseFields(r.URL.Query().Get("fields"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, core.Project(core.Object{
		{Key: "token", Value: res.Token},
		{Key: "record", Value: s.app.Export(a, res.Record)},
		{Key: "meta", Value: res.Meta},
	}, proj))
	return nil
}
