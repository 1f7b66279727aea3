package core

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

// regexpCache compiles field patterns once.
type regexpCache struct{ m sync.Map }

func (c *regexpCache) get(p string) (*regexp.Regexp, error) {
	if v, ok := c.m.Load(p); ok {
		return v.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	c.m.Store(p, re)
	return re, nil
}

// validateRecord checks every field of r against its options. It queries q
// to check that related records exist.
func (app *App) validateRecord(ctx context.Context, q store.Querier, r *galley.Record) error {
	errs := galley.ValidationErrors{}
	for _, f := range r.Collection.Fields {
		if fe := app.validateField(ctx, q, f, r.Data[f.Name]); fe != nil {
			errs.AddParams(f.Name, fe.Code, fe.Message, fe.Params)
		}
	}
	return errs.Err()
}

func fieldErr(code, format string, args ...any) *galley.FieldError {
	return &galley.FieldError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// withParams sets the params of e (PocketBase's names for the values its
// message was made from) and returns it.
func withParams(e *galley.FieldError, params map[string]any) *galley.FieldError {
	e.Params = params
	return e
}

// dateThreshold formats a date field's min or max (stored as
// "2006-01-02 15:04:05.000Z") as PocketBase writes it in the message
// ("2006-01-02 15:04:05 +0000 UTC") and in params (RFC 3339).
func dateThreshold(s string) (message string, param string) {
	t, ok := ParseDate(s)
	if !ok {
		return s, s
	}
	return t.String(), t.Format(time.RFC3339Nano)
}

func (app *App) validateField(ctx context.Context, q store.Querier, f *galley.Field, v any) *galley.FieldError {
	required := func(empty bool) *galley.FieldError {
		if f.Required && empty {
			return fieldErr("validation_required", "Cannot be blank.")
		}
		return nil
	}
	switch f.Type {
	case galley.FieldText, galley.FieldEmail, galley.FieldURL, galley.FieldEditor, galley.FieldDate:
		s, _ := v.(string)
		if e := required(s == ""); e != nil || s == "" {
			return e
		}
		switch f.Type {
		case galley.FieldText:
			return app.validateText(f, s)
		case galley.FieldEmail:
			if !validEmail(s) {
				return fieldErr("validation_is_email", "Must be a valid email address.")
			}
			return checkDomains(f, s[strings.LastIndexByte(s, '@')+1:])
		case galley.FieldURL:
			if !validURL(s) {
				return fieldErr("validation_invalid_url", "Must be a valid url.")
			}
			u := s[strings.Index(s, "//")+2:]
			host, _, _ := strings.Cut(u, "/")
			host, _, _ = strings.Cut(host, ":")
			return checkDomains(f, host)
		case galley.FieldEditor:
			max := f.MaxSize
			if max <= 0 {
				max = DefaultEditorMaxSize
			}
			if int64(len(s)) > max {
				return fieldErr("validation_content_size_limit", "Must be at most %d bytes.", max)
			}
		case galley.FieldDate:
			// PocketBase's codes for a date out of [min, max].
			if f.DateMin != "" && s < f.DateMin {
				msg, param := dateThreshold(f.DateMin)
				return withParams(fieldErr("validation_min_greater_equal_than_required", "Must be no less than %s.", msg), map[string]any{"threshold": param})
			}
			if f.DateMax != "" && s > f.DateMax {
				msg, param := dateThreshold(f.DateMax)
				return withParams(fieldErr("validation_max_less_equal_than_required", "Must be no greater than %s.", msg), map[string]any{"threshold": param})
			}
		}
	case galley.FieldNumber:
		n, _ := v.(float64)
		if e := required(n == 0); e != nil {
			return e
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return fieldErr("validation_invalid_number", "Must be a finite number.")
		}
		if f.OnlyInt && n != math.Trunc(n) {
			return fieldErr("validation_only_int_constraint", "Decimal numbers are not allowed.")
		}
		if f.NumMin != nil && n < *f.NumMin {
			return withParams(fieldErr("validation_min_number_constraint", "Must be greater or equal than %v.", *f.NumMin), map[string]any{"min": *f.NumMin})
		}
		if f.NumMax != nil && n > *f.NumMax {
			return withParams(fieldErr("validation_max_number_constraint", "Must be less or equal than %v.", *f.NumMax), map[string]any{"max": *f.NumMax})
		}
	case galley.FieldBool:
		b, _ := v.(bool)
		return required(!b)
	case galley.FieldJSON:
		raw, _ := v.(json.RawMessage)
		s := strings.TrimSpace(string(raw))
		if e := required(s == "" || s == "null" || s == `""` || s == "[]" || s == "{}"); e != nil {
			return e
		}
		max := f.MaxSize
		if max <= 0 {
			max = DefaultJSONMaxSize
		}
		if int64(len(raw)) > max {
			return withParams(fieldErr("validation_json_size_limit", "The maximum allowed JSON size is %d bytes.", max), map[string]any{"maxSize": max})
		}
	case galley.FieldGeoPoint:
		p, _ := v.(galley.GeoPoint)
		if e := required(p.Lon == 0 && p.Lat == 0); e != nil {
			return e
		}
		// One error per field, under data.<field>: the latitude is
		// checked first, as PocketBase does.
		if p.Lat < -90 || p.Lat > 90 {
			return fieldErr("validation_invalid_latitude", "Latitude must be between -90 and 90 degrees.")
		}
		if p.Lon < -180 || p.Lon > 180 {
			return fieldErr("validation_invalid_longitude", "Longitude must be between -180 and 180 degrees.")
		}
	case galley.FieldSelect, galley.FieldRelation, galley.FieldFile:
		vals := valuesOf(v)
		if e := required(len(vals) == 0); e != nil || len(vals) == 0 {
			return e
		}
		max := f.MaxSelect
		if max < 1 {
			max = 1
		}
		if len(vals) > max {
			return withParams(fieldErr("validation_too_many_values", "Select no more than %d.", max), map[string]any{"maxSelect": max})
		}
		if f.Type == galley.FieldSelect {
			for _, x := range vals {
				if !slices.Contains(f.Values, x) {
					return withParams(fieldErr("validation_invalid_value", "Invalid value %s.", x), map[string]any{"value": x})
				}
			}
		}
		if f.Type == galley.FieldRelation {
			if f.MinSelect > 0 && len(vals) < f.MinSelect {
				return fieldErr("validation_not_enough_values", "Select at least %d.", f.MinSelect)
			}
			return app.checkRelated(ctx, q, f, vals)
		}
	case galley.FieldPassword:
		s, _ := v.(string)
		return required(s == "")
	}
	return nil
}

func (app *App) validateText(f *galley.Field, s string) *galley.FieldError {
	n := utf8.RuneCountInString(s)
	if f.Min > 0 && n < f.Min {
		return withParams(fieldErr("validation_min_text_constraint", "Must be at least %d character(s).", f.Min), map[string]any{"min": f.Min})
	}
	max := f.Max
	if max <= 0 {
		max = maxTextLength
	}
	if n > max {
		return withParams(fieldErr("validation_max_text_constraint", "Must be no more than %d character(s).", max), map[string]any{"max": max})
	}
	if f.Pattern != "" {
		re, err := app.patterns.get(f.Pattern)
		if err == nil && !re.MatchString(s) {
			return fieldErr("validation_invalid_format", "Invalid value format.")
		}
	}
	return nil
}

func checkDomains(f *galley.Field, domain string) *galley.FieldError {
	domain = strings.ToLower(domain)
	code, msg := "validation_email_domain_not_allowed", "Email domain is not allowed."
	if f.Type == galley.FieldURL {
		code, msg = "validation_url_domain_not_allowed", "Url domain is not allowed."
	}
	if len(f.OnlyDomains) > 0 && !slices.ContainsFunc(f.OnlyDomains, func(d string) bool { return strings.EqualFold(d, domain) }) {
		return fieldErr(code, "%s", msg)
	}
	if slices.ContainsFunc(f.ExceptDomains, func(d string) bool { return strings.EqualFold(d, domain) }) {
		return fieldErr(code, "%s", msg)
	}
	return nil
}

// valuesOf returns the values of a single- or multi-valued field.
func valuesOf(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case string:
		if x != "" {
			return []string{x}
		}
	}
	return nil
}

// checkRelated verifies that every id in ids exists in f's collection.
func (app *App) checkRelated(ctx context.Context, q store.Querier, f *galley.Field, ids []string) *galley.FieldError {
	target := app.db.Schema.Collection(f.CollectionID)
	if target == nil {
		return fieldErr("validation_missing_rel_records", "The related collection no longer exists.")
	}
	n, err := store.CountExistingIDs(ctx, q, target, ids)
	if err != nil {
		return fieldErr("validation_missing_rel_records", "Failed to check the related records.")
	}
	if n != len(ids) {
		return fieldErr("validation_missing_rel_records", "Failed to find all relation records with the provided ids.")
	}
	return nil
}
