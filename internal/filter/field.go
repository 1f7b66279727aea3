package filter

import (
	galley "github.com/galleyhq/galley"
)

// fieldValue resolves field f whose stored value is src, followed by the
// remaining path segments rest and the modifiers of the field segment.
func (c *compiler) fieldValue(pb *pathb, f *galley.Field, src frag, nullable bool, rest []seg, mods []string) (value, error) {
	if len(rest) > 0 && len(mods) > 0 {
		return value{}, invalid("modifier %q must be at the end of the path after %q", ":"+mods[0], f.Name)
	}
	switch f.Type {
	case galley.FieldRelation:
		if len(rest) > 0 {
			return c.hop(pb, f, src, rest)
		}
	case galley.FieldJSON:
		return c.jsonValue(pb, f, src, rest, mods)
	case galley.FieldGeoPoint:
		if len(rest) > 0 {
			if len(rest) != 1 || (rest[0].name != "lon" && rest[0].name != "lat") {
				return value{}, invalid("geoPoint field %q has only .lon and .lat", f.Name)
			}
			x := c.jsonExtract(src, []string{rest[0].name})
			if sd, ok := c.d.(strictDialect); ok {
				x = sd.jsonNumber(x)
			}
			v := value{frag: x, typ: tNumber, nullable: true}
			return c.scalarMods(pb, f.Name, v, rest[0].mods)
		}
	}
	if len(rest) > 0 {
		return value{}, invalid("cannot access %q of field %q (type %s)", rest[0].name, f.Name, f.Type)
	}
	if f.IsMulti() {
		if len(mods) == 1 && mods[0] == "length" {
			return c.finish(pb, value{frag: c.jsonLength(src), typ: tNumber}), nil
		}
		j := c.alias()
		pb.from = append(pb.from, c.jsonEachText(src, j))
		pb.multi = true
		v := value{frag: frag{sql: j + ".value"}, typ: tText, nullable: true}
		for _, m := range mods {
			switch m {
			case "each":
			case "lower":
				v = c.lower(v)
			default:
				return value{}, invalid("modifier %q is not supported on field %q", ":"+m, f.Name)
			}
		}
		return c.finish(pb, v), nil
	}
	v := value{frag: src, typ: typeOf(f), nullable: nullable}
	if _, strict := c.d.(strictDialect); strict && f.Type == galley.FieldGeoPoint {
		v.typ = tAny // jsonb on PostgreSQL
	}
	return c.scalarMods(pb, f.Name, v, mods)
}

func typeOf(f *galley.Field) vtype {
	switch f.Type {
	case galley.FieldNumber:
		return tNumber
	case galley.FieldBool:
		return tBool
	case galley.FieldJSON:
		return tAny
	}
	return tText
}

// scalarMods applies the modifiers allowed on a single value: :lower, and
// :each when the path runs through a multi relation or a back-relation
// (helpers.name:each): the value is then already the set of the related
// records' values, so :each changes nothing, as on multi fields.
func (c *compiler) scalarMods(pb *pathb, name string, v value, mods []string) (value, error) {
	for _, m := range mods {
		switch {
		case m == "lower":
			v = c.lower(v)
		case m == "each" && pb.relMulti:
		case m == "each":
			return value{}, invalid("modifier \":each\" is not supported on field %q: it applies to multi-valued fields and to paths through a multi relation or back-relation", name)
		default:
			return value{}, invalid("modifier %q is not supported on field %q", ":"+m, name)
		}
	}
	return c.finish(pb, v), nil
}

// hop follows relation field f (stored value src) to the related
// collection and resolves rest there. Relation lookups go by id.
func (c *compiler) hop(pb *pathb, f *galley.Field, src frag, rest []seg) (value, error) {
	target := c.collection(f.CollectionID)
	if target == nil {
		return value{}, invalid("relation field %q points to a missing collection", f.Name)
	}
	if err := c.addHop(pb); err != nil {
		return value{}, err
	}
	r := c.alias()
	table := frag{sql: c.q(target.Name) + " AS " + r}
	if f.IsMulti() {
		j := c.alias()
		pb.from = append(pb.from, c.jsonEachText(src, j), table)
		pb.where = append(pb.where, frag{sql: r + "." + c.q("id") + " = " + j + ".value"})
		pb.multi = true
		pb.relMulti = true
	} else {
		pb.from = append(pb.from, table)
		pb.where = append(pb.where, cat(r+"."+c.q("id")+" = ", src))
	}
	return c.walkRow(pb, target, r, rest)
}

// jsonValue resolves a json field: the whole value, a path into it
// (meta.a.0), its elements (:each) or its length (:length).
func (c *compiler) jsonValue(pb *pathb, f *galley.Field, src frag, rest []seg, mods []string) (value, error) {
	path := make([]string, len(rest))
	for i, s := range rest {
		path[i] = s.name
	}
	if len(rest) > 0 {
		mods = rest[len(rest)-1].mods
	}
	x := c.jsonExtract(src, path)
	for i, m := range mods {
		switch m {
		case "length":
			if len(mods) > 1 {
				return value{}, invalid("modifier :length cannot be combined with others on %q", f.Name)
			}
			return c.finish(pb, value{frag: c.jsonLength(x), typ: tNumber}), nil
		case "each":
			if i != 0 {
				return value{}, invalid("modifier :each must come first on %q", f.Name)
			}
			j := c.alias()
			pb.from = append(pb.from, c.jsonEach(x, j))
			pb.multi = true
			x = frag{sql: j + ".value"}
		case "lower":
		default:
			return value{}, invalid("modifier %q is not supported on field %q", ":"+m, f.Name)
		}
	}
	v := value{frag: x, typ: tAny, nullable: true}
	if hasMod(mods, "lower") {
		v = c.lower(v)
	}
	return c.finish(pb, v), nil
}

// jsonExtract extracts path from the JSON text x; an empty path yields the
// whole value as an SQL value (JSON null → NULL).
func (c *compiler) jsonExtract(x frag, path []string) frag {
	p := frag{"?", []any{c.d.JSONPath(path)}}
	return apply(func(m []string) string { return c.d.JSONExtract(m[0], m[1]) }, x, p)
}
