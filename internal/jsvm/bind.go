package jsvm

import (
	"context"
	"fmt"
	"slices"

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

// Hook and route events are objects of one prototype per runtime
// (installEvents, installRouteEvents) whose methods read the Go event the
// object holds: no closures per event.

// holder is the Go side of an event object: a goja dynamic object (no
// reflection wrapper, no symbol table to build per event) holding the Go
// event v, whose own properties — a handler's e.seen = "x", a property
// made by lazyProp — live in props, in the order they were set. Its
// prototype gives the rest.
type holder struct {
	v     any
	props map[string]goja.Value
	keys  []string
}

func (h *holder) Get(k string) goja.Value { return h.props[k] }
func (h *holder) Has(k string) bool       { _, ok := h.props[k]; return ok }
func (h *holder) Keys() []string          { return slices.Clone(h.keys) } // Delete shifts h.keys during a for-in

func (h *holder) Set(k string, v goja.Value) bool {
	if h.props == nil {
		h.props = make(map[string]goja.Value, 4)
	}
	if _, ok := h.props[k]; !ok {
		h.keys = append(h.keys, k)
	}
	h.props[k] = v
	return true
}

func (h *holder) Delete(k string) bool {
	if _, ok := h.props[k]; ok {
		delete(h.props, k)
		h.keys = slices.DeleteFunc(h.keys, func(x string) bool { return x == k })
	}
	return true
}

// holderObject makes an object of prototype proto holding v.
func (r *runtime) holderObject(v any, proto *goja.Object) *goja.Object {
	o := r.rt.NewDynamicObject(&holder{v: v})
	_ = o.SetPrototype(proto)
	return o
}

// held is the Go value an object made by holderObject holds (nil for any
// other value).
func held(v goja.Value) any {
	if obj, ok := v.(*goja.Object); ok {
		if h, ok := obj.Export().(*holder); ok {
			return h.v
		}
	}
	return nil
}

// hookEvent makes a hook event object for ev (whose Next continues the
// chain) of prototype proto (evProto, reqProto or writeProto).
func (r *runtime) hookEvent(ev nexter, proto *goja.Object) *goja.Object {
	return r.holderObject(ev, proto)
}

type nexter interface{ Next() error }

// lazyProp defines name on proto as a property made on first use: the
// first read of it on an object computes its value (compute(object)) and
// defines it as the object's own data property (writable, enumerable,
// configurable), which later reads find; an assignment before any read
// defines that property with the value assigned. To a handler it is a
// plain property; an event that never reads it never makes it.
func (r *runtime) lazyProp(proto *goja.Object, name string, compute func(this *goja.Object) goja.Value) error {
	rt := r.rt
	thisOf := func(call goja.FunctionCall) *goja.Object {
		obj, ok := call.This.(*goja.Object)
		if !ok || obj == proto {
			panic(rt.NewTypeError(name + " is read on an event"))
		}
		return obj
	}
	get := rt.ToValue(func(call goja.FunctionCall) goja.Value {
		this := thisOf(call)
		v := compute(this)
		if err := this.DefineDataProperty(name, v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE); err != nil {
			r.rethrow(err)
		}
		return v
	})
	set := rt.ToValue(func(call goja.FunctionCall) goja.Value {
		if err := thisOf(call).DefineDataProperty(name, call.Argument(0), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE); err != nil {
			r.rethrow(err)
		}
		return goja.Undefined()
	})
	return proto.DefineAccessorProperty(name, get, set, goja.FLAG_TRUE, goja.FLAG_TRUE)
}

// installEvents defines the hook events' prototypes. evProto has next(),
// requestInfo() (record request events), app ($app), record and collection
// (both made on first use: most handlers never read the collection, and
// making it encodes the whole collection). reqProto (record request
// events) adds auth; writeProto (record write events) has app made on
// first read: the write's transaction when it has one, whose app object
// defines every $app method again — more work than most handlers do.
// It must run after installApp.
func (r *runtime) installEvents() error {
	rt := r.rt
	p := rt.NewObject()
	r.evProto = p
	evOf := func(this goja.Value) any {
		if ev, ok := held(this).(nexter); ok {
			return ev
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
	_ = p.Set("app", r.app)
	err := r.lazyProp(p, "record", func(this *goja.Object) goja.Value {
		switch e := evOf(this).(type) {
		case *core.RecordRequestEvent:
			return r.recordObject(e.Record)
		case *core.RecordWriteEvent:
			return r.recordObject(e.Record)
		case *core.RecordSuccessEvent:
			return r.recordObject(e.Record)
		case *core.AuthRequestEvent:
			return r.recordObject(e.Record)
		}
		return goja.Undefined()
	})
	if err != nil {
		return err
	}
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
	if err := p.DefineAccessorProperty("collection", get, nil, goja.FLAG_TRUE, goja.FLAG_TRUE); err != nil {
		return err
	}
	r.reqProto = rt.NewObject()
	_ = r.reqProto.SetPrototype(p)
	err = r.lazyProp(r.reqProto, "auth", func(this *goja.Object) goja.Value {
		e, _ := evOf(this).(*core.RecordRequestEvent)
		if e == nil {
			return goja.Undefined()
		}
		return r.recordObject(e.Actor.Auth)
	})
	if err != nil {
		return err
	}
	r.writeProto = rt.NewObject()
	_ = r.writeProto.SetPrototype(p)
	return r.lazyProp(r.writeProto, "app", func(this *goja.Object) goja.Value {
		if e, _ := evOf(this).(*core.RecordWriteEvent); e != nil && e.Tx != nil {
			return r.appObject(txData{e.Tx}, true)
		}
		return r.app
	})
}

func (r *runtime) requestEvent(e *core.RecordRequestEvent) goja.Value {
	return r.hookEvent(e, r.reqProto)
}

// writeEvent's app is the write's transaction when it has one (see
// installEvents).
func (r *runtime) writeEvent(e *core.RecordWriteEvent) goja.Value {
	return r.hookEvent(e, r.writeProto)
}

func (r *runtime) successEvent(e *core.RecordSuccessEvent) goja.Value {
	return r.hookEvent(e, r.evProto)
}

func (r *runtime) authEvent(e *core.AuthRequestEvent) goja.Value {
	o := r.hookEvent(e, r.evProto)
	_ = o.Set("token", e.Token)
	_ = o.Set("authMethod", e.Method)
	return o
}

// mailEvent exposes the message as {to: [{address, name}], subject, html,
// text}; changes a handler makes are copied back before e.next() sends it.
func (r *runtime) mailEvent(e *core.MailEvent) goja.Value {
	msg := r.messageValue(*e.Message)
	o := r.hookEvent(&mailNext{r: r, e: e, msg: msg}, r.evProto)
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
