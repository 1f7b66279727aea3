package jsvm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/dop251/goja"
	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/api"
)

// installApis defines $apis: the middlewares routerAdd takes besides
// JavaScript functions.
func (r *runtime) installApis() error {
	rt := r.rt
	o := rt.NewObject()
	wrap := func(mw api.Middleware) goja.Value {
		m := rt.NewObject()
		_ = m.SetSymbol(r.mwSym, mw)
		return m
	}
	_ = o.Set("requireAuth", func(call goja.FunctionCall) goja.Value {
		var cs []string
		for _, a := range call.Arguments {
			cs = append(cs, collectionName(a))
		}
		return wrap(api.RequireAuth(cs...))
	})
	_ = o.Set("requireSuperuserAuth", func(goja.FunctionCall) goja.Value { return wrap(api.RequireSuperuser()) })
	_ = o.Set("requireGuestOnly", func(goja.FunctionCall) goja.Value {
		return wrap(func(e *api.RequestEvent, next func() error) error {
			if e.Actor.Auth != nil {
				return galley.Errorf(galley.EInvalid, "The request can be accessed only by guests.")
			}
			return next()
		})
	})
	return rt.Set("$apis", o)
}

// middlewareOf returns the Go middleware of a $apis value (nil otherwise).
func (r *runtime) middlewareOf(v goja.Value) api.Middleware {
	obj, ok := v.(*goja.Object)
	if !ok {
		return nil
	}
	x := obj.GetSymbol(r.mwSym)
	if x == nil {
		return nil
	}
	mw, _ := x.Export().(api.Middleware)
	return mw
}

// routeSlot is one "METHOD path" added to the router. The router keeps
// its routes for the life of the process; a reload points the slot at the
// new generation's handler, or at nothing (404).
type routeSlot struct {
	cur atomic.Pointer[routeTarget]
}

type routeTarget struct {
	g   *generation
	reg registration
}

func (g *generation) bindRoute(reg registration) error {
	vm := g.vm
	key := reg.method + " " + reg.path
	slot := vm.routes[key]
	if slot == nil {
		slot = &routeSlot{}
		if err := vm.cfg.Router.AddRoute(reg.method, reg.path, slot.serve); err != nil {
			return fmt.Errorf("hooks: %s: routerAdd: %w", reg.site, err)
		}
		vm.routes[key] = slot
	}
	if cur := slot.cur.Load(); cur != nil && cur.g == g {
		return fmt.Errorf("hooks: %s: routerAdd: %s was already added at %s", reg.site, strings.TrimSpace(key), cur.reg.site)
	}
	t := &routeTarget{g: g, reg: reg}
	slot.cur.Store(t)
	g.unbinds = append(g.unbinds, func() { slot.cur.CompareAndSwap(t, nil) })
	return nil
}

// serve runs the route's middlewares and handler in one runtime, with one
// event object: a JavaScript middleware continues with e.next().
func (s *routeSlot) serve(e *api.RequestEvent) error {
	t := s.cur.Load()
	if t == nil {
		return galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
	}
	reg := t.reg
	return t.g.call(e.R.Context(), reg.site, func(r *runtime) (goja.Value, error) {
		st := &routeState{e: e}
		obj := r.routeEvent(st)
		var run func(i int) error
		run = func(i int) error {
			if i == len(reg.mws) {
				_, err := r.fns[reg.fn](goja.Undefined(), obj)
				return err
			}
			spec := reg.mws[i]
			if spec.mw != nil {
				return spec.mw(e, func() error { return run(i + 1) })
			}
			st.next = func() error { return run(i + 1) }
			_, err := r.fns[spec.fn](goja.Undefined(), obj)
			return err
		}
		return nil, run(0)
	})
}

// routeState is the Go side of one route event object (its holder's):
// the request, the next middleware (set per JavaScript middleware) and the
// request body once read.
type routeState struct {
	e    *api.RequestEvent
	next func() error // nil: e.next() does nothing
	// The body's bytes are read once, when requestInfo, bindBody or
	// toString(e.request.body) first needs them, and kept: a webhook can
	// check a signature over the raw bytes and still read the parsed body.
	raw     []byte
	rawErr  error
	rawRead bool
	body    goja.Value // the parsed body (nil: not parsed yet)
}

// routeEvent is PocketBase's request event of a route over st: an object
// of the route events' prototype (installRouteEvents), whose methods read
// st, so a request builds no closures.
func (r *runtime) routeEvent(st *routeState) *goja.Object {
	return r.holderObject(st, r.routeProto)
}

// readRaw reads the request's body once (see routeState) and throws a 413
// or 400 when that failed.
func (r *runtime) readRaw(st *routeState) []byte {
	e := st.e
	if !st.rawRead {
		st.rawRead = true
		if e.R.Body != nil && e.R.Body != http.NoBody {
			st.raw, st.rawErr = io.ReadAll(e.R.Body)
			var mbe *http.MaxBytesError
			if errors.As(st.rawErr, &mbe) {
				st.rawErr = galley.Errorf(galley.ETooLarge, "The request body is too large (limit %d bytes).", mbe.Limit)
			} else if st.rawErr != nil {
				st.rawErr = galley.Errorf(galley.EInvalid, "Failed to read the request body.")
			}
			e.R.Body = io.NopCloser(bytes.NewReader(st.raw))
		}
	}
	if st.rawErr != nil {
		r.throw(st.rawErr)
	}
	return st.raw
}

// readBody is the request's parsed body (see requestBody), parsed once.
func (r *runtime) readBody(st *routeState) goja.Value {
	if st.body == nil {
		r.readRaw(st)
		st.body = r.requestBody(st.e)
	}
	return st.body
}

// installRouteEvents defines the route events' prototype: request, auth,
// app, requestInfo(), json/string/html/blob/noContent/redirect, response
// headers, bindBody, realIP, next() and the error helpers. request, auth
// and response are made on first read (see lazyProp).
func (r *runtime) installRouteEvents() error {
	rt := r.rt
	p := rt.NewObject()
	r.routeProto = p
	stOf := func(this goja.Value) *routeState {
		if st, ok := held(this).(*routeState); ok {
			return st
		}
		panic(rt.NewTypeError("not a route event"))
	}
	method := func(name string, fn func(st *routeState, call goja.FunctionCall) goja.Value) {
		_ = p.Set(name, func(call goja.FunctionCall) goja.Value { return fn(stOf(call.This), call) })
	}
	write := func(st *routeState, status int, contentType string, body []byte) {
		if contentType != "" {
			st.e.W.Header().Set("Content-Type", contentType)
		}
		st.e.W.WriteHeader(status)
		_, _ = st.e.W.Write(body)
	}
	status := func(v goja.Value) int {
		n := int(v.ToInteger())
		if n < 100 || n > 999 {
			panic(rt.NewTypeError(fmt.Sprintf("invalid HTTP status %d", n)))
		}
		return n
	}
	method("next", func(st *routeState, _ goja.FunctionCall) goja.Value {
		if st.next != nil {
			if err := st.next(); err != nil {
				r.rethrow(err)
			}
		}
		return goja.Undefined()
	})
	_ = p.Set("app", r.app)
	lazy := func(name string, fn func(st *routeState) goja.Value) error {
		return r.lazyProp(p, name, func(this *goja.Object) goja.Value { return fn(stOf(this)) })
	}
	if err := lazy("auth", func(st *routeState) goja.Value { return r.recordObject(st.e.Actor.Auth) }); err != nil {
		return err
	}
	if err := lazy("request", func(st *routeState) goja.Value { return r.requestObject(st) }); err != nil {
		return err
	}
	if err := lazy("response", func(st *routeState) goja.Value { return r.responseObject(st.e.W) }); err != nil {
		return err
	}
	method("json", func(st *routeState, call goja.FunctionCall) goja.Value {
		code := status(call.Argument(0))
		b, err := r.stringify(call.Argument(1))
		if err != nil {
			r.rethrow(err)
		}
		write(st, code, "application/json", b)
		return goja.Undefined()
	})
	method("string", func(st *routeState, call goja.FunctionCall) goja.Value {
		write(st, status(call.Argument(0)), "text/plain; charset=utf-8", []byte(call.Argument(1).String()))
		return goja.Undefined()
	})
	method("html", func(st *routeState, call goja.FunctionCall) goja.Value {
		write(st, status(call.Argument(0)), "text/html; charset=utf-8", []byte(call.Argument(1).String()))
		return goja.Undefined()
	})
	// blob(status, contentType, body): body with any content type (an RSS
	// feed, a CSV export); body is a string or an array of bytes.
	method("blob", func(st *routeState, call goja.FunctionCall) goja.Value {
		code := status(call.Argument(0))
		ct := call.Argument(1).String()
		if ct == "" || goja.IsUndefined(call.Argument(1)) {
			panic(rt.NewTypeError("blob: want a content type"))
		}
		var body []byte
		switch v := call.Argument(2).Export().(type) {
		case []byte:
			body = v
		case []any:
			body = make([]byte, len(v))
			for i, x := range v {
				n, ok := x.(int64)
				if !ok || n < 0 || n > 255 {
					panic(rt.NewTypeError("blob: body must be a string or an array of bytes"))
				}
				body[i] = byte(n)
			}
		default:
			body = []byte(call.Argument(2).String())
		}
		write(st, code, ct, body)
		return goja.Undefined()
	})
	method("noContent", func(st *routeState, call goja.FunctionCall) goja.Value {
		st.e.W.WriteHeader(status(call.Argument(0)))
		return goja.Undefined()
	})
	method("redirect", func(st *routeState, call goja.FunctionCall) goja.Value {
		http.Redirect(st.e.W, st.e.R, call.Argument(1).String(), status(call.Argument(0)))
		return goja.Undefined()
	})
	method("realIP", func(st *routeState, _ goja.FunctionCall) goja.Value { return rt.ToValue(st.e.Actor.IP) })
	method("requestInfo", func(st *routeState, _ goja.FunctionCall) goja.Value {
		e := st.e
		info := rt.NewObject()
		_ = info.Set("method", e.R.Method)
		_ = info.Set("context", "default")
		q := map[string]any{}
		for k, v := range e.R.URL.Query() {
			q[k] = v[0]
		}
		_ = info.Set("query", q)
		h := map[string]any{}
		for k, v := range e.R.Header {
			h[strings.ReplaceAll(strings.ToLower(k), "-", "_")] = v[0]
		}
		_ = info.Set("headers", h)
		_ = info.Set("body", r.readBody(st))
		_ = info.Set("auth", r.recordObject(e.Actor.Auth))
		return info
	})
	method("bindBody", func(st *routeState, call goja.FunctionCall) goja.Value {
		target := call.Argument(0).ToObject(rt)
		if src, ok := r.readBody(st).(*goja.Object); ok {
			for _, k := range src.Keys() {
				_ = target.Set(k, src.Get(k))
			}
		}
		return target
	})
	for name, class := range map[string]string{"badRequestError": "BadRequestError", "unauthorizedError": "UnauthorizedError",
		"forbiddenError": "ForbiddenError", "notFoundError": "NotFoundError", "internalServerError": "InternalServerError",
		"tooManyRequestsError": "TooManyRequestsError", "error": "ApiError"} {
		_ = p.Set(name, func(call goja.FunctionCall) goja.Value {
			ctor, _ := goja.AssertConstructor(rt.Get(class))
			obj, err := ctor(nil, call.Arguments...)
			if err != nil {
				r.rethrow(err)
			}
			return obj
		})
	}
	return nil
}

// responseObject is e.response of a route: header() with set, add, get
// and del on w's headers.
func (r *runtime) responseObject(w http.ResponseWriter) *goja.Object {
	rt := r.rt
	header := rt.NewObject()
	_ = header.Set("set", func(call goja.FunctionCall) goja.Value {
		w.Header().Set(call.Argument(0).String(), call.Argument(1).String())
		return goja.Undefined()
	})
	_ = header.Set("add", func(call goja.FunctionCall) goja.Value {
		w.Header().Add(call.Argument(0).String(), call.Argument(1).String())
		return goja.Undefined()
	})
	_ = header.Set("get", func(call goja.FunctionCall) goja.Value {
		return rt.ToValue(w.Header().Get(call.Argument(0).String()))
	})
	_ = header.Set("del", func(call goja.FunctionCall) goja.Value {
		w.Header().Del(call.Argument(0).String())
		return goja.Undefined()
	})
	resp := rt.NewObject()
	_ = resp.Set("header", func(goja.FunctionCall) goja.Value { return header })
	return resp
}

// rawBody is e.request.body in a route: the request's bytes, which
// toString(e.request.body) answers as a string.
type rawBody struct{ read func() []byte }

// requestBody is the request's body for requestInfo: a JSON body parsed,
// a form's first values, otherwise {}. Bad JSON throws a 400.
func (r *runtime) requestBody(e *api.RequestEvent) goja.Value {
	ct, _, _ := mime.ParseMediaType(e.R.Header.Get("Content-Type"))
	switch {
	case e.R.Body == nil || e.R.Body == http.NoBody || e.R.ContentLength == 0:
	case ct == "application/x-www-form-urlencoded" || ct == "multipart/form-data":
		if err := e.R.ParseMultipartForm(32 << 20); err != nil && err != http.ErrNotMultipart {
			r.throw(galley.Errorf(galley.EInvalid, "Failed to read the submitted form: %v", err))
		}
		m := map[string]any{}
		for k, v := range e.R.PostForm {
			m[k] = v[0]
		}
		return r.parseJSON(mustJSON(m))
	default:
		var v any
		if err := e.BindBody(&v); err != nil {
			r.throw(err)
		}
		return r.parseJSON(mustJSON(v))
	}
	return r.rt.NewObject()
}

// e.request in a route is the subset of Go's *http.Request that
// PocketBase's hooks commonly read: method, host, remoteAddr, url {path,
// rawQuery, query().get()/has(), string()}, header.get(), pathValue() and
// body (see rawBody). Like the event it is an object of a prototype per
// runtime (installRequestObjects) holding the route's state, viewed as a
// type of its own so one object's methods refuse another's; url, header
// and body are made on first read. The views cost no allocation.
type (
	reqView    routeState
	urlView    routeState
	headerView routeState
)

// requestObject is e.request of the route whose state is st.
func (r *runtime) requestObject(st *routeState) *goja.Object {
	return r.holderObject((*reqView)(st), r.httpReqProto)
}

// installRequestObjects defines the prototypes of e.request, its url,
// its header and url.query()'s answer.
func (r *runtime) installRequestObjects() error {
	rt := r.rt
	str := func(s string) goja.Value { return rt.ToValue(s) }
	// reqOf is the request behind this (a request, its url or header) or throws.
	reqOf := func(this goja.Value) *http.Request {
		switch v := held(this).(type) {
		case *reqView:
			return v.e.R
		case *urlView:
			return v.e.R
		case *headerView:
			return v.e.R
		}
		panic(rt.NewTypeError("not a request"))
	}
	// getter defines name on p as a read of this's request; an assignment
	// defines an own property, as on a plain object.
	getter := func(p *goja.Object, name string, get func(req *http.Request) goja.Value) error {
		g := rt.ToValue(func(call goja.FunctionCall) goja.Value { return get(reqOf(call.This)) })
		set := rt.ToValue(func(call goja.FunctionCall) goja.Value {
			if obj, ok := call.This.(*goja.Object); ok && obj != p {
				if err := obj.DefineDataProperty(name, call.Argument(0), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE); err != nil {
					r.rethrow(err)
				}
			}
			return goja.Undefined()
		})
		return p.DefineAccessorProperty(name, g, set, goja.FLAG_TRUE, goja.FLAG_TRUE)
	}
	method := func(p *goja.Object, name string, fn func(req *http.Request, call goja.FunctionCall) goja.Value) {
		_ = p.Set(name, func(call goja.FunctionCall) goja.Value { return fn(reqOf(call.This), call) })
	}

	req := rt.NewObject()
	r.httpReqProto = req
	u := rt.NewObject()
	h := rt.NewObject()
	q := rt.NewObject()
	for _, g := range []struct {
		p    *goja.Object
		name string
		get  func(req *http.Request) goja.Value
	}{
		{req, "method", func(req *http.Request) goja.Value { return str(req.Method) }},
		{req, "remoteAddr", func(req *http.Request) goja.Value { return str(req.RemoteAddr) }},
		{req, "host", func(req *http.Request) goja.Value { return str(req.Host) }},
		{u, "path", func(req *http.Request) goja.Value { return str(req.URL.Path) }},
		{u, "rawQuery", func(req *http.Request) goja.Value { return str(req.URL.RawQuery) }},
	} {
		if err := getter(g.p, g.name, g.get); err != nil {
			return err
		}
	}
	method(req, "pathValue", func(req *http.Request, call goja.FunctionCall) goja.Value {
		return str(req.PathValue(call.Argument(0).String()))
	})
	stOf := func(this *goja.Object) *routeState {
		if v, ok := held(this).(*reqView); ok {
			return (*routeState)(v)
		}
		panic(rt.NewTypeError("not a request"))
	}
	if err := r.lazyProp(req, "url", func(this *goja.Object) goja.Value {
		return r.holderObject((*urlView)(stOf(this)), u)
	}); err != nil {
		return err
	}
	if err := r.lazyProp(req, "header", func(this *goja.Object) goja.Value {
		return r.holderObject((*headerView)(stOf(this)), h)
	}); err != nil {
		return err
	}
	if err := r.lazyProp(req, "body", func(this *goja.Object) goja.Value {
		st := stOf(this)
		return rt.ToValue(&rawBody{read: func() []byte { return r.readRaw(st) }})
	}); err != nil {
		return err
	}
	method(u, "string", func(req *http.Request, _ goja.FunctionCall) goja.Value { return str(req.URL.String()) })
	method(u, "query", func(req *http.Request, _ goja.FunctionCall) goja.Value {
		return r.holderObject(req.URL.Query(), q)
	})
	method(h, "get", func(req *http.Request, call goja.FunctionCall) goja.Value {
		return str(req.Header.Get(call.Argument(0).String()))
	})
	valuesOf := func(this goja.Value) url.Values {
		if v, ok := held(this).(url.Values); ok {
			return v
		}
		panic(rt.NewTypeError("not a query"))
	}
	_ = q.Set("get", func(call goja.FunctionCall) goja.Value {
		return str(valuesOf(call.This).Get(call.Argument(0).String()))
	})
	_ = q.Set("has", func(call goja.FunctionCall) goja.Value {
		return rt.ToValue(valuesOf(call.This).Has(call.Argument(0).String()))
	})
	return nil
}
