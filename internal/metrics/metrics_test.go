package metrics_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/mail"
	"github.com/galleyhq/galley/internal/metrics"
	"github.com/galleyhq/galley/internal/testserver"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var _ api.Metrics = (*metrics.Metrics)(nil)

// wait bounds every wait for something asynchronous: a test that waits
// this long has failed (never a timing assertion).
const wait = 10 * time.Second

// newServer starts the full stack with metrics on (GET /metrics for
// superusers when route) and every source observed, as galley serve does.
func newServer(t *testing.T, route bool) (*testserver.Server, *metrics.Metrics) {
	t.Helper()
	m := metrics.New(metrics.Options{Version: "v9.9.9-test"})
	s := testserver.NewConfig(t, api.Config{Metrics: m, MetricsRoute: route})
	if err := m.ObserveDB(s.DB); err != nil {
		t.Fatal(err)
	}
	if err := m.ObserveRealtime(s.API.Realtime()); err != nil {
		t.Fatal(err)
	}
	if err := m.ObserveMail(s.App.Mailer.(*mail.Sender)); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() int64{"rules": s.API.RateLimitRefusals,
		"login": s.App.Guards.Login.Refused, "mail": s.App.Guards.Mail.Refused} {
		if err := m.ObserveRateLimiter(name, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.ObserveRateLimiter("login", nil); err == nil {
		t.Fatal("a limiter added twice")
	}
	if err := m.ObserveDB(s.DB); err == nil {
		t.Fatal("the database observed twice")
	}
	return s, m
}

// scrape is one parsed exposition.
type scrape map[string]*dto.MetricFamily

func parse(t *testing.T, r io.Reader) scrape {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		t.Fatalf("parse the exposition: %v", err)
	}
	return fams
}

// get scrapes url with the Authorization token (none when "").
func get(t *testing.T, url, token string) (int, scrape, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, nil, string(b)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("content type %q", ct)
	}
	return 200, parse(t, res.Body), ""
}

// find returns the metric of family name whose labels are exactly
// labels, or nil.
func (s scrape) find(name string, labels map[string]string) *dto.Metric {
	f := s[name]
	if f == nil {
		return nil
	}
	for _, m := range f.Metric {
		if len(m.Label) != len(labels) {
			continue
		}
		ok := true
		for _, l := range m.Label {
			if labels[l.GetName()] != l.GetValue() {
				ok = false
			}
		}
		if ok {
			return m
		}
	}
	return nil
}

// value returns the value of a counter or gauge, failing when missing.
func (s scrape) value(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	m := s.find(name, labels)
	if m == nil {
		t.Fatalf("no %s%v; series: %s", name, labels, s.describe(name))
	}
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	t.Fatalf("%s%v is neither a counter nor a gauge", name, labels)
	return 0
}

// histogram returns the sample count and sum of a histogram.
func (s scrape) histogram(t *testing.T, name string, labels map[string]string) (uint64, float64) {
	t.Helper()
	m := s.find(name, labels)
	if m == nil || m.Histogram == nil {
		t.Fatalf("no histogram %s%v; series: %s", name, labels, s.describe(name))
	}
	return m.Histogram.GetSampleCount(), m.Histogram.GetSampleSum()
}

func (s scrape) describe(name string) string {
	f := s[name]
	if f == nil {
		return "(none)"
	}
	var out []string
	for _, m := range f.Metric {
		var ls []string
		for _, l := range m.Label {
			ls = append(ls, l.GetName()+"="+l.GetValue())
		}
		out = append(out, "{"+strings.Join(ls, ",")+"}")
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func lbl(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// readEvent reads SSE lines until an event named name and returns its data.
func readEvent(t *testing.T, sc *bufio.Scanner, name string) string {
	t.Helper()
	cur := ""
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "event:"); ok {
			cur = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "data:"); ok && cur == name {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("stream ended before event %s: %v", name, sc.Err())
	return ""
}

// TestScrape sends known requests and checks the series they leave, with
// their labels and counts: requests by route pattern (never the raw path),
// method and code; latency; body bytes; in flight; the database's read
// pool and group commits; realtime connections, subscriptions and
// deliveries; mails; rate-limit refusals; build and Go runtime metrics.
func TestScrape(t *testing.T) {
	s, _ := newServer(t, true)
	s.Super("POST", "/api/collections", map[string]any{"name": "posts", "listRule": "", "viewRule": "",
		"fields": []map[string]any{{"name": "title", "type": "text"}}}).Status(200)

	for range 3 {
		s.Do("GET", "/api/health", "", nil).Status(200)
	}
	bodies := []string{`{"title":"one"}`, `{"title":"second post"}`}
	var sent int
	for _, b := range bodies {
		s.Super("POST", "/api/collections/posts/records", b).Status(200)
		sent += len(b)
	}
	s.Do("GET", "/api/collections/posts/records/nosuchrecord00", "", nil).Status(404)
	s.Do("GET", "/no/such/page/7f3a9c", "", nil).Status(404)
	s.Do("GET", "/another/unknown/path", "", nil).Status(404)
	s.Do("GET", "/api/no-such-route-x1", "", nil).Status(404)
	s.Do("BREW", "/api/health", "", nil)

	// A rate-limit rule: the second guest request on its path is refused
	// before routing; it still counts under its route pattern.
	s.Super("PATCH", "/api/settings", map[string]any{"rateLimits": map[string]any{"enabled": true,
		"rules": []map[string]any{{"label": "/api/limited", "maxRequests": 1, "duration": 60}}}}).Status(200)
	s.Do("GET", "/api/limited", "", nil).Status(404)
	s.Do("GET", "/api/limited", "", nil).Status(429)

	// A mail, logged since SMTP is off.
	s.Do("POST", "/api/collections/_superusers/request-password-reset", "", map[string]any{"email": testserver.SuperuserEmail}).Status(204)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := s.App.Mailer.(*mail.Sender).Wait(ctx); err != nil {
		t.Fatal(err)
	}

	// A realtime client with one subscription gets one record event.
	rctx, rcancel := context.WithTimeout(context.Background(), wait)
	defer rcancel()
	req, _ := http.NewRequestWithContext(rctx, "GET", s.URL+"/api/realtime", nil)
	stream, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	sc := bufio.NewScanner(stream.Body)
	var hello struct{ ClientID string }
	if err := json.Unmarshal([]byte(readEvent(t, sc, "PB_CONNECT")), &hello); err != nil || hello.ClientID == "" {
		t.Fatalf("PB_CONNECT: %v", err)
	}
	s.Do("POST", "/api/realtime", "", map[string]any{"clientId": hello.ClientID, "subscriptions": []string{"posts"}}).Status(204)
	s.Super("POST", "/api/collections/posts/records", `{"title":"third"}`).Status(200)
	readEvent(t, sc, "posts")

	code, sc2, body := get(t, s.URL+"/metrics", s.SuperToken)
	if code != 200 {
		t.Fatalf("GET /metrics as superuser: %d %s", code, body)
	}
	m := sc2

	// Requests by route pattern, method and code.
	req3 := lbl("route", "/api/health", "method", "GET", "code", "200")
	if v := m.value(t, "galley_http_requests_total", req3); v != 3 {
		t.Errorf("health requests = %v, want 3", v)
	}
	create := lbl("route", "/api/collections/{collection}/records", "method", "POST", "code", "200")
	if v := m.value(t, "galley_http_requests_total", create); v != 3 {
		t.Errorf("record creates = %v, want 3", v)
	}
	if v := m.value(t, "galley_http_requests_total", lbl("route", "/api/collections/{collection}/records/{id}", "method", "GET", "code", "404")); v != 1 {
		t.Errorf("record view 404 = %v, want 1", v)
	}
	if v := m.value(t, "galley_http_requests_total", lbl("route", "other", "method", "GET", "code", "404")); v != 2 {
		t.Errorf("unknown paths = %v, want 2 (both under route=other)", v)
	}
	if v := m.value(t, "galley_http_requests_total", lbl("route", "/api/", "method", "GET", "code", "404")); v != 2 {
		t.Errorf("/api/ catch-all 404 = %v, want 2", v)
	}
	if v := m.value(t, "galley_http_requests_total", lbl("route", "/api/", "method", "GET", "code", "429")); v != 1 {
		t.Errorf("refused before routing = %v, want 1", v)
	}
	if v := m.value(t, "galley_http_requests_total", lbl("route", "/api/", "method", "OTHER", "code", "404")); v != 1 {
		t.Errorf("BREW /api/health = %v, want 1 under method OTHER", v)
	}
	for _, f := range m["galley_http_requests_total"].Metric {
		for _, l := range f.Label {
			if l.GetName() == "route" && (strings.Contains(l.GetValue(), "7f3a9c") || strings.Contains(l.GetValue(), "nosuchrecord")) {
				t.Errorf("a raw path became a label: %v", f.Label)
			}
		}
	}

	// Latency histogram by status class, body bytes, in flight (the scrape).
	if n, sum := m.histogram(t, "galley_http_request_duration_seconds", lbl("route", "/api/health", "method", "GET", "class", "2xx")); n != 3 || sum <= 0 {
		t.Errorf("health latency: %d samples, sum %v", n, sum)
	}
	in := m.value(t, "galley_http_request_body_bytes_total", lbl("route", "/api/collections/{collection}/records", "method", "POST"))
	if want := float64(sent + len(`{"title":"third"}`)); in != want {
		t.Errorf("request bytes = %v, want %v", in, want)
	}
	if out := m.value(t, "galley_http_response_body_bytes_total", lbl("route", "/api/health", "method", "GET")); out <= 0 {
		t.Errorf("response bytes = %v", out)
	}
	// The scrape itself and the realtime stream are in flight.
	if v := m.value(t, "galley_http_requests_in_flight", nil); v != 2 {
		t.Errorf("in flight = %v, want 2 (the scrape and the realtime stream)", v)
	}

	// Database.
	if v := m.value(t, "galley_db_read_pool_max_open_connections", nil); v <= 0 {
		t.Errorf("read pool max open = %v", v)
	}
	m.value(t, "galley_db_read_pool_open_connections", nil)
	m.value(t, "galley_db_read_pool_waits_total", nil)
	if n, sum := m.histogram(t, "galley_db_write_group_size", nil); n == 0 || sum < 4 {
		t.Errorf("write groups: %d groups of %v jobs, want at least 4 jobs (collection, settings, 3 records)", n, sum)
	}
	if n, _ := m.histogram(t, "galley_db_commit_duration_seconds", nil); n == 0 {
		t.Error("no commit latency observed")
	}
	m.histogram(t, "galley_db_write_group_duration_seconds", nil)
	if v := m.value(t, "galley_db_commits_failed_total", nil); v != 0 {
		t.Errorf("failed commits = %v", v)
	}

	// Realtime.
	if v := m.value(t, "galley_realtime_connections", nil); v != 1 {
		t.Errorf("realtime connections = %v, want 1", v)
	}
	if v := m.value(t, "galley_realtime_subscriptions", nil); v != 1 {
		t.Errorf("realtime subscriptions = %v, want 1", v)
	}
	if v := m.value(t, "galley_realtime_messages_delivered_total", nil); v < 1 {
		t.Errorf("realtime deliveries = %v, want at least 1", v)
	}
	if v := m.value(t, "galley_realtime_clients_dropped_total", nil); v != 0 {
		t.Errorf("realtime drops = %v", v)
	}
	m.value(t, "galley_realtime_rule_checks_total", lbl("by", "memory"))

	// Mails and rate limits.
	if v := m.value(t, "galley_mail_messages_total", lbl("result", "logged")); v != 1 {
		t.Errorf("logged mails = %v, want 1", v)
	}
	if v := m.value(t, "galley_mail_messages_total", lbl("result", "failed")); v != 0 {
		t.Errorf("failed mails = %v", v)
	}
	if v := m.value(t, "galley_rate_limited_total", lbl("limiter", "rules")); v != 1 {
		t.Errorf("rules refusals = %v, want 1", v)
	}
	for _, l := range []string{"login", "mail", "realtime"} {
		if v := m.value(t, "galley_rate_limited_total", lbl("limiter", l)); v != 0 {
			t.Errorf("%s refusals = %v, want 0", l, v)
		}
	}

	// Build, Go runtime and process.
	if m.find("galley_build_info", lbl("version", "v9.9.9-test", "goversion", m.label(t, "galley_build_info", "goversion"))) == nil {
		t.Errorf("build info: %s", m.describe("galley_build_info"))
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
		if m[name] == nil {
			t.Errorf("no %s", name)
		}
	}
}

// label returns the value of label of the first metric of family name.
func (s scrape) label(t *testing.T, name, label string) string {
	t.Helper()
	if f := s[name]; f != nil && len(f.Metric) > 0 {
		for _, l := range f.Metric[0].Label {
			if l.GetName() == label {
				return l.GetValue()
			}
		}
	}
	t.Fatalf("no %s{%s}", name, label)
	return ""
}

// TestLoginRefusals: failed log-ins past the guard's limit count under
// limiter="login".
func TestLoginRefusals(t *testing.T) {
	s, _ := newServer(t, true)
	refused := 0
	for i := 0; i < 12 && refused == 0; i++ {
		res := s.Do("POST", "/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": "nobody@example.com", "password": fmt.Sprint("wrong", i)})
		if res.Code == 429 {
			refused++
		}
	}
	if refused != 1 {
		t.Fatal("the log-in guard never refused")
	}
	_, m, _ := get(t, s.URL+"/metrics", s.SuperToken)
	if v := m.value(t, "galley_rate_limited_total", lbl("limiter", "login")); v != 1 {
		t.Errorf("login refusals = %v, want 1", v)
	}
	if v := m.value(t, "galley_http_requests_total", lbl("route", "/api/collections/{collection}/auth-with-password", "method", "POST", "code", "429")); v != 1 {
		t.Errorf("429 answers = %v, want 1", v)
	}
}

// TestMetricsRouteAccess: GET /metrics on the API's listener is for
// superusers only (401 for guests, 403 for other auth records), and is a
// plain 404 when the route is off, even for superusers.
func TestMetricsRouteAccess(t *testing.T) {
	s, _ := newServer(t, true)
	s.Super("POST", "/api/collections/users/records", map[string]any{"email": "u@example.com", "password": "long-enough-1", "passwordConfirm": "long-enough-1"}).Status(200)
	user := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "u@example.com", "password": "long-enough-1"}).Status(200).JSON()["token"].(string)
	if code, _, _ := get(t, s.URL+"/metrics", ""); code != 401 {
		t.Errorf("guest: %d, want 401", code)
	}
	if code, _, _ := get(t, s.URL+"/metrics", user); code != 403 {
		t.Errorf("user: %d, want 403", code)
	}
	if code, _, _ := get(t, s.URL+"/metrics", s.SuperToken); code != 200 {
		t.Errorf("superuser: %d, want 200", code)
	}

	off, _ := newServer(t, false) // metrics collected, but not served on the API
	if code, _, _ := get(t, off.URL+"/metrics", off.SuperToken); code != 404 {
		t.Errorf("route off, superuser: %d, want 404", code)
	}
	off.Do("GET", "/api/health", "", nil).Status(200)
}

// TestTwoServersCountApart: each Metrics has its own registry; two in one
// process do not see each other's requests (no global state).
func TestTwoServersCountApart(t *testing.T) {
	a, _ := newServer(t, true)
	b, _ := newServer(t, true)
	a.Do("GET", "/api/health", "", nil).Status(200)
	a.Do("GET", "/api/health", "", nil).Status(200)
	b.Do("GET", "/api/health", "", nil).Status(200)
	_, ma, _ := get(t, a.URL+"/metrics", a.SuperToken)
	_, mb, _ := get(t, b.URL+"/metrics", b.SuperToken)
	h := lbl("route", "/api/health", "method", "GET", "code", "200")
	if va, vb := ma.value(t, "galley_http_requests_total", h), mb.value(t, "galley_http_requests_total", h); va != 2 || vb != 1 {
		t.Errorf("a counted %v, b %v; want 2 and 1", va, vb)
	}
}
