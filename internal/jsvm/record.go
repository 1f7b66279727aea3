package jsvm

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/dop251/goja"
	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
)

// Records cross into JavaScript as objects of the Record class whose
// methods read and write the Go record itself (a hook's record.set changes
// the record the operation writes). Values are converted explicitly:
//
//	Go (record.Data)            JavaScript (record.get)
//	string (text, date, …)      string
//	float64 (number)            number
//	bool                        boolean
//	[]string (multi fields)     a new array of strings
//	json.RawMessage (json)      the parsed JSON value (a copy)
//	galley.GeoPoint             {lon, lat}
//	nil                         null
//
// record.set(name, value) converts the other way as a request body's value
// would be (core.SetField): numbers from numeric strings, a list or one
// string for multi fields, any JSON value for json fields; a password is
// hashed. An unknown field or a value the field cannot hold throws.

// installRecord defines the Record class.
func (r *runtime) installRecord() error {
	rt := r.rt
	proto := rt.NewObject()
	r.recProto = proto
	this := func(call goja.FunctionCall) *galley.Record {
		rec := r.recordOf(call.This)
		if rec == nil {
			panic(rt.NewTypeError("not a Record"))
		}
		return rec
	}
	method := func(name string, fn func(call goja.FunctionCall) goja.Value) {
		_ = proto.Set(name, fn)
	}
	method("get", func(call goja.FunctionCall) goja.Value {
		rec := this(call)
		return r.fieldValue(rec, call.Argument(0).String())
	})
	method("set", func(call goja.FunctionCall) goja.Value {
		rec := this(call)
		r.setField(rec, call.Argument(0).String(), call.Argument(1))
		return goja.Undefined()
	})
	method("load", func(call goja.FunctionCall) goja.Value {
		rec := this(call)
		obj := call.Argument(0).ToObject(rt)
		for _, k := range obj.Keys() {
			r.setField(rec, k, obj.Get(k))
		}
		return goja.Undefined()
	})
	method("getString", func(call goja.FunctionCall) goja.Value {
		switch v := this(call).Data[call.Argument(0).String()].(type) {
		case string:
			return rt.ToValue(v)
		case float64:
			return rt.ToValue(strconv.FormatFloat(v, 'f', -1, 64))
		case bool:
			return rt.ToValue(strconv.FormatBool(v))
		case json.RawMessage:
			return rt.ToValue(string(v))
		}
		return rt.ToValue("")
	})
	number := func(call goja.FunctionCall) float64 {
		switch v := this(call).Data[call.Argument(0).String()].(type) {
		case float64:
			return v
		case bool:
			if v {
				return 1
			}
		case string:
			n, _ := strconv.ParseFloat(v, 64)
			return n
		}
		return 0
	}
	method("getInt", func(call goja.FunctionCall) goja.Value { return rt.ToValue(int64(number(call))) })
	method("getFloat", func(call goja.FunctionCall) goja.Value { return rt.ToValue(number(call)) })
	method("getBool", func(call goja.FunctionCall) goja.Value {
		switch v := this(call).Data[call.Argument(0).String()].(type) {
		case bool:
			return rt.ToValue(v)
		case float64:
			return rt.ToValue(v != 0)
		case string:
			return rt.ToValue(v == "true" || v == "1")
		}
		return rt.ToValue(false)
	})
	method("getStringSlice", func(call goja.FunctionCall) goja.Value {
		out := []any{}
		switch v := this(call).Data[call.Argument(0).String()].(type) {
		case []string:
			for _, s := range v {
				out = append(out, s)
			}
		case string:
			if v != "" {
				out = append(out, v)
			}
		}
		return rt.NewArray(out...)
	})
	method("collection", func(call goja.FunctionCall) goja.Value { return r.collectionValue(this(call).Collection) })
	method("tableName", func(call goja.FunctionCall) goja.Value { return rt.ToValue(this(call).Collection.Name) })
	method("email", func(call goja.FunctionCall) goja.Value { return rt.ToValue(this(call).GetString("email")) })
	method("setEmail", func(call goja.FunctionCall) goja.Value {
		r.setField(this(call), "email", call.Argument(0))
		return goja.Undefined()
	})
	method("verified", func(call goja.FunctionCall) goja.Value {
		v, _ := this(call).Data["verified"].(bool)
		return rt.ToValue(v)
	})
	method("setVerified", func(call goja.FunctionCall) goja.Value {
		r.setField(this(call), "verified", call.Argument(0))
		return goja.Undefined()
	})
	method("setPassword", func(call goja.FunctionCall) goja.Value {
		r.setField(this(call), "password", call.Argument(0))
		return goja.Undefined()
	})
	method("validatePassword", func(call goja.FunctionCall) goja.Value {
		return rt.ToValue(core.CheckRecordPassword(this(call), call.Argument(0).String()))
	})
	method("isSuperuser", func(call goja.FunctionCall) goja.Value {
		return rt.ToValue(this(call).Collection.Name == "_superusers")
	})
	export := func(call goja.FunctionCall) goja.Value {
		rec := this(call)
		b, err := json.Marshal(r.gen.vm.cfg.App.Export(core.Actor{}, rec))
		if err != nil {
			r.throw(err)
		}
		return r.parseJSON(b)
	}
	method("publicExport", export)
	method("toJSON", export)
	method("clone", func(call goja.FunctionCall) goja.Value {
		rec := this(call)
		cp := &galley.Record{Collection: rec.Collection, Data: make(map[string]any, len(rec.Data))}
		for k, v := range rec.Data {
			if s, ok := v.([]string); ok {
				v = slices.Clone(s)
			}
			cp.Data[k] = v
		}
		return r.recordObject(cp)
	})
	idGet := rt.ToValue(func(call goja.FunctionCall) goja.Value { return rt.ToValue(this(call).ID()) })
	idSet := rt.ToValue(func(call goja.FunctionCall) goja.Value {
		this(call).Data["id"] = call.Argument(0).String()
		return goja.Undefined()
	})
	if err := proto.DefineAccessorProperty("id", idGet, idSet, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
		return err
	}
	collName := rt.ToValue(func(call goja.FunctionCall) goja.Value { return rt.ToValue(this(call).Collection.Name) })
	if err := proto.DefineAccessorProperty("collectionName", collName, nil, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
		return err
	}
	// new Record(collection, data?): collection is a collection object
	// ($app.findCollectionByNameOrId) or its name or id.
	ctor := rt.ToValue(func(call goja.ConstructorCall) *goja.Object {
		name := collectionName(call.Argument(0))
		rec, err := r.gen.vm.cfg.App.NewRecord(name)
		if err != nil {
			r.throw(err)
		}
		if d := call.Argument(1); !goja.IsUndefined(d) && !goja.IsNull(d) {
			obj := d.ToObject(rt)
			for _, k := range obj.Keys() {
				r.setField(rec, k, obj.Get(k))
			}
		}
		return r.holderObject(rec, proto)
	}).ToObject(rt)
	_ = ctor.Set("prototype", proto)
	_ = proto.Set("constructor", ctor)
	return rt.Set("Record", ctor)
}

// collectionName reads a collection argument: an object's name (or id),
// or the string itself.
func collectionName(v goja.Value) string {
	if obj, ok := v.(*goja.Object); ok {
		for _, k := range []string{"name", "id"} {
			if x := obj.Get(k); x != nil && !goja.IsUndefined(x) && x.String() != "" {
				return x.String()
			}
		}
	}
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return ""
	}
	return v.String()
}

// recordObject wraps rec as a Record (null for nil): an object of
// recProto holding rec (see holder), as events are.
func (r *runtime) recordObject(rec *galley.Record) goja.Value {
	if rec == nil {
		return goja.Null()
	}
	return r.holderObject(rec, r.recProto)
}

// recordOf returns the Go record of a Record (nil for anything else).
func (r *runtime) recordOf(v goja.Value) *galley.Record {
	rec, _ := held(v).(*galley.Record)
	return rec
}

// recordsArray wraps recs as an array of Records.
func (r *runtime) recordsArray(recs []*galley.Record) goja.Value {
	items := make([]any, len(recs))
	for i, rec := range recs {
		items[i] = r.recordObject(rec)
	}
	return r.rt.NewArray(items...)
}

// fieldValue converts the value of field name of rec for JavaScript.
func (r *runtime) fieldValue(rec *galley.Record, name string) goja.Value {
	switch name {
	case "collectionId":
		return r.rt.ToValue(rec.Collection.ID)
	case "collectionName":
		return r.rt.ToValue(rec.Collection.Name)
	}
	switch v := rec.Data[name].(type) {
	case nil:
		return goja.Null()
	case string, float64, bool:
		return r.rt.ToValue(v)
	case []string:
		items := make([]any, len(v))
		for i, s := range v {
			items[i] = s
		}
		return r.rt.NewArray(items...)
	case json.RawMessage:
		if len(v) == 0 {
			return goja.Null()
		}
		return r.parseJSON(v)
	case galley.GeoPoint:
		o := r.rt.NewObject()
		_ = o.Set("lon", v.Lon)
		_ = o.Set("lat", v.Lat)
		return o
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return goja.Undefined()
		}
		return r.parseJSON(b)
	}
}

// setField sets field name of rec from a JavaScript value (see
// core.SetField); a failure throws.
func (r *runtime) setField(rec *galley.Record, name string, v goja.Value) {
	if err := core.SetField(rec, name, r.plain(v)); err != nil {
		r.throw(err)
	}
}

// plain exports v as a Go value encoding/json encodes as JSON.stringify
// would (records as their public JSON).
func (r *runtime) plain(v goja.Value) any {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	if obj, ok := v.(*goja.Object); ok {
		if _, isFn := goja.AssertFunction(obj); isFn {
			return nil
		}
		b, err := r.stringify(obj)
		if err != nil {
			r.throw(err)
		}
		return json.RawMessage(b)
	}
	return v.Export()
}

// stringify is JSON.stringify(v) as bytes (the built-in one, taken at
// install: a file that replaces JSON.stringify does not change it).
func (r *runtime) stringify(v goja.Value) ([]byte, error) {
	out, err := r.jsonStringify(goja.Undefined(), v)
	if err != nil {
		return nil, err
	}
	if goja.IsUndefined(out) {
		return []byte("null"), nil
	}
	return []byte(out.String()), nil
}

// parseJSON is JSON.parse(b) (undefined when b is not JSON; the built-in
// one, as stringify).
func (r *runtime) parseJSON(b []byte) goja.Value {
	out, err := r.jsonParse(goja.Undefined(), r.rt.ToValue(string(b)))
	if err != nil {
		return goja.Undefined()
	}
	return out
}

// collectionValue is c's JSON form as a Collection object (see
// collectionPrelude).
func (r *runtime) collectionValue(c *galley.Collection) goja.Value {
	if c == nil {
		return goja.Null()
	}
	b, err := json.Marshal(c)
	if err != nil {
		r.throw(err)
	}
	ctor, _ := goja.AssertConstructor(r.rt.Get("Collection"))
	obj, err := ctor(nil, r.parseJSON(b))
	if err != nil {
		r.rethrow(err)
	}
	return obj
}

// isCollection reports whether v is a Collection object.
func (r *runtime) isCollection(v goja.Value) bool {
	obj, ok := v.(*goja.Object)
	return ok && isInstance(r.rt, obj, r.rt.Get("Collection").ToObject(r.rt))
}
