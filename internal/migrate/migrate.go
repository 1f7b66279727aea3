// Package migrate applies an application's own migrations — Go functions
// registered by a custom binary (Registry) and files in a migrations
// directory (Files) — once each, in name order, recorded by name in the
// _appMigrations table, under a lock that spans the nodes of a cluster
// (Runner). Galley's system schema has its own migrations in
// internal/store; these are the application's.
//
// File formats plug in by extension (Format): ".json" snapshot files are
// built in; the JavaScript engine registers ".js" for PocketBase-style
// migrate(up, down) files. --automigrate writes a migration file for every
// change of the collections made through the API (AutoMigrate).
package migrate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/galleyhq/galley/internal/core"
)

// Func is the up or the down step of a migration. app is trusted: its
// services take app.SystemActor(); app.RunInTransaction makes several
// record writes one transaction, and each collection service
// (ImportCollections, CreateCollection, …) is one transaction of its own.
// A Func that returns an error (or panics) stops the run: the migration is
// not recorded and the ones after it are not applied.
type Func func(ctx context.Context, app *core.App) error

// Migration is one named migration. Down may be nil: reverting it then
// only forgets that it was applied.
type Migration struct {
	// Name identifies the migration in _appMigrations and orders it among
	// all the others (byte order): a file's name with its extension, or the
	// name a Go migration was registered with.
	Name     string
	Up, Down Func
	// Origin says where it comes from, for messages: a file path or "go".
	Origin string
}

// Source provides migrations: Registry (Go code), Files (a directory).
type Source interface {
	// Migrations returns the source's migrations, in any order. An error
	// (a file that does not load) stops any run that needs the source.
	Migrations() ([]Migration, error)
}

// MaxNameLen bounds a migration's name.
const MaxNameLen = 200

// ValidateName returns an error unless name can name a migration: 1 to
// MaxNameLen bytes of printable characters, no path separator, not
// starting with a dot.
func ValidateName(name string) error {
	if name == "" || len(name) > MaxNameLen {
		return fmt.Errorf("migration name must be 1 to %d characters", MaxNameLen)
	}
	if strings.HasPrefix(name, ".") || strings.ContainsAny(name, `/\`) || strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return fmt.Errorf("migration name %q: no leading dot, no / or \\, only printable characters", name)
	}
	return nil
}

// Registry holds the Go migrations of a custom binary. The zero value is
// an empty registry; it is safe for concurrent use.
type Registry struct {
	mu   sync.Mutex
	list []Migration
}

// Register adds the Go migration name with its up and (optional) down
// steps. The name orders it among every migration, files included: use a
// Unix-time prefix, as files do ("1735689600_add_slugs"). An invalid name,
// a name registered before or a nil up is an error.
func (r *Registry) Register(name string, up, down Func) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if up == nil {
		return fmt.Errorf("migration %q: up is nil", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if slices.ContainsFunc(r.list, func(m Migration) bool { return m.Name == name }) {
		return fmt.Errorf("migration %q is registered twice", name)
	}
	r.list = append(r.list, Migration{Name: name, Up: up, Down: down, Origin: "go"})
	return nil
}

// Migrations returns the registered migrations.
func (r *Registry) Migrations() ([]Migration, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.list), nil
}

type applyingKey struct{}

// Applying returns the name of the migration whose step runs with ctx,
// and false outside migrations. AutoMigrate uses it not to write a
// migration file for the changes a migration makes.
func Applying(ctx context.Context) (string, bool) {
	name, ok := ctx.Value(applyingKey{}).(string)
	return name, ok
}

func withApplying(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, applyingKey{}, name)
}
