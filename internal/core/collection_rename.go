package core

import (
	"strings"

	galley "github.com/galleyhq/galley"
)

// renames describes the collection and field renames of one schema change
// and resolves rule paths over the schema as it was before the change.
type renames struct {
	old      *workingSchema               // schema before the change
	collName map[string]string            // collection id → new name
	fields   map[string]map[string]string // collection id → old field name → new name
}

func newRenames(old *workingSchema) *renames {
	return &renames{old: old, collName: map[string]string{}, fields: map[string]map[string]string{}}
}

// add records the renames from old to new (fields matched by id).
func (r *renames) add(old, new *galley.Collection) {
	if old.Name != new.Name {
		r.collName[old.ID] = new.Name
	}
	for _, of := range old.Fields {
		if nf := new.FieldByID(of.ID); nf != nil && nf.Name != of.Name {
			if r.fields[old.ID] == nil {
				r.fields[old.ID] = map[string]string{}
			}
			r.fields[old.ID][of.Name] = nf.Name
		}
	}
}

func (r *renames) empty() bool { return len(r.collName) == 0 && len(r.fields) == 0 }

// rewriteRule rewrites the references of a rule of collection self (its
// definition before the change) to renamed collections and fields. It is
// token-aware: string literals and // comments are copied untouched, and
// each identifier path (author.name, @collection.posts:p.title,
// @request.body.title:isset, comments_via_post.id) is resolved segment by
// segment through relation fields, so only segments that really name the
// renamed field or collection change. @request.auth.* paths are not
// rewritten (the auth collection is not known statically); a rule that
// breaks anyway is caught when the new schema's rules are compiled.
func (r *renames) rewriteRule(src string, self *galley.Collection) string {
	var b strings.Builder
	for i := 0; i < len(src); {
		c := src[i]
		j := i + 1
		switch {
		case c == '\'' || c == '"':
			for j < len(src) && src[j] != c {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(src))
			b.WriteString(src[i:j])
		case c == '/' && j < len(src) && src[j] == '/':
			for j < len(src) && src[j] != '\n' {
				j++
			}
			b.WriteString(src[i:j])
		case c >= '0' && c <= '9':
			for j < len(src) && isPathChar(src[j]) {
				j++
			}
			b.WriteString(src[i:j])
		case isPathChar(c):
			for j < len(src) && isPathChar(src[j]) {
				j++
			}
			b.WriteString(r.rewritePath(src[i:j], self))
		default:
			b.WriteByte(c)
		}
		i = j
	}
	return b.String()
}

func isPathChar(c byte) bool {
	return c == '_' || c == '@' || c == '.' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (r *renames) rewritePath(p string, self *galley.Collection) string {
	segs := strings.Split(p, ".")
	switch {
	case segs[0] == "@collection" && len(segs) >= 2:
		name, mod := cutModifier(segs[1])
		coll := r.old.byName(name)
		if coll == nil {
			return p
		}
		if nn := r.collName[coll.ID]; nn != "" {
			segs[1] = nn + mod
		}
		r.walk(coll, segs, 2)
	case segs[0] == "@request" && len(segs) >= 3 && segs[1] == "body" && self != nil:
		name, mod := cutModifier(segs[2])
		if nn, ok := r.fields[self.ID][name]; ok {
			segs[2] = nn + mod
		}
	case strings.HasPrefix(segs[0], "@"):
		return p
	default:
		r.walk(self, segs, 0)
	}
	return strings.Join(segs, ".")
}

// walk renames segs[i:] resolved from collection cur.
func (r *renames) walk(cur *galley.Collection, segs []string, i int) {
	for ; i < len(segs) && cur != nil; i++ {
		name, mod := cutModifier(segs[i])
		if f := cur.Field(name); f != nil {
			if nn, ok := r.fields[cur.ID][name]; ok {
				segs[i] = nn + mod
			}
			if f.Type != galley.FieldRelation {
				return
			}
			cur = r.old.get(f.CollectionID)
			continue
		}
		x, fld, ok := strings.Cut(name, "_via_")
		if !ok {
			return
		}
		coll := r.old.byName(x)
		if coll == nil {
			return
		}
		if nn := r.collName[coll.ID]; nn != "" {
			x = nn
		}
		if nn, ok := r.fields[coll.ID][fld]; ok {
			fld = nn
		}
		segs[i] = x + "_via_" + fld + mod
		cur = coll
	}
}

// cutModifier splits "title:lower" into "title" and ":lower".
func cutModifier(seg string) (string, string) {
	if i := strings.IndexByte(seg, ':'); i >= 0 {
		return seg[:i], seg[i:]
	}
	return seg, ""
}

// workingSchema is a mutable copy of the schema used while validating a
// change that may touch several collections (import).
type workingSchema struct {
	byIDs map[string]*galley.Collection
}

func newWorkingSchema(cols []*galley.Collection) *workingSchema {
	w := &workingSchema{byIDs: map[string]*galley.Collection{}}
	for _, c := range cols {
		w.byIDs[c.ID] = c
	}
	return w
}

// get returns the collection with id nameOrID, else the one with that name
// (case-insensitive), else nil.
func (w *workingSchema) get(nameOrID string) *galley.Collection {
	if c, ok := w.byIDs[nameOrID]; ok {
		return c
	}
	return w.byName(nameOrID)
}

func (w *workingSchema) byName(name string) *galley.Collection {
	for _, c := range w.byIDs {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

func (w *workingSchema) all() []*galley.Collection {
	out := make([]*galley.Collection, 0, len(w.byIDs))
	for _, c := range w.byIDs {
		out = append(out, c)
	}
	return out
}
