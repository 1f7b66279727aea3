package metrics

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Latency buckets (seconds): a health check takes tens of microseconds, a
// large upload or a realtime stream minutes, so the buckets run from 0.5 ms
// to 1 minute.
var durationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// httpMetrics are the request metrics. Series are looked up through a
// cache keyed by route and method, so that a request costs a few atomic
// adds rather than hashing its labels for every metric.
type httpMetrics struct {
	requests  *prometheus.CounterVec   // route, method, code
	duration  *prometheus.HistogramVec // route, method, class
	reqBytes  *prometheus.CounterVec   // route, method
	respBytes *prometheus.CounterVec   // route, method
	inFlight  prometheus.Gauge

	mu     sync.RWMutex
	series map[routeKey]*routeSeries
}

type routeKey struct{ route, method string }

// routeSeries are the series of one route and method.
type routeSeries struct {
	duration  [6]prometheus.Observer // by status class: 1xx … 5xx, then anything else
	reqBytes  prometheus.Counter
	respBytes prometheus.Counter

	mu    sync.RWMutex
	codes map[int]prometheus.Counter
}

func newHTTPMetrics() *httpMetrics {
	return &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Subsystem: "http", Name: "requests_total",
			Help: "Requests answered, by route pattern (\"other\" for paths no route matched), method and status code."},
			[]string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time from the request entering Galley to its answer, by route pattern, method and status class (2xx, 4xx, ...). Realtime streams count when they close.",
			Buckets: durationBuckets}, []string{"route", "method", "class"}),
		reqBytes: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Subsystem: "http", Name: "request_body_bytes_total",
			Help: "Request body bytes read, by route pattern and method."}, []string{"route", "method"}),
		respBytes: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Subsystem: "http", Name: "response_body_bytes_total",
			Help: "Response body bytes written, by route pattern and method."}, []string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Subsystem: "http", Name: "requests_in_flight",
			Help: "Requests being served now (open realtime streams included)."}),
		series: map[routeKey]*routeSeries{},
	}
}

func (h *httpMetrics) register(reg *prometheus.Registry) {
	reg.MustRegister(h.requests, h.duration, h.reqBytes, h.respBytes, h.inFlight)
}

var classes = [6]string{"1xx", "2xx", "3xx", "4xx", "5xx", "other"}

// seriesOf returns the cached series of route and method, making them on
// first use.
func (h *httpMetrics) seriesOf(route, method string) *routeSeries {
	k := routeKey{route, method}
	h.mu.RLock()
	s := h.series[k]
	h.mu.RUnlock()
	if s != nil {
		return s
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s = h.series[k]; s != nil {
		return s
	}
	s = &routeSeries{reqBytes: h.reqBytes.WithLabelValues(route, method),
		respBytes: h.respBytes.WithLabelValues(route, method), codes: map[int]prometheus.Counter{}}
	for i, c := range classes {
		s.duration[i] = h.duration.WithLabelValues(route, method, c)
	}
	h.series[k] = s
	return s
}

// code returns the request counter of status code.
func (s *routeSeries) code(h *httpMetrics, route, method string, code int) prometheus.Counter {
	s.mu.RLock()
	c := s.codes[code]
	s.mu.RUnlock()
	if c != nil {
		return c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c = s.codes[code]; c == nil {
		c = h.requests.WithLabelValues(route, method, strconv.Itoa(code))
		s.codes[code] = c
	}
	return c
}

// RequestStarted counts a request in flight (api.Metrics).
func (m *Metrics) RequestStarted() { m.http.inFlight.Inc() }

// RequestDone records an answered request and takes it out of the
// in-flight count (api.Metrics). route and method must come from bounded
// sets (route patterns, api.MethodLabel); a status outside 100–599 is
// counted under its code and the "other" class.
func (m *Metrics) RequestDone(route, method string, status int, requestBytes, responseBytes int64, d time.Duration) {
	h := m.http
	h.inFlight.Dec()
	s := h.seriesOf(route, method)
	s.code(h, route, method, status).Inc()
	class := 5
	if status >= 100 && status < 600 {
		class = status/100 - 1
	}
	s.duration[class].Observe(d.Seconds())
	if requestBytes > 0 {
		s.reqBytes.Add(float64(requestBytes))
	}
	if responseBytes > 0 {
		s.respBytes.Add(float64(responseBytes))
	}
}
