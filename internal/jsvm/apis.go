package jsvm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/dop251/goja"
	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	jsonv2 "github.com/go-json-experiment/json"
)

// install defines every global of a runtime.
func (r *runtime) install() error {
	rt := r.rt
	rt.SetFieldNameMapper(goja.UncapFieldNameMapper())
	r.goErrSym = goja.NewSymbol("galley.goError")
	r.mwSym = goja.NewSymbol("galley.middleware")
	r.settingsSym = goja.NewSymbol("galley.settings")
	jsonObj := rt.Get("JSON").ToObject(rt)
	r.jsonStringify, _ = goja.AssertFunction(jsonObj.Get("stringify"))
	r.jsonParse, _ = goja.AssertFunction(jsonObj.Get("parse"))
	if _, err := rt.RunProgram(preludeProgram); err != nil {
		return fmt.Errorf("hooks prelude: %w", err)
	}
	for _, step := range []func() error{r.installRecord, r.installRegistrars, r.installApp, r.installEvents, r.installRouteEvents, r.installRequestObjects, r.installSecurity, r.installHTTP, r.installMisc, r.installApis} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// data is what $app and a transaction's app read and write through:
// *core.TxApp inside a transaction, the App (with the current call's
// context) outside.
type data interface {
	FindRecordByID(collection, id string) (*galley.Record, error)
	FindRecordsByFilter(collection, filter, sort string, limit, offset int, params map[string]any) ([]*galley.Record, error)
	Save(r *galley.Record) error
	Delete(r *galley.Record) error
}

type txData struct{ *core.TxApp }

type appData struct{ r *runtime }

func (d appData) app() *core.App { return d.r.gen.vm.cfg.App }
func (d appData) FindRecordByID(c, id string) (*galley.Record, error) {
	return d.app().FindRecordByID(d.r.ctx(), c, id)
}
func (d appData) FindRecordsByFilter(c, f, s string, limit, offset int, p map[string]any) ([]*galley.Record, error) {
	return d.app().FindRecordsByFilter(d.r.ctx(), c, f, s, limit, offset, p)
}
func (d appData) Save(rec *galley.Record) error   { return d.app().Save(d.r.ctx(), rec) }
func (d appData) Delete(rec *galley.Record) error { return d.app().Delete(d.r.ctx(), rec) }

func (r *runtime) installApp() error {
	r.txAppProto = r.rt.NewObject()
	r.defineApp(r.txAppProto, func(this goja.Value) data {
		if d, ok := held(this).(txData); ok {
			return d
		}
		panic(r.rt.NewTypeError("not a transaction's app"))
	}, true)
	r.app = r.appObject(appData{r}, false)
	return r.rt.Set("$app", r.app)
}

// appObject is $app's API over d (inTx: d is a transaction's). A
// transaction's app (a write hook's e.app, runInTransaction's txApp) is an
// object of txAppProto holding d, so making one per event or transaction
// defines no functions.
func (r *runtime) appObject(d data, inTx bool) *goja.Object {
	if inTx {
		return r.holderObject(d, r.txAppProto)
	}
	o := r.rt.NewObject()
	r.defineApp(o, func(goja.Value) data { return d }, false)
	return o
}

// defineApp defines $app's methods on o; each call reads through
// dOf(this) (inTx: a transaction's data).
func (r *runtime) defineApp(o *goja.Object, dOf func(this goja.Value) data, inTx bool) {
	rt := r.rt
	app := r.gen.vm.cfg.App
	var d data // the data of the method call running (a runtime runs one call at a time)
	set := func(name string, fn func(call goja.FunctionCall) goja.Value) {
		_ = o.Set(name, func(call goja.FunctionCall) goja.Value {
			prev := d
			d = dOf(call.This)
			defer func() { d = prev }()
			return fn(call)
		})
	}
	params := func(v goja.Value) map[string]any {
		if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
			return nil
		}
		m, ok := v.Export().(map[string]any)
		if !ok {
			panic(rt.NewTypeError("the filter params must be an object"))
		}
		for k, x := range m { // BindParams takes int, int64, float64, string, bool, nil
			switch x.(type) {
			case int64, float64, string, bool, nil:
			default:
				b, _ := json.Marshal(x)
				m[k] = string(b)
			}
		}
		return m
	}
	find := func(coll, filter string, p map[string]any) *galley.Record {
		recs, err := d.FindRecordsByFilter(coll, filter, "", 1, 0, p)
		if err != nil {
			r.throw(err)
		}
		if len(recs) == 0 {
			r.throw(galley.Errorf(galley.ENotFound, "The requested resource wasn't found."))
		}
		return recs[0]
	}
	set("findRecordById", func(call goja.FunctionCall) goja.Value {
		rec, err := d.FindRecordByID(collectionName(call.Argument(0)), call.Argument(1).String())
		if err != nil {
			r.throw(err)
		}
		return r.recordObject(rec)
	})
	set("findRecordsByFilter", func(call goja.FunctionCall) goja.Value {
		a := call.Arguments
		str := func(i int) string {
			if i >= len(a) || goja.IsUndefined(a[i]) || goja.IsNull(a[i]) {
				return ""
			}
			return a[i].String()
		}
		num := func(i int) int {
			if i >= len(a) {
				return 0
			}
			return int(a[i].ToInteger())
		}
		recs, err := d.FindRecordsByFilter(collectionName(call.Argument(0)), str(1), str(2), num(3), num(4), params(call.Argument(5)))
		if err != nil {
			r.throw(err)
		}
		return r.recordsArray(recs)
	})
	set("findFirstRecordByFilter", func(call goja.FunctionCall) goja.Value {
		return r.recordObject(find(collectionName(call.Argument(0)), call.Argument(1).String(), params(call.Argument(2))))
	})
	set("findFirstRecordByData", func(call goja.FunctionCall) goja.Value {
		key := call.Argument(1).String()
		if !validName(key) {
			panic(rt.NewTypeError(fmt.Sprintf("findFirstRecordByData: %q is not a field name", key)))
		}
		return r.recordObject(find(collectionName(call.Argument(0)), key+" = {:value}", map[string]any{"value": r.plainParam(call.Argument(2))}))
	})
	set("findAuthRecordByEmail", func(call goja.FunctionCall) goja.Value {
		return r.recordObject(find(collectionName(call.Argument(0)), "email = {:email}", map[string]any{"email": call.Argument(1).String()}))
	})
	set("findCollectionByNameOrId", func(call goja.FunctionCall) goja.Value {
		c, err := app.ViewCollection(r.ctx(), app.SystemActor(), collectionName(call.Argument(0)))
		if err != nil {
			r.throw(err)
		}
		return r.collectionValue(c)
	})
	importCollections := func(list goja.Value, deleteMissing bool) {
		if inTx { // the collection services run transactions of their own
			r.throw(galley.Errorf(galley.EInvalid, "Collections cannot be changed inside a transaction; use $app."))
		}
		b, err := r.stringify(rt.ToValue(map[string]any{"collections": list, "deleteMissing": deleteMissing}))
		if err != nil {
			r.rethrow(err)
		}
		if err := app.ImportCollections(r.ctx(), app.SystemActor(), b); err != nil {
			r.throw(err)
		}
	}
	set("importCollections", func(call goja.FunctionCall) goja.Value {
		importCollections(call.Argument(0), call.Argument(1).ToBoolean())
		return goja.Undefined()
	})
	// settings(): the current settings as a plain object (secrets left
	// empty: saving keeps the stored ones), which save(settings) stores as
	// PATCH /api/settings would — e.g. the realtime channels of an app.
	set("settings", func(goja.FunctionCall) goja.Value {
		cur, err := app.Settings(r.ctx())
		if err != nil {
			r.throw(err)
		}
		b, err := jsonv2.Marshal(cur.Redacted())
		if err != nil {
			r.throw(galley.Internal(err))
		}
		v := r.parseJSON(b)
		obj, ok := v.(*goja.Object)
		if !ok {
			r.throw(galley.Errorf(galley.EInternal, "settings: not an object"))
		}
		_ = obj.DefineDataPropertySymbol(r.settingsSym, rt.ToValue(true), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
		return obj
	})
	set("save", func(call goja.FunctionCall) goja.Value {
		if r.isCollection(call.Argument(0)) { // created or changed as an import of one collection
			importCollections(rt.NewArray(call.Argument(0)), false)
			return goja.Undefined()
		}
		if obj, ok := call.Argument(0).(*goja.Object); ok && obj.GetSymbol(r.settingsSym) != nil {
			if inTx { // UpdateSettings runs a transaction of its own
				r.throw(galley.Errorf(galley.EInvalid, "Settings cannot be changed inside a transaction; use $app."))
			}
			b, err := r.stringify(obj)
			if err != nil {
				r.rethrow(err)
			}
			if _, err := app.UpdateSettings(r.ctx(), app.SystemActor(), b); err != nil {
				r.throw(err)
			}
			return goja.Undefined()
		}
		rec := r.recordOf(call.Argument(0))
		if rec == nil {
			panic(rt.NewTypeError("save: want a Record or a Collection"))
		}
		if err := d.Save(rec); err != nil {
			r.throw(err)
		}
		return goja.Undefined()
	})
	set("delete", func(call goja.FunctionCall) goja.Value {
		if r.isCollection(call.Argument(0)) {
			if inTx {
				r.throw(galley.Errorf(galley.EInvalid, "Collections cannot be changed inside a transaction; use $app."))
			}
			if err := app.DeleteCollection(r.ctx(), app.SystemActor(), collectionName(call.Argument(0))); err != nil {
				r.throw(err)
			}
			return goja.Undefined()
		}
		rec := r.recordOf(call.Argument(0))
		if rec == nil {
			panic(rt.NewTypeError("delete: want a Record or a Collection"))
		}
		if err := d.Delete(rec); err != nil {
			r.throw(err)
		}
		return goja.Undefined()
	})
	set("isTransactional", func(goja.FunctionCall) goja.Value { return rt.ToValue(inTx) })
	set("runInTransaction", func(call goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(call.Argument(0))
		if !ok {
			panic(rt.NewTypeError("runInTransaction: want a function"))
		}
		if inTx { // nested: the same transaction
			if _, err := fn(goja.Undefined(), call.This); err != nil {
				r.rethrow(err)
			}
			return goja.Undefined()
		}
		err := app.RunInTransaction(r.ctx(), func(tx *core.TxApp) error {
			_, err := fn(goja.Undefined(), r.appObject(txData{tx}, true))
			return err
		})
		if err != nil {
			r.rethrow(err)
		}
		return goja.Undefined()
	})
	set("newMailClient", func(goja.FunctionCall) goja.Value {
		c := rt.NewObject()
		_ = c.Set("send", func(call goja.FunctionCall) goja.Value {
			m, err := r.messageOf(call.Argument(0))
			if err == nil {
				err = app.SendMail(r.ctx(), m)
			}
			if err != nil {
				r.throw(err)
			}
			return goja.Undefined()
		})
		return c
	})
	set("logger", func(goja.FunctionCall) goja.Value { return r.loggerObject() })
}

// rethrow throws err from a JavaScript callback again as it was (its
// stack kept); an error from Go is thrown as an ApiError.
func (r *runtime) rethrow(err error) {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		panic(ex)
	}
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		panic(ie)
	}
	r.throw(err)
}

// plainParam exports a filter parameter value.
func (r *runtime) plainParam(v goja.Value) any {
	switch x := r.plain(v).(type) {
	case json.RawMessage:
		return string(x)
	default:
		return x
	}
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}

// messageValue is m as PocketBase's mailer message object.
func (r *runtime) messageValue(m core.Message) *goja.Object {
	to := make([]any, len(m.To))
	for i, a := range m.To {
		to[i] = map[string]any{"address": a, "name": ""}
	}
	o := r.rt.NewObject()
	_ = o.Set("to", r.rt.NewArray(to...))
	_ = o.Set("subject", m.Subject)
	_ = o.Set("html", m.HTML)
	_ = o.Set("text", m.Text)
	return o
}

// messageOf reads a mailer message object: to (an address, {address},
// or a list of them), subject, html, text. (The sender is the SMTP
// settings'.)
func (r *runtime) messageOf(v goja.Value) (core.Message, error) {
	var m core.Message
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return m, galley.Errorf(galley.EInvalid, "send: want a message")
	}
	o := v.ToObject(r.rt)
	str := func(k string) string {
		x := o.Get(k)
		if x == nil || goja.IsUndefined(x) || goja.IsNull(x) {
			return ""
		}
		return x.String()
	}
	m.Subject, m.HTML, m.Text = str("subject"), str("html"), str("text")
	var add func(x any)
	add = func(x any) {
		switch y := x.(type) {
		case string:
			if y != "" {
				m.To = append(m.To, y)
			}
		case map[string]any:
			add(y["address"])
		case []any:
			for _, z := range y {
				add(z)
			}
		}
	}
	if to := o.Get("to"); to != nil {
		add(to.Export())
	}
	if len(m.To) == 0 {
		return m, galley.Errorf(galley.EInvalid, "The mail has no recipient.")
	}
	return m, nil
}

// loggerObject is $app.logger(): debug/info/warn/error(message, ...keyvals)
// to the app's log, with the file and line of the call.
func (r *runtime) loggerObject() goja.Value {
	o := r.rt.NewObject()
	for name, level := range map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		level := level
		_ = o.Set(name, func(call goja.FunctionCall) goja.Value {
			args := []any{"at", where(r.rt.CaptureCallStack(0, nil))}
			for _, a := range call.Arguments[min(1, len(call.Arguments)):] {
				args = append(args, r.plainParam(a))
			}
			r.gen.vm.log.Log(r.ctx(), level, call.Argument(0).String(), args...)
			return goja.Undefined()
		})
	}
	return o
}

// installMisc defines console, $os, $mails, MailerMessage and sleep.
func (r *runtime) installMisc() error {
	rt := r.rt
	vm := r.gen.vm
	console := rt.NewObject()
	for name, level := range map[string]slog.Level{"log": slog.LevelInfo, "info": slog.LevelInfo, "debug": slog.LevelDebug, "warn": slog.LevelWarn, "error": slog.LevelError} {
		level := level
		_ = console.Set(name, func(call goja.FunctionCall) goja.Value {
			parts := make([]string, len(call.Arguments))
			for i, a := range call.Arguments {
				parts[i] = r.display(a)
			}
			vm.log.Log(r.ctx(), level, strings.Join(parts, " "), "at", where(rt.CaptureCallStack(0, nil)))
			return goja.Undefined()
		})
	}
	if err := rt.Set("console", console); err != nil {
		return err
	}
	osObj := rt.NewObject()
	_ = osObj.Set("getenv", func(call goja.FunctionCall) goja.Value { return rt.ToValue(vm.cfg.Getenv(call.Argument(0).String())) })
	if err := rt.Set("$os", osObj); err != nil {
		return err
	}
	mails := rt.NewObject()
	authMail := func(send func(ctx context.Context, a core.Actor, collection, email string) error) func(call goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			rec := r.recordOf(call.Argument(1))
			if rec == nil {
				panic(rt.NewTypeError("want (app, authRecord)"))
			}
			if err := send(r.ctx(), vm.cfg.App.SystemActor(), rec.Collection.Name, rec.GetString("email")); err != nil {
				r.throw(err)
			}
			return goja.Undefined()
		}
	}
	_ = mails.Set("sendRecordPasswordReset", authMail(vm.cfg.App.RequestPasswordReset))
	_ = mails.Set("sendRecordVerification", authMail(vm.cfg.App.RequestVerification))
	if err := rt.Set("$mails", mails); err != nil {
		return err
	}
	if err := r.installRequire(); err != nil {
		return err
	}
	// new MailerMessage({to, subject, html, text}) is the object itself.
	if _, err := rt.RunString(`globalThis.MailerMessage = function MailerMessage(m) { Object.assign(this, m || {}); };`); err != nil {
		return err
	}
	// toString(value, maxBytes?): a route's e.request.body as the raw text
	// it was sent as (at most maxBytes when > 0), a byte array as text, a
	// string as it is, anything else as JSON. readerToString is the same.
	toString := func(call goja.FunctionCall) goja.Value {
		v := call.Argument(0)
		limit := call.Argument(1).ToInteger()
		var b []byte
		switch x := v.Export().(type) {
		case *rawBody:
			b = x.read()
		case []byte:
			b = x
		case string:
			return rt.ToValue(x)
		default:
			if goja.IsUndefined(v) || goja.IsNull(v) {
				return rt.ToValue("")
			}
			out, err := r.stringify(v)
			if err != nil {
				r.rethrow(err)
			}
			b = out
		}
		if limit > 0 && int64(len(b)) > limit {
			b = b[:limit]
		}
		return rt.ToValue(string(b))
	}
	if err := rt.Set("toString", toString); err != nil {
		return err
	}
	if err := rt.Set("readerToString", toString); err != nil {
		return err
	}
	return rt.Set("sleep", func(call goja.FunctionCall) goja.Value {
		d := time.Duration(call.Argument(0).ToInteger()) * time.Millisecond
		select {
		case <-time.After(d):
		case <-r.ctx().Done():
		}
		return goja.Undefined()
	})
}

// display renders a console argument: strings as they are, other values
// as JSON when they have a JSON form.
func (r *runtime) display(v goja.Value) string {
	if v == nil {
		return "undefined"
	}
	if _, ok := v.Export().(string); ok {
		return v.String()
	}
	if obj, ok := v.(*goja.Object); ok {
		if _, isFn := goja.AssertFunction(obj); !isFn && obj.ClassName() != "Error" {
			if b, err := r.stringify(obj); err == nil {
				return string(b)
			}
		}
	}
	return v.String()
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("null")
	}
	return b
}
