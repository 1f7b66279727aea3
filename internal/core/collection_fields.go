package core

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	galley "github.com/galleyhq/galley"
)

var fieldNameRe = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)

// maxFieldNameLength bounds field names (PocketBase: 100; Galley's
// PostgreSQL columns hold 63 bytes).
const maxFieldNameLength = 64

// validateField checks field i of c (a base or auth collection). add takes
// keys relative to the field ("name", "maxSelect").
func validateField(c *galley.Collection, i int, f *galley.Field, ws *workingSchema, add addFunc) {
	switch {
	case f.Name == "":
		add("name", "validation_required", "Cannot be blank.")
	case len(f.Name) > maxFieldNameLength:
		add("name", "validation_length_out_of_range", "The length must be between 1 and %d.", maxFieldNameLength,
			errParams{"min": 1, "max": maxFieldNameLength})
	case !fieldNameRe.MatchString(f.Name):
		add("name", "validation_match_invalid", "Must be in a valid format.")
	case slices.Contains(reservedFieldNames, strings.ToLower(f.Name)) || strings.HasPrefix(strings.ToLower(f.Name), "_galley"):
		add("name", "validation_not_in_invalid", "Must not be in list.")
	case strings.EqualFold(f.Name, "id") && f.Name != "id":
		add("name", "validation_duplicated_field_name", "Duplicated or invalid field name %s.", f.Name, errParams{"fieldName": f.Name})
	}
	for _, o := range c.Fields[:i] {
		if strings.EqualFold(o.Name, f.Name) {
			// PocketBase accepts two fields of the same name (and keeps
			// one); Galley refuses the second, with PocketBase's error for
			// the names it does refuse.
			add("name", "validation_duplicated_field_name", "Duplicated or invalid field name %s.", f.Name, errParams{"fieldName": f.Name})
		}
		if o.ID == f.ID {
			add("id", "validation_duplicate_field_id", "The id %q is used by another field.", f.ID)
		}
	}
	if f.ID == "" || len(f.ID) > 100 || !fieldNameRe.MatchString(f.ID) {
		add("id", "validation_invalid_id", "Field ids are 1-100 letters, digits and underscores.")
	}
	if !galley.ValidFieldType(f.Type) {
		add("type", "validation_invalid_type", "Unknown field type %q.", f.Type)
		return
	}
	if f.PrimaryKey && f.Name != "id" {
		add("primaryKey", "validation_unsupported_composite_pk", "Composite PKs are not supported and the collection must have only 1 PK.")
	}
	switch f.Type {
	case galley.FieldText, galley.FieldPassword:
		validateTextOptions(f, add)
	case galley.FieldNumber:
		for key, p := range map[string]*float64{"min": f.NumMin, "max": f.NumMax} {
			if f.OnlyInt && p != nil && *p != math.Trunc(*p) {
				add(key, "validation_only_int_constraint", "Decimal numbers are not allowed.")
			}
		}
		if f.NumMin != nil && f.NumMax != nil && *f.NumMin > *f.NumMax {
			add("max", "validation_min_number_constraint", "Must be greater or equal than %v.", *f.NumMin, errParams{"min": *f.NumMin})
		}
	case galley.FieldEmail, galley.FieldURL:
		if len(f.OnlyDomains) > 0 && len(f.ExceptDomains) > 0 {
			add("onlyDomains", "validation_empty", "Must be blank.")
			add("exceptDomains", "validation_empty", "Must be blank.")
		}
		for key, list := range map[string][]string{"onlyDomains": f.OnlyDomains, "exceptDomains": f.ExceptDomains} {
			for j, d := range list {
				if !domainRe.MatchString(d) {
					add(fmt.Sprintf("%s.%d", key, j), "validation_is_domain", "Must be a valid domain.")
				}
			}
		}
	case galley.FieldEditor, galley.FieldJSON:
		notNegative(add, "maxSize", f.MaxSize)
	case galley.FieldDate:
		validateDateOptions(f, add)
	case galley.FieldAutodate:
		if !f.OnCreate && !f.OnUpdate {
			add("onCreate", "validation_required", "Either onCreate or onUpdate must be enabled.")
			add("onUpdate", "validation_required", "Either onCreate or onUpdate must be enabled.")
		}
	case galley.FieldSelect:
		validateSelect(f, add)
	case galley.FieldRelation:
		validateRelation(f, ws, add)
	case galley.FieldFile:
		// maxSelect 0 is kept as sent (one file, as PocketBase reads it).
		notNegative(add, "maxSelect", int64(f.MaxSelect))
		notNegative(add, "maxSize", f.MaxSize)
		for j, t := range f.Thumbs {
			if !thumbRe.MatchString(t) {
				add(fmt.Sprintf("thumbs.%d", j), "validation_match_invalid", "Must be in a valid format.")
			}
		}
	}
}

// domainRe is a host name of at least two labels.
var domainRe = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

// thumbRe is a thumb size: WxH with an optional t, b or f crop mode, one
// side may be 0.
var thumbRe = regexp.MustCompile(`^\d+x\d+(t|b|f)?$`)

// notNegative adds PocketBase's error for an option below 0.
func notNegative(add addFunc, key string, v int64) {
	if v < 0 {
		atLeast(add, key, 0)
	}
}

// atLeast adds PocketBase's error for an option below threshold.
func atLeast(add addFunc, key string, threshold int) {
	add(key, "validation_min_greater_equal_than_required", "Must be no less than %d.", threshold, errParams{"threshold": threshold})
}

// atMost adds PocketBase's error for an option above threshold.
func atMost(add addFunc, key string, threshold int) {
	add(key, "validation_max_less_equal_than_required", "Must be no greater than %d.", threshold, errParams{"threshold": threshold})
}

func validateTextOptions(f *galley.Field, add addFunc) {
	switch {
	case f.Type == galley.FieldPassword && f.Min < 0:
		atLeast(add, "min", 1) // as PocketBase answers a negative password min
	case f.Min < 0:
		atLeast(add, "min", 0)
	}
	if f.Max < 0 || (f.Max > 0 && f.Max < f.Min) {
		atLeast(add, "max", max(f.Min, 0))
	}
	var re *regexp.Regexp
	if f.Pattern != "" {
		var err error
		if re, err = regexp.Compile(f.Pattern); err != nil {
			add("pattern", "validation_invalid_regex", "%s.", upperFirst(err.Error()))
		}
	}
	if f.Type == galley.FieldPassword {
		switch {
		case f.Cost != 0 && f.Cost < 4:
			atLeast(add, "cost", 4)
		case f.Cost > 31:
			atMost(add, "cost", 31)
		}
		return
	}
	if f.AutogeneratePattern != "" {
		if _, err := regexp.Compile(f.AutogeneratePattern); err != nil {
			add("autogeneratePattern", "validation_invalid_regex", "%s.", upperFirst(err.Error()))
			return
		}
		v, err := GenerateFromPattern(f.AutogeneratePattern)
		switch {
		case err != nil:
			add("autogeneratePattern", "validation_invalid_pattern", "Cannot generate values from this pattern: %v.", err)
		case re != nil && !re.MatchString(v):
			add("autogeneratePattern", "validation_invalid_autogenerate_pattern_value",
				"The provided autogenerate pattern could produce invalid field values, ex.: %q.", v)
		case f.Max > 0 && len([]rune(v)) > f.Max || len([]rune(v)) < f.Min:
			add("autogeneratePattern", "validation_invalid_pattern", "Generated values would not fit the field's min/max length.")
		}
	}
}

func validateDateOptions(f *galley.Field, add addFunc) {
	lo, hi := f.DateMin, f.DateMax
	tlo, okLo := ParseDate(lo)
	thi, okHi := ParseDate(hi)
	if lo != "" && !okLo {
		add("min", "validation_invalid_date", "Invalid date.")
	}
	if hi != "" && !okHi {
		add("max", "validation_invalid_date", "Invalid date.")
	}
	if okLo && okHi && thi.Before(tlo) {
		add("max", "validation_min_greater_equal_than_max", "Must be after min.")
	}
}

func validateSelect(f *galley.Field, add addFunc) {
	// maxSelect 0 is kept as sent (one value, as PocketBase reads it).
	if len(f.Values) == 0 {
		add("values", "validation_required", "Cannot be blank.")
	}
	seen := map[string]bool{}
	for _, v := range f.Values {
		if v == "" || seen[v] {
			add("values", "validation_invalid_values", "Values must be non-empty and unique.")
			break
		}
		seen[v] = true
	}
	switch {
	case f.MaxSelect < 0:
		atLeast(add, "maxSelect", 0)
	case len(f.Values) > 0 && f.MaxSelect > len(f.Values):
		atMost(add, "maxSelect", len(f.Values))
	}
}

func validateRelation(f *galley.Field, ws *workingSchema, add addFunc) {
	// maxSelect 0 is kept as sent (one record, as PocketBase reads it).
	switch {
	case f.MinSelect < 0:
		atLeast(add, "minSelect", 0)
	case f.MaxSelect < 0:
		atLeast(add, "maxSelect", 0)
	case f.MinSelect > max(f.MaxSelect, 1):
		atLeast(add, "maxSelect", f.MinSelect)
	}
	target := ws.get(f.CollectionID)
	switch {
	case f.CollectionID == "":
		add("collectionId", "validation_required", "Cannot be blank.")
	case target == nil:
		add("collectionId", "validation_field_relation_missing_collection", "The relation collection doesn't exist.")
	case target.IsView():
		add("collectionId", "validation_view_relation", "Relations cannot point to view collections.")
	default:
		f.CollectionID = target.ID
	}
}
