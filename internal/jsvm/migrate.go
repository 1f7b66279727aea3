package jsvm

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/dop251/goja"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/migrate"
	"github.com/galleyhq/galley/internal/oauth2"
)

// MigrationFormat is migrate's ".js" format: PocketBase's migration files,
//
//	migrate((app) => { /* up */ }, (app) => { /* down, optional */ });
//
// app is the App's $app (trusted, like a superuser): records with
// save/delete/find…, collections with findCollectionByNameOrId, save(new
// Collection({...})), delete(collection) and importCollections(list,
// deleteMissing). A file is compiled when the migrations are listed (a
// syntax error names file:line and stops the run) and runs, in a runtime
// of its own, when its step is applied; a throw fails the step.
type MigrationFormat struct {
	// Log receives the files' console output (nil: discarded).
	Log *slog.Logger
}

var _ migrate.Format = MigrationFormat{}

// Ext is ".js".
func (MigrationFormat) Ext() string { return ".js" }

// Template is an empty migration.
func (MigrationFormat) Template() []byte {
	return []byte("migrate((app) => {\n\t// up\n}, (app) => {\n\t// down\n});\n")
}

// Load compiles src; up and down run its migrate(up, down) callbacks (a
// file without a down callback reverts as a no-op).
func (f MigrationFormat) Load(name string, src []byte) (up, down migrate.Func, err error) {
	prg, err := compile(name, string(src))
	if err != nil {
		return nil, nil, err
	}
	step := func(i int) migrate.Func {
		return func(ctx context.Context, app *core.App) error { return f.run(ctx, app, name, prg, i) }
	}
	return step(0), step(1), nil
}

// run runs the file in a fresh runtime and calls its i-th migrate
// callback with $app.
func (f MigrationFormat) run(ctx context.Context, app *core.App, name string, prg *goja.Program, i int) error {
	log := f.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	vm := &VM{cfg: Config{App: app, Timeout: -1, Getenv: os.Getenv, Log: log}, log: log,
		http: oauth2.NewHTTPClient(oauth2.Options{Timeout: httpMaxTimeout}), routes: map[string]*routeSlot{}}
	g := &generation{vm: vm, pool: make(chan *runtime, 1)}
	r := &runtime{gen: g, rt: goja.New(), loading: true}
	if err := r.install(); err != nil {
		return err
	}
	var steps [2]goja.Callable
	called := false
	err := r.rt.Set("migrate", func(call goja.FunctionCall) goja.Value {
		called = true
		for j := range steps {
			if fn, ok := goja.AssertFunction(call.Argument(j)); ok {
				steps[j] = fn
			}
		}
		return goja.Undefined()
	})
	if err != nil {
		return err
	}
	r.callSite = name
	if _, err := r.rt.RunProgram(prg); err != nil {
		return loadError(name, err)
	}
	r.loading = false
	if !called || steps[0] == nil {
		if i == 0 {
			return fmt.Errorf("%s: no migrate(up, down) call with an up function", name)
		}
		return nil
	}
	fn := steps[i]
	if fn == nil {
		return nil
	}
	g.pool <- r
	return g.call(ctx, name, func(r *runtime) (goja.Value, error) { return fn(goja.Undefined(), r.app) })
}

// Encode writes plan as a migration file: the collections imported with
// app.importCollections, then the ones in Delete deleted when they exist.
func (MigrationFormat) Encode(plan migrate.Plan) ([]byte, error) {
	var b strings.Builder
	b.WriteString("migrate((app) => {\n")
	if err := encodeStep(&b, plan.Up); err != nil {
		return nil, err
	}
	b.WriteString("}, (app) => {\n")
	if err := encodeStep(&b, plan.Down); err != nil {
		return nil, err
	}
	b.WriteString("});\n")
	return []byte(b.String()), nil
}

func encodeStep(b *strings.Builder, s migrate.Step) error {
	if len(s.Collections) > 0 {
		list, err := json.MarshalIndent(s.Collections, "\t", "\t")
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "\tapp.importCollections(%s, %t);\n", list, s.DeleteMissing)
	}
	if len(s.Delete) > 0 {
		names, err := json.Marshal(s.Delete)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "\tfor (const name of %s) {\n\t\ttry {\n\t\t\tapp.delete(app.findCollectionByNameOrId(name));\n\t\t} catch (err) {\n\t\t\tif (err.status !== 404) throw err; // already gone\n\t\t}\n\t}\n", names)
	}
	return nil
}
