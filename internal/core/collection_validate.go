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
	add := func(key, code, format string, args ...any) { ve.Add(prefix+key, code, fmt.Sprintf(format, args...)) }
	var c *galley.Collection
	if old == nil {
		c = &galley.Collection{Type: galley.CollectionBase, ID: in.ID}
		if in.Type != "" {
			c.Type = in.Type
		}
		if c.ID == "" {
			c.ID = "pbc_" + galley.RandomString(10, "0123456789")
		} else if !collectionIDRe.MatchString(c.ID) || ws.get(c.ID) != nil {
			add("id", "validation_invalid_id", "The id must be 1-100 letters, digits or underscores and not in use.")
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
			add("type", "validation_collection_type_change", "The collection type cannot be changed.")
		}
		if in.present["system"] && in.System != old.System {
			add("system", "validation_system", "The system flag cannot be changed.")
		}
	}
	if !slices.Contains([]string{galley.CollectionBase, galley.CollectionAuth, galley.CollectionView}, c.Type) {
		add("type", "validation_in_invalid", "The type must be one of base, auth or view.")
		return nil, ve.Err()
	}
	if old == nil || in.present["name"] {
		if old != nil && old.System && in.Name != old.Name {
			add("name", "validation_system_collection", "System collections cannot be renamed.")
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
	if old == nil || in.present["fields"] {
		c.Fields = mergeFields(in.Fields, old, add)
	}
	pos := map[*galley.Field]int{} // error keys use the positions of the given list
	for i, f := range c.Fields {
		pos[f] = i
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
			indexes = in.Indexes
		}
		if old == nil && c.IsAuth() {
			indexes = append(indexes, authIndexes(c, indexes)...)
		}
		c.Indexes = canonicalIndexes(indexes, old, c, add)
	}
	applyAuthOptions(in.raw, c, prefix, add)
	return c, ve.Err()
}

type addFunc func(key, code, format string, args ...any)

func validateCollectionName(c *galley.Collection, ws *workingSchema, add addFunc) {
	switch {
	case c.Name == "":
		add("name", "validation_required", "Cannot be blank.")
	case !collectionNameRe.MatchString(c.Name):
		add("name", "validation_match_invalid", "Use only letters, digits and underscores.")
	case len(c.Name) > 55:
		add("name", "validation_length_too_long", "Must be no more than 55 characters.")
	case galley.IsSystemName(c.Name) && !c.System:
		add("name", "validation_invalid_name", "Names starting with _ are reserved for system collections.")
	case strings.HasPrefix(strings.ToLower(c.Name), "sqlite_"):
		add("name", "validation_invalid_name", "Names starting with sqlite_ are reserved.")
	default:
		for _, o := range ws.all() {
			if o.ID != c.ID && (strings.EqualFold(o.Name, c.Name) || strings.EqualFold(o.ID, c.Name)) {
				add("name", "validation_collection_name_exists", "A collection named %q already exists.", c.Name)
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
		if err != nil {
			add("viewQuery", "validation_invalid_view_query", "%s.", upperFirst(err.Error()))
		}
		c.ViewQuery = q
	}
	if in.present["fields"] {
		c.Fields = in.Fields
	}
	if len(in.Indexes) > 0 {
		add("indexes", "validation_view_indexes", "View collections cannot have indexes.")
	}
	for _, k := range []string{"create", "update", "delete"} {
		if *c.Rule(k) != nil {
			add(k+"Rule", "validation_view_rule", "View collections are read-only: the %s rule must be null.", k)
		}
	}
}

// mergeFields matches the given fields to old's (by id, else by exact name
// when no id is given): matched fields keep their id; system fields keep
// their name, type and flags; new fields get a fresh id. Old system fields
// missing from the list are an error, except id, which is re-added.
func mergeFields(in []*galley.Field, old *galley.Collection, add addFunc) []*galley.Field {
	used := map[string]bool{}
	out := make([]*galley.Field, 0, len(in))
	for i, f := range in {
		var of *galley.Field
		if old != nil && f.ID != "" {
			of = old.FieldByID(f.ID)
		} else if old != nil {
			of = old.Field(f.Name)
		}
		key := fmt.Sprintf("fields.%d", i)
		switch {
		case of != nil && used[of.ID]:
			add(key+".id", "validation_duplicate_field", "The field %q is listed twice.", of.Name)
		case of != nil:
			used[of.ID] = true
			f.ID = of.ID
			if of.System {
				if f.Name != of.Name {
					add(key+".name", "validation_system_field", "System field %q cannot be renamed.", of.Name)
				}
				if f.Type != of.Type {
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
		for _, of := range old.Fields {
			if of.System && !used[of.ID] && of.Name != "id" {
				add("fields", "validation_system_field", "System field %q cannot be removed.", of.Name)
			}
		}
	}
	return out
}

// addSystemFields adds the id field when missing (and makes an explicit one
// the text primary key), the auth system fields of auth collections, and for
// new auth collections the created/updated autodate fields. A new base
// collection gets only id and the fields it names, as in PocketBase (the
// dashboard and the scaffolds add created/updated themselves).
func addSystemFields(c *galley.Collection, isNew bool, fieldKey func(*galley.Field, string) string, add addFunc) {
	byName := func(name string) *galley.Field {
		for _, f := range c.Fields {
			if strings.EqualFold(f.Name, name) {
				return f
			}
		}
		return nil
	}
	if f := byName("id"); f == nil {
		c.Fields = append([]*galley.Field{store.IDField()}, c.Fields...)
	} else if f.Type != galley.FieldText {
		add(fieldKey(f, "type"), "validation_id_field", `The "id" field must be a text field.`)
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
	if isNew && c.IsAuth() {
		for _, af := range store.AutodateFields() {
			if f := byName(af.Name); f == nil {
				c.Fields = append(c.Fields, af)
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
			ix, err = renamedIndex(s, old, c)
		}
		if err != nil {
			add(key, "validation_invalid_index", "%s.", upperFirst(err.Error()))
			continue
		}
		if seen[strings.ToLower(ix.Name)] {
			add(key, "validation_invalid_index", "Duplicate index name %q.", ix.Name)
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
