package jsvm

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dop251/goja"
	galley "github.com/galleyhq/galley"
)

// prelude defines the error classes PocketBase's hooks throw. A thrown
// ApiError (or subclass) becomes a *galley.Error of the matching code with
// its message and data; anything else thrown is a 400 with its message.
const prelude = `
class ApiError extends Error {
	constructor(status, message, data) {
		super(message || "Something went wrong while processing your request.");
		this.name = "ApiError";
		this.status = (status|0) || 400;
		this.data = data || {};
	}
}
class BadRequestError extends ApiError {
	constructor(message, data) { super(400, message || "Something went wrong while processing your request.", data); this.name = "BadRequestError"; }
}
class UnauthorizedError extends ApiError {
	constructor(message, data) { super(401, message || "Missing or invalid authentication.", data); this.name = "UnauthorizedError"; }
}
class ForbiddenError extends ApiError {
	constructor(message, data) { super(403, message || "You are not allowed to perform this request.", data); this.name = "ForbiddenError"; }
}
class NotFoundError extends ApiError {
	constructor(message, data) { super(404, message || "The requested resource wasn't found.", data); this.name = "NotFoundError"; }
}
class TooManyRequestsError extends ApiError {
	constructor(message, data) { super(429, message || "Too Many Requests.", data); this.name = "TooManyRequestsError"; }
}
class InternalServerError extends ApiError {
	constructor(message, data) { super(500, message || "Something went wrong while processing your request.", data); this.name = "InternalServerError"; }
}
Object.assign(globalThis, {ApiError, BadRequestError, UnauthorizedError, ForbiddenError, NotFoundError, TooManyRequestsError, InternalServerError});
` + collectionPrelude

// collectionPrelude defines PocketBase's Collection and field classes as
// plain data: a Collection is the collection's JSON form (what
// $app.save(collection) imports) with helpers on its fields list.
const collectionPrelude = `
function Collection(data) {
	Object.assign(this, {type: "base", fields: [], indexes: []}, data || {});
	if (!Array.isArray(this.indexes)) this.indexes = [];
	const fields = Array.isArray(this.fields) ? this.fields : [];
	const hidden = (name, fn) => Object.defineProperty(fields, name, {value: fn, enumerable: false});
	hidden("add", (...fs) => { for (const f of fs) {
		const i = fields.findIndex((x) => (f.id && x.id === f.id) || x.name === f.name);
		if (i >= 0) fields[i] = f; else fields.push(f);
	} });
	hidden("getByName", (n) => fields.find((x) => x.name === n) || null);
	hidden("getById", (id) => fields.find((x) => x.id === id) || null);
	hidden("removeByName", (n) => { const i = fields.findIndex((x) => x.name === n); if (i >= 0) fields.splice(i, 1); });
	hidden("removeById", (id) => { const i = fields.findIndex((x) => x.id === id); if (i >= 0) fields.splice(i, 1); });
	this.fields = fields;
}
globalThis.Collection = Collection;
for (const [cls, type] of Object.entries({TextField: "text", NumberField: "number", BoolField: "bool", EmailField: "email",
	URLField: "url", EditorField: "editor", DateField: "date", AutodateField: "autodate", SelectField: "select",
	FileField: "file", RelationField: "relation", JSONField: "json", GeoPointField: "geoPoint", PasswordField: "password"})) {
	globalThis[cls] = function (data) { Object.assign(this, {type}, data || {}); };
}
`

var preludeProgram = goja.MustCompile("galley:prelude", prelude, false)

// errTimeout is the interrupt value of a call that ran past the timeout.
type errTimeout struct{ after time.Duration }

func (e errTimeout) Error() string {
	return fmt.Sprintf("interrupted after %s (--hooks-timeout)", e.after)
}

// errPanic marks a runtime whose native code panicked.
type errPanic struct{ v any }

func (e errPanic) Error() string { return fmt.Sprintf("panic: %v", e.v) }

// codeOf maps an HTTP status to the error code the API answers with it.
func codeOf(status int) galley.ErrorCode {
	switch status {
	case 401:
		return galley.EUnauthenticated
	case 403:
		return galley.EForbidden
	case 404:
		return galley.ENotFound
	case 413:
		return galley.ETooLarge
	case 429:
		return galley.ERateLimited
	case 503:
		return galley.EUnavailable
	}
	if status >= 500 {
		return galley.EInternal
	}
	return galley.EInvalid
}

// statusOf is codeOf's inverse, for Go errors thrown into JavaScript.
func statusOf(c galley.ErrorCode) int {
	switch c {
	case galley.EUnauthenticated:
		return 401
	case galley.EForbidden:
		return 403
	case galley.ENotFound:
		return 404
	case galley.ETooLarge:
		return 413
	case galley.ERateLimited:
		return 429
	case galley.EUnavailable:
		return 503
	case galley.EInternal:
		return 500
	}
	return 400
}

// where returns "file:line:col" of the innermost frame of a hooks file in
// stack ("" when none is).
func where(stack []goja.StackFrame) string {
	for i := range stack {
		f := &stack[i]
		if name := f.SrcName(); name != "" && name != "<native>" && !strings.HasPrefix(name, "galley:") {
			p := f.Position()
			return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
		}
	}
	return ""
}

// throw panics with a JavaScript ApiError for err (the goja way of
// throwing from a native function). The Go error rides along under
// goErrSym, so an uncaught rethrow gives the caller err itself.
func (r *runtime) throw(err error) {
	panic(r.errorValue(err))
}

func (r *runtime) errorValue(err error) *goja.Object {
	var ge *galley.Error
	status, msg, data := 400, err.Error(), map[string]any{}
	if errors.As(err, &ge) {
		status, msg = statusOf(ge.Code), ge.Message
		for k, v := range ge.Fields {
			data[k] = map[string]any{"code": v.Code, "message": v.Message}
		}
	}
	ctor, _ := goja.AssertConstructor(r.rt.Get("ApiError"))
	obj, cerr := ctor(nil, r.rt.ToValue(status), r.rt.ToValue(msg), r.rt.ToValue(data))
	if cerr != nil {
		return r.rt.NewGoError(err)
	}
	_ = obj.SetSymbol(r.goErrSym, r.rt.ToValue(err))
	return obj
}

// goError turns what a JavaScript call returned as its error into the
// hook's Go error: an error that came from Go (through e.next() or an $app
// call) as it was; an ApiError as its code, message and data; any other
// throw as a 400 with its message. The cause of each names the file and
// line that threw.
func (r *runtime) goError(err error) error {
	if err == nil {
		return nil
	}
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		r.broken = true
		if len(r.ctxs) > 1 { // nested: stop the outer JavaScript too, a catch must not swallow it
			r.rt.Interrupt(ie.Value())
		}
		loc := where(ie.Stack())
		if loc == "" {
			loc = r.callSite
		}
		return &galley.Error{Code: galley.EInternal, Message: "Something went wrong while processing your request.",
			Err: fmt.Errorf("%s: %w", loc, ie.Unwrap())}
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		return &galley.Error{Code: galley.EInternal, Message: "Something went wrong while processing your request.",
			Err: fmt.Errorf("%s: stack overflow", r.callSite)}
	}
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return err
	}
	loc := where(ex.Stack())
	if loc == "" {
		loc = r.callSite
	}
	obj, _ := ex.Value().(*goja.Object)
	if obj != nil {
		if v := obj.GetSymbol(r.goErrSym); v != nil {
			if orig, ok := v.Export().(error); ok {
				return orig
			}
		}
		if inner := ex.Unwrap(); inner != nil { // a goja GoError
			return inner
		}
		if ctor := r.rt.Get("ApiError").ToObject(r.rt); obj.Prototype() != nil && isInstance(r.rt, obj, ctor) {
			status := int(obj.Get("status").ToInteger())
			ge := &galley.Error{Code: codeOf(status), Message: obj.Get("message").String()}
			if status >= 400 && status <= 599 {
				ge.Status = status // answered as thrown, also when Galley has no code for it (409)
			}
			ge.Fields = fieldsOf(obj.Get("data"))
			ge.Err = fmt.Errorf("%s: %s thrown", loc, obj.Get("name").String())
			r.gen.vm.log.Debug("hooks: "+ge.Message, "at", loc, "status", obj.Get("status").ToInteger())
			return ge
		}
		if m := obj.Get("message"); m != nil && !goja.IsUndefined(m) {
			r.gen.vm.log.Warn("hooks: uncaught "+ex.Value().String(), "at", loc)
			return &galley.Error{Code: galley.EInvalid, Message: m.String(), Err: fmt.Errorf("%s: %s", loc, ex.Value().String())}
		}
	}
	msg := "undefined"
	if ex.Value() != nil {
		msg = ex.Value().String()
	}
	r.gen.vm.log.Warn("hooks: uncaught "+msg, "at", loc)
	return &galley.Error{Code: galley.EInvalid, Message: msg, Err: fmt.Errorf("%s: %s", loc, msg)}
}

func isInstance(rt *goja.Runtime, obj, ctor *goja.Object) bool {
	proto := ctor.Get("prototype")
	for p := obj.Prototype(); p != nil; p = p.Prototype() {
		if p == proto || p.SameAs(proto) {
			return true
		}
	}
	return false
}

// fieldsOf reads an ApiError's data: {field: {code, message}} or
// {field: "message"}.
func fieldsOf(v goja.Value) map[string]galley.FieldError {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	m, ok := v.Export().(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := make(map[string]galley.FieldError, len(m))
	for k, x := range m {
		switch y := x.(type) {
		case map[string]any:
			code, _ := y["code"].(string)
			msg, _ := y["message"].(string)
			if code == "" {
				code = "validation_invalid_value"
			}
			out[k] = galley.FieldError{Code: code, Message: msg}
		case string:
			out[k] = galley.FieldError{Code: "validation_invalid_value", Message: y}
		}
	}
	return out
}
