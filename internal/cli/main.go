// Package cli is Galley's command line (`galley serve`, `galley superuser
// upsert|delete`, `galley migrate-data`, `galley version`, …). cmd/galley
// runs it as it is; a custom binary built with the public package
// github.com/galleyhq/galley/galleyapp runs the same commands with its own
// hooks and routes (Setup).
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/migrate"
)

// Setup runs in `serve` once the App and the API server exist and before
// the first request is served: it binds hooks and adds routes. An error
// stops the start with that error.
type Setup func(app *core.App, srv *api.Server) error

// Main runs the command line with the process's arguments and
// environment, stopping on SIGINT or SIGTERM, and exits non-zero on
// failure.
func Main(setups ...Setup) { MainWith(Extensions{Setups: setups}) }

// Extensions are what a custom binary adds to the command line.
type Extensions struct {
	// Setups bind hooks and routes in serve.
	Setups []Setup
	// Migrations are the binary's Go migrations: serve applies them with
	// the migration files when it starts, galley migrate runs them.
	Migrations *migrate.Registry
}

// MainWith is Main for a custom binary with ext.
func MainWith(ext Extensions) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := RunWith(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, ext); err != nil {
		fmt.Fprintln(os.Stderr, "galley:", err)
		os.Exit(1)
	}
}

// run executes the CLI with args; it never calls os.Exit, so tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, setups ...Setup) error {
	return RunWith(ctx, args, getenv, stdout, stderr, Extensions{Setups: setups})
}

// RunWith is Run for a custom binary with ext.
func RunWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ext Extensions) error {
	root := newRootCmdExt(getenv, stdout, stderr, ext)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}

// Run executes the command line with args (no program name) as Main does,
// but returns instead of exiting; serve stops when ctx ends.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, setups ...Setup) error {
	return run(ctx, args, getenv, stdout, stderr, setups...)
}
