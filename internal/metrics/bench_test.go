package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/metrics"
	"github.com/galleyhq/galley/internal/testserver"
)

// BenchmarkRequestDone is the metrics' own cost per request.
func BenchmarkRequestDone(b *testing.B) {
	m := metrics.New(metrics.Options{NoRuntime: true})
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.RequestStarted()
			m.RequestDone("/api/collections/{collection}/records", "GET", 200, 0, 512, time.Millisecond)
		}
	})
}

// BenchmarkHealth is GET /api/health through the whole middleware chain,
// in process, without and with the metrics layer: the difference is what
// metrics cost a request (bench/ measures it over the network).
func BenchmarkHealth(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		cfg := api.Config{}
		if on {
			name, cfg.Metrics = "on", metrics.New(metrics.Options{NoRuntime: true})
		}
		h := testserver.NewConfig(b, cfg).API.Handler()
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req := httptest.NewRequest(http.MethodGet, "/api/health", nil)
				for pb.Next() {
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					if w.Code != 200 {
						b.Fatal(w.Code)
					}
				}
			})
		})
	}
}
