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
	MaxExpandDepth     = 6    // levels in one expand path
	MaxExpandPaths     = 32   // comma-separated paths
	maxBackRelationRec = 1000 // back-relation records per parent
	inChunk            = 500  // ids per IN (...) query
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
// unknown paths are ignored.
func (app *App) Expand(ctx context.Context, a Actor, recs []*galley.Record, expand string) error {
	if expand == "" || len(recs) == 0 {
		return nil
	}
	tree, err := parseExpand(expand)
	if err != nil {
		return err
	}
	return app.expandLevel(ctx, a, recs, tree)
}

func (app *App) expandLevel(ctx context.Context, a Actor, recs []*galley.Record, n *expandNode) error {
	c := recs[0].Collection
	for _, seg := range n.order {
		child := n.children[seg]
		var fetched []*galley.Record
		var err error
		if f := c.Field(seg); f != nil && f.Type == galley.FieldRelation {
			fetched, err = app.expandRelation(ctx, a, recs, f, seg)
		} else if coll, field, ok := strings.Cut(seg, "_via_"); ok {
			fetched, err = app.expandBack(ctx, a, recs, coll, field, seg)
		} else {
			continue
		}
		if err != nil {
			return err
		}
		if len(fetched) > 0 && len(child.order) > 0 {
			if err := app.expandLevel(ctx, a, fetched, child); err != nil {
				return err
			}
		}
	}
	return nil
}

// visibleByIDs loads records of target with the given ids that a may view.
func (app *App) visibleByIDs(ctx context.Context, a Actor, target *galley.Collection, col string, ids []string, multi bool) ([]*galley.Record, error) {
	ruleSQL, ruleArgs, err := app.ruleWhere(a, target, "view")
	if err != nil {
		return nil, nil // not viewable: expand nothing
	}
	var out []*galley.Record
	for start := 0; start < len(ids); start += inChunk {
		chunk := ids[start:min(start+inChunk, len(ids))]
		args := make([]any, 0, len(chunk)+len(ruleArgs))
		for _, id := range chunk {
			args = append(args, id)
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
		colSQL := store.Quote(store.Alias) + "." + store.Quote(col)
		cond := colSQL + " IN (" + marks + ")"
		if multi {
			cond = app.DB.JSONArrayHas(colSQL, len(chunk))
		}
		recs, err := store.FindRecords(ctx, app.DB.Reader(), target, store.Select{
			Where: and(cond, ruleSQL), Args: append(args, ruleArgs...), Order: app.DB.RowOrder(target, store.Alias)})
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

func (app *App) expandRelation(ctx context.Context, a Actor, recs []*galley.Record, f *galley.Field, key string) ([]*galley.Record, error) {
	target := app.DB.Schema.Collection(f.CollectionID)
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
	found, err := app.visibleByIDs(ctx, a, target, "id", ids, false)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*galley.Record, len(found))
	for _, x := range found {
		byID[x.ID()] = x
	}
	for _, r := range recs {
		vals := valuesOf(r.Data[f.Name])
		if f.IsMulti() {
			var list []*galley.Record
			for _, id := range vals {
				if x, ok := byID[id]; ok {
					list = append(list, x)
				}
			}
			if len(list) > 0 {
				setExpand(r, key, list)
			}
		} else if len(vals) == 1 {
			if x, ok := byID[vals[0]]; ok {
				setExpand(r, key, x)
			}
		}
	}
	return found, nil
}

func (app *App) expandBack(ctx context.Context, a Actor, recs []*galley.Record, collName, fieldName, key string) ([]*galley.Record, error) {
	src := app.DB.Schema.Collection(collName)
	if src == nil || src.IsView() {
		return nil, nil
	}
	f := src.Field(fieldName)
	if f == nil || f.Type != galley.FieldRelation || f.CollectionID != recs[0].Collection.ID {
		return nil, nil
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID()
	}
	found, err := app.visibleByIDs(ctx, a, src, f.Name, ids, f.IsMulti())
	if err != nil {
		return nil, err
	}
	byParent := map[string][]*galley.Record{}
	for _, x := range found {
		for _, pid := range valuesOf(x.Data[f.Name]) {
			if len(byParent[pid]) < maxBackRelationRec {
				byParent[pid] = append(byParent[pid], x)
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
