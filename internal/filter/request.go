package filter

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
)

// collectionRef resolves @collection.name[:alias].path. A join bound by the
// enclosing && group is one row; otherwise the whole collection is a set.
func (c *compiler) collectionRef(id *Identifier, segs []seg) (value, error) {
	if len(segs) < 3 {
		return value{}, invalid("invalid filter at position %d: expected @collection.<name>.<field>, got %q", id.Position, id.Name)
	}
	key := collectionKey(id.Name)
	pb := &pathb{}
	if j, ok := c.bound[key]; ok {
		return c.walkRow(pb, j.coll, j.alias, segs[2:])
	}
	coll := c.collection(segs[1].name)
	if coll == nil {
		return value{}, invalid("unknown collection %q", segs[1].name)
	}
	a := c.alias()
	pb.from = append(pb.from, frag{sql: c.q(coll.Name) + " AS " + a})
	pb.multi = true
	return c.walkRow(pb, coll, a, segs[2:])
}

func (c *compiler) req() *RequestInfo {
	if c.env.Request == nil {
		return &RequestInfo{}
	}
	return c.env.Request
}

// request resolves @request.*: all of it becomes bind values, except
// @request.auth relation paths (subqueries keyed by the bound ids) and
// :changed (compared with the current row).
func (c *compiler) request(id *Identifier, segs []seg) (value, error) {
	r := c.req()
	bad := func() (value, error) {
		return value{}, invalid("invalid filter at position %d: unknown request field %q", id.Position, id.Name)
	}
	if len(segs) < 2 {
		return bad()
	}
	last := segs[len(segs)-1]
	switch segs[1].name {
	case "method", "context":
		if len(segs) != 2 {
			return bad()
		}
		v := r.Method
		if segs[1].name == "context" {
			v = r.Context
			if v == "" {
				v = "default"
			}
		}
		if _, err := c.scalarMods(&pathb{}, id.Name, konst(v), segs[1].mods); err != nil {
			return value{}, err
		}
		return konst(foldMods(v, segs[1].mods)), nil
	case "query", "headers":
		if len(segs) != 3 {
			return bad()
		}
		m := r.Query
		if segs[1].name == "headers" {
			m = r.Headers
		}
		s, ok := m[last.name]
		var v any
		if ok {
			v = s
		}
		return c.requestValue(id, v, ok, last.mods, nil, false)
	case "body":
		if len(segs) < 3 {
			return bad()
		}
		return c.bodyValue(id, segs[2:])
	case "auth":
		return c.authValue(id, segs[2:])
	}
	return bad()
}

// bodyValue resolves @request.body.<segs>. A key the body does not carry
// (also a nested key, or a relation path through a key not sent) is
// absentValue, except under :isset (false), :length (0) and :changed
// (false). When the first segment names a relation field of the
// collection and more segments follow, the path is followed from the
// record(s) whose ids the body holds, as for a stored relation (the body
// value in its stored form is the bound source of the hop). A path through
// any other field of the collection is EInvalid unless the field is json
// (nested keys of the body value) or geoPoint (.lon, .lat). Keys that name
// no field read nested objects of the body. The checks do not depend on
// the body, so Validate reports them when the rule is saved.
func (c *compiler) bodyValue(id *Identifier, segs []seg) (value, error) {
	body := c.req().Body
	first := segs[0]
	f := fieldOf(c.root, first.name)
	if f != nil && len(segs) > 1 {
		switch f.Type {
		case galley.FieldRelation:
			raw, ok := body[first.name]
			if !ok {
				raw = nil
			}
			stored := storedForm(f, normalize(raw))
			v, err := c.fieldValue(&pathb{}, f, frag{"?", []any{stored}}, false, segs[1:], first.mods)
			if err != nil {
				return value{}, err
			}
			if !ok {
				return absentValue(), nil
			}
			return v, nil
		case galley.FieldJSON:
		case galley.FieldGeoPoint:
			if len(segs) != 2 || (segs[1].name != "lon" && segs[1].name != "lat") {
				return value{}, invalid("geoPoint field %q has only .lon and .lat", f.Name)
			}
		default:
			return value{}, invalid("invalid filter at position %d: cannot access %q of field %q (type %s) in %q", id.Position, segs[1].name, f.Name, f.Type, id.Name)
		}
	}
	var v any = body
	ok := true
	for _, s := range segs {
		m, isMap := v.(map[string]any)
		if !isMap {
			v, ok = nil, false
			break
		}
		v, ok = m[s.name]
	}
	if len(segs) > 1 {
		f = nil
	}
	return c.requestValue(id, v, ok, segs[len(segs)-1].mods, f, true)
}

// requestValue binds a request value v (present when ok) with modifiers.
// f is the collection field of the same name (for :changed), or nil. With
// absentNull, a value that is not present is absentValue (request body
// fields); otherwise it is the null constant.
func (c *compiler) requestValue(id *Identifier, v any, ok bool, mods []string, f *galley.Field, absentNull bool) (value, error) {
	v = normalize(v)
	if len(mods) == 1 {
		switch mods[0] {
		case "isset":
			return konst(ok), nil
		case "length":
			switch x := v.(type) {
			case []any:
				return konst(float64(len(x))), nil
			case nil:
				return konst(0.0), nil
			}
			return konst(1.0), nil
		case "changed":
			if f == nil {
				return value{}, invalid("invalid filter at position %d: :changed needs a field of collection %q, got %q", id.Position, c.root.Name, id.Name)
			}
			if !ok {
				return konst(false), nil
			}
			col := frag{sql: c.rootA + "." + c.q(f.Name)}
			stored := frag{"?", []any{storedForm(f, v)}}
			if f.IsMulti() || f.Type == galley.FieldJSON || f.Type == galley.FieldGeoPoint {
				col = apply(func(m []string) string { return c.d.JSONNormalize(m[0]) }, col)
				stored = apply(func(m []string) string { return c.d.JSONNormalize(m[0]) }, stored)
			}
			eq := apply(func(m []string) string { return c.d.NullSafeEqual(m[0], m[1]) }, col, stored)
			return value{frag: cat("(NOT ", eq, ")"), typ: tBool}, nil
		}
	}
	each := false
	pb := &pathb{}
	val := konst(v)
	for i, m := range mods {
		switch m {
		case "each":
			if i != 0 {
				return value{}, invalid("invalid filter at position %d: :each must come first in %q", id.Position, id.Name)
			}
			each = true
		case "lower":
		default:
			return value{}, invalid("invalid filter at position %d: modifier %q is not supported on %q", id.Position, ":"+m, id.Name)
		}
	}
	if !ok && absentNull {
		return absentValue(), nil
	}
	if arr, isArr := v.([]any); isArr || each {
		if !isArr {
			arr = []any{v}
		}
		j := c.alias()
		pb.from = append(pb.from, c.jsonEach(frag{"?", []any{jsonText(arr)}}, j))
		pb.multi = true
		val = value{frag: frag{sql: j + ".value"}, typ: tAny, nullable: true}
		if hasMod(mods, "lower") {
			val = c.lower(val)
		}
		return c.finish(pb, val), nil
	}
	return konst(foldMods(v, mods)), nil
}

// foldMods applies :lower to the request value x (a constant) in Go, as
// SQLite's LOWER would: the result is text (numbers as SQLite renders
// them, bools as 1 and 0, objects and arrays as JSON), NULL stays NULL.
// The folded value is a constant like any request value, so it is
// converted to a column's type and used as a ~ pattern the same way.
// Without :lower, x is returned unchanged.
func foldMods(x any, mods []string) any {
	if x == nil || !hasMod(mods, "lower") {
		return x
	}
	return asciiLower(textOf(goValue(x)))
}

// normalize maps decoded JSON to the konst types: float64 numbers, []any
// arrays, map[string]any objects.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case galley.GeoPoint:
		return map[string]any{"lon": x.Lon, "lat": x.Lat}
	}
	return v
}

// storedForm converts a request value to the storage form of field f, for
// :changed comparisons.
func storedForm(f *galley.Field, v any) any {
	switch {
	case f.IsMulti():
		var out []string
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				out = append(out, stringOf(e))
			}
		case nil:
		default:
			if s := stringOf(x); s != "" {
				out = append(out, s)
			}
		}
		if out == nil {
			out = []string{}
		}
		return jsonText(out)
	case f.Type == galley.FieldJSON || f.Type == galley.FieldGeoPoint:
		return jsonText(v)
	case f.Type == galley.FieldNumber:
		switch x := v.(type) {
		case float64:
			return x
		case string:
			if n, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return n
			}
		case nil:
			return 0.0
		}
		return stringOf(v)
	case f.Type == galley.FieldBool:
		switch x := v.(type) {
		case bool:
			return x
		case string:
			b, _ := strconv.ParseBool(x)
			return b
		case float64:
			return x != 0
		}
		return false
	}
	return stringOf(v)
}

// authValue resolves @request.auth.<path> from the authenticated record.
// For guests every path is NULL (so @request.auth.id != "" is false).
func (c *compiler) authValue(id *Identifier, segs []seg) (value, error) {
	if len(segs) == 0 {
		return value{}, invalid("invalid filter at position %d: expected @request.auth.<field>", id.Position)
	}
	auth := c.req().Auth
	if auth == nil || auth.Collection == nil {
		return konst(nil), nil
	}
	s := segs[0]
	switch s.name {
	case "collectionId", "collectionName":
		if len(segs) > 1 {
			return value{}, invalid("invalid filter at position %d: cannot traverse %q", id.Position, id.Name)
		}
		v := auth.Collection.ID
		if s.name == "collectionName" {
			v = auth.Collection.Name
		}
		return c.scalarMods(&pathb{}, s.name, konst(v), s.mods)
	}
	f := fieldOf(auth.Collection, s.name)
	if f == nil || f.Type == galley.FieldPassword {
		// The auth record may come from any auth collection: a field it
		// lacks reads as NULL rather than failing the rule.
		return konst(nil), nil
	}
	raw := auth.Data[f.Name]
	if s.name == "id" {
		raw = auth.ID()
	}
	stored := storedForm(f, normalize(raw))
	return c.fieldValue(&pathb{}, f, frag{"?", []any{stored}}, false, segs[1:], s.mods)
}

// macro resolves the date/time macros, in UTC.
func (c *compiler) macro(id *Identifier) (value, error) {
	now := c.now
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	year := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Millisecond
	d := func(t time.Time) (value, error) { return konst(galley.FormatTime(t)), nil }
	n := func(x int) (value, error) { return konst(float64(x)), nil }
	switch id.Name {
	case "@now":
		return d(now)
	case "@yesterday":
		return d(now.AddDate(0, 0, -1))
	case "@tomorrow":
		return d(now.AddDate(0, 0, 1))
	case "@todayStart":
		return d(day)
	case "@todayEnd":
		return d(day.AddDate(0, 0, 1).Add(-last))
	case "@monthStart":
		return d(month)
	case "@monthEnd":
		return d(month.AddDate(0, 1, 0).Add(-last))
	case "@yearStart":
		return d(year)
	case "@yearEnd":
		return d(year.AddDate(1, 0, 0).Add(-last))
	case "@second":
		return n(now.Second())
	case "@minute":
		return n(now.Minute())
	case "@hour":
		return n(now.Hour())
	case "@weekday":
		return n(int(now.Weekday()))
	case "@day":
		return n(now.Day())
	case "@month":
		return n(int(now.Month()))
	case "@year":
		return n(now.Year())
	}
	return value{}, invalid("invalid filter at position %d: unknown macro %q", id.Position, id.Name)
}

// anyAbsent reports whether one of vs is an absent request body value.
func anyAbsent(vs []value) bool {
	for _, v := range vs {
		if v.absent {
			return true
		}
	}
	return false
}

// call compiles strftime(format, value) and geoDistance(lonA, latA, lonB,
// latB). A function of an absent request body value is absent itself (a
// NULL that ordering comparisons do not hold for), after its arguments
// have been checked. geoDistance's literal arguments must be numbers.
func (c *compiler) call(n *Call) (value, error) {
	args := make([]value, len(n.Args))
	var sets []*set
	for i, a := range n.Args {
		v, err := c.operand(a)
		if err != nil {
			return value{}, err
		}
		args[i] = v
		sets = append(sets, v.sets...)
	}
	switch n.Name {
	case "strftime":
		lit, ok := n.Args[0].(*Literal)
		if !ok || lit.Kind != LitString {
			return value{}, invalid("invalid filter at position %d: strftime format must be a string", n.Position)
		}
		var f frag
		if sd, ok := c.d.(strictDialect); ok {
			f = sd.strftime(lit.Value.(string), c.textValue(args[1]).frag)
		} else {
			f = apply(func(m []string) string { return c.d.Strftime(m[0], m[1]) }, args[0].frag, args[1].frag)
		}
		if anyAbsent(args) {
			return absentValue(), nil
		}
		return value{frag: f, typ: tText, nullable: true, sets: sets}, nil
	case "geoDistance":
		fs := make([]frag, 4)
		for i, a := range args {
			if lit, ok := n.Args[i].(*Literal); ok && lit.Kind != LitNumber {
				// Request values are not checked: one that is not a number
				// makes the distance NULL, as a text column would.
				return value{}, invalid("invalid filter at position %d: geoDistance arguments must be numbers", n.Args[i].Pos())
			}
			fs[i] = a.frag
			if sd, ok := c.d.(strictDialect); ok {
				fs[i] = sd.toNumber(a)
			}
		}
		f := apply(func(m []string) string { return c.d.GeoDistance(m[0], m[1], m[2], m[3]) }, fs...)
		if anyAbsent(args) {
			return absentValue(), nil
		}
		return value{frag: f, typ: tNumber, nullable: true, sets: sets}, nil
	}
	return value{}, invalid("invalid filter at position %d: unknown function %q", n.Position, n.Name)
}
