package jsvm

import (
	"context"
	"fmt"

	"github.com/dop251/goja"
	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
)

// bind binds g's registrations: hooks to the App's hook points, routes to
// the router (each "METHOD path" once per process, then re-pointed), jobs
// to the scheduler. On an error what was bound stays in g.unbinds.
func (g *generation) bind() error {
	h := g.vm.cfg.App.Hooks()
	for _, reg := range g.regs {
		reg := reg
		switch reg.kind {
		case "onRecordCreateRequest":
			bindJS(g, reg, h.RecordCreateRequest.BindFor, h.RecordCreateRequest.Unbind, requestCtx, (*runtime).requestEvent)
		case "onRecordUpdateRequest":
			bindJS(g, reg, h.RecordUpdateRequest.BindFor, h.RecordUpdateRequest.Unbind, requestCtx, (*runtime).requestEvent)
		case "onRecordDeleteRequest":
			bindJS(g, reg, h.RecordDeleteRequest.BindFor, h.RecordDeleteRequest.Unbind, requestCtx, (*runtime).requestEvent)
		case "onRecordCreate":
			bindJS(g, reg, h.RecordCreate.BindFor, h.RecordCreate.Unbind, writeCtx, (*runtime).writeEvent)
		case "onRecordUpdate":
			bindJS(g, reg, h.RecordUpdate.BindFor, h.RecordUpdate.Unbind, writeCtx, (*runtime).writeEvent)
		case "onRecordDelete":
			bindJS(g, reg, h.RecordDelete.BindFor, h.RecordDelete.Unbind, writeCtx, (*runtime).writeEvent)
		case "onRecordAfterCreateSuccess":
			bindJS(g, reg, h.RecordAfterCreate.BindFor, h.RecordAfterCreate.Unbind, successCtx, (*runtime).successEvent)
		case "onRecordAfterUpdateSuccess":
			bindJS(g, reg, h.RecordAfterUpdate.BindFor, h.RecordAfterUpdate.Unbind, successCtx, (*runtime).successEvent)
		case "onRecordAfterDeleteSuccess":
			bindJS(g, reg, h.RecordAfterDelete.BindFor, h.RecordAfterDelete.Unbind, successCtx, (*runtime).successEvent)
		case "onRecordAuthRequest":
			bindJS(g, reg, h.AuthRequest.BindFor, h.AuthRequest.Unbind, func(e *core.AuthRequestEvent) context.Context { return e.Context }, (*runtime).authEvent)
		case "onMailerSend":
			bindJS(g, reg, h.MailSend.BindFor, h.MailSend.Unbind, func(e *core.MailEvent) context.Context { return e.Context }, (*runtime).mailEvent)
		case "routerAdd":
			if err := g.bindRoute(reg); err != nil {
				return err
			}
		case "cronAdd":
			s := g.vm.cfg.Cron
			err := s.Add(reg.id, reg.expr, func(ctx context.Context) error {
				return g.call(ctx, reg.site, func(r *runtime) (goja.Value, error) {
					return r.fns[reg.fn](goja.Undefined())
				})
			})
			if err != nil {
				return fmt.Errorf("hooks: %s: cronAdd(%q): %w", reg.site, reg.id, err)
			}
			g.unbinds = append(g.unbinds, func() { s.Remove(reg.id) })
		case "cronRemove":
			g.vm.cfg.Cron.Remove(reg.id)
		}
	}
	return nil
}

// unbind undoes bind: hooks unbound, jobs removed, routes pointed at
// nothing (404 until a later generation adds them again).
func (g *generation) unbind() {
	for i := len(g.unbinds) - 1; i >= 0; i-- {
		g.unbinds[i]()
	}
	g.unbinds = nil
}

// bindJS binds the JavaScript handler of reg to one hook point: each event
// runs in a runtime of g as fn(event object).
func bindJS[T any](g *generation, reg registration, bindFor func(func(T) error, ...string) string, unbind func(string),
	ctxOf func(T) context.Context, build func(*runtime, T) goja.Value) {
	id := bindFor(func(e T) error {
		ctx := ctxOf(e)
		if ctx == nil {
			ctx = context.Background()
		}
		return g.call(ctx, reg.site, func(r *runtime) (goja.Value, error) {
			return r.fns[reg.fn](goja.Undefined(), build(r, e))
		})
	}, reg.tags...)
	g.unbinds = append(g.unbinds, func() { unbind(id) })
}

func requestCtx(e *core.RecordRequestEvent) context.Context { return e.Context }
func writeCtx(e *core.RecordWriteEvent) context.Context     { return e.Context }
func successCtx(e *core.RecordSuccessEvent) context.Context { return e.Context }

// event starts an event object: next() continues the chain (throwing its
// error), app is app.
func (r *runtime) event(next func() error, app goja.Value) *goja.Object {
	o := r.rt.NewObject()
	_ = o.Set("next", func(goja.FunctionCall) goja.Value {
		if err := next(); err != nil {
			r.rethrow(err)
		}
		return goja.Undefined()
	})
	_ = o.Set("app", app)
	return o
}

// Hook events are objects of one prototype per runtime (installEvents)
// whose methods read the Go event under evSym: no closures per event.

// hookEvent starts a hook event object for ev (whose Next continues the
// chain) with app (unless nil: the caller defines it) and, when rec is
// set, record.
func (r *runtime) hookEvent(ev nexter, app goja.Value, rec *galley.Record) *goja.Object {
	o := r.rt.NewObject()
	_ = o.SetPrototype(r.evProto)
	_ = o.SetSymbol(r.evSym, ev)
	if app != nil {
		_ = o.Set("app", app)
	}
	if rec != nil {
		_ = o.Set("record", r.recordObject(rec))
	}
	return o
}

type nexter interface{ Next() error }

// installEvents defines the hook events' prototype: next(), requestInfo()
// (record request events) and collection (made on first use: most
// handlers never read it, and making it encodes the whole collection).
func (r *runtime) installEvents() error {
	rt := r.rt
	r.evSym = goja.NewSymbol("galley.event")
	p := rt.NewObject()
	r.evProto = p
	evOf := func(this goja.Value) any {
		if obj, ok := this.(*goja.Object); ok {
			if v := obj.GetSymbol(r.evSym); v != nil {
				return v.Export()
			}
		}
		panic(rt.NewTypeError("not a hook event"))
	}
	_ = p.Set("next", func(call goja.FunctionCall) goja.Value {
		if err := evOf(call.This).(nexter).Next(); err != nil {
			r.rethrow(err)
		}
		return goja.Undefined()
	})
	_ = p.Set("requestInfo", func(call goja.FunctionCall) goja.Value {
		e, ok := evOf(call.This).(*core.RecordRequestEvent)
		if !ok {
			panic(rt.NewTypeError("requestInfo() is for record request events"))
		}
		return r.requestInfo(e.Actor)
	})
	get := rt.ToValue(func(call goja.FunctionCall) goja.Value {
		var c *galley.Collection
		switch e := evOf(call.This).(type) {
		case *core.RecordRequestEvent:
			c = e.Collection
		case *core.RecordWriteEvent:
			c = e.Collection
		case *core.RecordSuccessEvent:
			c = e.Collection
		case *core.AuthRequestEvent:
			c = e.Collection
		}
		return r.collectionValue(c)
	})
	return p.DefineAccessorProperty("collection", get, nil, goja.FLAG_TRUE, goja.FLAG_TRUE)
}

func (r *runtime) requestEvent(e *core.RecordRequestEvent) goja.Value {
	o := r.hookEvent(e, r.app, e.Record)
	_ = o.Set("auth", r.recordObject(e.Actor.Auth))
	return o
}

// writeEvent's app is the write's transaction when it has one, made on
// first read: building it defines every $app method again, which costs
// more than most handlers (an empty onRecordCreate never reads it).
func (r *runtime) writeEvent(e *core.RecordWriteEvent) goja.Value {
	if e.Tx == nil {
		return r.hookEvent(e, r.app, e.Record)
	}
	o := r.hookEvent(e, nil, e.Record)
	var app *goja.Object
	get := r.rt.ToValue(func(goja.FunctionCall) goja.Value {
		if app == nil {
			app = r.appObject(txData{e.Tx}, true)
		}
		return app
	})
	_ = o.DefineAccessorProperty("app", get, nil, goja.FLAG_FALSE, goja.FLAG_TRUE)
	return o
}

func (r *runtime) successEvent(e *core.RecordSuccessEvent) goja.Value {
	return r.hookEvent(e, r.app, e.Record)
}

func (r *runtime) authEvent(e *core.AuthRequestEvent) goja.Value {
	o := r.hookEvent(e, r.app, e.Record)
	_ = o.Set("token", e.Token)
	_ = o.Set("authMethod", e.Method)
	return o
}

// mailEvent exposes the message as {to: [{address, name}], subject, html,
// text}; changes a handler makes are copied back before e.next() sends it.
func (r *runtime) mailEvent(e *core.MailEvent) goja.Value {
	msg := r.messageValue(*e.Message)
	o := r.hookEvent(&mailNext{r: r, e: e, msg: msg}, r.app, nil)
	_ = o.Set("message", msg)
	return o
}

type mailNext struct {
	r   *runtime
	e   *core.MailEvent
	msg *goja.Object
}

func (m *mailNext) Next() error {
	msg, err := m.r.messageOf(m.msg)
	if err != nil {
		return err
	}
	*m.e.Message = msg
	return m.e.Next()
}

// requestInfo is PocketBase's e.requestInfo() of a record request:
// {method, context, query, headers, body, auth}.
func (r *runtime) requestInfo(a core.Actor) goja.Value {
	ri := a.RequestInfo()
	o := r.rt.NewObject()
	_ = o.Set("method", ri.Method)
	_ = o.Set("context", ri.Context)
	_ = o.Set("query", stringMap(ri.Query))
	_ = o.Set("headers", stringMap(ri.Headers))
	body := map[string]any{}
	for k, v := range ri.Body {
		body[k] = v
	}
	_ = o.Set("body", r.parseJSON(mustJSON(body)))
	_ = o.Set("auth", r.recordObject(a.Auth))
	return o
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
