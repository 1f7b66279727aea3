package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/buildinfo"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/migrate"
	"github.com/galleyhq/galley/internal/oauth2"
	"github.com/galleyhq/galley/internal/ratelimit"
	"github.com/galleyhq/galley/internal/realtime"
	"github.com/galleyhq/galley/internal/safego"
	"github.com/galleyhq/galley/internal/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// globalOptions are the flags every command shares.
type globalOptions struct {
	dir       string
	logFormat string
	logLevel  string
	// db selects PostgreSQL (a postgres:// DSN); empty means SQLite in dir.
	db               string
	dbMaxConns       int
	dbStatementTimer time.Duration
	// setups bind a custom binary's hooks and routes in serve.
	setups []Setup
	// migrations are a custom binary's Go migrations (nil: none).
	migrations *migrate.Registry
}

// storeOptions returns the store options the flags describe, refusing a
// --db that is not a PostgreSQL DSN.
func (g *globalOptions) storeOptions(log *slog.Logger) (store.Options, error) {
	if g.db != "" && !store.IsPostgresDSN(g.db) {
		return store.Options{}, fmt.Errorf("--db: want a PostgreSQL DSN (postgres://user:password@host:5432/dbname), or nothing for SQLite in --dir")
	}
	if g.dbMaxConns < 0 {
		return store.Options{}, fmt.Errorf("--db-max-conns: must be at least 3")
	}
	timeout := g.dbStatementTimer
	if timeout == 0 {
		timeout = -1 // none
	}
	return store.Options{Dir: g.dir, DSN: g.db, MaxConns: g.dbMaxConns, StatementTimeout: timeout, Logger: log}, nil
}

// openStore opens the database the flags describe.
func (g *globalOptions) openStore(ctx context.Context, log *slog.Logger) (*store.DB, error) {
	opts, err := g.storeOptions(log)
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, opts)
}

func newRootCmd(getenv func(string) string, stdout, stderr io.Writer, setups ...Setup) *cobra.Command {
	return newRootCmdExt(getenv, stdout, stderr, Extensions{Setups: setups})
}

func newRootCmdExt(getenv func(string) string, stdout, stderr io.Writer, ext Extensions) *cobra.Command {
	g := &globalOptions{setups: ext.Setups, migrations: ext.Migrations}
	root := &cobra.Command{
		Use:           "galley",
		Short:         "Galley: a complete backend in one binary (PocketBase-compatible API)",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return applyEnv(cmd, getenv)
		},
	}
	root.PersistentFlags().StringVar(&g.dir, "dir", "./galley_data", "data directory (env GALLEY_DIR)")
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "auto", "log format: auto, text or json (env GALLEY_LOG_FORMAT)")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn, error (env GALLEY_LOG_LEVEL)")
	root.PersistentFlags().StringVar(&g.db, "db", "", "PostgreSQL DSN (postgres://user:pass@host:5432/db); empty = embedded SQLite in --dir (env GALLEY_DB)")
	root.PersistentFlags().IntVar(&g.dbMaxConns, "db-max-conns", store.DefaultMaxConns, "PostgreSQL connections per node, listener excluded (env GALLEY_DB_MAX_CONNS)")
	root.PersistentFlags().DurationVar(&g.dbStatementTimer, "db-statement-timeout", store.DefaultStatementTimeout, "statement timeout: every statement on PostgreSQL, record reads on SQLite; 0 = none (env GALLEY_DB_STATEMENT_TIMEOUT)")
	root.AddCommand(newServeCmd(g, stdout, stderr), newSuperuserCmd(g, stdout, stderr), newVersionCmd(stdout), newMigrateDataCmd(g, getenv, stdout, stderr), newMigrateCmd(g, stdout, stderr), newBackupCmd(g, stdout, stderr))
	return root
}

// applyEnv sets every flag not given on the command line from GALLEY_<NAME>
// (dashes become underscores), or from the file named by GALLEY_<NAME>_FILE.
func applyEnv(cmd *cobra.Command, getenv func(string) string) error {
	var err error
	visit := func(f *pflag.Flag) {
		if f.Changed || err != nil {
			return
		}
		key := "GALLEY_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v := getenv(key)
		if v == "" {
			if path := getenv(key + "_FILE"); path != "" {
				b, rerr := os.ReadFile(path)
				if rerr != nil {
					err = fmt.Errorf("%s_FILE: %w", key, rerr)
					return
				}
				v = strings.TrimSpace(string(b))
			}
		}
		if v != "" {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("%s: %w", key, serr)
			}
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	return err
}

func newLogger(g *globalOptions, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	format := g.logFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: want auto, text or json, got %q", g.logFormat)
}

func newVersionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the Galley version, commit, build date and Go version",
		Long: "Print the Galley version (a semantic version; " + buildinfo.DevVersion + " for a build without one),\n" +
			"the git commit and the time of that commit it was built from, and the Go that built it.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			writeVersion(stdout, buildinfo.Get())
			return nil
		},
	}
}

// writeVersion prints info as `galley version` does: the version on the
// first line, then one "key  value" line each for commit, built and go.
func writeVersion(w io.Writer, info buildinfo.Info) {
	commit, date := info.Commit, info.Date
	if commit == "" {
		commit = "unknown"
	} else if info.Modified {
		commit += " (modified)"
	}
	if date == "" {
		date = "unknown"
	}
	fmt.Fprintf(w, "galley %s\ncommit %s\nbuilt  %s\ngo     %s\n", info.Version, commit, date, info.Go)
}

type serveOptions struct {
	http        string
	origins     []string
	maxBody     int64
	shutdownTTL time.Duration
	// oauth2Private lets OAuth2 fetches reach private addresses (development
	// against a local identity provider only).
	oauth2Private bool
	// Failed log-ins allowed per client IP per minute and per account per hour.
	loginFailuresPerIP, loginFailuresPerAccount int
	// realtimeMaxConnsPerIP bounds open realtime connections per client IP.
	realtimeMaxConnsPerIP int
	// Bounds on the rule checks of one realtime event that need a query.
	realtimeCheckTimeout, realtimeCheckBudget time.Duration
	realtimeMaxSQLChecks                      int
	// pprof is the address of the profiling listener ("" = none).
	pprof string
	// bodyReadTimeout bounds the time to send a request body (0 = none);
	// headerReadTimeout the time to send the request line and headers.
	bodyReadTimeout, headerReadTimeout time.Duration
	// Bounds of non-superuser filters and sorts, and of one expand.
	filterMaxHops, filterMaxJoins, expandMaxRecords int
	// storageShared declares --dir a file system every node shares (local
	// file storage with several nodes on PostgreSQL).
	storageShared bool
	// uploadMinRate extends the body read timeout of uploads (bytes/s).
	uploadMinRate int64
	// thumbMaxPixels bounds the images thumbnails are made of.
	thumbMaxPixels int64
	// backup bounds the backup archives a restore or an upload accepts
	// and the size of an upload (storage.go).
	backup backupLimits
	// hooks: the JavaScript hooks (hooks.go).
	hooks hooksOptions
	// public: the app's static files (public.go).
	public publicOptions
	// net: metrics and HTTPS (listen.go).
	net netOptions
	// migrations locate the migration files; automigrate writes them.
	migrations migrationOptions
}

func newServeCmd(g *globalOptions, stdout, stderr io.Writer) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API (embedded SQLite, or PostgreSQL with --db)",
		Long: "Serve the HTTP API. Data lives in --dir (created when missing), or in PostgreSQL with\n" +
			"--db, where several nodes may share one database. SIGINT or SIGTERM stop accepting\n" +
			"connections, let in-flight requests finish and close the database.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return serve(cmd.Context(), g, o, stdout, stderr) },
	}
	f := cmd.Flags()
	f.StringVar(&o.http, "http", "127.0.0.1:8090", "address to listen on (env GALLEY_HTTP)")
	f.StringSliceVar(&o.origins, "origins", []string{"*"}, "CORS allowed origins, comma-separated (env GALLEY_ORIGINS)")
	f.Int64Var(&o.maxBody, "max-body", 32<<20, "maximum request body size in bytes (env GALLEY_MAX_BODY)")
	f.DurationVar(&o.shutdownTTL, "shutdown-timeout", 15*time.Second, "how long in-flight requests may take at shutdown (env GALLEY_SHUTDOWN_TIMEOUT)")
	f.IntVar(&o.loginFailuresPerIP, "login-failures-per-ip", 10, "failed log-ins allowed per client IP per minute before 429 (env GALLEY_LOGIN_FAILURES_PER_IP)")
	f.IntVar(&o.loginFailuresPerAccount, "login-failures-per-account", 100, "failed log-ins allowed per account per hour before 429 (env GALLEY_LOGIN_FAILURES_PER_ACCOUNT)")
	f.StringVar(&o.pprof, "pprof", "", "serve Go's /debug/pprof profiles on this address, e.g. 127.0.0.1:6060 (debugging; never expose it) (env GALLEY_PPROF)")
	f.IntVar(&o.realtimeMaxConnsPerIP, "realtime-max-conns-per-ip", realtime.DefaultMaxConnsPerIP, "open realtime connections (SSE and WebSocket) allowed per client IP before 429 (env GALLEY_REALTIME_MAX_CONNS_PER_IP)")
	f.DurationVar(&o.realtimeCheckTimeout, "realtime-check-timeout", realtime.DefaultCheckTimeout, "time one realtime rule check that needs a query may take; a check cut off does not deliver the event to its subscribers (env GALLEY_REALTIME_CHECK_TIMEOUT)")
	f.IntVar(&o.realtimeMaxSQLChecks, "realtime-max-sql-checks", realtime.DefaultMaxSQLChecks, "realtime rule checks that need a query per event (one per distinct group of subscribers); the groups beyond it do not get the event (env GALLEY_REALTIME_MAX_SQL_CHECKS)")
	f.DurationVar(&o.realtimeCheckBudget, "realtime-check-budget", realtime.DefaultCheckBudget, "total time the rule-check queries of one realtime event may take, inside the deleting transaction for deletes (env GALLEY_REALTIME_CHECK_BUDGET)")
	f.IntVar(&o.filterMaxHops, "filter-max-hops", filter.DefaultMaxHops, "relations one path of a non-superuser filter or sort may follow (env GALLEY_FILTER_MAX_HOPS)")
	f.IntVar(&o.filterMaxJoins, "filter-max-joins", filter.DefaultMaxJoins, "relations one non-superuser filter or sort may join in all (env GALLEY_FILTER_MAX_JOINS)")
	f.IntVar(&o.expandMaxRecords, "expand-max-records", core.DefaultExpandMaxRecords, "records the expand of one request may load before 400 (env GALLEY_EXPAND_MAX_RECORDS)")
	f.DurationVar(&o.bodyReadTimeout, "body-read-timeout", api.DefaultBodyReadTimeout, "time a client may take to send a request body once its headers are in, before 408; 0 = none (env GALLEY_BODY_READ_TIMEOUT)")
	f.DurationVar(&o.headerReadTimeout, "header-read-timeout", api.DefaultReadHeaderTimeout, "time a client may take to send the request line and headers before it is disconnected (env GALLEY_HEADER_READ_TIMEOUT)")
	f.BoolVar(&o.storageShared, "storage-shared", false, "with PostgreSQL: --dir is a file system all nodes share, so several nodes may keep files in <dir>/storage (otherwise a second node refuses to start while S3 is off) (env GALLEY_STORAGE_SHARED)")
	f.Int64Var(&o.uploadMinRate, "upload-min-rate", api.DefaultUploadMinRate, "bytes per second an upload must keep up: a body that may carry files gets --body-read-timeout plus its size at this rate; 0 = no extension (env GALLEY_UPLOAD_MIN_RATE)")
	addBackupFlags(f, &o.backup)
	f.Int64Var(&o.thumbMaxPixels, "thumb-max-pixels", files.DefaultMaxPixels, "largest image (width × height) a thumbnail is made of; larger images are served as they are (env GALLEY_THUMB_MAX_PIXELS)")
	o.net.addFlags(f)
	o.hooks.addFlags(f)
	o.public.addFlags(f)
	f.BoolVar(&o.oauth2Private, "oauth2-allow-private-networks", false, "let OAuth2 requests reach loopback/private addresses: for a local test identity provider only, never in production (env GALLEY_OAUTH2_ALLOW_PRIVATE_NETWORKS)")
	o.migrations.addFlags(f, true)
	return cmd
}

func serve(ctx context.Context, g *globalOptions, o *serveOptions, stdout, stderr io.Writer) error {
	log, err := newLogger(g, stderr)
	if err != nil {
		return err
	}
	// A server's heap is small and short-lived garbage dominates: collect
	// at 200% growth instead of 100% (less GC CPU per request); idle memory
	// is returned by the idle trimmer. GOGC in the environment wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	db, err := g.openStore(ctx, log)
	if err != nil {
		return err
	}
	defer db.Close()
	app := core.New(db, log)
	app.AllowedOrigins = o.origins
	if o.loginFailuresPerIP < 1 || o.loginFailuresPerAccount < 1 {
		return fmt.Errorf("--login-failures-per-ip and --login-failures-per-account must be at least 1")
	}
	app.Guards.Login.PerIP = ratelimit.Rule{Max: o.loginFailuresPerIP, Window: time.Minute}
	app.Guards.Login.PerAccount = ratelimit.Rule{Max: o.loginFailuresPerAccount, Window: time.Hour}
	if o.realtimeMaxConnsPerIP < 1 {
		return fmt.Errorf("--realtime-max-conns-per-ip must be at least 1")
	}
	if o.filterMaxHops < 1 || o.filterMaxJoins < 1 || o.expandMaxRecords < 1 {
		return fmt.Errorf("--filter-max-hops, --filter-max-joins and --expand-max-records must be at least 1")
	}
	app.FilterLimits = filter.Limits{MaxHops: o.filterMaxHops, MaxJoins: o.filterMaxJoins}
	app.ExpandMaxRecords = o.expandMaxRecords
	if o.realtimeCheckTimeout <= 0 || o.realtimeCheckBudget <= 0 || o.realtimeMaxSQLChecks < 1 {
		return fmt.Errorf("--realtime-check-timeout and --realtime-check-budget must be positive, --realtime-max-sql-checks at least 1")
	}
	if o.bodyReadTimeout < 0 {
		return fmt.Errorf("--body-read-timeout must not be negative (0 = none)")
	}
	if o.headerReadTimeout <= 0 {
		return fmt.Errorf("--header-read-timeout must be positive")
	}
	bodyTimeout := o.bodyReadTimeout
	if bodyTimeout == 0 {
		bodyTimeout = -1 // none (api.Config reads 0 as the default)
	}
	if o.pprof != "" { // after every flag check: its listener stays open
		if err := startPprof(o.pprof, log); err != nil {
			return err
		}
	}
	if o.oauth2Private {
		log.Warn("OAuth2 requests may reach private networks (--oauth2-allow-private-networks): do not use in production")
		app.SetOAuth2Registry(oauth2.NewRegistry(oauth2.Options{AllowPrivateNetworks: true}))
	}
	releaseStorage, err := setupStorage(ctx, app, db, g, o, log)
	if err != nil {
		return err
	}
	defer releaseStorage()
	uploadRate := o.uploadMinRate
	if uploadRate == 0 {
		uploadRate = -1 // no extension (api.Config reads 0 as the default)
	}
	public, err := o.public.public(g)
	if err != nil {
		return err
	}
	srv := api.New(app, db, log, api.Config{Public: public, AllowedOrigins: o.origins, MaxBodyBytes: o.maxBody, Version: buildinfo.Get().Version, UploadMinRate: uploadRate,
		BodyReadTimeout: bodyTimeout, ReadHeaderTimeout: o.headerReadTimeout,
		Metrics: o.net.apiMetrics(), MetricsRoute: o.net.metrics,
		Realtime: realtime.Config{MaxConnsPerIP: o.realtimeMaxConnsPerIP, CheckTimeout: o.realtimeCheckTimeout,
			MaxSQLChecks: o.realtimeMaxSQLChecks, CheckBudget: o.realtimeCheckBudget}})
	for _, setup := range g.setups {
		if err := setup(app, srv); err != nil {
			return err
		}
	}
	// The system cron jobs (expired OTPs and MFA sessions, request logs,
	// orphan files), listed by GET /api/crons; registered before the hooks
	// so that a hook's job of the same id replaces one.
	if err := app.AddSystemCrons(); err != nil {
		return err
	}
	stopHooks, err := startHooks(g, &o.hooks, app, srv, log)
	if err != nil {
		return err
	}
	defer stopHooks()
	if err := startMigrations(ctx, g, &o.migrations, app, db, log); err != nil {
		return err
	}
	// Cron jobs: every node runs the scheduler and claims each tick in the
	// database, so a tick runs on one node. Stopped (its runs waited for)
	// before the database closes.
	if err := app.Cron().Start(ctx); err != nil {
		return err
	}
	defer app.Cron().Stop()
	stopOps, err := startOps(ctx, srv, app, db, g.dir, log)
	if err != nil {
		return err
	}
	defer stopOps()
	if err := o.net.observe(srv, app, db); err != nil {
		return err
	}

	ls, err := listen(o, g.dir, srv, log) // --http, --https, --metrics-addr (listen.go)
	if err != nil {
		return err
	}
	defer ls.close()
	if has, err := app.HasSuperusers(ctx); err != nil {
		return err
	} else if !has {
		token := galley.RandomString(32, "abcdefghijklmnopqrstuvwxyz0123456789")
		srv.SetInstallToken(token)
		where := "--dir " + g.dir
		if g.db != "" {
			where = "--db \"$GALLEY_DB\" (the same DSN)"
		}
		fmt.Fprintf(stdout, "No superuser exists yet. Create the first one with either:\n"+
			"  galley superuser upsert EMAIL PASSWORD %s\n"+
			"  curl -X POST %s/api/install -H 'Content-Type: application/json' -d '{\"token\":\"%s\",\"email\":\"EMAIL\",\"password\":\"PASSWORD\"}'\n"+
			"  or the dashboard: %s/_/#/install?token=%s\n"+
			"(the token works once, on this node, until this process stops)\n", where, ls.apiURL(), token, ls.apiURL(), token)
	}
	fmt.Fprintf(stdout, "Dashboard: %s/_/\n", ls.apiURL())
	log.Info("serving", "addr", ls.apiURL(), "dir", g.dir, "database", db.DialectName(), "version", buildinfo.Get().Version)
	// Leader-only background work: on PostgreSQL one node at a time runs
	// it; another takes over within seconds when that node dies.
	safego.Go(log, "leader maintenance", func() { db.RunAsLeader(ctx, core.LeaderMaintenance, app.Maintain) })
	// The node registry (PostgreSQL): GET /api/health lists the live nodes
	// and the rate limits divide by their number. The row goes at shutdown.
	srv.SetAddress(ls.apiURL())
	safego.Go(log, "node heartbeat", func() { db.RunHeartbeat(ctx, srv.NodeInfo(), heartbeatEvery) })
	errc := make(chan error, 3)
	ls.serve(errc)
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		log.Info("shutting down: waiting for in-flight requests")
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.shutdownTTL)
		defer cancel()
		if err := ls.shutdown(sctx); err != nil {
			log.Warn("shutdown", "err", err)
		}
	}
	log.Info("stopped")
	return nil
}

// heartbeatEvery is how often a node records itself in the node registry
// (store.NodeLive is a few beats).
const heartbeatEvery = 2 * time.Second

func newSuperuserCmd(g *globalOptions, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "superuser", Short: "Manage superusers"}
	open := func(ctx context.Context) (*core.App, func(), error) {
		log, err := newLogger(g, stderr)
		if err != nil {
			return nil, nil, err
		}
		db, err := g.openStore(ctx, log)
		if err != nil {
			return nil, nil, err
		}
		return core.New(db, log), func() { db.Close() }, nil
	}
	upsert := &cobra.Command{
		Use:   "upsert EMAIL [PASSWORD]",
		Short: "Create a superuser or set its password (a random password is printed when omitted)",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			app, done, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			password := ""
			if len(args) == 2 {
				password = args[1]
			} else {
				password = galley.RandomString(20, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
				fmt.Fprintln(stdout, "generated password:", password)
			}
			if _, err := app.UpsertSuperuser(cmd.Context(), args[0], password); err != nil {
				return describe(err)
			}
			fmt.Fprintln(stdout, "superuser", args[0], "saved")
			return nil
		},
	}
	del := &cobra.Command{
		Use:   "delete EMAIL",
		Short: "Delete a superuser",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			app, done, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			if err := app.DeleteSuperuser(cmd.Context(), args[0]); err != nil {
				return describe(err)
			}
			fmt.Fprintln(stdout, "superuser", args[0], "deleted")
			return nil
		},
	}
	cmd.AddCommand(upsert, del)
	return cmd
}

// describe renders a *galley.Error with its field details on one line.
func describe(err error) error {
	var ge *galley.Error
	if !errors.As(err, &ge) {
		return err
	}
	msg := ge.Message
	for k, v := range ge.Fields {
		msg += fmt.Sprintf(" %s: %s", k, v.Message)
	}
	return errors.New(msg)
}
