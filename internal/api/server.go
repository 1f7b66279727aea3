// Package api is Galley's HTTP transport: the route table (routes.go), one
// file per resource with handlers that decode, call one service method and
// encode, the middleware chain and the mapping of *galley.Error codes to HTTP
// statuses. Only this package knows HTTP statuses.
package api

import (
	"bufio"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/store"
)

// Config holds the transport settings that come from flags or environment.
type Config struct {
	// AllowedOrigins lists the CORS origins allowed; empty or "*" allows all.
	AllowedOrigins []string
	// MaxBodyBytes limits request bodies (default 32 MiB). Multipart
	// record bodies may add their file fields' limits (see limitBody).
	MaxBodyBytes int64
	// UploadMinRate (bytes per second) extends BodyReadTimeout for bodies
	// that may carry files: received/UploadMinRate more time (default
	// DefaultUploadMinRate; negative: no extension).
	UploadMinRate int64
	// Version is reported by /api/health.
	Version string
	// Realtime holds the realtime broker's limits (zero values: defaults).
	Realtime realtime.Config
	// BodyReadTimeout bounds the time a client may take to send a request
	// body, from the end of its headers (default DefaultBodyReadTimeout;
	// negative: no bound). A slower body is answered 408. See bodyDeadline.
	BodyReadTimeout time.Duration
	// ReadHeaderTimeout bounds the time a client may take to send the
	// request line and headers (default DefaultReadHeaderTimeout); used by
	// Server.HTTPServer.
	ReadHeaderTimeout time.Duration
	// Metrics, when set, observes every request (see metrics.go); nil
	// leaves the metrics layer out of the chain.
	Metrics Metrics
	// MetricsRoute serves Metrics at GET /metrics on this server, to
	// superusers only (--metrics).
	MetricsRoute bool
	// Public serves static files at / (--public-dir); zero: none.
	Public PublicDir
}

// Server serves the Galley HTTP API.
type Server struct {
	app     *core.App
	log     *slog.Logger
	cfg     Config
	mux     *http.ServeMux
	public  http.Handler // static files at / (nil: none)
	started time.Time
	// Logs receives request log entries; nil disables request logging.
	Logs RequestLogger
	// installToken, when set, lets the first superuser be created without auth.
	installToken atomic.Pointer[string]
	// lastRequest is the UnixNano time the last request started.
	lastRequest atomic.Int64
	// rt is the realtime broker (SSE, WebSocket); see realtime.go.
	rt *realtime.Broker
	// routeLabels are the metrics' route labels (see metrics.go).
	routeLabels routeLabels
	// rulesRefused counts the 429s of the rate-limit rules.
	rulesRefused atomic.Int64
	// db is app's database: the node registry (health) and the live node
	// count the rate limits divide by.
	db *store.DB
	// address is this node's API URL once known (SetAddress).
	address atomic.Pointer[string]
	// spoolBufs holds *[]byte buffers of spoolBufSize for spoolUpload.
	spoolBufs sync.Pool
	// bodyBufs holds *bufio.Reader of bodyBufSize that multipart record
	// bodies are read through.
	bodyBufs sync.Pool
}

// RequestLogger receives one entry per finished request. Log must not block:
// implementations buffer and write in batches off the request path.
type RequestLogger interface {
	Log(entry RequestLog)
}

// New returns a Server for app; db is app's database, which the realtime
// broker reads through (the handlers reach it only through app).
func New(app *core.App, db *store.DB, log *slog.Logger, cfg Config) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 32 << 20
	}
	if cfg.UploadMinRate == 0 {
		cfg.UploadMinRate = DefaultUploadMinRate
	}
	if cfg.BodyReadTimeout == 0 {
		cfg.BodyReadTimeout = DefaultBodyReadTimeout
	}
	if cfg.ReadHeaderTimeout <= 0 {
		cfg.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{app: app, log: log, cfg: cfg, mux: http.NewServeMux(), started: time.Now(), db: db}
	s.spoolBufs.New = func() any { b := make([]byte, spoolBufSize); return &b }
	s.bodyBufs.New = func() any { return bufio.NewReaderSize(nil, bodyBufSize) }
	// Each node enforces its share of the built-in log-in and mail limits
	// (limit / live nodes; see ratelimit.WithNodes), so a cluster as a
	// whole admits about the configured limit.
	if db != nil {
		app.Guards.Login.Nodes = db.LiveNodes
		app.Guards.Mail.Nodes = db.LiveNodes
	}
	if h, err := publicHandler(cfg.Public); err != nil {
		log.Error("public directory not served", "dir", cfg.Public.Dir, "err", err)
	} else {
		s.public = h
	}
	s.rt = realtime.New(app, db, log, cfg.Realtime)
	s.routes()
	return s
}

// Realtime returns the server's realtime broker.
func (s *Server) Realtime() *realtime.Broker { return s.rt }

// CloseRealtime closes every realtime connection and stops the broker, so
// that a graceful shutdown is not held up by streams that never end. Call
// it when the HTTP server shuts down (http.Server.RegisterOnShutdown).
func (s *Server) CloseRealtime() { s.rt.Close() }

// DrainRealtime closes the realtime broker (every client is told to
// reconnect) and waits, within ctx, until every SSE stream and WebSocket
// connection has said goodbye; see realtime.Broker.Drain.
func (s *Server) DrainRealtime(ctx context.Context) error { return s.rt.Drain(ctx) }

// IdleFor returns how long no request has started (since New when none has).
func (s *Server) IdleFor() time.Duration {
	last := s.lastRequest.Load()
	if last == 0 {
		return time.Since(s.started)
	}
	return time.Since(time.Unix(0, last))
}

// SetAddress records this node's API URL, which GET /api/health lists
// among the nodes and NodeInfo reports.
func (s *Server) SetAddress(url string) { s.address.Store(&url) }

// NodeInfo is what this node says about itself in its heartbeats (see
// store.DB.RunHeartbeat) and in GET /api/health, its realtime counts
// (realtime.Counts) included.
func (s *Server) NodeInfo() store.NodeInfo {
	info := store.NodeInfo{Version: s.cfg.Version, Leader: s.app.IsLeader, Realtime: func() any { return s.rt.Counts() }}
	if p := s.address.Load(); p != nil {
		info.Address = *p
	}
	return info
}

// liveNodes is the node count the rate-limit rules divide by (1 without a
// database).
func (s *Server) liveNodes() int {
	if s.db == nil {
		return 1
	}
	return s.db.LiveNodes()
}

// SetInstallToken enables the one-time first-superuser creation with token.
func (s *Server) SetInstallToken(token string) { s.installToken.Store(&token) }

// Handler returns the full middleware chain around the routes.
func (s *Server) Handler() http.Handler {
	h := s.logRequests(s.securityHeaders(s.cors(s.bodyDeadline(s.limitBody(s.authenticate(s.rateLimit(trackRouted(s.withPublic(s.mux)))))))))
	if s.cfg.Metrics != nil {
		h = s.observe(h)
	}
	return s.recoverPanics(h)
}

// handle adapts a handlerFunc: a returned error is written in the PocketBase shape.
func (s *Server) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			writeError(w, r, s.log, err)
		}
	})
}

// reqState is per-request state shared by middleware and handlers.
type reqState struct {
	// start is when the request reached the chain (one clock read shared
	// by the logs, the metrics and the idle tracker).
	start time.Time
	// rec is the response's status recorder (recoverPanics).
	rec   statusRecorder
	actor core.Actor
	err   error
	// routed is the request the router and handlers saw (trackRouted), so
	// that its multipart temporary files can be removed afterwards.
	routed *http.Request
}

type stateKey struct{}

func stateOf(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{}
}

func withState(r *http.Request, st *reqState) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
}

// startOf returns when r reached the middleware chain (now when it did not
// come through recoverPanics).
func startOf(r *http.Request) time.Time {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok && !st.start.IsZero() {
		return st.start
	}
	return time.Now()
}

// actorOf returns who performs r (a guest when unauthenticated).
func actorOf(r *http.Request) core.Actor { return stateOf(r).actor }

func setErrorForLog(r *http.Request, err error) { stateOf(r).err = err }
