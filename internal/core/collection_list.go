package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/store"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// collectionsMeta describes the _collections table to the filter compiler,
// so collection lists are filtered and sorted in SQL like records are.
var collectionsMeta = &galley.Collection{ID: "_collections", Name: "_collections", Type: galley.CollectionBase, Fields: []*galley.Field{
	{ID: "id", Name: "id", Type: galley.FieldText, PrimaryKey: true},
	{ID: "name", Name: "name", Type: galley.FieldText},
	{ID: "type", Name: "type", Type: galley.FieldText},
	{ID: "system", Name: "system", Type: galley.FieldBool},
	{ID: "created", Name: "created", Type: galley.FieldAutodate},
	{ID: "updated", Name: "updated", Type: galley.FieldAutodate},
}}

// ListCollections returns a page of collections. q.Filter and q.Sort may use
// id, name, type, system, created and updated (anything else is EInvalid
// naming the field); the default order is created, then name. Superusers
// only (see requireSuperuser), checked first.
func (app *App) ListCollections(ctx context.Context, a Actor, q ListQuery) (*List[*galley.Collection], error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	q.Normalize()
	env := &filter.Env{Trusted: true, Dialect: app.db.Dialect(),
		Collection:  func(string) *galley.Collection { return nil },
		Collections: func() []*galley.Collection { return nil }}
	var where string
	var args []any
	if strings.TrimSpace(q.Filter) != "" {
		e, err := filter.Parse(q.Filter, filter.Limits{})
		if err != nil {
			return nil, err
		}
		if where, args, err = filter.Where(e, collectionsMeta, store.Alias, env); err != nil {
			return nil, err
		}
	}
	order, orderArgs, err := filter.Sort(q.Sort, collectionsMeta, store.Alias, env, filter.Limits{})
	if err != nil {
		return nil, err
	}
	sel := store.Select{Where: where, Args: args, Order: order, OrderArgs: orderArgs, Limit: q.PerPage, Offset: (q.Page - 1) * q.PerPage}
	list := &List[*galley.Collection]{Page: q.Page, PerPage: q.PerPage, TotalItems: -1, TotalPages: -1, Items: []*galley.Collection{}}
	ids, err := store.FindCollectionIDs(ctx, app.db.Reader(), sel)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if c := app.db.Schema.Collection(id); c != nil {
			list.Items = append(list.Items, c.Clone())
		}
	}
	if !q.SkipTotal {
		n, err := store.CountCollections(ctx, app.db.Reader(), sel)
		if err != nil {
			return nil, err
		}
		list.TotalItems, list.TotalPages = n, (n+q.PerPage-1)/q.PerPage
	}
	return list, nil
}

// ImportCollections applies {"collections": [...], "deleteMissing": bool}
// in one transaction. Each item is matched to an existing collection by id,
// then by name (case-insensitive), and applied like UpdateCollection (only
// keys present change); unmatched items are created. With deleteMissing,
// non-system collections not in the list are deleted. Errors are keyed
// "collections.<i>.<key>"; nothing changes when anything fails. Superusers
// only (see requireSuperuser), checked before the body is read.
func (app *App) ImportCollections(ctx context.Context, a Actor, body []byte) (err error) {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	labels := map[int]string{}
	defer func() {
		var ge *galley.Error
		if errors.As(err, &ge) && ge.Code == galley.EInvalid && len(ge.Fields) > 0 {
			err = &ImportError{Err: ge, Labels: labels}
		}
	}()
	if len(body) > MaxCollectionBody {
		return galley.Errorf(galley.ETooLarge, "The request body is larger than %d bytes.", MaxCollectionBody)
	}
	raw, err := decodeObject(body, []string{"collections", "deleteMissing"}, "")
	if err != nil {
		ge := *err.(*galley.Error)
		ge.Message = "An error occurred while loading the submitted data."
		return &ge
	}
	var items []jsontext.Value
	var deleteMissing bool
	if v, ok := raw["collections"]; ok && jsonv2.Unmarshal(v, &items) != nil {
		return formatError("An error occurred while loading the submitted data.", "collections", "validation_invalid_type", "Expected an array of collections.")
	}
	if len(items) == 0 {
		return galley.FieldInvalid("collections", "validation_required", "Cannot be blank.")
	}
	if v, ok := raw["deleteMissing"]; ok && jsonv2.Unmarshal(v, &deleteMissing) != nil {
		return galley.FieldInvalid("deleteMissing", "validation_invalid_type", `Invalid value for "deleteMissing": expected a boolean.`)
	}
	current := app.db.Schema.Collections()
	ws := newWorkingSchema(current)
	ins := make([]*collectionInput, len(items))
	olds := make([]*galley.Collection, len(items))
	matched := map[string]int{}
	for i, item := range items {
		prefix := fmt.Sprintf("collections.%d.", i)
		var named struct {
			Name string `json:"name"`
		}
		_ = jsonv2.Unmarshal(item, &named)
		labels[i] = fmt.Sprintf("%q", named.Name)
		in, err := decodeCollection(item, prefix)
		if err != nil {
			return err
		}
		var old *galley.Collection
		if in.ID != "" {
			old = app.db.Schema.Collection(in.ID)
			if old != nil && old.ID != in.ID {
				old = nil // matched a name, not an id
			}
		}
		if old == nil && in.Name != "" {
			old = newWorkingSchema(current).byName(in.Name)
		}
		if old != nil {
			if j, dup := matched[old.ID]; dup {
				return galley.FieldInvalid(prefix+"name", "validation_duplicate", fmt.Sprintf("Matches the same collection as collections.%d.", j))
			}
			matched[old.ID] = i
		} else if in.ID == "" {
			in.ID = "pbc_" + galley.RandomString(10, "0123456789")
		}
		ins[i], olds[i] = in, old
		id := in.ID
		if old != nil {
			id = old.ID
		}
		labels[i] = fmt.Sprintf("%q (%s)", in.Name, id)
	}
	var changes []store.CollectionChange
	if deleteMissing {
		for _, c := range current {
			if _, ok := matched[c.ID]; !ok && !c.System {
				delete(ws.byIDs, c.ID)
				changes = append(changes, store.CollectionChange{Old: c})
			}
		}
	}
	for i, in := range ins { // placeholders so relations can point forward and names can swap
		if olds[i] == nil {
			ws.byIDs[in.ID] = &galley.Collection{ID: in.ID, Name: in.Name, Type: in.Type}
		} else if in.present["name"] {
			p := olds[i].Clone()
			p.Name = in.Name
			ws.byIDs[p.ID] = p
		}
	}
	explicit := map[string]bool{}
	prefixes := map[string]string{}
	for i, in := range ins {
		if olds[i] == nil {
			delete(ws.byIDs, in.ID)
		}
		c, err := buildCollection(in, olds[i], ws, fmt.Sprintf("collections.%d.", i))
		if err != nil {
			return err
		}
		ws.byIDs[c.ID] = c
		changes = append(changes, store.CollectionChange{Old: olds[i], New: c})
		for k := range explicitRules(in, c.ID) {
			explicit[k] = true
		}
		prefixes[c.ID] = fmt.Sprintf("collections.%d.", i)
	}
	return app.applySchema(ctx, changes, explicit, prefixes)
}

// ImportError is a refused import (EInvalid with per-field errors keyed
// "collections.<i>.<key>"): Labels name collection i (`"name" (id)`), for
// answers that name the collection that failed, as PocketBase's do.
type ImportError struct {
	Err    *galley.Error
	Labels map[int]string
}

func (e *ImportError) Error() string { return e.Err.Error() }

func (e *ImportError) Unwrap() error { return e.Err }

// PocketBase returns the error of a refused import as PocketBase answers it:
// "Failed to import collections." and one error under "collections"
// (validation_collections_import_failure) whose message names the first
// collection that failed and lists its errors as JSON. Errors not about
// one collection ("collections" itself, deleteMissing) pass through.
func (e *ImportError) PocketBase() *galley.Error {
	first, prefix := -1, ""
	for k := range e.Err.Fields {
		rest, ok := strings.CutPrefix(k, "collections.")
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(n); err == nil && (first < 0 || i < first) {
			first, prefix = i, "collections."+n+"."
		}
	}
	if first < 0 {
		return e.Err
	}
	msgs := map[string]string{}
	for k, fe := range e.Err.Fields {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			msg := strings.TrimSuffix(fe.Message, ".")
			if msg != "" {
				msg = strings.ToLower(msg[:1]) + msg[1:]
			}
			msgs[rest] = msg
		}
	}
	tree := galley.Nest(msgs)
	b, _ := json.MarshalIndent(tree, "", "  ")
	label := e.Labels[first]
	if label == "" {
		label = `""`
	}
	return &galley.Error{Code: galley.EInvalid, Message: "Failed to import collections.", Nested: true, Fields: map[string]galley.FieldError{
		"collections": {Code: "validation_collections_import_failure",
			Message: fmt.Sprintf("Data validations failed for collection %s:\n%s.", label, b)}}}
}
