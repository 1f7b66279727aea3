package galley

import (
	"encoding/json"
	"fmt"
	"slices"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Field types.
const (
	FieldText     = "text"
	FieldNumber   = "number"
	FieldBool     = "bool"
	FieldEmail    = "email"
	FieldURL      = "url"
	FieldEditor   = "editor"
	FieldDate     = "date"
	FieldAutodate = "autodate"
	FieldSelect   = "select"
	FieldJSON     = "json"
	FieldRelation = "relation"
	FieldFile     = "file"
	FieldPassword = "password"
	FieldGeoPoint = "geoPoint"
)

// FieldTypes lists every field type the field model accepts.
var FieldTypes = []string{FieldText, FieldNumber, FieldBool, FieldEmail, FieldURL, FieldEditor,
	FieldDate, FieldAutodate, FieldSelect, FieldJSON, FieldRelation, FieldFile, FieldPassword, FieldGeoPoint}

// Field is one field of a collection. Options that do not apply to Type are
// ignored and not serialised. The JSON shape is PocketBase's: common keys plus
// flat type-specific options.
type Field struct {
	ID          string
	Name        string
	Type        string
	System      bool
	Hidden      bool
	Presentable bool
	Required    bool
	// Help is a hint for the people who fill the field in (the dashboard
	// shows it); autodate fields have none.
	Help string

	// text, password: length bounds in characters (0 = none); pattern is a Go regexp.
	Min, Max int
	Pattern  string
	// text only.
	AutogeneratePattern string
	PrimaryKey          bool

	// number: bounds (nil = none); onlyInt refuses decimals.
	NumMin, NumMax *float64
	OnlyInt        bool

	// email, url.
	ExceptDomains, OnlyDomains []string

	// editor, json, file: maximum size in bytes (0 = default).
	MaxSize     int64
	ConvertURLs bool

	// date: bounds as "2006-01-02 15:04:05.000Z" ("" = none).
	DateMin, DateMax string

	// autodate.
	OnCreate, OnUpdate bool

	// select.
	Values []string
	// select, relation, file: maximum number of values (<=1 means single-valued).
	MaxSelect int

	// relation.
	CollectionID  string
	CascadeDelete bool
	MinSelect     int

	// file.
	MimeTypes []string
	Thumbs    []string
	Protected bool

	// password: bcrypt cost (0 = default).
	Cost int
}

// IsMulti reports whether the field holds a list of values (multi select,
// multi relation, multi file). Multi-valued fields are stored as JSON arrays.
func (f *Field) IsMulti() bool {
	switch f.Type {
	case FieldSelect, FieldRelation, FieldFile:
		return f.MaxSelect > 1
	}
	return false
}

// MarshalJSON writes the PocketBase field shape.
func (f *Field) MarshalJSON() ([]byte, error) {
	m := map[string]any{
		"id": f.ID, "name": f.Name, "type": f.Type, "system": f.System,
		"hidden": f.Hidden, "presentable": f.Presentable,
	}
	if f.Type != FieldAutodate { // PocketBase's autodate has neither key
		m["required"], m["help"] = f.Required, f.Help
	}
	strs := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	switch f.Type {
	case FieldText:
		m["min"], m["max"], m["pattern"] = f.Min, f.Max, f.Pattern
		m["autogeneratePattern"], m["primaryKey"] = f.AutogeneratePattern, f.PrimaryKey
	case FieldPassword:
		m["min"], m["max"], m["pattern"], m["cost"] = f.Min, f.Max, f.Pattern, f.Cost
	case FieldNumber:
		m["min"], m["max"], m["onlyInt"] = f.NumMin, f.NumMax, f.OnlyInt
	case FieldEmail, FieldURL:
		m["exceptDomains"], m["onlyDomains"] = strs(f.ExceptDomains), strs(f.OnlyDomains)
	case FieldEditor:
		m["maxSize"], m["convertURLs"] = f.MaxSize, f.ConvertURLs
	case FieldDate:
		m["min"], m["max"] = f.DateMin, f.DateMax
	case FieldAutodate:
		m["onCreate"], m["onUpdate"] = f.OnCreate, f.OnUpdate
	case FieldSelect:
		m["values"], m["maxSelect"] = strs(f.Values), f.MaxSelect
	case FieldJSON:
		m["maxSize"] = f.MaxSize
	case FieldRelation:
		m["collectionId"], m["cascadeDelete"] = f.CollectionID, f.CascadeDelete
		m["minSelect"], m["maxSelect"] = f.MinSelect, f.MaxSelect
	case FieldFile:
		m["maxSelect"], m["maxSize"], m["mimeTypes"] = f.MaxSelect, f.MaxSize, strs(f.MimeTypes)
		m["thumbs"], m["protected"] = strs(f.Thumbs), f.Protected
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads the PocketBase field shape strictly: duplicate keys are
// refused, keys match case-sensitively (a "Name" key is not "name"), and a
// value of the wrong JSON type is an error naming the key. Unknown keys are
// ignored.
func (f *Field) UnmarshalJSON(data []byte) error {
	var raw map[string]jsontext.Value
	if err := jsonv2.Unmarshal(data, &raw); err != nil {
		return err
	}
	*f = Field{}
	get := func(key string, dst any) error {
		v, ok := raw[key]
		if !ok || string(v) == "null" {
			return nil
		}
		if err := jsonv2.Unmarshal(v, dst); err != nil {
			return fmt.Errorf("field option %q: invalid value %s", key, v)
		}
		return nil
	}
	errs := []error{
		get("id", &f.ID), get("name", &f.Name), get("type", &f.Type), get("system", &f.System),
		get("hidden", &f.Hidden), get("presentable", &f.Presentable), get("required", &f.Required), get("help", &f.Help),
	}
	if f.Type == FieldAutodate {
		f.Required, f.Help = false, ""
	}
	switch f.Type {
	case FieldText:
		errs = append(errs, get("min", &f.Min), get("max", &f.Max), get("pattern", &f.Pattern),
			get("autogeneratePattern", &f.AutogeneratePattern), get("primaryKey", &f.PrimaryKey))
	case FieldPassword:
		errs = append(errs, get("min", &f.Min), get("max", &f.Max), get("pattern", &f.Pattern), get("cost", &f.Cost))
	case FieldNumber:
		errs = append(errs, get("min", &f.NumMin), get("max", &f.NumMax), get("onlyInt", &f.OnlyInt))
	case FieldEmail, FieldURL:
		errs = append(errs, get("exceptDomains", &f.ExceptDomains), get("onlyDomains", &f.OnlyDomains))
	case FieldEditor:
		errs = append(errs, get("maxSize", &f.MaxSize), get("convertURLs", &f.ConvertURLs))
	case FieldDate:
		errs = append(errs, get("min", &f.DateMin), get("max", &f.DateMax))
	case FieldAutodate:
		errs = append(errs, get("onCreate", &f.OnCreate), get("onUpdate", &f.OnUpdate))
	case FieldSelect:
		errs = append(errs, get("values", &f.Values), get("maxSelect", &f.MaxSelect))
	case FieldJSON:
		errs = append(errs, get("maxSize", &f.MaxSize))
	case FieldRelation:
		errs = append(errs, get("collectionId", &f.CollectionID), get("cascadeDelete", &f.CascadeDelete),
			get("minSelect", &f.MinSelect), get("maxSelect", &f.MaxSelect))
	case FieldFile:
		errs = append(errs, get("maxSelect", &f.MaxSelect), get("maxSize", &f.MaxSize),
			get("mimeTypes", &f.MimeTypes), get("thumbs", &f.Thumbs), get("protected", &f.Protected))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ValidFieldType reports whether t is a known field type.
func ValidFieldType(t string) bool { return slices.Contains(FieldTypes, t) }
