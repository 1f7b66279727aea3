package api

import (
	"net/http"
	"time"
)

// Server timeouts used by HTTPServer.
const (
	// ReadHeaderTimeout bounds how long a client may take to send the
	// request line and headers (slowloris protection); the default of
	// Config.ReadHeaderTimeout.
	ReadHeaderTimeout = DefaultReadHeaderTimeout
	// IdleTimeout bounds how long a keep-alive connection may sit idle
	// between requests.
	IdleTimeout = 120 * time.Second
	// MaxHeaderBytes bounds the size of the request line and headers.
	MaxHeaderBytes = 1 << 20
)

// HTTPServer returns an *http.Server for h on addr with Galley's default
// timeouts. Server.HTTPServer is the same with the configured ones.
//
// ReadTimeout and WriteTimeout are deliberately 0 (none): both deadlines
// cover the whole request, and a connection-wide deadline would cut
// long-lived responses — realtime SSE streams stay open for minutes, and when
// a read deadline passes net/http cancels the request context — as well as
// large downloads on slow links. What bounds a request instead:
// ReadHeaderTimeout and MaxHeaderBytes for the head, Config.BodyReadTimeout
// (a read deadline set per request and lifted once the body is read, see
// bodyDeadline) and Config.MaxBodyBytes for the body, IdleTimeout between
// requests, and per-handler deadlines where one makes sense: a handler may
// call http.NewResponseController(w).SetWriteDeadline (the middleware's
// response writer supports it).
func HTTPServer(addr string, h http.Handler) *http.Server {
	return newHTTPServer(addr, h, ReadHeaderTimeout)
}

// HTTPServer returns an *http.Server for s.Handler() on addr, with
// Config.ReadHeaderTimeout (see the package function HTTPServer).
func (s *Server) HTTPServer(addr string) *http.Server {
	return newHTTPServer(addr, s.Handler(), s.cfg.ReadHeaderTimeout)
}

func newHTTPServer(addr string, h http.Handler, headerTimeout time.Duration) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: headerTimeout,
		ReadTimeout:       0,
		WriteTimeout:      0,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}
