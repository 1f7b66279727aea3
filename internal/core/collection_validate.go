package core

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

var (
	collectionNameRe = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)
	collectionIDRe   = regexp.MustCompile(`^[a-zA-Z0-9_]{1,100}$`)
)

// reservedFieldNames clash with record JSON keys or query syntax.
var reservedFieldNames = []string{"expand", "collectionid", "collectionname"}

// buildCollection applies input in to old (nil for a new collection) and
// returns the normalized definition: ids generated, the id field (and for
// new auth collections the auth system fields and the created/updated
// autodate fields) added when missing, indexes canonicalised. ws is the
// schema the collection will live in (for name uniqueness and relation
// targets). prefix prefixes error keys (import: "collections.3."). Rules and
// view fields are checked later, against the final schema.
func buildCollection(in *collectionInput, old *galley.Collection, ws *workingSchema, prefix string) (*galley.Collection, error) {
	ve := galley.ValidationErrors{}
	add := func(key, code, format string, args ...any) {
		var params map[string]any
		if n := len(args); n > 0 {
			if p, ok := args[n-1].(errParams); ok {
				params, args = p, args[:n-1]
			}
		}
		ve.AddParams(prefix+key, code, fmt.Sprintf(format, args...), params)
	}
	var c *galley.Collection
	if old == nil {
		c = &galley.Collection{Type: galley.CollectionBase, ID: in.ID}
		if in.Type != "" {
			c.Type = in.Type
		}
		if c.ID == "" {
			c.ID = "pbc_" + galley.RandomString(10, "0123456789")
		} else {
			switch {
			case len(c.ID) > 100:
				add("id", "validation_length_out_of_range", "The length must be between 1 and 100.", errParams{"min": 1, "max": 100})
			case !collectionIDRe.MatchString(c.ID):
				add("id", "validation_match_invalid", "Must be in a valid format.")
			case ws.get(c.ID) != nil:
				add("id", "validation_invalid_or_existing_id", "The model id is invalid or already exists.")
			}
		}
		if in.System {
			add("system", "validation_system", "The system flag cannot be set.")
		}
		if c.Type == galley.CollectionAuth {
			c.Auth = galley.DefaultAuthOptions()
		}
	} else {
		c = old.Clone()
		if in.present["id"] && in.ID != old.ID {
			add("id", "validation_readonly", "The id cannot be changed.")
		}
		if in.present["type"] && in.Type != old.Type {
			add("type", "validation_collection_type_change", "Collection type cannot be changed.")
		}
		if in.present["system"] && in.System != old.System {
			add("system", "validation_system", "The system flag cannot be changed.")
		}
	}
	if !slices.Contains([]string{galley.CollectionBase, galley.CollectionAuth, galley.CollectionView}, c.Type) {
		add("type", "validation_in_invalid", "Must be a valid value.")
		return nil, ve.Err()
	}
	if old == nil || in.present["name"] {
		if old != nil && old.System && in.Name != old.Name {
			add("name", "validation_collection_system_name_change", "System collection name cannot be changed.")
		}
		c.Name = in.Name
	}
	validateCollectionName(c, ws, add)
	ws.byIDs[c.ID] = c // self-relations resolve
	for key, rule := range in.Rules {
		if p := c.Rule(strings.TrimSuffix(key, "Rule")); p != nil {
			*p = rule
		}
	}
	if c.IsView() {
		buildView(in, old, c, add)
		return c, ve.Err()
	}
	if in.present["viewQuery"] && in.ViewQuery != "" {
		add("viewQuery", "validation_view_query", "Only view collections have a view query.")
	}
	// Error keys number the fields as PocketBase does: by their position
	// in the list once the id field is put first when the list lacks it.
	off := 0 // an update without fields validates the stored list, id first
	if old == nil || in.present["fields"] {
		off = idOffset(in.Fields)
		c.Fields = mergeFields(in.Fields, old, off, add)
	}
	pos := map[*galley.Field]int{}
	for i, f := range c.Fields {
		pos[f] = i + off
	}
	fieldKey := func(f *galley.Field, key string) string {
		if i, ok := pos[f]; ok {
			return fmt.Sprintf("fields.%d.%s", i, key)
		}
		return "fields"
	}
	addSystemFields(c, old == nil, fieldKey, add)
	for i, f := range c.Fields {
		validateField(c, i, f, ws, func(key, code, format string, args ...any) {
			add(fieldKey(f, key), code, format, args...)
		})
	}
	if len(ve) == 0 {
		indexes := c.Indexes
		if old == nil || in.present["indexes"] {
			indexes = make([]string, len(in.Indexes))
			for i, s := range in.Indexes {
				// An index on `` (the scaffolds' table not named yet) is on c.
				indexes[i] = strings.Replace(s, " ON `` ", " ON "+store.QuoteBacktick(c.Name)+" ", 1)
			}
		}
		if old == nil && c.IsAuth() {
			indexes = append(indexes, authIndexes(c, indexes)...)
		}
		c.Indexes = canonicalIndexes(indexes, old, c, add)
	}
	applyAuthOptions(in.raw, c, prefix, add)
	return c, ve.Err()
}

// addFunc records a validation error; a last argument of type errParams
// is the error's params, not a format argument.
type addFunc func(key, code, format string, args ...any)

// errParams are the params of a validation error (PocketBase's names).
type errParams map[string]any

// idOffset is 1 when fields has no "id" field (PocketBase puts one first
// and numbers the given fields from 1), else 0.
func idOffset(fields []*galley.Field) int {
	for _, f := range fields {
		if f.Name == "id" {
			return 0
		}
	}
	return 1
}

func validateCollectionName(c *galley.Collection, ws *workingSchema, add addFunc) {
	switch {
	case c.Name == "":
		add("name", "validation_required", "Cannot be blank.")
	case !collectionNameRe.MatchString(c.Name):
		add("name", "validation_match_invalid", "Must be in a valid format.")
	case len(c.Name) > 55:
		add("name", "validation_length_too_long", "Must be no more than 55 characters.")
	case galley.IsSystemName(c.Name) && !c.System:
		// PocketBase answers a system name as taken, whether or not a
		// collection has it.
		add("name", "validation_collection_name_exists", "Collection name must be unique (case insensitive).")
	case strings.HasPrefix(strings.ToLower(c.Name), "sqlite_"):
		add("name", "validation_invalid_name", "Names starting with sqlite_ are reserved.")
	default:
		for _, o := range ws.all() {
			if o.ID != c.ID && (strings.EqualFold(o.Name, c.Name) || strings.EqualFold(o.ID, c.Name)) {
				add("name", "validation_collection_name_exists", "Collection name must be unique (case insensitive).")
				return
			}
		}
	}
}

// buildView applies the view-specific keys: the query (fields are inferred
// from it later; the given fields only carry ids and hidden/presentable
// flags by name), no indexes, and only list/view rules.
func buildView(in *collectionInput, old, c *galley.Collection, add addFunc) {
	if old == nil || in.present["viewQuery"] {
		q, err := store.NormalizeViewQuery(in.ViewQuery)
		switch {
		case strings.TrimSpace(in.ViewQuery) == "":
			add("viewQuery", "validation_required", "Cannot be blank.")
		case err != nil:
			add("viewQuery", "validation_invalid_view_query", "Invalid query - %s.", err.Error())
		}
		c.ViewQuery = q
	}
	if in.present["fields"] {
		c.Fields = in.Fields
	}
	if len(in.Indexes) > 0 {
		add("indexes", "validation_indexes_not_supported", "View collections don't support indexes.")
	}
	for _, k := range []string{"create", "update", "delete"} {
		if *c.Rule(k) != nil {
			add(k+"Rule", "validation_nil", "Must be blank.")
		}
	}
}

// mergeFields matches the given fields to old's (by id, else by exact name
// when no id is given): matched fields keep their id; system fields keep
// their name, type and flags; new fields get a fresh id. Old system fields
// missing from the list are an error, except id, which is re-added.
func mergeFields(in []*galley.Field, old *galley.Collection, off int, add addFunc) []*galley.Field {
	used := map[string]bool{}
	out := make([]*galley.Field, 0, len(in))
	for i, f := range in {
		var of *galley.Field
		if old != nil && f.ID != "" {
			of = old.FieldByID(f.ID)
		} else if old != nil {
			of = old.Field(f.Name)
		}
		key := fmt.Sprintf("fields.%d", i+off)
		switch {
		case of != nil && used[of.ID] && of.System:
			add("fields", "validation_system_field_change", "System fields cannot be deleted or renamed.")
		case of != nil && used[of.ID]:
			add(key+".id", "validation_duplicate_field", "The field %q is listed twice.", of.Name)
		case of != nil:
			used[of.ID] = true
			f.ID = of.ID
			if of.System {
				switch {
				case f.Name != of.Name:
					add("fields", "validation_system_field_change", "System fields cannot be deleted or renamed.")
				case f.Type != of.Type && of.Name == "id":
					add("fields", "validation_missing_primary_key", `Missing or invalid "id" PK field.`)
				case f.Type != of.Type:
					add(key+".type", "validation_system_field", "The type of system field %q cannot be changed.", of.Name)
				}
				f.System, f.PrimaryKey = true, of.PrimaryKey
			} else {
				f.System = false
			}
		default:
			if f.ID == "" {
				f.ID = store.NewFieldID(f.Type)
			}
			f.System = false
		}
		out = append(out, f)
	}
	if old != nil {
		// System fields left out are kept, after the given ones, as
		// PocketBase keeps them (id is put first by addSystemFields).
		for _, of := range old.Fields {
			if of.System && !used[of.ID] && of.Name != "id" {
				kept := *of
				out = append(out, &kept)
			}
		}
	}
	return out
}

// addSystemFields adds the id field when missing (and makes an explicit one
// the text primary key) and the auth system fields of auth collections. A
// new collection gets no created/updated fields it does not name, as in
// PocketBase (the dashboard and the scaffolds add them themselves).
func addSystemFields(c *galley.Collection, isNew bool, fieldKey func(*galley.Field, string) string, add addFunc) {
	byName := func(name string) *galley.Field {
		for _, f := range c.Fields {
			if strings.EqualFold(f.Name, name) {
				return f
			}
		}
		return nil
	}
	if f := c.Field("id"); f == nil {
		c.Fields = append([]*galley.Field{store.IDField()}, c.Fields...)
	} else if f.Type != galley.FieldText {
		add("fields", "validation_missing_primary_key", `Missing or invalid "id" PK field.`)
	} else {
		f.PrimaryKey, f.System, f.Required = true, true, true
	}
	if c.IsAuth() {
		for _, sf := range store.AuthSystemFields()[1:] {
			if f := byName(sf.Name); f == nil {
				c.Fields = append(c.Fields, sf)
			} else if f.Type != sf.Type {
				add(fieldKey(f, "type"), "validation_system_field", "The auth field %q must be of type %s.", sf.Name, sf.Type)
			} else {
				f.System, f.Hidden = true, sf.Hidden
			}
		}
	}
}

// authIndexes returns the unique email and tokenKey indexes a new auth
// collection gets unless its indexes already cover those columns.
func authIndexes(c *galley.Collection, given []string) []string {
	var out []string
	for _, col := range []string{"email", "tokenKey"} {
		covered := false
		for _, s := range given {
			if ix, err := store.ParseIndex(s, c); err == nil && ix.Unique && len(ix.Columns) == 1 && ix.Columns[0].Name == col {
				covered = true
			}
		}
		if !covered {
			out = append(out, authIndex(c, col))
		}
	}
	return out
}

// authIndex returns the unique index of column col ("email" or "tokenKey")
// of auth collection c, written as PocketBase writes it. The email index
// has COLLATE NOCASE (PocketBase's has not): emails are unique ignoring
// case, as log-in matches them.
func authIndex(c *galley.Collection, col string) string {
	q := store.QuoteBacktick
	if col == "email" {
		return fmt.Sprintf("CREATE UNIQUE INDEX %s ON %s (%s COLLATE NOCASE) WHERE %s != ''", q("idx_email_"+c.ID), q(c.Name), q("email"), q("email"))
	}
	return fmt.Sprintf("CREATE UNIQUE INDEX %s ON %s (%s)", q("idx_"+col+"_"+c.ID), q(c.Name), q(col))
}

// canonicalIndexes parses every index against c and returns the canonical
// statements. An index carried over unchanged from old that no longer
// parses against c (a rename) is parsed against old and renamed.
func canonicalIndexes(list []string, old, c *galley.Collection, add addFunc) []string {
	out := make([]string, 0, len(list))
	seen := map[string]bool{}
	for i, s := range list {
		key := fmt.Sprintf("indexes.%d", i)
		ix, err := store.ParseIndex(s, c)
		if err != nil && old != nil && slices.Contains(old.Indexes, s) {
			// A kept index that no longer fits (a field it uses is
			// removed): Galley's reason, where PocketBase answers its
			// SQL error.
			if ix, err = renamedIndex(s, old, c); err != nil {
				add(key, "validation_invalid_index_expression", "%s.", upperFirst(err.Error()))
				continue
			}
		}
		if err != nil {
			// PocketBase's message, not the parser's reason.
			add(key, "validation_invalid_index_expression", "Invalid CREATE INDEX expression.")
			continue
		}
		if seen[strings.ToLower(ix.Name)] {
			add(key, "validation_duplicated_index_name", "The index name already exists.")
			continue
		}
		seen[strings.ToLower(ix.Name)] = true
		out = append(out, ix.SQL())
	}
	return out
}

// renamedIndex re-targets an index of old at c after table and field renames.
func renamedIndex(s string, old, c *galley.Collection) (*store.Index, error) {
	ix, err := store.ParseIndex(s, old)
	if err != nil {
		return nil, err
	}
	ix.Table = c.Name
	for _, of := range old.Fields {
		if !ix.References(of.Name) {
			continue
		}
		nf := c.FieldByID(of.ID)
		if nf == nil {
			return nil, fmt.Errorf("index %q uses the removed field %q; remove or change the index too", ix.Name, of.Name)
		}
		ix.RenameColumn(of.Name, "\x00"+nf.Name)
	}
	for _, col := range c.Fields {
		ix.RenameColumn("\x00"+col.Name, col.Name)
	}
	return ix, nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// lowerFirst lowers the first letter of a sentence ("The view" → "the
// view"), not of an acronym ("SQL").
func lowerFirst(s string) string {
	if len(s) < 2 || strings.ToLower(s[1:2]) != s[1:2] {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
