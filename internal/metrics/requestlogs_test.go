package metrics_test

import (
	"context"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/metrics"
	"github.com/galleyhq/galley/internal/reqlog"
)

// TestRequestLogCounts: galley_request_logs_total counts what a real log
// store wrote and what it dropped (here: entries logged after Close).
func TestRequestLogCounts(t *testing.T) {
	ls, err := reqlog.Open(context.Background(), reqlog.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	m := metrics.New(metrics.Options{})
	if err := m.ObserveRequestLogs(ls); err != nil {
		t.Fatal(err)
	}
	if err := m.ObserveRequestLogs(ls); err == nil {
		t.Fatal("request logs observed twice")
	}
	for range 3 {
		ls.Log(reqlog.Request{Time: time.Now(), Method: "GET", URL: "/api/health", Status: 200})
	}
	if err := ls.Close(); err != nil {
		t.Fatal(err)
	}
	ls.Log(reqlog.Request{Time: time.Now(), Method: "GET", URL: "/late", Status: 200})
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != "galley_request_logs_total" {
			continue
		}
		for _, mt := range f.Metric {
			got[mt.Label[0].GetValue()] = mt.Counter.GetValue()
		}
	}
	if got["written"] != 3 || got["dropped"] != 1 || len(got) != 2 {
		t.Fatalf("galley_request_logs_total = %v, want written 3, dropped 1", got)
	}
}
