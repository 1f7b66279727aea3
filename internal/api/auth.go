package api

import (
	"errors"
	"net/http"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/filter"
	jsonv2 "github.com/go-json-experiment/json"
)

// authenticate resolves the Authorization header (a token, optionally with a
// "Bearer " prefix) into the request's actor. An invalid token on a public
// endpoint is ignored: the request runs as a guest, and endpoints that need
// auth answer 401.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		st.actor.Request = requestInfo(r)
		st.actor.IP = s.UserIP(r)
		if h := r.Header.Get("Authorization"); h != "" {
			token := strings.TrimSpace(h)
			if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
				token = strings.TrimSpace(token[7:])
			}
			if rec, claims, err := s.app.Authenticate(r.Context(), token, st.actor.IP); err == nil {
				st.actor.Auth = rec
				st.actor.Refreshable = claims.Refreshable
				if claims.ExpiresAt != nil {
					st.actor.Expires = claims.ExpiresAt.Time
				}
			} else if galley.ErrorCodeOf(err) != galley.EUnauthenticated {
				writeError(w, r, s.log, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// requestInfo collects @request.* values (method, query, headers).
func requestInfo(r *http.Request) *filter.RequestInfo {
	ri := &filter.RequestInfo{Method: r.Method, Context: "default", Query: map[string]string{}, Headers: make(map[string]string, len(r.Header))}
	if r.URL.RawQuery != "" { // parsing an empty query still allocates
		for k, v := range r.URL.Query() {
			if len(v) > 0 {
				ri.Query[k] = v[0]
			}
		}
	}
	for k, v := range r.Header {
		if len(v) > 0 {
			ri.Headers[ruleHeaderKey(k)] = v[0]
		}
	}
	return ri
}

// ruleHeaderKey returns the @request.headers key of header k: lower-cased,
// '-' replaced by '_' — for the headers nearly every request carries, a
// constant instead of two new strings.
func ruleHeaderKey(k string) string {
	switch k {
	case "Accept":
		return "accept"
	case "Accept-Encoding":
		return "accept_encoding"
	case "Accept-Language":
		return "accept_language"
	case "Authorization":
		return "authorization"
	case "Connection":
		return "connection"
	case "Content-Length":
		return "content_length"
	case "Content-Type":
		return "content_type"
	case "Origin":
		return "origin"
	case "Referer":
		return "referer"
	case "User-Agent":
		return "user_agent"
	case "X-Forwarded-For":
		return "x_forwarded_for"
	case "X-Real-Ip":
		return "x_real_ip"
	}
	return strings.ReplaceAll(strings.ToLower(k), "-", "_")
}

// decodeStrict decodes a JSON body into v, refusing duplicate and
// case-variant keys. A body that does not decode is PocketBase's "An error
// occurred while loading the submitted data."; a value of the wrong type
// is also named in data (validation_invalid_value).
func decodeStrict(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		b = []byte("{}")
	}
	if err := jsonv2.Unmarshal(b, v); err != nil {
		// PocketBase's message; a value of the wrong type is named in data
		// (no Go type names in the answer).
		e := &galley.Error{Code: galley.EInvalid, Message: loadFailed, Err: err}
		var se *jsonv2.SemanticError
		if errors.As(err, &se) && se.JSONPointer != "" {
			key := strings.ReplaceAll(strings.TrimPrefix(string(se.JSONPointer), "/"), "/", ".")
			e.Fields = map[string]galley.FieldError{key: {Code: "validation_invalid_value", Message: "Invalid value."}}
			e.Nested = true
		}
		return e
	}
	return nil
}

// authResponse is the {token, record} answer of auth endpoints.
func (s *Server) writeAuth(w http.ResponseWriter, r *http.Request, token string, rec *galley.Record) error {
	if err := s.app.AuthSucceeded(r.Context(), rec, token, authMethodOf(r.URL.Path)); err != nil {
		return err
	}
	a := core.Actor{Auth: rec}
	proj, err := core.ParseFields(r.URL.Query().Get("fields"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, core.Project(core.Object{{Key: "token", Value: token}, {Key: "record", Value: s.app.Export(a, rec)}}, proj))
	return nil
}

func (s *Server) authWithPassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Identity      string `json:"identity"`
		Password      string `json:"password"`
		IdentityField string `json:"identityField"`
		MFAID         string `json:"mfaId"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	errs := galley.ValidationErrors{}
	if in.Identity == "" {
		errs.Add("identity", "validation_required", "Cannot be blank.")
	}
	if in.Password == "" {
		errs.Add("password", "validation_required", "Cannot be blank.")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	token, rec, err := s.app.AuthWithPassword(r.Context(), actorOf(r), r.PathValue("collection"), in.Identity, in.Password, in.IdentityField, mfaID(r, in.MFAID))
	if err != nil {
		return err
	}
	return s.writeAuth(w, r, token, rec)
}

// authRefresh answers POST /api/collections/{collection}/auth-refresh with a
// new token for the caller's own record; core.App.RefreshAuth decides who may
// (an auth record of that collection, with a refreshable token).
func (s *Server) authRefresh(w http.ResponseWriter, r *http.Request) error {
	token, rec, err := s.app.RefreshAuth(r.Context(), actorOf(r), r.PathValue("collection"))
	if err != nil {
		return err
	}
	return s.writeAuth(w, r, token, rec)
}

// install creates the first superuser with the one-time install token that
// `galley serve` prints when no superuser exists (a Galley addition).
func (s *Server) install(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token    string `json:"token"`
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	want := ""
	if p := s.installToken.Load(); p != nil {
		want = *p
	}
	rec, err := s.app.InstallSuperuser(r.Context(), want, in.Token, in.Email, in.Password)
	if err != nil {
		return err
	}
	s.installToken.Store(nil)
	token, err := s.app.NewAuthToken(rec, true)
	if err != nil {
		return err
	}
	return s.writeAuth(w, r, token, rec)
}

// mfaID returns the MFA id of a second-factor request: the SDK sends it as
// the mfaId query parameter; a body field is accepted too.
func mfaID(r *http.Request, body string) string {
	if body != "" {
		return body
	}
	return r.URL.Query().Get("mfaId")
}

// authMethodOf names the authentication a route performs, for the
// AuthRequest hooks.
func authMethodOf(path string) string {
	switch {
	case strings.HasSuffix(path, "/auth-with-password"):
		return "password"
	case strings.HasSuffix(path, "/auth-with-otp"):
		return "otp"
	case strings.HasSuffix(path, "/auth-with-oauth2"):
		return "oauth2"
	case strings.HasSuffix(path, "/auth-refresh"):
		return "refresh"
	case strings.Contains(path, "/impersonate/"):
		return "impersonate"
	}
	return "other"
}
