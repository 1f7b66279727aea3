package store

import (
	"strings"

	galley "github.com/galleyhq/galley"
)

// viewSourceMap maps the result columns of a view query to the fields they
// select, as far as a light parse of the main SELECT can tell. It is a
// best-effort helper for type inference: a column it cannot resolve gets a
// type from its declared SQL type instead.
type viewSourceMap struct {
	items  []*galley.Field      // per select item; nil when not a plain column
	star   bool                 // the select list uses * or t.*
	tables []*galley.Collection // FROM collections, in order
}

// field returns the source field of result column i of n named name, or nil.
func (s viewSourceMap) field(i, n int, name string) *galley.Field {
	if !s.star && len(s.items) == n {
		return s.items[i]
	}
	if !s.star {
		return nil
	}
	for _, c := range s.tables {
		if f := fieldFold(c, name); f != nil {
			return f
		}
	}
	return nil
}

var fromEnd = map[string]bool{"WHERE": true, "GROUP": true, "ORDER": true, "LIMIT": true, "HAVING": true,
	"WINDOW": true, "UNION": true, "EXCEPT": true, "INTERSECT": true}

var notAlias = map[string]bool{"ON": true, "USING": true, "JOIN": true, "LEFT": true, "RIGHT": true, "FULL": true,
	"INNER": true, "OUTER": true, "CROSS": true, "NATURAL": true, "INDEXED": true, "NOT": true}

// viewSources parses the select list and FROM clause of q's main SELECT.
func viewSources(q string, lookup func(string) *galley.Collection) viewSourceMap {
	var s viewSourceMap
	toks, err := lexSQL(q)
	if err != nil {
		return s
	}
	i, depth := 0, 0
	for ; i < len(toks); i++ {
		t := toks[i]
		depth += parenDelta(t)
		if depth == 0 && t.isKeyword("SELECT") {
			break
		}
	}
	i++
	if i < len(toks) && (toks[i].isKeyword("DISTINCT") || toks[i].isKeyword("ALL")) {
		i++
	}
	var items [][]sqlTok
	var cur []sqlTok
	for ; i < len(toks); i++ {
		t := toks[i]
		if depth == 0 && t.Kind == tokIdent && (t.isKeyword("FROM") || fromEnd[strings.ToUpper(t.Val)]) {
			break
		}
		depth += parenDelta(t)
		if depth == 0 && t.is(tokPunct, ",") {
			items, cur = append(items, cur), nil
			continue
		}
		cur = append(cur, t)
	}
	items = append(items, cur)
	aliases := map[string]*galley.Collection{}
	if i < len(toks) && toks[i].isKeyword("FROM") {
		s.tables = parseFrom(toks[i+1:], lookup, aliases)
	}
	for _, it := range items {
		s.items = append(s.items, s.resolveItem(it, aliases))
	}
	return s
}

// parseFrom reads table references up to the end of the FROM clause.
func parseFrom(toks []sqlTok, lookup func(string) *galley.Collection, aliases map[string]*galley.Collection) []*galley.Collection {
	var tables []*galley.Collection
	expect := true
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if depth == 0 && t.Kind == tokIdent && fromEnd[strings.ToUpper(t.Val)] {
			break
		}
		if d := parenDelta(t); d != 0 || depth > 0 {
			depth += d
			expect = false
			continue
		}
		switch {
		case t.is(tokPunct, ",") || t.isKeyword("JOIN"):
			expect = true
		case expect && t.isIdent():
			expect = false
			name := t.Val
			if i+2 < len(toks) && toks[i+1].is(tokPunct, ".") && toks[i+2].isIdent() {
				i += 2
				name = toks[i].Val
			}
			c := lookup(name)
			if c != nil {
				tables = append(tables, c)
			}
			aliases[strings.ToLower(name)] = c
			if i+1 < len(toks) && toks[i+1].isKeyword("AS") {
				i++
			}
			if i+1 < len(toks) && toks[i+1].isIdent() && !(toks[i+1].Kind == tokIdent && (notAlias[strings.ToUpper(toks[i+1].Val)] || fromEnd[strings.ToUpper(toks[i+1].Val)])) {
				i++
				aliases[strings.ToLower(toks[i].Val)] = c
			}
		}
	}
	return tables
}

// resolveItem returns the field a select item selects when it is a plain
// column reference (col, t.col, optionally aliased); it marks stars.
func (s *viewSourceMap) resolveItem(e []sqlTok, aliases map[string]*galley.Collection) *galley.Field {
	n := len(e)
	switch {
	case n >= 2 && e[n-2].isKeyword("AS"):
		e = e[:n-2]
	case n == 2 && e[0].isIdent() && e[1].isIdent():
		e = e[:1]
	case n == 4 && e[1].is(tokPunct, "."):
		e = e[:3]
	}
	switch {
	case len(e) == 1 && e[0].is(tokOp, "*"), len(e) == 3 && e[2].is(tokOp, "*"):
		s.star = true
	case len(e) == 1 && e[0].isIdent():
		for _, c := range s.tables {
			if f := fieldFold(c, e[0].Val); f != nil {
				return f
			}
		}
	case len(e) == 3 && e[0].isIdent() && e[1].is(tokPunct, ".") && e[2].isIdent():
		if c := aliases[strings.ToLower(e[0].Val)]; c != nil {
			return fieldFold(c, e[2].Val)
		}
	}
	return nil
}

func parenDelta(t sqlTok) int {
	switch {
	case t.is(tokPunct, "("):
		return 1
	case t.is(tokPunct, ")"):
		return -1
	}
	return 0
}
