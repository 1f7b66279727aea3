package filter

import (
	"regexp"
	"strconv"
	"strings"

	galley "github.com/galleyhq/galley"
)

// seg is one dot-separated segment of an identifier with its :modifiers.
type seg struct {
	name string
	mods []string
}

var segName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

var knownMods = map[string]bool{"each": true, "length": true, "lower": true, "isset": true, "changed": true}

// splitIdent splits "a.b:each" into segments. Modifiers are allowed on the
// last segment only, except that the collection segment of @collection
// carries the join alias.
func splitIdent(id *Identifier) ([]seg, error) {
	parts := strings.Split(id.Name, ".")
	segs := make([]seg, len(parts))
	for i, p := range parts {
		name, mods, _ := strings.Cut(p, ":")
		s := seg{name: name}
		if mods != "" || strings.HasSuffix(p, ":") {
			s.mods = strings.Split(mods, ":")
		}
		if i == 0 && strings.HasPrefix(name, "@") {
			name = name[1:]
		}
		if !segName.MatchString(name) {
			return nil, invalid("invalid filter at position %d: invalid identifier %q", id.Position, id.Name)
		}
		collAlias := i == 1 && parts[0] == "@collection"
		for _, m := range s.mods {
			if collAlias {
				if !segName.MatchString(m) || len(s.mods) > 1 {
					return nil, invalid("invalid filter at position %d: invalid @collection alias in %q", id.Position, id.Name)
				}
				continue
			}
			if !knownMods[m] {
				return nil, invalid("invalid filter at position %d: unknown modifier %q", id.Position, ":"+m)
			}
			if i != len(parts)-1 {
				return nil, invalid("invalid filter at position %d: modifier %q must be at the end of %q", id.Position, ":"+m, id.Name)
			}
		}
		segs[i] = s
	}
	return segs, nil
}

func (c *compiler) operand(o Operand) (value, error) {
	switch n := o.(type) {
	case *Literal:
		return konst(n.Value), nil
	case *Call:
		return c.call(n)
	case *Identifier:
		c.ident = n.Name
		segs, err := splitIdent(n)
		if err != nil {
			return value{}, err
		}
		switch {
		case segs[0].name == "@request":
			return c.request(n, segs)
		case segs[0].name == "@collection":
			return c.collectionRef(n, segs)
		case strings.HasPrefix(segs[0].name, "@"):
			if len(segs) > 1 || len(segs[0].mods) > 0 {
				return value{}, invalid("invalid filter at position %d: unknown macro %q", n.Position, n.Name)
			}
			return c.macro(n)
		}
		pb := &pathb{}
		return c.walkRow(pb, c.root, c.rootA, segs)
	}
	return value{}, invalid("invalid filter: unknown operand")
}

// pathb accumulates the joins of a path that leaves the current row.
type pathb struct {
	from  []frag
	where []frag
	multi bool
	// relMulti is set once the path follows a multi relation or a
	// back-relation: its values are the related records' (:each applies).
	relMulti bool
	hops     int // relations followed (see compiler.addHop)
}

// finish turns the value v computed inside the joins of pb into an operand:
// a plain value, a scalar subquery (single-valued hops) or a set.
func (c *compiler) finish(pb *pathb, v value) value {
	if len(pb.from) == 0 {
		return v
	}
	body := cat(" FROM ", join(pb.from, ", "))
	if len(pb.where) > 0 {
		body = cat(body, " WHERE ", join(pb.where, " AND "))
	}
	if !pb.multi {
		return value{frag: cat("(SELECT ", v.frag, body, ")"), typ: v.typ, nullable: true, sets: v.sets}
	}
	a := c.alias()
	s := &set{alias: a, frag: cat("(SELECT ", v.frag, " AS v", body, ") AS "+a)}
	return value{frag: frag{sql: a + ".v"}, typ: v.typ, nullable: true, sets: append(v.sets, s)}
}

func fieldOf(coll *galley.Collection, name string) *galley.Field {
	if f := coll.Field(name); f != nil {
		return f
	}
	if name == "id" {
		return &galley.Field{Name: "id", Type: galley.FieldText, System: true}
	}
	return nil
}

// walkRow resolves segs against the row aliased a of collection coll.
func (c *compiler) walkRow(pb *pathb, coll *galley.Collection, a string, segs []seg) (value, error) {
	s := segs[0]
	f := fieldOf(coll, s.name)
	if f == nil {
		if v, ok, err := c.backRelation(pb, coll, a, segs); ok || err != nil {
			return v, err
		}
		return value{}, invalid("unknown field %q in collection %q", s.name, coll.Name)
	}
	if f.Type == galley.FieldPassword {
		return value{}, invalid("cannot filter by password field %q", f.Name)
	}
	if f.Hidden && !c.env.Trusted {
		return value{}, invalid("cannot filter by hidden field %q", f.Name)
	}
	src := frag{sql: a + "." + c.q(f.Name)}
	nullable := false
	if !c.env.Trusted && coll.IsAuth() && f.Name == "email" && coll.Field("emailVisibility") != nil {
		// A non-visible email is NULL to other users, so filters on it match nothing.
		src = cat("(CASE WHEN "+a+"."+c.q("emailVisibility")+" OR "+a+"."+c.q("id")+" = ", c.authID(), " THEN "+src.sql+" END)")
		nullable = true
	}
	return c.fieldValue(pb, f, src, nullable, segs[1:], s.mods)
}

func (c *compiler) authID() frag {
	if r := c.env.Request; r != nil && r.Auth != nil {
		return frag{"?", []any{r.Auth.ID()}}
	}
	return frag{"?", []any{""}}
}

// backRelation resolves "<collection>_via_<field>": the records of another
// collection whose relation field points to this row. It is multi-valued.
func (c *compiler) backRelation(pb *pathb, coll *galley.Collection, a string, segs []seg) (value, bool, error) {
	s := segs[0]
	i := strings.LastIndex(s.name, "_via_")
	if i <= 0 {
		return value{}, false, nil
	}
	other := c.collection(s.name[:i])
	if other == nil {
		return value{}, false, nil
	}
	fk := other.Field(s.name[i+5:])
	if fk == nil || fk.Type != galley.FieldRelation || (fk.CollectionID != coll.ID && fk.CollectionID != coll.Name) {
		return value{}, false, nil
	}
	if fk.Hidden && !c.env.Trusted {
		return value{}, true, invalid("cannot filter by hidden field %q", fk.Name)
	}
	if err := c.addHop(pb); err != nil {
		return value{}, true, err
	}
	r := c.alias()
	var cond frag
	if fk.IsMulti() {
		j := c.alias()
		cond = cat("EXISTS (SELECT 1 FROM ", c.jsonEachText(frag{sql: r + "." + c.q(fk.Name)}, j), " WHERE "+j+".value = "+a+"."+c.q("id")+")")
	} else {
		cond = frag{sql: r + "." + c.q(fk.Name) + " = " + a + "." + c.q("id")}
	}
	table := frag{sql: c.q(other.Name) + " AS " + r}
	if len(segs) == 1 {
		for _, m := range s.mods {
			switch m {
			case "length":
				if len(s.mods) > 1 {
					return value{}, true, invalid("modifier :length cannot be combined with others on %q", s.name)
				}
				sub := cat("(SELECT COUNT(*) FROM ", table, " WHERE ", cond, ")")
				return c.finish(pb, value{frag: sub, typ: tNumber}), true, nil
			case "each", "lower":
			default:
				return value{}, true, invalid("modifier %q is not supported on %q", ":"+m, s.name)
			}
		}
	}
	pb.from = append(pb.from, table)
	pb.where = append(pb.where, cond)
	pb.multi = true
	pb.relMulti = true
	if len(segs) == 1 {
		v := value{frag: frag{sql: r + "." + c.q("id")}, typ: tText}
		if hasMod(s.mods, "lower") {
			v = c.lower(v)
		}
		return c.finish(pb, v), true, nil
	}
	v, err := c.walkRow(pb, other, r, segs[1:])
	return v, true, err
}

func hasMod(mods []string, m string) bool {
	for _, x := range mods {
		if x == m {
			return true
		}
	}
	return false
}

func (c *compiler) lower(v value) value {
	v = c.textValue(v)
	v.frag = apply(func(m []string) string { return c.d.Lower(m[0]) }, v.frag)
	if v.typ != tNull {
		v.typ = tText
	}
	return v
}

func (c *compiler) jsonEach(x frag, alias string) frag {
	return apply(func(m []string) string { return c.d.JSONEach(m[0], alias) }, x)
}

// jsonEachText is jsonEach for arrays whose elements are used as text
// (multi-valued fields).
func (c *compiler) jsonEachText(x frag, alias string) frag {
	if sd, ok := c.d.(strictDialect); ok {
		return apply(func(m []string) string { return sd.jsonEachText(m[0], alias) }, x)
	}
	return c.jsonEach(x, alias)
}

func (c *compiler) jsonLength(x frag) frag {
	return apply(func(m []string) string { return c.d.JSONArrayLength(m[0]) }, x)
}

// apply renders tmpl with markers in place of the fragments, then replaces
// each marker occurrence by its fragment, keeping the bind values in
// textual order even when a dialect repeats an argument.
func apply(tmpl func(m []string) string, fs ...frag) frag {
	marks := make([]string, len(fs))
	for i := range fs {
		marks[i] = "\x00" + strconv.Itoa(i) + "\x00"
	}
	s := tmpl(marks)
	var out frag
	var b strings.Builder
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i+1:], 0)
		k, _ := strconv.Atoi(s[i+1 : i+1+j])
		b.WriteString(fs[k].sql)
		out.args = append(out.args, fs[k].args...)
		s = s[i+2+j:]
	}
	out.sql = b.String()
	return out
}
