package api

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Metrics observes the requests a Server answers and serves what it has
// gathered (internal/metrics implements it with Prometheus). Its methods
// are called on the requests' goroutines: they must be quick and safe for
// concurrent use.
type Metrics interface {
	// RequestStarted is called when a request enters the middleware chain.
	RequestStarted()
	// RequestDone is called once for each RequestStarted, when the
	// request is answered (or abandoned), with its route label (see
	// RouteOther), method label (see MethodLabel), final status, the body
	// bytes read from the request and written in the response, and the
	// time it took.
	RequestDone(route, method string, status int, requestBytes, responseBytes int64, d time.Duration)
	// Handler serves the metrics in the Prometheus text format.
	Handler() http.Handler
}

// RouteOther is the route label of a request that matched no route of the
// route table (or of AddRoute): the raw path is never a label, so that the
// number of series stays bounded whatever clients ask for.
const RouteOther = "other"

// MethodLabel returns the label of an HTTP method: the standard methods
// as they are, anything else "OTHER" (a bounded set, like the routes).
func MethodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// routeLabels maps the patterns registered on a Server's mux to their
// route labels: the pattern without its method ("GET /api/health" →
// "/api/health"). Only these are ever labels: ServeMux also reports the
// cleaned raw path as the "pattern" of its redirects.
type routeLabels struct{ m sync.Map }

func (l *routeLabels) add(pattern string) {
	label := pattern
	if _, p, ok := strings.Cut(pattern, " "); ok {
		label = strings.TrimSpace(p)
	}
	l.m.Store(pattern, label)
}

func (l *routeLabels) label(pattern string) string {
	if v, ok := l.m.Load(pattern); ok {
		return v.(string)
	}
	return RouteOther
}

// register adds a route to the mux and to the route labels.
func (s *Server) register(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
	s.routeLabels.add(pattern)
}

// routeLabel returns the route label of r once it has been answered: the
// pattern the router matched or, for a request refused before routing (a
// rate limit, a body too large, a CORS preflight), the one it would have
// matched.
func (s *Server) routeLabel(r *http.Request) string {
	if routed := stateOf(r).routed; routed != nil {
		return s.routeLabels.label(routed.Pattern)
	}
	_, pattern := s.mux.Handler(r)
	return s.routeLabels.label(pattern)
}

// observe is the metrics layer (only in the chain when Config.Metrics is
// set): the in-flight count, and once the request is answered its route,
// method, status, body sizes and duration. It sits inside recoverPanics,
// so a panic is observed with the 500 it was answered with.
func (s *Server) observe(next http.Handler) http.Handler {
	m := s.cfg.Metrics
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := startOf(r)
		m.RequestStarted()
		var body *countingBody
		if r.Body != nil && r.Body != http.NoBody {
			body = &countingBody{ReadCloser: r.Body}
			r.Body = body
		}
		rec, _ := w.(*statusRecorder)
		if rec == nil {
			rec = &statusRecorder{ResponseWriter: w}
			w = rec
		}
		defer func() {
			status := rec.status
			if !rec.written {
				status = http.StatusOK // a handler that wrote nothing answered 200
			}
			var in int64
			if body != nil {
				in = body.n
			}
			m.RequestDone(s.routeLabel(r), MethodLabel(r.Method), status, in, rec.bytes, time.Since(start))
		}()
		next.ServeHTTP(w, r)
	})
}

// countingBody counts the bytes read from a request body.
type countingBody struct {
	io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}

// RateLimitRefusals returns how many requests the settings' rate-limit
// rules (rateLimits.rules) have refused with 429 on this server.
func (s *Server) RateLimitRefusals() int64 { return s.rulesRefused.Load() }

// metricsRoutes is GET /metrics for superusers when Config.MetricsRoute
// asks for it (and Config.Metrics is set); nothing otherwise, so that
// metrics that are off are a 404 like any unknown path.
func (s *Server) metricsRoutes() []route {
	if s.cfg.Metrics == nil || !s.cfg.MetricsRoute {
		return nil
	}
	return []route{{"GET /metrics", superusers, s.serveMetrics}}
}

// serveMetrics answers GET /metrics; core.App.AuthorizeMetrics decides
// access (superusers only).
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.AuthorizeMetrics(actorOf(r)); err != nil {
		return err
	}
	s.cfg.Metrics.Handler().ServeHTTP(w, r)
	return nil
}
