package core

import (
	"fmt"
	"slices"
	"strings"

	galley "github.com/galleyhq/galley"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// MaxCollectionBody bounds a collection or import body in bytes.
const MaxCollectionBody = 16 << 20

// collectionInput is a strictly decoded collection body. Present records
// which keys the body had, for PATCH semantics; rules map a rule key to its
// value (nil = null).
type collectionInput struct {
	present   map[string]bool
	ID        string
	Name      string
	Type      string
	System    bool
	Fields    []*galley.Field
	Indexes   []string
	Rules     map[string]*string
	ViewQuery string
	rawFields []jsontext.Value
	// raw is the whole decoded body (auth options are applied from it).
	raw map[string]jsontext.Value
}

// ruleKeys are the rule keys of a collection body; the last two only apply to
// auth collections.
var ruleKeys = []string{"listRule", "viewRule", "createRule", "updateRule", "deleteRule", "authRule", "manageRule"}

// collectionKeys are the keys a collection body may set. Other keys
// (created, updated, PocketBase auth options Galley does not have yet) are
// ignored, except that a key differing from a known one only by case is
// refused: keys are case-sensitive.
var collectionKeys = append(append([]string{"id", "name", "type", "system", "fields", "indexes", "viewQuery", "created", "updated"}, ruleKeys...), authOptionKeys...)

// fieldKeys are every key of the field JSON shape, for the same case check.
var fieldKeys = []string{"id", "name", "type", "system", "hidden", "presentable", "required", "help", "min", "max", "pattern",
	"autogeneratePattern", "primaryKey", "cost", "onlyInt", "exceptDomains", "onlyDomains", "maxSize", "convertURLs",
	"onCreate", "onUpdate", "values", "maxSelect", "collectionId", "cascadeDelete", "minSelect", "mimeTypes", "thumbs", "protected"}

// Top-level messages of a collection body that cannot be read, as
// PocketBase words them: the first when the body is not an object or its
// name or type are not strings, the second for other values of the wrong
// JSON type.
const (
	msgBadCollectionJSON = "Failed to load the collection type data due to invalid formatting."
	msgBadSubmittedData  = "Failed to load the submitted data due to invalid formatting."
)

// formatError is a decode error: message msg, the problem under key (none
// when key is ""), nested as PocketBase nests collection errors.
func formatError(msg, key, code, fieldMsg string) *galley.Error {
	e := &galley.Error{Code: galley.EInvalid, Message: msg, Nested: true}
	if key != "" {
		e.Fields = map[string]galley.FieldError{key: {Code: code, Message: fieldMsg}}
	}
	return e
}

// decodeObject decodes data as one JSON object strictly (duplicate keys are
// refused) and refuses keys that differ from a known key only by case.
// prefix names the object in error keys ("" for the body, "fields.2.").
func decodeObject(data []byte, known []string, prefix string) (map[string]jsontext.Value, error) {
	var raw map[string]jsontext.Value
	if err := jsonv2.Unmarshal(data, &raw); err != nil || raw == nil {
		msg := "expected a JSON object"
		if err != nil {
			msg = jsonErrMessage(err)
		}
		if prefix == "" {
			return nil, formatError(msgBadCollectionJSON, "", "", "")
		}
		return nil, formatError(msgBadSubmittedData, strings.TrimSuffix(prefix, "."), "validation_invalid_type", "Invalid value: "+msg+".")
	}
	for k := range raw {
		if slices.Contains(known, k) {
			continue
		}
		for _, kk := range known {
			if strings.EqualFold(k, kk) {
				return nil, formatError(msgBadSubmittedData, prefix+k, "validation_unknown_key",
					fmt.Sprintf("Unknown key %q: keys are case-sensitive (did you mean %q?).", k, kk))
			}
		}
	}
	return raw, nil
}

// decodeCollection decodes a collection body. A value of the wrong JSON type
// is EInvalid naming the key ("name", "fields.2.maxSelect").
func decodeCollection(data []byte, prefix string) (*collectionInput, error) {
	if len(data) > MaxCollectionBody {
		return nil, galley.Errorf(galley.ETooLarge, "The request body is larger than %d bytes.", MaxCollectionBody)
	}
	raw, err := decodeObject(data, collectionKeys, prefix)
	if err != nil {
		return nil, err
	}
	in := &collectionInput{present: map[string]bool{}, Rules: map[string]*string{}, raw: raw}
	get := func(key, want string, dst any) error {
		v, ok := raw[key]
		if !ok {
			return nil
		}
		in.present[key] = true
		if string(v) == "null" && strings.HasSuffix(key, "Rule") {
			return nil
		}
		if string(v) == "null" && (key == "fields" || key == "indexes") {
			delete(in.present, key) // as if not sent (PocketBase takes null for an empty list)
			return nil
		}
		if err := jsonv2.Unmarshal(v, dst); err != nil || string(v) == "null" {
			msg := msgBadSubmittedData
			if key == "name" || key == "type" {
				msg = msgBadCollectionJSON
			}
			return formatError(msg, prefix+key, "validation_invalid_type", fmt.Sprintf("Invalid value for %q: expected %s.", key, want))
		}
		return nil
	}
	errs := []error{
		get("id", "a string", &in.ID), get("name", "a string", &in.Name), get("type", "a string", &in.Type),
		get("system", "a boolean", &in.System), get("indexes", "an array of strings", &in.Indexes),
		get("viewQuery", "a string", &in.ViewQuery), get("fields", "an array of field objects", &in.rawFields),
	}
	for _, k := range ruleKeys {
		var s *string
		errs = append(errs, get(k, "a string or null", &s))
		if in.present[k] {
			in.Rules[k] = s
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	// Field errors number the fields as PocketBase does: from 1 when the
	// list has no id field (see idOffset).
	off := 1
	for _, rf := range in.rawFields {
		var named struct {
			Name string `json:"name"`
		}
		if jsonv2.Unmarshal(rf, &named) == nil && named.Name == "id" {
			off = 0
		}
	}
	for i, rf := range in.rawFields {
		fp := fmt.Sprintf("%sfields.%d", prefix, i+off)
		if _, err := decodeObject(rf, fieldKeys, fp+"."); err != nil {
			return nil, err
		}
		f := &galley.Field{}
		if err := f.UnmarshalJSON(rf); err != nil {
			return nil, formatError(msgBadSubmittedData, fp, "validation_invalid_type", "Invalid field: "+jsonErrMessage(err)+".")
		}
		if !galley.ValidFieldType(f.Type) {
			return nil, formatError(msgBadSubmittedData, fp+".type", "validation_invalid_type", fmt.Sprintf("Unknown field type %q.", f.Type))
		}
		in.Fields = append(in.Fields, f)
	}
	return in, nil
}
