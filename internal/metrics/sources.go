package metrics

import (
	"database/sql"
	"fmt"
	"sort"

	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// DBSource is the database as the metrics see it (*store.DB).
type DBSource interface {
	ReadPoolStats() sql.DBStats
	ObserveCommits(fn func(store.GroupCommit))
}

// ObserveDB adds the database metrics: the read pool's statistics, read
// at scrape time, and the writer's group sizes, group and commit
// latencies and failed commits, observed as they happen (it sets db's
// commit observer, replacing any other). A second call is an error.
func (m *Metrics) ObserveDB(db DBSource) error {
	if err := m.reg.Register(&poolCollector{db: db}); err != nil {
		return fmt.Errorf("metrics: database: %w", err)
	}
	groups := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: namespace, Subsystem: "db", Name: "write_group_size",
		Help:    "Write transactions committed together by one COMMIT (group commit).",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128}})
	groupTime := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: namespace, Subsystem: "db", Name: "write_group_duration_seconds",
		Help: "Time of one write group, from BEGIN to the COMMIT's answer.", Buckets: durationBuckets})
	commitTime := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: namespace, Subsystem: "db", Name: "commit_duration_seconds",
		Help: "Time of the COMMIT of one write group (the durable write).", Buckets: durationBuckets})
	failed := prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Subsystem: "db", Name: "commits_failed_total",
		Help: "Write groups whose COMMIT failed (every transaction in them got an error)."})
	for _, c := range []prometheus.Collector{groups, groupTime, commitTime, failed} {
		if err := m.reg.Register(c); err != nil {
			return fmt.Errorf("metrics: database: %w", err)
		}
	}
	db.ObserveCommits(func(g store.GroupCommit) {
		groups.Observe(float64(g.Jobs))
		groupTime.Observe(g.Duration.Seconds())
		commitTime.Observe(g.Commit.Seconds())
		if g.Failed {
			failed.Inc()
		}
	})
	return nil
}

// poolCollector reads sql.DBStats of the read pool at scrape time.
type poolCollector struct{ db DBSource }

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, "db_read_pool", name), help, nil, nil)
}

var (
	poolMaxOpen      = poolDesc("max_open_connections", "Maximum connections of the read pool (on PostgreSQL the node's one pool).")
	poolOpen         = poolDesc("open_connections", "Open connections of the read pool, in use or idle.")
	poolInUse        = poolDesc("in_use_connections", "Connections of the read pool in use.")
	poolIdle         = poolDesc("idle_connections", "Idle connections of the read pool.")
	poolWaits        = poolDesc("waits_total", "Times a read waited for a free connection.")
	poolWaitSeconds  = poolDesc("wait_seconds_total", "Time spent waiting for a free connection.")
	poolClosedIdle   = poolDesc("closed_max_idle_total", "Connections closed because the pool had too many idle ones.")
	poolClosedIdleT  = poolDesc("closed_max_idle_time_total", "Connections closed after being idle too long.")
	poolClosedLifeT  = poolDesc("closed_max_lifetime_total", "Connections closed at the end of their lifetime.")
	poolDescriptions = []*prometheus.Desc{poolMaxOpen, poolOpen, poolInUse, poolIdle, poolWaits, poolWaitSeconds, poolClosedIdle, poolClosedIdleT, poolClosedLifeT}
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range poolDescriptions {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.db.ReadPoolStats()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(poolMaxOpen, float64(s.MaxOpenConnections))
	gauge(poolOpen, float64(s.OpenConnections))
	gauge(poolInUse, float64(s.InUse))
	gauge(poolIdle, float64(s.Idle))
	counter(poolWaits, float64(s.WaitCount))
	counter(poolWaitSeconds, s.WaitDuration.Seconds())
	counter(poolClosedIdle, float64(s.MaxIdleClosed))
	counter(poolClosedIdleT, float64(s.MaxIdleTimeClosed))
	counter(poolClosedLifeT, float64(s.MaxLifetimeClosed))
}

// RealtimeSource is the realtime broker as the metrics see it
// (*realtime.Broker).
type RealtimeSource interface {
	ClientCount() int
	SubscriptionCount() int
	Stats() *realtime.Stats
}

// ObserveRealtime adds the realtime metrics of b, read at scrape time:
// open connections and subscriptions, messages queued to clients, clients
// dropped for a full queue, events dispatched, rule checks (in memory or
// by a query) and checks left unanswered. Its refusals are a rate limiter
// of their own (ObserveRateLimiter "realtime"). A second call is an error.
func (m *Metrics) ObserveRealtime(b RealtimeSource) error {
	if err := m.reg.Register(&realtimeCollector{b: b}); err != nil {
		return fmt.Errorf("metrics: realtime: %w", err)
	}
	return m.ObserveRateLimiter("realtime", func() int64 { return b.Stats().Refused() })
}

func realtimeDesc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, "realtime", name), help, labels, nil)
}

var (
	rtConnections   = realtimeDesc("connections", "Open realtime connections (SSE and WebSocket) on this node.")
	rtSubscriptions = realtimeDesc("subscriptions", "Subscriptions (topics) of the open realtime connections on this node.")
	rtDelivered     = realtimeDesc("messages_delivered_total", "Realtime messages queued to clients.")
	rtDropped       = realtimeDesc("clients_dropped_total", "Realtime clients disconnected because their queue was full (slow readers).")
	rtEvents        = realtimeDesc("events_total", "Events the realtime dispatcher has handled.")
	rtChecks        = realtimeDesc("rule_checks_total", "Realtime rule checks, answered in memory or by a query.", "by")
	rtUnanswered    = realtimeDesc("rule_checks_unanswered_total", "Realtime rule checks needing a query that failed or timed out (failed) or were not run (over_budget); their subscribers missed the event.", "reason")
)

type realtimeCollector struct{ b RealtimeSource }

func (c *realtimeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{rtConnections, rtSubscriptions, rtDelivered, rtDropped, rtEvents, rtChecks, rtUnanswered} {
		ch <- d
	}
}

func (c *realtimeCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.b.Stats()
	mem, sqlChecks, dropped, delivered := st.Counts()
	failed, overBudget := st.Unanswered()
	ch <- prometheus.MustNewConstMetric(rtConnections, prometheus.GaugeValue, float64(c.b.ClientCount()))
	ch <- prometheus.MustNewConstMetric(rtSubscriptions, prometheus.GaugeValue, float64(c.b.SubscriptionCount()))
	ch <- prometheus.MustNewConstMetric(rtDelivered, prometheus.CounterValue, float64(delivered))
	ch <- prometheus.MustNewConstMetric(rtDropped, prometheus.CounterValue, float64(dropped))
	ch <- prometheus.MustNewConstMetric(rtEvents, prometheus.CounterValue, float64(st.Events()))
	ch <- prometheus.MustNewConstMetric(rtChecks, prometheus.CounterValue, float64(mem), "memory")
	ch <- prometheus.MustNewConstMetric(rtChecks, prometheus.CounterValue, float64(sqlChecks), "query")
	ch <- prometheus.MustNewConstMetric(rtUnanswered, prometheus.CounterValue, float64(failed), "failed")
	ch <- prometheus.MustNewConstMetric(rtUnanswered, prometheus.CounterValue, float64(overBudget), "over_budget")
}

// MailSource is the mail sender as the metrics see it (*mail.Sender).
type MailSource interface {
	Counts() (sent, failed, logged int64)
}

var mailDesc = prometheus.NewDesc(prometheus.BuildFQName(namespace, "mail", "messages_total"),
	"Mails by outcome: sent over SMTP, failed (any error), or logged because SMTP is disabled.", []string{"result"}, nil)

type mailCollector struct{ s MailSource }

func (c *mailCollector) Describe(ch chan<- *prometheus.Desc) { ch <- mailDesc }

func (c *mailCollector) Collect(ch chan<- prometheus.Metric) {
	sent, failed, logged := c.s.Counts()
	ch <- prometheus.MustNewConstMetric(mailDesc, prometheus.CounterValue, float64(sent), "sent")
	ch <- prometheus.MustNewConstMetric(mailDesc, prometheus.CounterValue, float64(failed), "failed")
	ch <- prometheus.MustNewConstMetric(mailDesc, prometheus.CounterValue, float64(logged), "logged")
}

// ObserveMail adds galley_mail_messages_total{result} read from s at
// scrape time. A second call is an error.
func (m *Metrics) ObserveMail(s MailSource) error {
	if err := m.reg.Register(&mailCollector{s: s}); err != nil {
		return fmt.Errorf("metrics: mail: %w", err)
	}
	return nil
}

// RequestLogSource is the request log writer as the metrics see it
// (*reqlog.Store): counts since it opened.
type RequestLogSource interface {
	Written() uint64
	Dropped() uint64
}

var requestLogDesc = prometheus.NewDesc(prometheus.BuildFQName(namespace, "", "request_logs_total"),
	"Request log entries, by result: written to the database, or dropped (the writer's buffer was full, or the server was stopping).",
	[]string{"result"}, nil)

// requestLogCollector reads the writer's counts at scrape time.
type requestLogCollector struct{ s RequestLogSource }

func (c *requestLogCollector) Describe(ch chan<- *prometheus.Desc) { ch <- requestLogDesc }

func (c *requestLogCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(requestLogDesc, prometheus.CounterValue, float64(c.s.Written()), "written")
	ch <- prometheus.MustNewConstMetric(requestLogDesc, prometheus.CounterValue, float64(c.s.Dropped()), "dropped")
}

// ObserveRequestLogs adds galley_request_logs_total{result} (written,
// dropped) read from s at scrape time. A second call is an error.
func (m *Metrics) ObserveRequestLogs(s RequestLogSource) error {
	if err := m.reg.Register(&requestLogCollector{s: s}); err != nil {
		return fmt.Errorf("metrics: request logs: %w", err)
	}
	return nil
}

var limiterDesc = prometheus.NewDesc(prometheus.BuildFQName(namespace, "", "rate_limited_total"),
	"Requests refused as too many (429), by limiter: rules (the settings' rateLimits), login (failed log-ins), mail (auth mails), realtime (connections per IP, client requests).",
	[]string{"limiter"}, nil)

// limiterCollector reads the refusal counts of named limiters at scrape
// time.
type limiterCollector struct {
	m     *Metrics
	names []string
	read  map[string]func() int64
}

func (c *limiterCollector) Describe(ch chan<- *prometheus.Desc) { ch <- limiterDesc }

func (c *limiterCollector) Collect(ch chan<- prometheus.Metric) {
	c.m.mu.Lock()
	names := append([]string(nil), c.names...)
	read := make([]func() int64, len(names))
	for i, n := range names {
		read[i] = c.read[n]
	}
	c.m.mu.Unlock()
	for i, n := range names {
		ch <- prometheus.MustNewConstMetric(limiterDesc, prometheus.CounterValue, float64(read[i]()), n)
	}
}

// ObserveRateLimiter adds the limiter called name to
// galley_rate_limited_total{limiter}: refused returns how many requests it
// has refused so far, read at scrape time. A name already added is an
// error.
func (m *Metrics) ObserveRateLimiter(name string, refused func() int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.limiters == nil {
		m.limiters = &limiterCollector{m: m, read: map[string]func() int64{}}
		if err := m.reg.Register(m.limiters); err != nil {
			m.limiters = nil
			return fmt.Errorf("metrics: rate limiters: %w", err)
		}
	}
	if _, dup := m.limiters.read[name]; dup {
		return fmt.Errorf("metrics: rate limiter %q added twice", name)
	}
	m.limiters.read[name] = refused
	m.limiters.names = append(m.limiters.names, name)
	sort.Strings(m.limiters.names)
	return nil
}
