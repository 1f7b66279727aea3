package core

import (
	"context"
	"errors"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/store"
)

// ViewCollection returns the collection with the given id or
// (case-insensitive) name: a copy the caller may modify. Superusers only
// (EUnauthenticated for guests, EForbidden for other auth records); a
// missing collection is ENotFound.
func (app *App) ViewCollection(ctx context.Context, a Actor, nameOrID string) (*galley.Collection, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	return app.collectionCopy(nameOrID)
}

// collectionCopy returns a copy of the collection nameOrID (ENotFound when
// missing).
func (app *App) collectionCopy(nameOrID string) (*galley.Collection, error) {
	c := app.db.Schema.Collection(nameOrID)
	if c == nil {
		return nil, errCollectionNotFound()
	}
	return c.Clone(), nil
}

// CreateCollection validates the JSON collection body and creates the
// collection: its table (or SQL view) and indexes, in one transaction.
// Validation problems are EInvalid "Failed to create collection." with
// per-field errors keyed like "name", "fields.2.maxSelect", "indexes.0",
// "listRule" and Nested set (the API answers PocketBase's nested objects);
// fields are numbered as PocketBase numbers them, the id field it puts
// first counting (idOffset). The `id` field is added when absent; type
// defaults to "base". A collection holds only `id` and the fields sent;
// an auth collection also gets the auth system fields (after them),
// unique email/tokenKey indexes (authIndex) and fresh auth options
// (galley.DefaultAuthOptions). Superusers only (see requireSuperuser).
func (app *App) CreateCollection(ctx context.Context, a Actor, body []byte) (*galley.Collection, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	in, err := decodeCollection(body, "")
	if err != nil {
		return nil, err
	}
	ws := newWorkingSchema(app.db.Schema.Collections())
	c, err := buildCollection(in, nil, ws, "")
	if err != nil {
		return nil, collectionError(err, "Failed to create collection.")
	}
	if err := app.applySchema(ctx, []store.CollectionChange{{New: c}}, explicitRules(in, c.ID), map[string]string{c.ID: ""}); err != nil {
		return nil, collectionError(err, "Failed to create collection.")
	}
	return app.collectionCopy(c.ID)
}

// UpdateCollection applies the JSON body to the collection nameOrID with
// PATCH semantics: only keys present change; "fields" replaces the whole
// list (fields matched by id, else by name; a field missing from the list is
// removed with its column). Renames are real DDL and rewrite the rules,
// indexes and view queries that reference the old names; a change that would
// break another collection is refused (EInvalid). ENotFound for a missing
// collection. Superusers only (see requireSuperuser), checked first.
func (app *App) UpdateCollection(ctx context.Context, a Actor, nameOrID string, body []byte) (*galley.Collection, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	old := app.db.Schema.Collection(nameOrID)
	if old == nil {
		return nil, errCollectionNotFound()
	}
	in, err := decodeCollection(body, "")
	if err != nil {
		if ge, ok := err.(*galley.Error); ok && ge.Message == msgBadCollectionJSON {
			ge.Message = msgBadSubmittedData // an update words every format error so
		}
		return nil, err
	}
	ws := newWorkingSchema(app.db.Schema.Collections())
	c, err := buildCollection(in, old, ws, "")
	if err != nil {
		return nil, collectionError(err, "Failed to update collection.")
	}
	if err := app.applySchema(ctx, []store.CollectionChange{{Old: old, New: c}}, explicitRules(in, c.ID), map[string]string{c.ID: ""}); err != nil {
		return nil, collectionError(err, "Failed to update collection.")
	}
	return app.collectionCopy(c.ID)
}

// DeleteCollection deletes the collection and its table. It is refused
// (EInvalid) for system collections, collections that a relation field of
// another collection points to, and collections a view query uses.
// ENotFound for a missing collection. Superusers only (see
// requireSuperuser), checked first.
func (app *App) DeleteCollection(ctx context.Context, a Actor, nameOrID string) error {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	c := app.db.Schema.Collection(nameOrID)
	if c == nil {
		return errCollectionNotFound()
	}
	if c.System {
		return galley.Errorf(galley.EInvalid, "The system collection %q cannot be deleted.", c.Name)
	}
	for _, v := range app.db.Schema.Collections() {
		if v.IsView() && v.ID != c.ID && store.ViewReferences(v.ViewQuery, c.Name) {
			return galley.Errorf(galley.EInvalid, "The collection %q is used by the view collection %q; change or delete the view first.", c.Name, v.Name)
		}
	}
	for _, o := range app.db.Schema.Collections() {
		for _, f := range o.Fields {
			if o.ID != c.ID && !o.IsView() && f.Type == galley.FieldRelation && f.CollectionID == c.ID {
				return galley.Errorf(galley.EInvalid, "Failed to delete collection probably due to existing reference in %s.", o.Name)
			}
		}
	}
	if err := app.applySchema(ctx, []store.CollectionChange{{Old: c}}, nil, nil); err != nil {
		return err
	}
	if hasFileFields(c) {
		app.dropFiles(c.ID)
	}
	return nil
}

// errCollectionNotFound is the error for a collection that does not exist.
func errCollectionNotFound() error {
	return galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
}

// ruleMessage is PocketBase's message for a rule that does not compile;
// the reason after its prefix is Galley's own.
func ruleMessage(reason string) string {
	if !strings.HasSuffix(reason, ".") {
		reason += "."
	}
	return "Invalid rule. Raw error: " + reason
}

// The view query messages PocketBase answers. A query without an id column
// is also reported under "fields".
const (
	msgViewMissingID = "Invalid query - missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)."
	storeViewNoID    = `The view query must return an "id" column.`
)

// collectionError gives a validation error of a collection create or
// update PocketBase's shape: the top-level message msg and the per-field
// errors nested (data.fields["1"].name). A view query that fails is also
// reported under "fields", as PocketBase infers no fields from it, and
// its message gets PocketBase's "Invalid query - " prefix. Other errors
// pass through; decode errors are shaped already.
func collectionError(err error, msg string) error {
	var ge *galley.Error
	if !errors.As(err, &ge) || ge.Code != galley.EInvalid || ge.Nested || len(ge.Fields) == 0 {
		return err
	}
	out := *ge
	out.Message, out.Nested = msg, true
	out.Fields = make(map[string]galley.FieldError, len(ge.Fields)+1)
	for k, v := range ge.Fields {
		out.Fields[k] = v
	}
	if vq, ok := out.Fields["viewQuery"]; ok && vq.Code != "validation_view_query" {
		fieldsErr := galley.FieldError{Code: "validation_required", Message: "Cannot be blank."}
		switch {
		case vq.Message == storeViewNoID:
			vq.Message = msgViewMissingID
			fieldsErr = galley.FieldError{Code: "validation_missing_primary_key", Message: `Missing or invalid "id" PK field.`}
		case vq.Code == "validation_invalid_view_query" && !strings.HasPrefix(vq.Message, "Invalid query - "):
			m := strings.TrimPrefix(vq.Message, "Invalid view query: ")
			if !strings.HasSuffix(m, ".") {
				m += "."
			}
			vq.Message = "Invalid query - " + lowerFirst(m)
		}
		out.Fields["viewQuery"] = vq
		if _, ok := out.Fields["fields"]; !ok {
			out.Fields["fields"] = fieldsErr
		}
	}
	return &out
}

// ruleKeyOf maps "list" to "listRule".
func ruleKeyOf(action string) string { return action + "Rule" }

var ruleActions = []string{"list", "view", "create", "update", "delete", "auth", "manage"}

// explicitRules returns the set of "<id>:<action>" whose rule the input set.
func explicitRules(in *collectionInput, id string) map[string]bool {
	out := map[string]bool{}
	for k := range in.Rules {
		out[id+":"+strings.TrimSuffix(k, "Rule")] = true
	}
	return out
}

// applySchema runs changes in one transaction: rules of every collection
// (except those set explicitly) are rewritten for renames, the DDL is
// applied, and the final schema is checked (relations, rules) before
// commit. prefixes maps the ids of collections given by the caller to the
// prefix of their error keys; problems in other collections are reported
// in the message.
func (app *App) applySchema(ctx context.Context, changes []store.CollectionChange, explicit map[string]bool, prefixes map[string]string) error {
	old := newWorkingSchema(app.db.Schema.Collections())
	rn := newRenames(old)
	pos := map[string]int{}
	for i, ch := range changes {
		if ch.Old != nil && ch.New != nil {
			rn.add(ch.Old, ch.New)
		}
		if ch.Old != nil {
			pos[ch.Old.ID] = i
		} else {
			pos[ch.New.ID] = i
		}
	}
	if !rn.empty() {
		for _, oc := range old.all() {
			i, changed := pos[oc.ID]
			if changed && changes[i].New == nil {
				continue
			}
			for _, action := range ruleActions {
				p := oc.Rule(action)
				if p == nil || *p == nil || explicit[oc.ID+":"+action] {
					continue
				}
				nr := rn.rewriteRule(**p, oc)
				if nr == **p {
					continue
				}
				if !changed {
					changes = append(changes, store.CollectionChange{Old: oc, New: oc.Clone()})
					i, changed = len(changes)-1, true
					pos[oc.ID] = i
				}
				*changes[i].New.Rule(action) = &nr
			}
		}
	}
	err := app.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.ApplyCollections(ctx, changes, func(final []*galley.Collection) error {
			return app.checkSchema(final, prefixes)
		})
	})
	if err == nil {
		app.collectionsChanged(ctx, changes)
	}
	return store.MapError(err)
}

// checkSchema validates the final schema: relation fields point at existing
// non-view collections and every rule compiles against its collection.
func (app *App) checkSchema(final []*galley.Collection, prefixes map[string]string) error {
	ws := newWorkingSchema(final)
	env := &filter.Env{Collection: ws.get, Collections: func() []*galley.Collection { return final },
		Trusted: true, Dialect: app.db.Dialect()}
	for _, c := range final {
		for _, f := range c.Fields {
			if f.Type != galley.FieldRelation || c.IsView() {
				continue
			}
			if t := ws.get(f.CollectionID); t == nil || t.IsView() {
				target := f.CollectionID
				if o := app.db.Schema.Collection(f.CollectionID); o != nil {
					target = o.Name
				}
				return galley.Errorf(galley.EInvalid, "The collection %q is referenced by the relation field %q of collection %q; change or remove that field first.", target, f.Name, c.Name)
			}
		}
		for _, action := range ruleActions {
			p := c.Rule(action)
			if p == nil || *p == nil || **p == "" {
				continue
			}
			if err := compileRule(**p, c, env); err != nil {
				msg := err.Error()
				var ge *galley.Error
				if e, ok := err.(*galley.Error); ok {
					ge = e
					msg = ge.Message
				}
				if prefix, ok := prefixes[c.ID]; ok {
					return galley.FieldInvalid(prefix+ruleKeyOf(action), "validation_invalid_rule", ruleMessage(msg))
				}
				return galley.Errorf(galley.EInvalid, "The change breaks the %s of collection %q: %s", ruleKeyOf(action), c.Name, msg)
			}
		}
		if c.Auth != nil && c.Auth.MFA.Rule != "" {
			if err := compileRule(c.Auth.MFA.Rule, c, env); err != nil {
				msg := err.Error()
				if ge, ok := err.(*galley.Error); ok {
					msg = ge.Message
				}
				if prefix, ok := prefixes[c.ID]; ok {
					return galley.FieldInvalid(prefix+"mfa.rule", "validation_invalid_rule", ruleMessage(msg))
				}
				return galley.Errorf(galley.EInvalid, "The change breaks the mfa.rule of collection %q: %s", c.Name, msg)
			}
		}
	}
	return nil
}

// compileRule parses and compiles a rule against c, as a saved rule.
func compileRule(src string, c *galley.Collection, env *filter.Env) error {
	return filter.Validate(src, c, *env, ruleLimits)
}

// TruncateCollection deletes every record of the collection in one
// transaction. Relations that point at its records are resolved as a record
// delete would: cascadeDelete deletes the referencing records, a required
// relation refuses the whole truncate (EInvalid), others are cleared. Views
// and system collections are refused (EInvalid); ENotFound when missing.
// Superusers only (see requireSuperuser), checked first.
func (app *App) TruncateCollection(ctx context.Context, a Actor, nameOrID string) error {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	c := app.db.Schema.Collection(nameOrID)
	switch {
	case c == nil:
		return errCollectionNotFound()
	case c.IsView():
		return galley.Errorf(galley.EInvalid, "View collections cannot be truncated since they don't store their own records.")
	case c.System:
		return galley.Errorf(galley.EInvalid, "The system collection %q cannot be truncated.", c.Name)
	}
	referenced := false
	for _, o := range app.db.Schema.Collections() {
		for _, f := range o.Fields {
			if !o.IsView() && o.ID != c.ID && f.Type == galley.FieldRelation && f.CollectionID == c.ID {
				referenced = true
			}
		}
	}
	err := app.db.WithTx(ctx, func(tx *store.Tx) error {
		if !referenced {
			return tx.DeleteAllRecords(ctx, c)
		}
		for {
			recs, err := store.FindRecords(ctx, tx, c, store.Select{Limit: 200})
			if err != nil || len(recs) == 0 {
				return err
			}
			for _, r := range recs {
				if err := app.deleteCascade(ctx, tx, r, 0); err != nil {
					return err
				}
			}
		}
	})
	if err == nil && hasFileFields(c) {
		app.dropFiles(c.ID)
	}
	if galley.ErrorCodeOf(err) == galley.EInvalid {
		// A required relation refused a delete: PocketBase's message.
		return &galley.Error{Code: galley.EInvalid, Message: "Failed to truncate collection (most likely due to required cascade delete record references).", Err: err}
	}
	return store.MapError(err)
}

// CollectionScaffolds returns empty collection models per type ("base",
// "auth", "view"), like PocketBase's meta/scaffolds: the fields a new
// collection of that type starts with (no created/updated: clients add
// them), and for auth the unique tokenKey and email indexes on a table
// not named yet (an empty quoted name, which a create reads as the new
// collection's).
// Superusers only (see requireSuperuser).
func (app *App) CollectionScaffolds(a Actor) (map[string]*galley.Collection, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	suffix := galley.RandomString(10, "abcdefghijklmnopqrstuvwxyz0123456789")
	base := &galley.Collection{Type: galley.CollectionBase, Fields: []*galley.Field{store.IDField()}, Indexes: []string{}}
	auth := &galley.Collection{Type: galley.CollectionAuth, Fields: store.AuthSystemFields(), Indexes: []string{
		"CREATE UNIQUE INDEX `idx_tokenKey_" + suffix + "` ON `` (`tokenKey`)",
		"CREATE UNIQUE INDEX `idx_email_" + suffix + "` ON `` (`email`) WHERE `email` != ''",
	}, Auth: galley.DefaultAuthOptions().Public()}
	view := &galley.Collection{Type: galley.CollectionView, Fields: []*galley.Field{}, Indexes: []string{}}
	return map[string]*galley.Collection{"base": base, "auth": auth, "view": view}, nil
}
