package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/jsvm"
	"github.com/spf13/pflag"
)

// hooksOptions are the flags of the JavaScript hooks (serve).
type hooksOptions struct {
	// dir is --hooks-dir; "" means the default beside --dir.
	dir     string
	dev     bool
	pool    int
	timeout time.Duration
	// flags is serve's flag set: --dev turns --automigrate on unless it
	// was given.
	flags *pflag.FlagSet
}

// addFlags adds --hooks-dir (and PocketBase's --hooksDir), --dev,
// --hooks-pool and --hooks-timeout.
func (ho *hooksOptions) addFlags(f *pflag.FlagSet) {
	ho.flags = f
	f.StringVar(&ho.dir, "hooks-dir", "", "directory of JavaScript hooks (*.pb.js) (default: galley_hooks beside --dir, or pb_hooks there when only it exists) (env GALLEY_HOOKS_DIR)")
	f.StringVar(&ho.dir, "hooksDir", "", "PocketBase's name of --hooks-dir")
	_ = f.MarkHidden("hooksDir")
	f.VarPF(devFlag{ho}, "dev", "", "development mode: reload the hooks when their files change, and --automigrate unless it is given (env GALLEY_DEV)").NoOptDefVal = "true"
	f.IntVar(&ho.pool, "hooks-pool", 0, "JavaScript runtimes kept to run hooks in parallel; more are made while all are busy (default: 2×GOMAXPROCS, at least 8) (env GALLEY_HOOKS_POOL)")
	f.DurationVar(&ho.timeout, "hooks-timeout", jsvm.DefaultTimeout, "time one hook, route or cron job in JavaScript may run before it is interrupted (500) and its runtime replaced; 0 = none (env GALLEY_HOOKS_TIMEOUT)")
}

// devFlag is --dev: setting it true also sets --automigrate (when the
// command has it) unless --automigrate was given on the command line.
type devFlag struct{ ho *hooksOptions }

func (d devFlag) String() string {
	if d.ho == nil {
		return "false"
	}
	return strconv.FormatBool(d.ho.dev)
}

func (d devFlag) Type() string { return "bool" }

func (d devFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	d.ho.dev = v
	if v && d.ho.flags != nil {
		if f := d.ho.flags.Lookup("automigrate"); f != nil && !f.Changed {
			return f.Value.Set("true")
		}
	}
	return nil
}

// path returns the hooks directory: --hooks-dir, else galley_hooks beside
// the data directory — or pb_hooks there when it exists and galley_hooks
// does not (a PocketBase project as it is).
func (ho *hooksOptions) path(g *globalOptions) string {
	if ho.dir != "" {
		return ho.dir
	}
	parent := filepath.Dir(filepath.Clean(g.dir))
	ours, theirs := filepath.Join(parent, "galley_hooks"), filepath.Join(parent, "pb_hooks")
	if _, err := os.Stat(ours); errors.Is(err, fs.ErrNotExist) {
		if st, err := os.Stat(theirs); err == nil && st.IsDir() {
			return theirs
		}
	}
	return ours
}

// startHooks loads the hooks directory into the JavaScript engine and
// binds its hooks, routes and jobs; a file that does not load stops the
// start naming it with its line. The returned func unbinds them.
func startHooks(g *globalOptions, ho *hooksOptions, app *core.App, srv *api.Server, log *slog.Logger) (func(), error) {
	if ho.pool < 0 {
		return nil, fmt.Errorf("--hooks-pool must not be negative")
	}
	timeout := ho.timeout
	if timeout == 0 {
		timeout = -1 // none (jsvm reads 0 as the default)
	}
	vm, err := jsvm.Start(jsvm.Config{Dir: ho.path(g), Dev: ho.dev, PoolSize: ho.pool, Timeout: timeout,
		App: app, Router: srv, Cron: cronOf(app), Log: log})
	if err != nil {
		return nil, err
	}
	return vm.Close, nil
}

// cronOf is the App's scheduler as the JavaScript engine takes it:
// cronAdd's jobs run like Go jobs, claimed per tick across nodes.
func cronOf(app *core.App) jsvm.Scheduler {
	s := app.Cron()
	return jsvm.CronFuncs{AddFunc: func(id, expr string, fn func(context.Context) error) error { return s.Add(id, expr, fn) }, RemoveFunc: s.Remove}
}
