package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/migratedata"
	"github.com/galleyhq/galley/internal/store"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

type migrateOptions struct {
	to    string
	batch int
	force bool
}

func newMigrateDataCmd(g *globalOptions, getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	o := &migrateOptions{}
	cmd := &cobra.Command{
		Use:   "migrate-data --to postgres://…",
		Short: "Copy the SQLite database in --dir into an empty PostgreSQL database, and verify the copy",
		Long: "Copy everything Galley keeps in the SQLite database of --dir — collections (system ones\n" +
			"with their token secrets), settings, OTP/MFA state, known devices, and every record, users\n" +
			"with their password hashes as stored — into the PostgreSQL schema named by --to (its\n" +
			"search_path, else public), in batches; then compare row counts and a SHA-256 checksum of\n" +
			"every table, and each collection's definition, on both sides. View collections are recreated, not copied. Uploaded files are\n" +
			"not part of the database and stay where they are.\n\n" +
			"Stop the server first: writes made during the copy are not carried over.\n\n" +
			"The target schema must hold no tables or views. --force drops every table and view in it\n" +
			"first (listing them on stderr): use it to start again after a failed copy, never on a\n" +
			"database that holds anything you want to keep. --force has no environment variable.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("to") {
				o.to = getenv("GALLEY_MIGRATE_TO")
			}
			// applyEnv fills flags from GALLEY_<FLAG> without marking them
			// changed: only an explicit --force drops tables.
			o.force = o.force && cmd.Flags().Changed("force")
			return migrateData(cmd.Context(), g, o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.to, "to", "", "PostgreSQL DSN to copy into, e.g. postgres://user:pass@host:5432/db (env GALLEY_MIGRATE_TO)")
	f.IntVar(&o.batch, "batch", migratedata.DefaultBatchSize, "rows per transaction on the target")
	f.BoolVar(&o.force, "force", false, "drop every table and view in the target schema first (listed on stderr)")
	return cmd
}

func migrateData(ctx context.Context, g *globalOptions, o *migrateOptions, stdout, stderr io.Writer) error {
	switch {
	case o.to == "":
		return errors.New("--to is required: the PostgreSQL DSN to copy into (or GALLEY_MIGRATE_TO)")
	case !store.IsPostgresDSN(o.to):
		return errors.New("--to: want a PostgreSQL DSN (postgres://user:password@host:5432/dbname)")
	case g.db != "":
		return errors.New("migrate-data copies the SQLite database in --dir; do not give --db (or GALLEY_DB) too")
	case o.batch < 1:
		return errors.New("--batch: must be at least 1")
	}
	if _, err := os.Stat(filepath.Join(g.dir, "data.db")); err != nil {
		return fmt.Errorf("--dir %s holds no Galley database (no data.db): nothing to copy", g.dir)
	}
	// The stores' info lines (system migrations applied to the new
	// target) would only interleave with the progress output.
	quiet := *g
	if strings.EqualFold(quiet.logLevel, "info") {
		quiet.logLevel = "warn"
	}
	log, err := newLogger(&quiet, stderr)
	if err != nil {
		return err
	}
	// The source opens first: a --force drop must not happen for a copy
	// that cannot start.
	src, err := store.Open(ctx, store.Options{Dir: g.dir, Logger: log})
	if err != nil {
		return err
	}
	defer src.Close()
	target, err := migratedata.InspectTarget(ctx, o.to)
	if err != nil {
		return err
	}
	if n := len(target.Relations); n > 0 {
		if !o.force {
			return fmt.Errorf("the target schema %q at %s is not empty (%d tables and views: %s); migrate-data copies into an empty schema only (--force drops them first)",
				target.Schema, target.Where, n, relationList(target.Relations, 5))
		}
		fmt.Fprintf(stderr, "--force: dropping %d tables and views in schema %q at %s: %s\n", n, target.Schema, target.Where, relationList(target.Relations, n))
		if err := migratedata.DropRelations(ctx, o.to, target.Relations); err != nil {
			return err
		}
	}
	dst, err := store.Open(ctx, store.Options{DSN: o.to, MaxConns: 4, StatementTimeout: -1, Logger: log})
	if err != nil {
		return err
	}
	defer dst.Close()

	p := newProgress(stderr)
	rep, err := migratedata.Copy(ctx, src, dst, migratedata.Options{BatchSize: o.batch, Progress: p.copied, Verifying: p.verifying})
	p.finish()
	if len(rep.Tables) > 0 {
		printSummary(stdout, rep)
	}
	if err != nil {
		var ge *galley.Error
		if errors.As(err, &ge) && err == error(ge) {
			return describe(err)
		}
		return err
	}
	secs := rep.Duration.Seconds()
	fmt.Fprintf(stdout, "copied %d rows into schema %q at %s in %.1fs (%.0f rows/s); every table verified\n",
		rep.Rows, target.Schema, target.Where, secs, float64(rep.Rows)/max(secs, 0.001))
	return nil
}

// relationList names up to n relations, then how many more there are.
func relationList(rels []migratedata.Relation, n int) string {
	var names []string
	for i, r := range rels {
		if i == n {
			names = append(names, fmt.Sprintf("and %d more", len(rels)-n))
			break
		}
		names = append(names, r.Name)
	}
	return strings.Join(names, ", ")
}

func printSummary(w io.Writer, rep migratedata.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tKIND\tROWS\tCHECKSUM")
	for _, t := range rep.Tables {
		switch {
		case t.Kind == galley.CollectionView:
			fmt.Fprintf(tw, "%s\t%s\t-\trecreated\n", t.Name, t.Kind)
		case t.Verified:
			fmt.Fprintf(tw, "%s\t%s\t%d\tok %s\n", t.Name, t.Kind, t.Rows, t.Checksum[:12])
		default:
			fmt.Fprintf(tw, "%s\t%s\t%d\tMISMATCH\n", t.Name, t.Kind, t.Rows)
		}
	}
	tw.Flush()
}

// progress reports the copy on stderr: a redrawn bar on a terminal, plain
// lines (at most one per table every two seconds) otherwise.
type progress struct {
	w     io.Writer
	tty   bool
	open  bool // a bar line is being redrawn
	last  time.Time
	width int
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
		p.width = 80
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 40 {
			p.width = cols
		}
	}
	return p
}

func (p *progress) copied(table string, done, total int64) {
	if !p.tty {
		now := time.Now()
		if done == 0 || done == total || now.Sub(p.last) >= 2*time.Second {
			fmt.Fprintf(p.w, "copy %s: %d/%d rows\n", table, done, total)
			p.last = now
		}
		return
	}
	label := fmt.Sprintf("copy %-20s", table)
	count := fmt.Sprintf(" %d/%d", done, total)
	bar := max(p.width-len(label)-len(count)-4, 10)
	fill := bar
	if total > 0 {
		fill = int(int64(bar) * done / total)
	}
	fmt.Fprintf(p.w, "\r\033[K%s [%s%s]%s", label, strings.Repeat("=", fill), strings.Repeat(" ", bar-fill), count)
	p.open = true
	if done == total {
		fmt.Fprintln(p.w)
		p.open = false
	}
}

func (p *progress) verifying(table string) {
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[Kverify %s", table)
		p.open = true
		return
	}
	fmt.Fprintf(p.w, "verify %s\n", table)
}

func (p *progress) finish() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}
