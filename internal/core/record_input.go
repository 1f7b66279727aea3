package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/auth"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Default size limits of values.
const (
	DefaultJSONMaxSize   = 1 << 20 // json fields
	DefaultEditorMaxSize = 5 << 20 // editor fields
	maxTextLength        = 1 << 20 // text fields without max: 1 MiB of characters
)

// Body is a decoded record body: the raw JSON value per key.
type Body map[string]jsontext.Value

// DecodeBody decodes a JSON object strictly: duplicate keys are refused (Go's
// encoding/json would keep the last one) and invalid JSON is EInvalid.
func DecodeBody(data []byte) (Body, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return Body{}, nil
	}
	var b Body
	if err := jsonv2.Unmarshal(data, &b); err != nil {
		return nil, galley.Errorf(galley.EInvalid, "Failed to load the submitted data due to invalid formatting: %s", jsonErrMessage(err))
	}
	if b == nil {
		return nil, galley.Errorf(galley.EInvalid, "Failed to load the submitted data: expected a JSON object.")
	}
	return b, nil
}

func jsonErrMessage(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "jsontext: ")
	s = strings.TrimPrefix(s, "json: ")
	return s
}

// modifier splits a body key into field name and modifier: "views+" →
// ("views", "+"), "+tags" → ("tags", "^+"), "tags-" → ("tags", "-").
func modifier(key string) (name, mod string) {
	switch {
	case strings.HasPrefix(key, "+"):
		return key[1:], "^+"
	case strings.HasSuffix(key, "+"):
		return key[:len(key)-1], "+"
	case strings.HasSuffix(key, "-"):
		return key[:len(key)-1], "-"
	}
	return key, ""
}

// applyBody resolves body against r and applies it: plain values replace,
// modifiers add, append, prepend or remove. It returns the resolved change
// set as @request.body sees it: for every field the body sets, the value
// that will be stored (modifiers applied, coerced; a password field holds the
// submitted plain text), and every other plain key as sent. Rules, the
// protected-field checks and the write all read this one resolution, so they
// cannot disagree about what a body means.
//
// Unknown keys are ignored; a key that differs from a field name only by case
// is refused (so "Title" never silently skips "title"). Hidden fields (other
// than passwords) and autodate and system token fields are not writable
// through the body, and are absent from the change set. Modifiers on fields
// that have no such operation (passwords, emails, text, bools…) are refused.
// The returned map is non-nil even when err is not: it holds what resolved,
// so that a rule can decide visibility before a validation error is shown.
func applyBody(a Actor, r *galley.Record, in RecordInput, isNew bool) (map[string]any, error) {
	return resolveBody(a, r, in, isNew, true)
}

// resolveBody is applyBody; with hash false, passwords are checked against
// their confirmation but not hashed (for a resolution that is not stored).
//
// File fields take their uploads from in.Files under the same keys (see
// applyFiles); in.Files must have been through prepareUploads.
func resolveBody(a Actor, r *galley.Record, in RecordInput, isNew, hash bool) (map[string]any, error) {
	c := r.Collection
	body := in.Body
	errs := galley.ValidationErrors{}
	super := a.IsSuperuser()
	resolved := map[string]any{}
	// Apply plain values first, then modifiers, in a stable order.
	keys := make([]string, 0, len(body)+len(in.Files))
	for k := range body {
		keys = append(keys, k)
	}
	for k := range in.Files {
		if _, ok := body[k]; !ok {
			keys = append(keys, k)
		}
	}
	origFiles := map[string][]string{}
	for _, f := range c.Fields {
		if f.Type == galley.FieldFile {
			origFiles[f.Name] = slices.Clone(valuesOf(r.Data[f.Name]))
		}
	}
	slices.SortFunc(keys, func(x, y string) int {
		_, mx := modifier(x)
		_, my := modifier(y)
		if (mx == "") != (my == "") {
			if mx == "" {
				return -1
			}
			return 1
		}
		return strings.Compare(x, y)
	})
	var passwords []*galley.Field
	for _, key := range keys {
		raw := body[key]
		name, mod := modifier(key)
		f := c.Field(name)
		if f == nil {
			if mod == "" && raw != nil {
				var x any
				if err := json.Unmarshal(raw, &x); err == nil {
					resolved[key] = x
				}
			}
			if c.IsAuth() && (key == "passwordConfirm" || key == "oldPassword") {
				continue
			}
			for _, ff := range c.Fields {
				if strings.EqualFold(ff.Name, name) {
					errs.Add(key, "validation_unknown_field", fmt.Sprintf("Unknown field %q; did you mean %q? Field names are case-sensitive.", key, ff.Name))
					break
				}
			}
			continue
		}
		if f.Type == galley.FieldAutodate || (f.Name == "tokenKey" && c.IsAuth()) {
			continue
		}
		if f.Hidden && f.Type != galley.FieldPassword && !super {
			continue
		}
		if f.Name == "id" && !isNew {
			// The same id may be sent back; another one is refused.
			var id string
			if mod != "" || raw == nil || jsonv2.Unmarshal(raw, &id) != nil || id != r.ID() {
				errs.Add("id", "validation_pk_change", "The record primary key cannot be changed.")
			}
			continue
		}
		if f.Type == galley.FieldFile {
			if ferr := applyFiles(f, r, origFiles[f.Name], mod, raw, in.Files[key]); ferr != nil {
				// Errors about the field's files are the field's (as
				// validation errors are), whatever key carried them.
				errs.AddParams(f.Name, ferr.Code, ferr.Message, ferr.Params)
				continue
			}
			resolved[f.Name] = bodyValue(r.Data[f.Name])
			continue
		}
		if raw == nil {
			// Uploads under a key of another field: prepareUploads refused them.
			continue
		}
		if mod != "" && !modifiable(f, mod) {
			errs.Add(key, "validation_invalid_modifier", fmt.Sprintf("The %q modifier is not supported for %s fields.", strings.TrimPrefix(mod, "^"), f.Type))
			continue
		}
		if f.Type == galley.FieldPassword {
			var pw string
			if err := jsonv2.Unmarshal(raw, &pw); err != nil {
				errs.Add(key, "validation_invalid_value", "Must be a string.")
				continue
			}
			resolved[f.Name] = pw
			passwords = append(passwords, f)
			continue
		}
		v, ferr := coerce(f, raw)
		if ferr != nil {
			errs.AddParams(key, ferr.Code, ferr.Message, ferr.Params)
			continue
		}
		if mod == "" {
			r.Data[f.Name] = v
		} else if ferr := applyModifier(f, r, mod, v); ferr != nil {
			errs.AddParams(key, ferr.Code, ferr.Message, ferr.Params)
			continue
		}
		normalizeField(r, f)
		resolved[f.Name] = bodyValue(r.Data[f.Name])
	}
	if c.IsAuth() && isNew && hash && !slices.ContainsFunc(passwords, func(f *galley.Field) bool { return resolved[f.Name] != "" }) {
		// A new auth record without a password: the password and its
		// confirmation are reported first, before the other fields, as
		// PocketBase does.
		var confirm string
		if v, ok := body["passwordConfirm"]; ok {
			_ = jsonv2.Unmarshal(v, &confirm)
		}
		errs.Add("password", "validation_required", "Cannot be blank.")
		if confirm == "" {
			errs.Add("passwordConfirm", "validation_required", "Cannot be blank.")
		}
	}
	for _, f := range passwords {
		if !hash {
			continue
		}
		if err := applyPassword(c, r, f, resolved[f.Name].(string), body); err != nil {
			key := f.Name
			if err.Code == "validation_values_mismatch" || err.Code == "validation_required" {
				key = "passwordConfirm"
			}
			errs.Add(key, err.Code, err.Message)
		}
	}
	return resolved, errs.Err()
}

// modifiable reports whether field f supports modifier mod ("+", "^+",
// "-"): numbers add and subtract, select and relation fields add and remove.
func modifiable(f *galley.Field, mod string) bool {
	switch f.Type {
	case galley.FieldNumber:
		return mod == "+" || mod == "-"
	case galley.FieldSelect, galley.FieldRelation:
		return true
	}
	return false
}

// bodyValue is the @request.body form of a stored value: JSON fields
// decoded, everything else as stored.
func bodyValue(v any) any {
	switch x := v.(type) {
	case json.RawMessage:
		var out any
		if err := json.Unmarshal(x, &out); err != nil {
			return nil
		}
		return out
	case []string:
		return slices.Clone(x)
	}
	return v
}

func applyPassword(c *galley.Collection, r *galley.Record, f *galley.Field, pw string, body Body) *galley.FieldError {
	if pw == "" {
		return nil
	}
	if c.IsAuth() {
		var confirm string
		if v, ok := body["passwordConfirm"]; ok {
			_ = jsonv2.Unmarshal(v, &confirm)
		}
		if confirm == "" {
			return &galley.FieldError{Code: "validation_required", Message: "Cannot be blank."}
		}
		if confirm != pw {
			return &galley.FieldError{Code: "validation_values_mismatch", Message: "Values don't match."}
		}
	}
	hash, fe := hashPassword(f, pw)
	if fe != nil {
		return fe
	}
	r.Data[f.Name] = hash
	if c.IsAuth() {
		r.Data["tokenKey"] = galley.RandomString(50, tokenKeyAlphabet)
	}
	return nil
}

// hashPassword checks pw against the password field's options (minimum
// length, default 8; maximum length; pattern; never over bcrypt's 72 bytes)
// and returns its bcrypt hash at the field's cost.
func hashPassword(f *galley.Field, pw string) (string, *galley.FieldError) {
	min := f.Min
	if min <= 0 {
		min = 8
	}
	// The codes are the text field's, as PocketBase answers them.
	n := utf8.RuneCountInString(pw)
	if n < min {
		return "", &galley.FieldError{Code: "validation_min_text_constraint", Message: fmt.Sprintf("Must be at least %d character(s).", min)}
	}
	if len(pw) > auth.MaxPasswordBytes {
		return "", &galley.FieldError{Code: "validation_max_text_constraint", Message: fmt.Sprintf("Must be no more than %d bytes.", auth.MaxPasswordBytes)}
	}
	if f.Max > 0 && n > f.Max {
		return "", &galley.FieldError{Code: "validation_max_text_constraint", Message: fmt.Sprintf("Must be no more than %d character(s).", f.Max)}
	}
	if f.Pattern != "" {
		if re, err := regexp.Compile(f.Pattern); err == nil && !re.MatchString(pw) {
			return "", &galley.FieldError{Code: "validation_invalid_format", Message: "Invalid value format."}
		}
	}
	hash, err := auth.HashPassword(pw, f.Cost)
	if err != nil {
		return "", &galley.FieldError{Code: "validation_invalid_value", Message: "Invalid password."}
	}
	return hash, nil
}

const tokenKeyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func applyModifier(f *galley.Field, r *galley.Record, mod string, v any) *galley.FieldError {
	switch {
	case f.Type == galley.FieldNumber && (mod == "+" || mod == "-"):
		cur, _ := r.Data[f.Name].(float64)
		d, _ := v.(float64)
		if mod == "-" {
			d = -d
		}
		r.Data[f.Name] = cur + d
		return nil
	case f.IsMulti():
		cur, _ := r.Data[f.Name].([]string)
		add, _ := v.([]string)
		switch mod {
		case "+":
			for _, x := range add {
				if !slices.Contains(cur, x) {
					cur = append(cur, x)
				}
			}
		case "^+":
			var pre []string
			for _, x := range add {
				if !slices.Contains(cur, x) && !slices.Contains(pre, x) {
					pre = append(pre, x)
				}
			}
			cur = append(pre, cur...)
		case "-":
			cur = slices.DeleteFunc(slices.Clone(cur), func(x string) bool { return slices.Contains(add, x) })
		}
		r.Data[f.Name] = cur
		return nil
	case (f.Type == galley.FieldSelect || f.Type == galley.FieldRelation) && mod == "-":
		if s, _ := v.([]string); len(s) > 0 && slices.Contains(s, r.GetString(f.Name)) {
			r.Data[f.Name] = ""
		}
		return nil
	case (f.Type == galley.FieldSelect || f.Type == galley.FieldRelation) && (mod == "+" || mod == "^+"):
		if s, _ := v.([]string); len(s) > 0 {
			r.Data[f.Name] = s[len(s)-1]
		}
		return nil
	}
	return &galley.FieldError{Code: "validation_invalid_modifier", Message: fmt.Sprintf("The %q modifier is not supported for %s fields.", strings.TrimPrefix(mod, "^"), f.Type)}
}

// coerce converts a raw JSON value to the canonical Go value of f. Lenient
// where PocketBase is (numeric strings for numbers, "true" for bools, a plain
// string for a multi-valued field) and strict where it is silent: a
// non-numeric string for a number is refused.
func coerce(f *galley.Field, raw jsontext.Value) (any, *galley.FieldError) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, &galley.FieldError{Code: "validation_invalid_value", Message: "Invalid JSON value."}
	}
	bad := func(msg string) (any, *galley.FieldError) {
		return nil, &galley.FieldError{Code: "validation_invalid_value", Message: msg}
	}
	switch f.Type {
	case galley.FieldNumber:
		switch x := v.(type) {
		case nil:
			return 0.0, nil
		case float64:
			return x, nil
		case bool:
			if x {
				return 1.0, nil
			}
			return 0.0, nil
		case string:
			if strings.TrimSpace(x) == "" {
				return 0.0, nil
			}
			n, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				return bad("Must be a number.")
			}
			return n, nil
		}
		return bad("Must be a number.")
	case galley.FieldBool:
		switch x := v.(type) {
		case nil:
			return false, nil
		case bool:
			return x, nil
		case float64:
			return x != 0, nil
		case string:
			switch strings.ToLower(x) {
			case "true", "1", "on", "yes":
				return true, nil
			case "false", "0", "off", "no", "":
				return false, nil
			}
		}
		return bad("Must be a boolean.")
	case galley.FieldJSON:
		return json.RawMessage(bytes.Clone(raw)), nil
	case galley.FieldGeoPoint:
		if v == nil {
			return galley.GeoPoint{}, nil
		}
		m, ok := v.(map[string]any)
		if !ok {
			return bad(`Must be an object {"lon": number, "lat": number}.`)
		}
		lon, ok1 := m["lon"].(float64)
		lat, ok2 := m["lat"].(float64)
		if !ok1 || !ok2 {
			return bad(`Must be an object {"lon": number, "lat": number}.`)
		}
		return galley.GeoPoint{Lon: lon, Lat: lat}, nil
	case galley.FieldSelect, galley.FieldRelation, galley.FieldFile:
		var list []string
		switch x := v.(type) {
		case nil:
		case string:
			if x != "" {
				list = []string{x}
			}
		case []any:
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return bad("Must be a string or a list of strings.")
				}
				if s != "" && !slices.Contains(list, s) {
					list = append(list, s)
				}
			}
		default:
			return bad("Must be a string or a list of strings.")
		}
		if f.IsMulti() {
			if list == nil {
				list = []string{}
			}
			return list, nil
		}
		return list, nil // single-valued: the caller keeps the last value (see normalizeSingle)
	case galley.FieldDate:
		switch x := v.(type) {
		case nil:
			return "", nil
		case string:
			if x == "" {
				return "", nil
			}
			t, ok := ParseDate(x)
			if !ok {
				return bad("Must be a valid date, e.g. 2006-01-02 15:04:05.000Z.")
			}
			return galley.FormatTime(t), nil
		}
		return bad("Must be a date string.")
	}
	// text-like
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return bad("Must be a string.")
}

// ParseDate parses the date layouts clients commonly send, in UTC.
func ParseDate(s string) (time.Time, bool) {
	for _, layout := range []string{galley.DateLayout, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05.999999999Z07:00",
		time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// normalizeSingle turns the []string produced by coerce for single-valued
// select/relation/file fields into a plain string (the last value).
func normalizeSingle(r *galley.Record) {
	for _, f := range r.Collection.Fields {
		normalizeField(r, f)
	}
}

// normalizeField is normalizeSingle for one field.
func normalizeField(r *galley.Record, f *galley.Field) {
	if f.IsMulti() {
		return
	}
	if list, ok := r.Data[f.Name].([]string); ok {
		if len(list) == 0 {
			r.Data[f.Name] = ""
		} else {
			r.Data[f.Name] = list[len(list)-1]
		}
	}
}

// validEmail reports whether s is a plain address (no display name).
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// validURL reports whether s is an absolute http(s) URL with a host.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func jsonString(s string) jsontext.Value {
	b, _ := json.Marshal(s)
	return jsontext.Value(b)
}
