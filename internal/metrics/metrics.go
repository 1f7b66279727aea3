// Package metrics exposes Galley's metrics in the Prometheus text format:
// HTTP requests by route pattern, method and status (counts, latency,
// body bytes, in flight), the database (read pool, write groups, commit
// latency), realtime (connections, subscriptions, deliveries, drops),
// mails, rate-limit refusals, and the Go runtime and process.
//
// Every Metrics has its own prometheus.Registry: nothing is registered in
// the client library's global default registry, so two servers in one
// process (tests) each count their own. Counters kept by other packages
// (realtime.Stats, the mail sender, the rate-limit guards, the database
// pool) are read at scrape time by collectors; only the HTTP layer and the
// writer's group commits push observations, through small hooks
// (api.Metrics, store.DB.ObserveCommits), so that no other package
// imports Prometheus.
package metrics

import (
	"net/http"
	"runtime"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every Galley metric.
const namespace = "galley"

// Options configure New.
type Options struct {
	// Version is reported by galley_build_info (empty: "unknown").
	Version string
	// NoRuntime leaves out the Go runtime and process collectors (tests
	// that compare whole scrapes).
	NoRuntime bool
}

// Metrics is one server's set of metrics. It implements api.Metrics. The
// zero value is not usable: call New. Its methods are safe for concurrent
// use.
type Metrics struct {
	reg  *prometheus.Registry
	http *httpMetrics

	mu       sync.Mutex
	limiters *limiterCollector
}

// New returns metrics with the HTTP metrics, galley_build_info and (unless
// opts.NoRuntime) the Go runtime and process collectors registered; the
// database, realtime, mail and rate limiters are added with the Observe
// methods.
func New(opts Options) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), http: newHTTPMetrics()}
	m.http.register(m.reg)
	version := opts.Version
	if version == "" {
		version = "unknown"
	}
	info := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Name: "build_info",
		Help:        "Always 1: the labels say which Galley and Go are running.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()}})
	info.Set(1)
	m.reg.MustRegister(info)
	if !opts.NoRuntime {
		m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	return m
}

// Registry returns the registry the metrics are in, for collectors of
// one's own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format (gzipped when
// the client accepts it). A collector that fails is reported in the
// answer's log and left out; the rest is served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}
