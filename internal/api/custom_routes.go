package api

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	jsonv2 "github.com/go-json-experiment/json"
)

// RequestEvent is one request to a route the application added (AddRoute):
// the response writer and request, the app, and who is asking (the same
// authentication as every API route).
type RequestEvent struct {
	W   http.ResponseWriter
	R   *http.Request
	App *core.App
	// Actor is the requester: its Auth is the authenticated record (nil
	// for guests); pass it to the App's services so that API rules apply.
	Actor core.Actor
}

// JSON answers v as JSON with status.
func (e *RequestEvent) JSON(status int, v any) error {
	writeJSON(e.W, status, v)
	return nil
}

// String answers s as text/plain with status.
func (e *RequestEvent) String(status int, s string) error {
	e.W.Header().Set("Content-Type", "text/plain; charset=utf-8")
	e.W.WriteHeader(status)
	_, err := io.WriteString(e.W, s)
	return err
}

// NoContent answers status with no body.
func (e *RequestEvent) NoContent(status int) error {
	e.W.WriteHeader(status)
	return nil
}

// BindBody decodes the JSON body into v (bounded like every body); bad
// JSON is a 400.
func (e *RequestEvent) BindBody(v any) error {
	b, err := readBody(e.R)
	if err != nil {
		return err
	}
	if err := jsonv2.Unmarshal(b, v); err != nil {
		return galley.Errorf(galley.EInvalid, "Failed to load the submitted data due to invalid formatting: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// Middleware wraps a route's handler: it calls next to continue or
// returns an error (answered like any API error) to stop.
type Middleware func(e *RequestEvent, next func() error) error

// RequireAuth lets through requests authenticated as a record of one of
// collections (any auth collection when none are named): 401 for guests,
// 403 for records of other collections.
func RequireAuth(collections ...string) Middleware {
	return func(e *RequestEvent, next func() error) error {
		a := e.Actor.Auth
		if a == nil {
			return galley.Errorf(galley.EUnauthenticated, "The request requires valid record authorization token.")
		}
		if len(collections) > 0 {
			ok := false
			for _, c := range collections {
				if c == a.Collection.Name || c == a.Collection.ID {
					ok = true
				}
			}
			if !ok {
				return galley.Errorf(galley.EForbidden, "The authorized record is not allowed to perform this action.")
			}
		}
		return next()
	}
}

// RequireSuperuser lets through superusers only: 401 for guests, 403 for
// other records.
func RequireSuperuser() Middleware {
	return func(e *RequestEvent, next func() error) error {
		if e.Actor.Auth == nil {
			return galley.Errorf(galley.EUnauthenticated, "The request requires valid record authorization token.")
		}
		if !e.Actor.IsSuperuser() {
			return galley.Errorf(galley.EForbidden, "Only superusers can perform this action.")
		}
		return next()
	}
}

// AddRoute adds an application route: method and path as http.ServeMux
// reads them ("/api/hello/{name}"; method "" matches every method), behind
// the same middleware as the API (CORS, body limits, authentication, rate
// limits, logs). Middlewares run in order before h. A route that clashes
// with one of Galley's own is an error, not a replacement.
func (s *Server) AddRoute(method, path string, h func(e *RequestEvent) error, mws ...Middleware) (err error) {
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("route path %q must start with /", path)
	}
	if strings.HasPrefix(path, "/_/") {
		return fmt.Errorf("route path %q: /_/ is the dashboard's", path)
	}
	pattern := path
	if method != "" {
		pattern = strings.ToUpper(method) + " " + path
	}
	handler := func(w http.ResponseWriter, r *http.Request) error {
		e := &RequestEvent{W: w, R: r, App: s.app, Actor: actorOf(r)}
		var run func(i int) error
		run = func(i int) error {
			if i == len(mws) {
				return h(e)
			}
			return mws[i](e, func() error { return run(i + 1) })
		}
		return run(0)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("route %q: %v", pattern, p)
		}
	}()
	s.register(pattern, s.handle(handler))
	return nil
}
