package core

import (
	"regexp"
	"slices"
	"strings"

	galley "github.com/galleyhq/galley"
)

var fieldNameRe = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)

// validateField checks field i of c (a base or auth collection). add takes
// keys relative to the field ("name", "maxSelect").
func validateField(c *galley.Collection, i int, f *galley.Field, ws *workingSchema, add addFunc) {
	switch {
	case f.Name == "":
		add("name", "validation_required", "Cannot be blank.")
	case len(f.Name) > 64 || !fieldNameRe.MatchString(f.Name):
		add("name", "validation_invalid_name", "Use 1-64 letters, digits and underscores.")
	case slices.Contains(reservedFieldNames, strings.ToLower(f.Name)) || strings.HasPrefix(strings.ToLower(f.Name), "_galley"):
		add("name", "validation_reserved_name", "The name %q is reserved.", f.Name)
	case strings.EqualFold(f.Name, "id") && f.Name != "id":
		add("name", "validation_reserved_name", `Use "id" for the primary key field.`)
	}
	for _, o := range c.Fields[:i] {
		if strings.EqualFold(o.Name, f.Name) {
			add("name", "validation_duplicate_field_name", "The name %q is used by another field.", f.Name)
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
		add("primaryKey", "validation_primary_key", `Only the "id" field can be the primary key.`)
	}
	switch f.Type {
	case galley.FieldText, galley.FieldPassword:
		validateTextOptions(f, add)
	case galley.FieldNumber:
		if f.NumMin != nil && f.NumMax != nil && *f.NumMin > *f.NumMax {
			add("max", "validation_min_greater_equal_than_max", "Must be greater than or equal to min.")
		}
	case galley.FieldEmail, galley.FieldURL:
		if len(f.OnlyDomains) > 0 && len(f.ExceptDomains) > 0 {
			add("onlyDomains", "validation_domains_conflict", "Set onlyDomains or exceptDomains, not both.")
		}
		for _, d := range append(slices.Clone(f.OnlyDomains), f.ExceptDomains...) {
			if d == "" || strings.ContainsAny(d, " @/") {
				add("onlyDomains", "validation_invalid_domain", "Invalid domain %q.", d)
			}
		}
	case galley.FieldEditor, galley.FieldJSON:
		if f.MaxSize < 0 {
			add("maxSize", "validation_min_greater_equal_than_required", "Must be 0 or more.")
		}
	case galley.FieldDate:
		validateDateOptions(f, add)
	case galley.FieldSelect:
		validateSelect(f, add)
	case galley.FieldRelation:
		validateRelation(f, ws, add)
	case galley.FieldFile:
		if f.MaxSelect < 1 {
			f.MaxSelect = 1
		}
		if f.MaxSize < 0 {
			add("maxSize", "validation_min_greater_equal_than_required", "Must be 0 or more.")
		}
	}
}

func validateTextOptions(f *galley.Field, add addFunc) {
	if f.Min < 0 {
		add("min", "validation_min_greater_equal_than_required", "Must be 0 or more.")
	}
	if f.Max < 0 || (f.Max > 0 && f.Max < f.Min) {
		add("max", "validation_min_greater_equal_than_max", "Must be 0 (no limit) or at least min.")
	}
	var re *regexp.Regexp
	if f.Pattern != "" {
		var err error
		if re, err = regexp.Compile(f.Pattern); err != nil {
			add("pattern", "validation_invalid_regex", "Invalid pattern: %v.", err)
		}
	}
	if f.Type == galley.FieldPassword {
		if f.Cost != 0 && (f.Cost < 4 || f.Cost > 31) {
			add("cost", "validation_invalid_cost", "The bcrypt cost must be between 4 and 31.")
		}
		return
	}
	if f.AutogeneratePattern != "" {
		v, err := GenerateFromPattern(f.AutogeneratePattern)
		switch {
		case err != nil:
			add("autogeneratePattern", "validation_invalid_pattern", "Cannot generate values from this pattern: %v.", err)
		case re != nil && !re.MatchString(v):
			add("autogeneratePattern", "validation_invalid_pattern", "Generated values would not match the field's pattern.")
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
	if f.MaxSelect < 1 {
		f.MaxSelect = 1
	}
	if len(f.Values) == 0 {
		add("values", "validation_required", "At least one value is required.")
	}
	seen := map[string]bool{}
	for _, v := range f.Values {
		if v == "" || seen[v] {
			add("values", "validation_invalid_values", "Values must be non-empty and unique.")
			break
		}
		seen[v] = true
	}
	if len(f.Values) > 0 && f.MaxSelect > len(f.Values) {
		add("maxSelect", "validation_max_select", "Must not exceed the number of values (%d).", len(f.Values))
	}
}

func validateRelation(f *galley.Field, ws *workingSchema, add addFunc) {
	if f.MaxSelect < 1 {
		f.MaxSelect = 1
	}
	if f.MinSelect < 0 || f.MinSelect > f.MaxSelect {
		add("minSelect", "validation_min_select", "Must be between 0 and maxSelect.")
	}
	target := ws.get(f.CollectionID)
	switch {
	case f.CollectionID == "":
		add("collectionId", "validation_required", "Cannot be blank.")
	case target == nil:
		add("collectionId", "validation_missing_collection", "No collection with id %q.", f.CollectionID)
	case target.IsView():
		add("collectionId", "validation_view_relation", "Relations cannot point to view collections.")
	default:
		f.CollectionID = target.ID
	}
}
