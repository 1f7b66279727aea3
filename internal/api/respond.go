package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/ratelimit"
)

// handlerFunc is a handler that returns an error instead of writing one.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// statusOf maps an error code to its HTTP status.
func statusOf(code galley.ErrorCode) int {
	switch code {
	case galley.EInvalid, galley.EConflict:
		return http.StatusBadRequest
	case galley.EUnauthenticated:
		return http.StatusUnauthorized
	case galley.EForbidden:
		return http.StatusForbidden
	case galley.ENotFound:
		return http.StatusNotFound
	case galley.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case galley.ERateLimited:
		return http.StatusTooManyRequests
	case galley.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorBody is the PocketBase error shape. Data is a
// map[string]galley.FieldError, or for a galley.Error with Nested set the
// same errors as nested objects (galley.Nest).
type errorBody struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

// writeError writes err in the PocketBase error shape. Internal errors are
// logged with their cause and answered with a plain message.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var mfa *core.MFARequiredError
	if errors.As(err, &mfa) {
		// PocketBase answers the first MFA step with 401 and only the id.
		setErrorForLog(r, err)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"mfaId": mfa.MFAID})
		return
	}
	var ge *galley.Error
	if !errors.As(err, &ge) {
		ge = galley.Internal(err)
	}
	status := statusOf(ge.Code)
	if ge.Status >= 400 && ge.Status <= 599 {
		status = ge.Status
	}
	if isBodyTimeout(err) {
		// The client was too slow to send its body; the rest of it is
		// not awaited, so the connection cannot be reused.
		status = http.StatusRequestTimeout
		w.Header().Set("Connection", "close")
	}
	if status >= 500 {
		log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if ge.Code == galley.EUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	if ge.Code == galley.ERateLimited {
		w.Header().Set("Retry-After", ratelimit.RetryAfterHeader(err))
	}
	setErrorForLog(r, err)
	writeJSON(w, status, errorBodyOf(ge, status))
}

// errorBodyOf is the PocketBase error shape of ge answered with status.
func errorBodyOf(ge *galley.Error, status int) errorBody {
	if ge.Nested {
		return errorBody{Status: status, Message: ge.Message, Data: galley.Nest(ge.Fields)}
	}
	data := ge.Fields
	if data == nil {
		data = map[string]galley.FieldError{}
	}
	return errorBody{Status: status, Message: ge.Message, Data: data}
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header()["Content-Type"] = hvJSON
	switch x := v.(type) {
	case core.Object:
		// Records take the reflection-free path.
		if b, err := x.AppendJSON(make([]byte, 0, 512)); err == nil {
			w.WriteHeader(status)
			_, _ = w.Write(append(b, '\n'))
			return
		}
	case core.List[core.Object]:
		if b, err := appendList(make([]byte, 0, 4096), x); err == nil {
			w.WriteHeader(status)
			_, _ = w.Write(append(b, '\n'))
			return
		}
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// appendList appends a list response with the reflection-free encoder.
func appendList(dst []byte, l core.List[core.Object]) ([]byte, error) {
	dst = append(dst, `{"page":`...)
	dst = strconv.AppendInt(dst, int64(l.Page), 10)
	dst = append(dst, `,"perPage":`...)
	dst = strconv.AppendInt(dst, int64(l.PerPage), 10)
	dst = append(dst, `,"totalItems":`...)
	dst = strconv.AppendInt(dst, int64(l.TotalItems), 10)
	dst = append(dst, `,"totalPages":`...)
	dst = strconv.AppendInt(dst, int64(l.TotalPages), 10)
	dst = append(dst, `,"items":[`...)
	var err error
	for i, it := range l.Items {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = it.AppendJSON(dst); err != nil {
			return nil, err
		}
	}
	return append(dst, "]}"...), nil
}

// errNotFoundRoute answers unknown /api/ routes.
func errNotFoundRoute() error {
	return galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
}

// errNotFoundFor answers a path no route matches as PocketBase does: a GET
// or HEAD is 404 "File not found." (PocketBase hands those to its static
// files), another method 404 "The requested resource wasn't found.".
func errNotFoundFor(r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return galley.Errorf(galley.ENotFound, "File not found.")
	}
	return errNotFoundRoute()
}
