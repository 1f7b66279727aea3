package api

import (
	"net/http"
	"time"
)

// Server timeouts used by HTTPServer.
const (
	// ReadHeaderTimeout bounds how long a client may take to send the
	// request line and headers (slowloris protection).
	ReadHeaderTimeout = 10 * time.Second
	// IdleTimeout bounds how long a keep-alive connection may sit idle
	// between requests.
	IdleTimeout = 120 * time.Second
	// MaxHeaderBytes bounds the size of the request line and headers.
	MaxHeaderBytes = 1 << 20
)

// HTTPServer returns an *http.Server for h on addr with Galley's timeouts.
//
// ReadTimeout and WriteTimeout are deliberately 0 (none): both deadlines
// cover the whole request, and a connection-wide deadline would cut
// long-lived responses — realtime SSE streams stay open for minutes, and when
// a read deadline passes net/http cancels the request context — as well as
// large uploads and downloads on slow links. What bounds a request instead:
// ReadHeaderTimeout and MaxHeaderBytes for the head, the body size limit
// (Config.MaxBodyBytes) for the body, IdleTimeout between requests, and
// per-handler deadlines where one makes sense: a handler may call
// http.NewResponseController(w).SetReadDeadline / SetWriteDeadline (the
// middleware's response writer supports it).
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       0,
		WriteTimeout:      0,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}
