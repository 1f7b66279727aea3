package core

import (
	"encoding/json"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/auth"
	"github.com/go-json-experiment/json/jsontext"
)

// This file is for application code that sets record values one at a time
// (the JavaScript hooks' record.set): the same conversion a request body's
// value gets, so a value set by code is stored exactly as if a client had
// sent it.

// SetField sets the field name of r to v, converted to the field's
// canonical Go value as a request body's value would be (v is any value
// encoding/json can encode: a string, float64, bool, nil, []any,
// map[string]any, …). A password field is hashed after its checks (on an
// auth record the tokenKey is renewed, so older tokens stop working); ""
// leaves the password as it is. An unknown field, or a value the field
// cannot hold, is EInvalid naming the field. Nothing is validated beyond
// the conversion: Save validates the whole record.
func SetField(r *galley.Record, name string, v any) error {
	if r == nil || r.Collection == nil {
		return galley.Errorf(galley.EInvalid, "The record has no collection.")
	}
	f := r.Collection.Field(name)
	if f == nil {
		return galley.Errorf(galley.EInvalid, "The collection %q has no field %q.", r.Collection.Name, name)
	}
	if f.Type == galley.FieldPassword {
		pw, ok := v.(string)
		if !ok {
			return galley.FieldInvalid(name, "validation_invalid_value", "Must be a string.")
		}
		if pw == "" {
			return nil
		}
		hash, fe := hashPassword(f, pw)
		if fe != nil {
			return galley.FieldInvalid(name, fe.Code, fe.Message)
		}
		r.Data[name] = hash
		if r.Collection.IsAuth() {
			r.Data["tokenKey"] = galley.RandomString(50, tokenKeyAlphabet)
		}
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return galley.FieldInvalid(name, "validation_invalid_value", "The value cannot be encoded as JSON.")
	}
	val, fe := coerce(f, jsontext.Value(raw))
	if fe != nil {
		return galley.FieldInvalid(name, fe.Code, fe.Message)
	}
	r.Data[name] = val
	normalizeField(r, f)
	return nil
}

// CheckRecordPassword reports whether pw is the password of r (its field
// "password", or the first password field): false when r has none.
func CheckRecordPassword(r *galley.Record, pw string) bool {
	if r == nil || r.Collection == nil {
		return false
	}
	name := "password"
	if f := r.Collection.Field(name); f == nil || f.Type != galley.FieldPassword {
		name = ""
		for _, f := range r.Collection.Fields {
			if f.Type == galley.FieldPassword {
				name = f.Name
				break
			}
		}
	}
	hash := r.GetString(name)
	return name != "" && hash != "" && auth.CheckPassword(hash, pw)
}
