package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/jsvm"
	"github.com/galleyhq/galley/internal/migrate"
	"github.com/galleyhq/galley/internal/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// migrationOptions are the flags that locate the migration files.
type migrationOptions struct {
	// dir is --migrations-dir; "" means the default beside --dir.
	dir string
	// automigrate writes a migration file for every collection change
	// (serve only).
	automigrate bool
}

// addFlags adds --migrations-dir (and PocketBase's --migrationsDir) and,
// for serve, --automigrate.
func (mo *migrationOptions) addFlags(f *pflag.FlagSet, serve bool) {
	f.StringVar(&mo.dir, "migrations-dir", "", "directory of migration files (default: galley_migrations beside --dir, or pb_migrations there when only it exists) (env GALLEY_MIGRATIONS_DIR)")
	f.StringVar(&mo.dir, "migrationsDir", "", "PocketBase's name of --migrations-dir")
	_ = f.MarkHidden("migrationsDir")
	if serve {
		f.BoolVar(&mo.automigrate, "automigrate", false, "write a migration file to --migrations-dir for every change of the collections (through the API or the dashboard), recorded as applied; for development on one node (env GALLEY_AUTOMIGRATE)")
	}
}

// path returns the migrations directory: --migrations-dir, else
// galley_migrations beside the data directory — or pb_migrations there
// when it exists and galley_migrations does not (a PocketBase project as it
// is).
func (mo *migrationOptions) path(g *globalOptions) string {
	if mo.dir != "" {
		return mo.dir
	}
	parent := filepath.Dir(filepath.Clean(g.dir))
	ours, theirs := filepath.Join(parent, "galley_migrations"), filepath.Join(parent, "pb_migrations")
	if _, err := os.Stat(ours); errors.Is(err, fs.ErrNotExist) {
		if st, err := os.Stat(theirs); err == nil && st.IsDir() {
			return theirs
		}
	}
	return ours
}

// runner returns the migration runner of app: the binary's Go migrations
// and the files of the migrations directory.
func (mo *migrationOptions) runner(g *globalOptions, app *core.App, db *store.DB, log *slog.Logger) (*migrate.Runner, *migrate.Files) {
	files := migrate.NewFiles(mo.path(g))
	files.Register(jsvm.MigrationFormat{Log: log}, false) // PocketBase's migrate(up, down) .js files
	sources := []migrate.Source{files}
	if g.migrations != nil {
		sources = append(sources, g.migrations)
	}
	return &migrate.Runner{DB: db, App: app, Sources: sources, Log: log}, files
}

// startMigrations applies the pending migrations (serve, before the first
// request) and, with --automigrate, starts writing migration files for
// collection changes. A failed migration stops the start.
func startMigrations(ctx context.Context, g *globalOptions, mo *migrationOptions, app *core.App, db *store.DB, log *slog.Logger) error {
	r, files := mo.runner(g, app, db, log)
	if _, err := r.Up(ctx); err != nil {
		return err
	}
	if mo.automigrate {
		auto := &migrate.AutoMigrate{Files: files, DB: db, Log: log}
		app.OnCollectionsChanged = auto.CollectionsChanged
		log.Info("automigrate: collection changes are written as migrations", "dir", files.Dir)
	}
	return nil
}

func newMigrateCmd(g *globalOptions, stdout, stderr io.Writer) *cobra.Command {
	mo := &migrationOptions{}
	cmd := &cobra.Command{
		Use:   "migrate up|down [n]|create NAME|collections|status",
		Short: "Apply, revert, create and list the application's migrations",
		Long: "Migrations are the files of --migrations-dir (JSON snapshot files, and PocketBase's\n" +
			"JavaScript migrate(up, down) files) and the Go migrations of a custom\n" +
			"binary, applied once each in name order and recorded in the database; with several\n" +
			"nodes on PostgreSQL a lock makes each apply once. serve applies pending ones when it\n" +
			"starts. On SQLite, stop the server before changing collections with this command.\n\n" +
			"  up           apply every pending migration\n" +
			"  down [n]     revert the last n applied migrations (default 1)\n" +
			"  create NAME  write an empty migration file <unix time>_NAME.json\n" +
			"  collections  write a snapshot migration of all collections, recorded as applied here\n" +
			"               (applied elsewhere, it makes the collections the same there, deleting\n" +
			"               the others)\n" +
			"  status       list every migration and when it was applied",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return migrateCmd(cmd.Context(), g, mo, args, stdout, stderr)
		},
	}
	mo.addFlags(cmd.Flags(), false)
	return cmd
}

func migrateCmd(ctx context.Context, g *globalOptions, mo *migrationOptions, args []string, stdout, stderr io.Writer) error {
	verb, n := args[0], 1
	switch verb {
	case "create":
		if len(args) != 2 {
			return errors.New("migrate create NAME: give the new migration a name")
		}
		path, err := migrate.NewFiles(mo.path(g)).Create(args[1], time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, "created", path)
		return nil
	case "down":
		if len(args) == 2 {
			var err error
			if n, err = strconv.Atoi(args[1]); err != nil || n < 1 {
				return fmt.Errorf("migrate down [n]: n must be a whole number of at least 1, got %q", args[1])
			}
		}
	case "up", "collections", "status":
		if len(args) != 1 {
			return fmt.Errorf("migrate %s takes no argument", verb)
		}
	default:
		return fmt.Errorf("migrate %s: want up, down [n], create NAME, collections or status", verb)
	}
	// The info logs (migrations applied) would repeat what stdout says.
	quiet := *g
	if strings.EqualFold(quiet.logLevel, "info") {
		quiet.logLevel = "warn"
	}
	log, err := newLogger(&quiet, stderr)
	if err != nil {
		return err
	}
	db, err := g.openStore(ctx, log)
	if err != nil {
		return err
	}
	defer db.Close()
	app := core.New(db, log)
	r, files := mo.runner(g, app, db, log)
	switch verb {
	case "up":
		names, err := r.Up(ctx)
		printNames(stdout, "applied", names, err, "no pending migrations")
		return describeWrapped(err)
	case "down":
		names, err := r.Down(ctx, n)
		printNames(stdout, "reverted", names, err, "no applied migrations")
		return describeWrapped(err)
	case "collections":
		cols, err := allCollections(ctx, app)
		if err != nil {
			return describe(err)
		}
		now := time.Now()
		path, err := migrate.Snapshot(files, cols, now)
		if err != nil {
			return err
		}
		// This database is what the snapshot describes: it is applied here.
		if err := db.RecordMigration(ctx, filepath.Base(path), now); err != nil {
			return fmt.Errorf("wrote %s but could not record it as applied: %w", path, err)
		}
		fmt.Fprintf(stdout, "wrote a snapshot of %d collections to %s (applied on this database)\n", len(cols), path)
		return nil
	}
	st, err := r.Status(ctx)
	if err != nil {
		return describe(err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MIGRATION\tAPPLIED\tFROM")
	for _, s := range st {
		applied, origin := "pending", s.Origin
		if !s.Applied.IsZero() {
			applied = galley.FormatTime(s.Applied)
		}
		if origin == "" {
			origin = "(no longer exists)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, applied, origin)
	}
	return tw.Flush()
}

// allCollections returns every collection, a page at a time.
func allCollections(ctx context.Context, app *core.App) ([]*galley.Collection, error) {
	var out []*galley.Collection
	for page := 1; ; page++ {
		l, err := app.ListCollections(ctx, app.SystemActor(), core.ListQuery{Page: page, PerPage: core.MaxPerPage, Sort: "created,id", SkipTotal: true})
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		if len(l.Items) < core.MaxPerPage {
			return out, nil
		}
	}
}

// describeWrapped is describe for an error that wraps a *galley.Error
// with context ("migration X (up) failed: import collections: …"): the
// context stays, the Galley error reads as describe renders it.
func describeWrapped(err error) error {
	var ge *galley.Error
	if err == nil || !errors.As(err, &ge) {
		return err
	}
	prefix, _ := strings.CutSuffix(err.Error(), ge.Error())
	return errors.New(prefix + describe(ge).Error())
}

// printNames lists what a run did; none says it did nothing (unless it
// failed).
func printNames(w io.Writer, verb string, names []string, err error, none string) {
	if len(names) == 0 && err == nil {
		fmt.Fprintln(w, none)
	}
	for _, n := range names {
		fmt.Fprintln(w, verb, n)
	}
}
