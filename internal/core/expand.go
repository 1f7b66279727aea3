package core

import (
	"context"
	"fmt"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

// Expand limits.
const (
	MaxExpandDepth = 6  // levels in one expand path
	MaxExpandPaths = 32 // comma-separated paths
	// MaxBackRelationExpand is how many records a back-relation expand
	// gives one record (the first ones in insertion order), as PocketBase
	// does; the rest are left out.
	MaxBackRelationExpand = 1000
	// DefaultExpandMaxRecords is the default App.ExpandMaxRecords: the
	// records all the expand paths of one request may load together.
	DefaultExpandMaxRecords = 10000
	inChunk                 = 500 // ids per IN (...) query
)

type expandNode struct {
	children map[string]*expandNode
	order    []string
}

// parseExpand turns "a.b,c" into a tree. More than MaxExpandDepth levels or
// MaxExpandPaths paths is EInvalid.
func parseExpand(s string) (*expandNode, error) {
	root := &expandNode{children: map[string]*expandNode{}}
	paths := strings.Split(s, ",")
	if len(paths) > MaxExpandPaths {
		return nil, galley.FieldInvalid("expand", "validation_too_many_values", fmt.Sprintf("At most %d expand paths are allowed.", MaxExpandPaths))
	}
	for _, p := range paths {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		segs := strings.Split(p, ".")
		if len(segs) > MaxExpandDepth {
			return nil, galley.FieldInvalid("expand", "validation_max_depth", fmt.Sprintf("Expand path %q is deeper than %d levels.", p, MaxExpandDepth))
		}
		n := root
		for _, seg := range segs {
			seg = strings.TrimSpace(seg)
			child, ok := n.children[seg]
			if !ok {
				child = &expandNode{children: map[string]*expandNode{}}
				n.children[seg] = child
				n.order = append(n.order, seg)
			}
			n = child
		}
	}
	return root, nil
}

// Expand fills Record.Expand of recs (all of one collection) for the expand
// string. Related records are filtered by their collection's viewRule for a;
// unknown paths, and relation fields hidden from a (non-superusers), are
// ignored. A back-relation gives each record at most MaxBackRelationExpand
// records. When the paths would load more than App.ExpandMaxRecords records
// in all, Expand is an EInvalid error on "expand" naming the limit (rather
// than answering a silently truncated expand).
func (app *App) Expand(ctx context.Context, a Actor, recs []*galley.Record, expand string) error {
	if expand == "" || len(recs) == 0 {
		return nil
	}
	tree, err := parseExpand(expand)
	if err != nil {
		return err
	}
	max := app.ExpandMaxRecords
	if max <= 0 {
		max = DefaultExpandMaxRecords
	}
	x := &expander{app: app, a: a, max: max, left: max}
	return x.level(ctx, recs, tree)
}

// expander is the state of one Expand call: left is what remains of the
// max records it may load.
type expander struct {
	app       *App
	a         Actor
	max, left int
}

// take charges n loaded records, failing once more than max were loaded.
func (x *expander) take(n int) error {
	x.left -= n
	if x.left < 0 {
		return galley.FieldInvalid("expand", "validation_expand_too_large",
			fmt.Sprintf("The expand loads more than %d records; expand fewer relations or request fewer records (perPage).", x.max))
	}
	return nil
}

func (x *expander) level(ctx context.Context, recs []*galley.Record, n *expandNode) error {
	c := recs[0].Collection
	for _, seg := range n.order {
		child := n.children[seg]
		var fetched []*galley.Record
		var err error
		if f := c.Field(seg); f != nil && f.Type == galley.FieldRelation {
			if f.Hidden && !x.a.IsSuperuser() {
				continue // invisible to a, like an unknown path
			}
			fetched, err = x.relation(ctx, recs, f, seg)
		} else if coll, field, ok := strings.Cut(seg, "_via_"); ok {
			fetched, err = x.back(ctx, recs, coll, field, seg)
		} else {
			continue
		}
		if err != nil {
			return err
		}
		if len(fetched) > 0 && len(child.order) > 0 {
			if err := x.level(ctx, fetched, child); err != nil {
				return err
			}
		}
	}
	return nil
}

// visible loads the records of target whose column col holds one of ids
// (at most inChunk of them; col is a JSON array when multi) and that a may
// view, in insertion order, at most limit of them. With limit 0 (records
// by id: never more than the ids) they come in no particular order: an
// ORDER BY with a LIMIT lets PostgreSQL walk the whole table in row order
// looking for a few ids.
func (x *expander) visible(ctx context.Context, target *galley.Collection, col string, ids []string, multi bool, limit int) ([]*galley.Record, error) {
	app := x.app
	ruleSQL, ruleArgs, err := app.ruleWhere(x.a, target, "view")
	if err != nil {
		return nil, nil // not viewable: expand nothing
	}
	sel := store.Select{Where: ruleSQL, Args: ruleArgs}
	if limit > 0 {
		sel.Order, sel.Limit = app.db.RowOrder(target, store.Alias), limit
	}
	return app.db.FindRecordsIn(ctx, app.db.Reader(), target, col, ids, multi, sel)
}

func (x *expander) relation(ctx context.Context, recs []*galley.Record, f *galley.Field, key string) ([]*galley.Record, error) {
	target := x.app.db.Schema.Collection(f.CollectionID)
	if target == nil {
		return nil, nil
	}
	seen := map[string]bool{}
	var ids []string
	for _, r := range recs {
		for _, id := range valuesOf(r.Data[f.Name]) {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var found []*galley.Record
	for start := 0; start < len(ids); start += inChunk {
		// Ids are unique: a chunk loads at most inChunk records, charged
		// to the budget after the query.
		rs, err := x.visible(ctx, target, "id", ids[start:min(start+inChunk, len(ids))], false, 0)
		if err != nil {
			return nil, err
		}
		if err := x.take(len(rs)); err != nil {
			return nil, err
		}
		found = append(found, rs...)
	}
	byID := make(map[string]*galley.Record, len(found))
	for _, r := range found {
		byID[r.ID()] = r
	}
	for _, r := range recs {
		vals := valuesOf(r.Data[f.Name])
		if f.IsMulti() {
			var list []*galley.Record
			for _, id := range vals {
				if rel, ok := byID[id]; ok {
					list = append(list, rel)
				}
			}
			if len(list) > 0 {
				setExpand(r, key, list)
			}
		} else if len(vals) == 1 {
			if rel, ok := byID[vals[0]]; ok {
				setExpand(r, key, rel)
			}
		}
	}
	return found, nil
}

// back expands the back-relation collName_via_fieldName: the records of
// collName whose relation fieldName points to each of recs, at most
// MaxBackRelationExpand per record. One query serves up to inChunk
// records; when its result may have been cut (by the per-record bound or
// by the budget), each record of the chunk is queried alone, so that one
// record with many back-relations neither starves the others nor fails
// the request.
func (x *expander) back(ctx context.Context, recs []*galley.Record, collName, fieldName, key string) ([]*galley.Record, error) {
	src := x.app.db.Schema.Collection(collName)
	if src == nil || src.IsView() {
		return nil, nil
	}
	f := src.Field(fieldName)
	if f == nil || f.Type != galley.FieldRelation || f.CollectionID != recs[0].Collection.ID {
		return nil, nil
	}
	if f.Hidden && !x.a.IsSuperuser() {
		return nil, nil // invisible to a, like an unknown path
	}
	byParent := map[string][]*galley.Record{}
	loaded := map[string]*galley.Record{}
	var found []*galley.Record
	// add charges and files rs under the records of parents they point to.
	add := func(rs []*galley.Record, parents map[string]bool) error {
		if err := x.take(len(rs)); err != nil {
			return err
		}
		for _, r := range rs {
			if prev, ok := loaded[r.ID()]; ok {
				r = prev // one object per record (multi relations)
			}
			kept := false
			for _, pid := range valuesOf(r.Data[f.Name]) {
				if parents[pid] && len(byParent[pid]) < MaxBackRelationExpand {
					byParent[pid] = append(byParent[pid], r)
					kept = true
				}
			}
			if _, ok := loaded[r.ID()]; kept && !ok {
				loaded[r.ID()] = r
				found = append(found, r)
			}
		}
		return nil
	}
	for start := 0; start < len(recs); start += inChunk {
		chunk := recs[start:min(start+inChunk, len(recs))]
		ids := make([]string, len(chunk))
		parents := make(map[string]bool, len(chunk))
		for i, r := range chunk {
			ids[i] = r.ID()
			parents[ids[i]] = true
		}
		limit := min(x.left+1, MaxBackRelationExpand*len(chunk))
		rs, err := x.visible(ctx, src, f.Name, ids, f.IsMulti(), limit)
		if err != nil {
			return nil, err
		}
		if len(rs) < limit || len(chunk) == 1 {
			if err := add(rs, parents); err != nil {
				return nil, err
			}
			continue
		}
		for _, id := range ids {
			rs, err := x.visible(ctx, src, f.Name, []string{id}, f.IsMulti(), min(x.left+1, MaxBackRelationExpand))
			if err != nil {
				return nil, err
			}
			if err := add(rs, map[string]bool{id: true}); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range recs {
		if list := byParent[r.ID()]; len(list) > 0 {
			setExpand(r, key, list)
		}
	}
	return found, nil
}

func setExpand(r *galley.Record, key string, v any) {
	if r.Expand == nil {
		r.Expand = map[string]any{}
	}
	r.Expand[key] = v
}
