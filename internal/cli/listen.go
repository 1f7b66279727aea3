package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/buildinfo"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/metrics"
	"github.com/galleyhq/galley/internal/safego"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/tlsserve"
	"github.com/spf13/pflag"
)

// netOptions are serve's flags for metrics and HTTPS.
type netOptions struct {
	metrics      bool   // GET /metrics on the API's listener, superusers only
	metricsAddr  string // a separate, unauthenticated metrics listener
	https        string
	httpsDomains []string
	acmeEmail    string
	acmeDir      string
	tlsCert      string
	tlsKey       string

	m *metrics.Metrics // made by apiMetrics when metrics are on
}

func (n *netOptions) addFlags(f *pflag.FlagSet) {
	f.BoolVar(&n.metrics, "metrics", false, "serve Prometheus metrics at GET /metrics on the API's listener, to superusers only (env GALLEY_METRICS)")
	f.StringVar(&n.metricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this separate address WITHOUT authentication, e.g. 127.0.0.1:9090: keep it private (env GALLEY_METRICS_ADDR)")
	f.StringVar(&n.https, "https", "", "serve the API over HTTPS (HTTP/2) on this address, e.g. 0.0.0.0:443; --http then only redirects to it and answers ACME challenges (\"\" turns it off) (env GALLEY_HTTPS)")
	f.StringSliceVar(&n.httpsDomains, "https-domains", nil, "with --https: domains to obtain certificates for automatically over ACME (Let's Encrypt), comma-separated; kept in <dir>/acme (env GALLEY_HTTPS_DOMAINS)")
	f.StringVar(&n.acmeEmail, "acme-email", "", "with --https-domains: contact address given to the ACME authority (expiry notices) (env GALLEY_ACME_EMAIL)")
	f.StringVar(&n.acmeDir, "acme-directory", "", "with --https-domains: the ACME directory URL (default: Let's Encrypt production) (env GALLEY_ACME_DIRECTORY)")
	f.StringVar(&n.tlsCert, "tls-cert", "", "with --https: PEM certificate chain file (instead of --https-domains); SIGHUP reads it again (env GALLEY_TLS_CERT)")
	f.StringVar(&n.tlsKey, "tls-key", "", "with --https: PEM private key file of --tls-cert (env GALLEY_TLS_KEY)")
}

// apiMetrics makes the metrics when --metrics or --metrics-addr asks for
// them and returns them as api.Config.Metrics (nil when off: the API then
// has no metrics layer at all).
func (n *netOptions) apiMetrics() api.Metrics {
	if !n.metrics && n.metricsAddr == "" {
		return nil
	}
	if n.m == nil {
		n.m = metrics.New(metrics.Options{Version: buildinfo.Get().Version})
	}
	return n.m
}

// observe adds the database, realtime, mail, request-log and rate-limiter metrics
// (after startOps, which makes the mailer). Nothing when metrics are off.
func (n *netOptions) observe(srv *api.Server, app *core.App, db *store.DB) error {
	m := n.m
	if m == nil {
		return nil
	}
	err := errors.Join(m.ObserveDB(db), m.ObserveRealtime(srv.Realtime()),
		m.ObserveRateLimiter("rules", srv.RateLimitRefusals),
		m.ObserveRateLimiter("login", app.Guards.Login.Refused),
		m.ObserveRateLimiter("mail", app.Guards.Mail.Refused))
	if ms, ok := app.Mailer.(metrics.MailSource); ok {
		err = errors.Join(err, m.ObserveMail(ms))
	}
	if ls, ok := srv.Logs.(metrics.RequestLogSource); ok {
		err = errors.Join(err, m.ObserveRequestLogs(ls))
	}
	return err
}

// listeners are serve's HTTP servers: the API (over HTTPS with --https),
// the plain HTTP one that redirects to it, and the metrics one.
type listeners struct {
	log     *slog.Logger
	api     *http.Server
	apiLn   net.Listener
	plain   *http.Server // nil without --https or with --http ""
	plainLn net.Listener
	metrics *http.Server // nil without --metrics-addr
	metLn   net.Listener
	tls     *tlsserve.TLS // nil without --https
	stopHUP func()
	// drain ends the realtime connections and waits for their goodbyes
	// (http.Server.Shutdown does not wait for hijacked WebSockets).
	drain func(ctx context.Context) error
}

// listen opens every listener serve needs (so that a bad address fails
// the start before anything is served) and prepares their servers.
func listen(o *serveOptions, dir string, srv *api.Server, log *slog.Logger) (_ *listeners, err error) {
	n := &o.net
	l := &listeners{log: log, stopHUP: func() {}, drain: srv.DrainRealtime}
	defer func() {
		if err != nil {
			l.close()
		}
	}()
	bind := func(flag, addr string) (net.Listener, error) {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("listen on %s (%s): %w", addr, flag, err)
		}
		return ln, nil
	}
	if n.https == "" {
		if len(n.httpsDomains) > 0 || n.tlsCert != "" || n.tlsKey != "" {
			return nil, errors.New("--https-domains, --tls-cert and --tls-key need --https ADDR")
		}
		if o.http == "" {
			return nil, errors.New("--http is empty: give an address to listen on")
		}
		if l.apiLn, err = bind("--http", o.http); err != nil {
			return nil, err
		}
		l.api = srv.HTTPServer(o.http)
	} else {
		if l.tls, err = tlsserve.New(tlsserve.Options{Domains: n.httpsDomains, CacheDir: filepath.Join(dir, "acme"),
			Email: n.acmeEmail, DirectoryURL: n.acmeDir, CertFile: n.tlsCert, KeyFile: n.tlsKey}); err != nil {
			return nil, fmt.Errorf("%w (--https-domains, or --tls-cert and --tls-key)", err)
		}
		if l.apiLn, err = bind("--https", n.https); err != nil {
			return nil, err
		}
		l.api = srv.HTTPServer(n.https)
		l.api.TLSConfig = l.tls.Config()
		if o.http != "" {
			if l.plainLn, err = bind("--http", o.http); err != nil {
				return nil, err
			}
			_, port, _ := net.SplitHostPort(l.apiLn.Addr().String())
			l.plain = api.HTTPServer(o.http, l.tls.HTTPHandler(port))
		}
		if !l.tls.Automatic() {
			l.stopHUP = reloadOnHUP(l.tls, log)
		}
	}
	l.api.RegisterOnShutdown(srv.CloseRealtime)
	if n.metricsAddr != "" {
		if l.metLn, err = bind("--metrics-addr", n.metricsAddr); err != nil {
			return nil, err
		}
		mux := http.NewServeMux()
		n.apiMetrics() // makes n.m
		mux.Handle("GET /metrics", n.m.Handler())
		l.metrics = api.HTTPServer(n.metricsAddr, mux)
	}
	return l, nil
}

// reloadOnHUP reads the certificate files again on every SIGHUP (see
// reloadCertificates) until the returned stop is called.
func reloadOnHUP(t *tlsserve.TLS, log *slog.Logger) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	safego.Go(log, "SIGHUP certificate reload", func() {
		for {
			select {
			case <-hup:
				reloadCertificates(t, log)
			case <-done:
				return
			}
		}
	})
	var once sync.Once
	return func() { once.Do(func() { signal.Stop(hup); close(done) }) }
}

// reloadCertificates is what SIGHUP does: the certificate files are read
// again and, when valid, serve every new TLS connection; when not, the
// current certificate stays and the error is logged.
func reloadCertificates(t *tlsserve.TLS, log *slog.Logger) {
	if err := t.Reload(); err != nil {
		log.Error("certificate reload failed: the current certificate stays", "err", err)
		return
	}
	log.Info("certificate reloaded")
}

// apiURL is the base URL of the API's listener.
func (l *listeners) apiURL() string {
	if l.tls != nil {
		return "https://" + l.apiLn.Addr().String()
	}
	return "http://" + l.apiLn.Addr().String()
}

// serve starts every server; the first to fail sends its error on errc.
func (l *listeners) serve(errc chan<- error) {
	if l.tls != nil {
		// ServeTLS (not Serve on a TLS listener) sets up HTTP/2.
		safego.Go(l.log, "https server", func() { errc <- l.api.ServeTLS(l.apiLn, "", "") })
	} else {
		safego.Go(l.log, "http server", func() { errc <- l.api.Serve(l.apiLn) })
	}
	if l.plain != nil {
		l.log.Info("redirecting HTTP to HTTPS", "addr", "http://"+l.plainLn.Addr().String())
		safego.Go(l.log, "http redirect server", func() { errc <- l.plain.Serve(l.plainLn) })
	}
	if l.metrics != nil {
		l.log.Warn("serving metrics without authentication (--metrics-addr): keep this address private",
			"addr", "http://"+l.metLn.Addr().String()+"/metrics")
		safego.Go(l.log, "metrics server", func() { errc <- l.metrics.Serve(l.metLn) })
	}
}

// shutdown stops the servers gracefully: the API stops accepting, lets
// in-flight requests finish within ctx, and every realtime client is told
// to reconnect (SSE: a retry hint and the end of the stream; WebSocket:
// close 1012) before shutdown returns; the others stop at once.
func (l *listeners) shutdown(ctx context.Context) error {
	l.stopHUP()
	for _, s := range []*http.Server{l.plain, l.metrics} {
		if s != nil {
			_ = s.Close()
		}
	}
	err := l.api.Shutdown(ctx)
	return errors.Join(err, l.drain(ctx))
}

// close closes what listen opened and stops every server at once (after
// a failed start, or after shutdown: then it only stops the HUP handler
// and closes closed listeners again, which does nothing).
func (l *listeners) close() {
	l.stopHUP()
	for _, ln := range []net.Listener{l.apiLn, l.plainLn, l.metLn} {
		if ln != nil {
			_ = ln.Close()
		}
	}
}
