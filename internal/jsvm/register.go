package jsvm

import (
	"fmt"
	"strings"

	"github.com/dop251/goja"
	"github.com/galleyhq/galley/internal/api"
)

// registration is one handler a file registered at its top level. Every
// runtime of a generation makes the same registrations in the same order
// (the files are the same); fn indexes the runtime's own function.
type registration struct {
	kind string // the registering global: "onRecordCreate", "routerAdd", "cronAdd", …
	site string // file:line:col of the call
	tags []string
	fn   int // index into runtime.fns (-1: none)
	// routerAdd
	method, path string
	mws          []middlewareSpec
	// cronAdd, cronRemove
	id, expr string
}

// middlewareSpec is one middleware of a route: a JavaScript function
// (fn ≥ 0) or one of $apis' (mw).
type middlewareSpec struct {
	fn int
	mw api.Middleware
}

// hookKinds are the registering globals of the hooks, as PocketBase names
// them.
var hookKinds = []string{
	"onRecordCreateRequest", "onRecordUpdateRequest", "onRecordDeleteRequest",
	"onRecordCreate", "onRecordUpdate", "onRecordDelete",
	"onRecordAfterCreateSuccess", "onRecordAfterUpdateSuccess", "onRecordAfterDeleteSuccess",
	"onRecordAuthRequest", "onMailerSend",
}

// installRegistrars defines the hook registrars, routerAdd, cronAdd and
// cronRemove. They work while the files load; later calls throw.
func (r *runtime) installRegistrars() error {
	rt := r.rt
	site := func() string { return where(rt.CaptureCallStack(0, nil)) }
	loading := func(name string) {
		if !r.loading {
			panic(rt.NewTypeError(name + "() works only at the top level of a hooks file, while it loads"))
		}
	}
	fnArg := func(name string, v goja.Value) int {
		fn, ok := goja.AssertFunction(v)
		if !ok {
			panic(rt.NewTypeError(name + "(): the handler must be a function"))
		}
		r.fns = append(r.fns, fn)
		return len(r.fns) - 1
	}
	for _, kind := range hookKinds {
		kind := kind
		err := rt.Set(kind, func(call goja.FunctionCall) goja.Value {
			loading(kind)
			reg := registration{kind: kind, site: site(), fn: fnArg(kind, call.Argument(0))}
			for _, a := range call.Arguments[1:] {
				reg.tags = append(reg.tags, collectionName(a))
			}
			r.regs = append(r.regs, reg)
			return goja.Undefined()
		})
		if err != nil {
			return err
		}
	}
	err := rt.Set("routerAdd", func(call goja.FunctionCall) goja.Value {
		loading("routerAdd")
		reg := registration{kind: "routerAdd", site: site(), method: strings.ToUpper(call.Argument(0).String()), path: call.Argument(1).String()}
		if reg.method == "*" || reg.method == "ANY" {
			reg.method = ""
		}
		if !strings.HasPrefix(reg.path, "/") {
			panic(rt.NewTypeError(fmt.Sprintf("routerAdd(): the path %q must start with /", reg.path)))
		}
		reg.fn = fnArg("routerAdd", call.Argument(2))
		for _, a := range call.Arguments[min(3, len(call.Arguments)):] {
			if mw := r.middlewareOf(a); mw != nil {
				reg.mws = append(reg.mws, middlewareSpec{fn: -1, mw: mw})
				continue
			}
			reg.mws = append(reg.mws, middlewareSpec{fn: fnArg("routerAdd", a)})
		}
		r.regs = append(r.regs, reg)
		return goja.Undefined()
	})
	if err != nil {
		return err
	}
	err = rt.Set("cronAdd", func(call goja.FunctionCall) goja.Value {
		loading("cronAdd")
		reg := registration{kind: "cronAdd", site: site(), id: call.Argument(0).String(), expr: call.Argument(1).String()}
		if reg.id == "" || reg.expr == "" {
			panic(rt.NewTypeError("cronAdd(id, expression, fn): the id and the expression must not be empty"))
		}
		reg.fn = fnArg("cronAdd", call.Argument(2))
		r.regs = append(r.regs, reg)
		return goja.Undefined()
	})
	if err != nil {
		return err
	}
	return rt.Set("cronRemove", func(call goja.FunctionCall) goja.Value {
		loading("cronRemove")
		r.regs = append(r.regs, registration{kind: "cronRemove", site: site(), id: call.Argument(0).String(), fn: -1})
		return goja.Undefined()
	})
}

// check refuses registrations the App cannot take (before anything is
// bound): routes or jobs without a router or scheduler.
func (g *generation) check() error {
	for _, reg := range g.regs {
		switch {
		case reg.kind == "routerAdd" && g.vm.cfg.Router == nil:
			return fmt.Errorf("hooks: %s: routerAdd: this process serves no routes", reg.site)
		case (reg.kind == "cronAdd" || reg.kind == "cronRemove") && g.vm.cfg.Cron == nil:
			return fmt.Errorf("hooks: %s: %s: this process runs no cron jobs", reg.site, reg.kind)
		}
	}
	return nil
}
