package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/galleyhq/galley/internal/backup"
	"github.com/galleyhq/galley/internal/buildinfo"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/files"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// newBackupCmd is `galley backup create|restore|list`: the backups API on
// the command line, on the database of --dir/--db.
func newBackupCmd(g *globalOptions, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Create, list and restore backups (one portable format for SQLite and PostgreSQL)",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "create [name.zip]",
		Short: "Back up the database and the stored files into the backups storage (<dir>/backups or backups S3)",
		Long: "Write a backup of the database of --dir/--db and of its stored files, read from one\n" +
			"consistent snapshot (a running server keeps serving), to <dir>/backups (or the backups\n" +
			"S3 storage when enabled in the settings). The name must match ^[a-z0-9_-]+\\.zip$;\n" +
			"without one it is pb_backup_<UTC time>.zip. Progress goes to stderr, the key to stdout.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
				if !backup.ValidName(name) || strings.HasPrefix(name, "@") {
					return fmt.Errorf("backup name %q: must match ^[a-z0-9_-]+\\.zip$ (no slashes or \"..\")", name)
				}
			}
			return withBackupApp(cmd.Context(), g, stderr, func(app *core.App) error {
				key, err := app.MakeBackup(cmd.Context(), name, newBackupProgress(stderr))
				if err != nil {
					return describe(err)
				}
				fmt.Fprintln(stdout, key)
				return nil
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "restore <file.zip|key>",
		Short: "Replace the database and the stored files with a backup (checked first, verified after)",
		Long: "Restore a backup: a path to an archive, or the key of a backup in the backups storage.\n" +
			"The whole archive is checked before anything changes (structure, names, size limits,\n" +
			"format version, checksums); the data is then replaced in one transaction and verified\n" +
			"by row counts and checksums, else rolled back. A backup taken on SQLite restores into\n" +
			"PostgreSQL and the reverse. On SQLite, stop the server first (or restore through the\n" +
			"API): a running server would keep its cached schema. On PostgreSQL the running nodes\n" +
			"are notified and reload.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withBackupApp(cmd.Context(), g, stderr, func(app *core.App) error {
				p := newBackupProgress(stderr)
				var err error
				if info, serr := os.Stat(args[0]); serr == nil && info.Mode().IsRegular() {
					err = app.RestoreFile(cmd.Context(), args[0], p)
				} else {
					err = app.RestoreBackupKey(cmd.Context(), args[0], p)
				}
				if err != nil {
					return describe(err)
				}
				fmt.Fprintln(stderr, "restored and verified", args[0])
				return nil
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the backups in the backups storage (key, size, modified)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withBackupApp(cmd.Context(), g, stderr, func(app *core.App) error {
				list, err := app.ListBackups(cmd.Context(), app.SystemActor())
				if err != nil {
					return describe(err)
				}
				for _, b := range list {
					fmt.Fprintf(stdout, "%s\t%d\t%s\n", b.Key, b.Size, b.Modified)
				}
				return nil
			})
		},
	})
	return cmd
}

// withBackupApp opens the store of g with the file and backup storages of
// its data directory and runs fn.
func withBackupApp(ctx context.Context, g *globalOptions, stderr io.Writer, fn func(app *core.App) error) error {
	log, err := newLogger(g, stderr)
	if err != nil {
		return err
	}
	db, err := g.openStore(ctx, log)
	if err != nil {
		return err
	}
	defer db.Close()
	app := core.New(db, log)
	st, err := files.NewLocal(filepath.Join(g.dir, "storage"))
	if err != nil {
		return fmt.Errorf("file storage: %w", err)
	}
	uploads := filepath.Join(g.dir, ".uploads")
	if err := os.MkdirAll(uploads, 0o700); err != nil {
		return err
	}
	app.SetLocalStorage(st, uploads, 0)
	defer app.CloseStorage()
	if err := app.SetBackupStorage(core.BackupDir(g.dir), buildinfo.Get().Version, backup.Limits{}, 0); err != nil {
		return err
	}
	return fn(app)
}

// newBackupProgress prints a backup's or restore's progress to w: each new stage,
// and its counts at most once a second.
func newBackupProgress(w io.Writer) backup.Progress {
	var mu sync.Mutex
	stage := ""
	var last time.Time
	return func(s string, done, total int64) {
		mu.Lock()
		defer mu.Unlock()
		if s == stage && time.Since(last) < time.Second {
			return
		}
		stage, last = s, time.Now()
		if total > 0 {
			fmt.Fprintf(w, "%s: %d/%d\n", s, done, total)
		} else {
			fmt.Fprintf(w, "%s: %d\n", s, done)
		}
	}
}

// backupLimits are the serve flags bounding backup archives.
type backupLimits struct {
	maxUncompressed, maxUpload int64
	maxRatio                   int64
}

func addBackupFlags(f *pflag.FlagSet, l *backupLimits) {
	f.Int64Var(&l.maxUncompressed, "backup-max-uncompressed", backup.DefaultMaxUncompressed, "largest total size (bytes) a backup archive to restore or upload may expand to (env GALLEY_BACKUP_MAX_UNCOMPRESSED)")
	f.Int64Var(&l.maxRatio, "backup-max-ratio", backup.DefaultMaxRatio, "largest expansion ratio of an archive entry over 1 MiB, against zip bombs (env GALLEY_BACKUP_MAX_RATIO)")
	f.Int64Var(&l.maxUpload, "backup-max-upload", core.DefaultBackupUploadMax, "largest body (bytes) of POST /api/backups/upload (env GALLEY_BACKUP_MAX_UPLOAD)")
}

// check refuses limits that would switch a bound off by mistake.
func (l backupLimits) check() error {
	switch {
	case l.maxUncompressed <= 0:
		return fmt.Errorf("--backup-max-uncompressed must be positive")
	case l.maxRatio <= 0:
		return fmt.Errorf("--backup-max-ratio must be positive")
	case l.maxUpload <= 0:
		return fmt.Errorf("--backup-max-upload must be positive")
	}
	return nil
}

func (l backupLimits) limits() backup.Limits {
	return backup.Limits{MaxUncompressed: l.maxUncompressed, MaxRatio: l.maxRatio}
}
