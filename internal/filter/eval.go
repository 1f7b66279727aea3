package filter

import (
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	galley "github.com/galleyhq/galley"
)

// ErrNeedsSQL is returned by Eval for expressions it does not evaluate in
// memory; the caller runs the compiled SQL (Where) instead.
var ErrNeedsSQL = errors.New("filter: expression needs SQL")

// Eval evaluates e against record r of collection c in memory, with the
// result the SQL from Where(e, c, alias, env) would give on SQLite for the
// row holding r. It covers what realtime authorisation needs cheaply:
// the record's own scalar and multi-valued fields (not json or geoPoint),
// @request.auth.* fields without relation traversal, @request.method,
// context, query and headers, @request.body (absent keys, nested keys,
// :changed of scalar fields), literals and date macros, every operator and
// the :lower, :length, :each and :isset modifiers where the compiler
// allows them. Anything else — relation paths (also through the body),
// back-relations, @collection, functions, json values, and values whose
// SQLite conversion it does not model exactly (text that almost looks like
// a number) — is ErrNeedsSQL. Errors the compiler would report (unknown or
// hidden fields) are ErrNeedsSQL too, so that the SQL path reports them.
// A nil e matches.
func Eval(e Expr, c *galley.Collection, r *galley.Record, env *Env) (bool, error) {
	if e == nil {
		return true, nil
	}
	if c == nil || r == nil {
		return false, ErrNeedsSQL
	}
	ev := &evaluator{comp: newCompiler(c, "_r", env), rec: r}
	if !ev.comp.env.Trusted {
		for _, id := range Identifiers(e) {
			if strings.HasPrefix(id.Name, "@collection.") || strings.HasPrefix(id.Name, "@request.") {
				return false, ErrNeedsSQL // the compiler refuses these (EForbidden)
			}
		}
	}
	return ev.expr(e)
}

// sv is an SQLite value: NULL, INTEGER, REAL or TEXT.
type sv struct {
	kind byte // 'n' null, 'i' integer, 'r' real, 't' text
	f    float64
	s    string
}

// Affinities of operands (only plain column references have one).
const (
	affNone    = 0
	affText    = 't'
	affNumeric = 'n'
)

// mv is an evaluated operand: the compiler's static view (typ, konst,
// nullable) plus the SQLite values (one, or a set's elements) and the
// affinity of a plain column.
type mv struct {
	val   value // static type information as the compiler has it
	aff   byte
	set   bool
	elems []sv
}

type evaluator struct {
	comp *compiler
	rec  *galley.Record
}

func (ev *evaluator) expr(e Expr) (bool, error) {
	switch n := e.(type) {
	case *Logical:
		l, err := ev.expr(n.Left)
		if err != nil {
			return false, err
		}
		r, err := ev.expr(n.Right)
		if err != nil {
			return false, err
		}
		if n.Op == "||" {
			return l || r, nil
		}
		return l && r, nil
	case *Comparison:
		return ev.comparison(n)
	}
	return false, ErrNeedsSQL
}

// goValue converts a bound Go value to its SQLite value.
func goValue(x any) sv {
	switch t := x.(type) {
	case nil:
		return sv{kind: 'n'}
	case string:
		return sv{kind: 't', s: t}
	case float64:
		return sv{kind: 'r', f: t}
	case bool:
		if t {
			return sv{kind: 'i', f: 1}
		}
		return sv{kind: 'i', f: 0}
	}
	return sv{kind: 't', s: jsonText(x)}
}

func konstMV(x any) mv {
	v := konst(x)
	return mv{val: v, elems: []sv{goValue(v.args[0])}}
}

func (ev *evaluator) operand(o Operand) (mv, error) {
	switch n := o.(type) {
	case *Literal:
		return konstMV(n.Value), nil
	case *Identifier:
		segs, err := splitIdent(n)
		if err != nil {
			return mv{}, ErrNeedsSQL
		}
		switch {
		case segs[0].name == "@request":
			return ev.request(n, segs)
		case segs[0].name == "@collection":
			return mv{}, ErrNeedsSQL
		case strings.HasPrefix(segs[0].name, "@"):
			if len(segs) > 1 || len(segs[0].mods) > 0 {
				return mv{}, ErrNeedsSQL
			}
			v, err := ev.comp.macro(n)
			if err != nil {
				return mv{}, ErrNeedsSQL
			}
			return konstMV(v.args[0]), nil
		}
		return ev.field(segs)
	}
	return mv{}, ErrNeedsSQL
}

// field resolves a field of the record itself.
func (ev *evaluator) field(segs []seg) (mv, error) {
	c := ev.comp.root
	f := fieldOf(c, segs[0].name)
	if f == nil || len(segs) > 1 || f.Type == galley.FieldPassword || (f.Hidden && !ev.comp.env.Trusted) {
		return mv{}, ErrNeedsSQL
	}
	raw := ev.rec.Data[f.Name]
	if f.Name == "id" {
		raw = ev.rec.ID()
	}
	if !ev.comp.env.Trusted && c.IsAuth() && f.Name == "email" && c.Field("emailVisibility") != nil {
		// (CASE WHEN emailVisibility OR id = <auth id> THEN email END): no affinity.
		visible, _ := ev.rec.Data["emailVisibility"].(bool)
		if r := ev.comp.env.Request; r != nil && r.Auth != nil && r.Auth.ID() == ev.rec.ID() {
			visible = true
		}
		m := mv{val: value{typ: tText, nullable: true}, elems: []sv{{kind: 'n'}}}
		if visible {
			m.elems[0] = goValue(storedForm(f, normalize(raw)))
		}
		return scalarMods(m, segs[0].mods)
	}
	m, err := storedValue(f, storedForm(f, normalize(raw)), segs[0].mods)
	if err != nil {
		return mv{}, err
	}
	if !m.set && len(segs[0].mods) == 0 {
		m.aff = affText
		if f.Type == galley.FieldNumber || f.Type == galley.FieldBool {
			m.aff = affNumeric
		}
	}
	return m, nil
}

// storedValue evaluates field f whose stored (bound) value is stored, with
// the modifiers of its segment, as fieldValue compiles it.
func storedValue(f *galley.Field, stored any, mods []string) (mv, error) {
	switch f.Type {
	case galley.FieldJSON, galley.FieldGeoPoint:
		return mv{}, ErrNeedsSQL
	}
	if f.IsMulti() {
		var elems []string
		if s, ok := stored.(string); ok && s != "" {
			if err := jsonUnmarshalStrings(s, &elems); err != nil {
				return mv{}, ErrNeedsSQL
			}
		}
		if len(mods) == 1 && mods[0] == "length" {
			return mv{val: value{typ: tNumber}, elems: []sv{{kind: 'i', f: float64(len(elems))}}}, nil
		}
		m := mv{val: value{typ: tText, nullable: true}, set: true}
		for _, e := range elems {
			m.elems = append(m.elems, sv{kind: 't', s: e})
		}
		for _, mod := range mods {
			switch mod {
			case "each":
			case "lower":
				m = lowerMV(m)
			default:
				return mv{}, ErrNeedsSQL
			}
		}
		return m, nil
	}
	m := mv{val: value{typ: typeOf(f)}, elems: []sv{goValue(stored)}}
	return scalarMods(m, mods)
}

// scalarMods applies :lower (the only modifier of a single value).
func scalarMods(m mv, mods []string) (mv, error) {
	for _, mod := range mods {
		if mod != "lower" {
			return mv{}, ErrNeedsSQL
		}
		m = lowerMV(m)
	}
	return m, nil
}

// lowerMV is LOWER(x): text (ASCII folding), NULL stays NULL, no affinity.
func lowerMV(m mv) mv {
	out := mv{val: m.val, set: m.set, elems: make([]sv, len(m.elems))}
	out.val.konst = false
	if out.val.typ != tNull {
		out.val.typ = tText
	}
	for i, e := range m.elems {
		if e.kind == 'n' {
			out.elems[i] = e
			continue
		}
		out.elems[i] = sv{kind: 't', s: asciiLower(textOf(e))}
	}
	return out
}

func (ev *evaluator) request(id *Identifier, segs []seg) (mv, error) {
	r := ev.comp.req()
	if len(segs) < 2 {
		return mv{}, ErrNeedsSQL
	}
	last := segs[len(segs)-1]
	switch segs[1].name {
	case "method", "context":
		if len(segs) != 2 {
			return mv{}, ErrNeedsSQL
		}
		v := r.Method
		if segs[1].name == "context" {
			v = r.Context
			if v == "" {
				v = "default"
			}
		}
		if _, err := scalarMods(konstMV(v), segs[1].mods); err != nil {
			return mv{}, err
		}
		return konstMV(foldMods(v, segs[1].mods)), nil
	case "query", "headers":
		if len(segs) != 3 {
			return mv{}, ErrNeedsSQL
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
		if len(last.mods) == 1 && last.mods[0] == "isset" {
			return konstMV(ok), nil
		}
		if _, err := scalarMods(konstMV(v), last.mods); err != nil {
			return mv{}, err
		}
		return konstMV(foldMods(v, last.mods)), nil
	case "auth":
		return ev.auth(segs[2:])
	case "body":
		return ev.body(id, segs)
	}
	return mv{}, ErrNeedsSQL
}

// body evaluates @request.body.* as the compiler binds it. The compiler
// resolves the operand first, so that what it refuses is ErrNeedsSQL (and
// reported by the SQL path); a relation followed through the body needs
// the database unless the body lacks the field (absentValue).
func (ev *evaluator) body(id *Identifier, segs []seg) (mv, error) {
	cv, err := ev.comp.request(id, segs)
	if err != nil {
		return mv{}, ErrNeedsSQL
	}
	if cv.absent {
		return mv{val: cv, elems: []sv{{kind: 'n'}}}, nil
	}
	rest := segs[2:]
	if f := fieldOf(ev.comp.root, rest[0].name); f != nil && f.Type == galley.FieldRelation && len(rest) > 1 {
		return mv{}, ErrNeedsSQL
	}
	var v any = ev.comp.req().Body
	ok := true
	for _, s := range rest {
		m, isMap := v.(map[string]any)
		if !isMap {
			v, ok = nil, false
			break
		}
		v, ok = m[s.name]
	}
	v = normalize(v)
	mods := rest[len(rest)-1].mods
	if len(mods) == 1 {
		switch mods[0] {
		case "isset", "length":
			return konstMV(cv.args[0]), nil // a constant the compiler computed
		case "changed":
			return ev.changed(fieldOf(ev.comp.root, rest[0].name), v, ok)
		}
	}
	arr, isArr := v.([]any)
	if !isArr && !hasMod(mods, "each") {
		return konstMV(foldMods(v, mods)), nil // the compiler validated mods
	}
	if !isArr {
		arr = []any{v}
	}
	m := mv{val: value{typ: tAny, nullable: true}, set: true}
	for _, x := range arr {
		e, err := jsonElement(x)
		if err != nil {
			return mv{}, err
		}
		m.elems = append(m.elems, e)
	}
	if hasMod(mods, "lower") {
		m = lowerMV(m)
	}
	return m, nil
}

// jsonElement is the SQLite value json_each yields for the element x of
// a bound JSON array: text, integers for integral numbers and bools, REAL
// for plain decimals, NULL. Nested arrays and objects (JSON text whose
// form SQLite may render differently) and numbers SQLite might parse
// differently are ErrNeedsSQL.
func jsonElement(x any) (sv, error) {
	switch t := x.(type) {
	case nil:
		return sv{kind: 'n'}, nil
	case string:
		if strings.ContainsRune(t, 0) {
			return sv{}, ErrNeedsSQL // bound as U+FFFD (see jsonText)
		}
		return sv{kind: 't', s: t}, nil
	case bool:
		return goValue(t), nil
	case float64:
		if t == float64(int64(t)) && t < 1e15 && t > -1e15 {
			return sv{kind: 'i', f: t}, nil
		}
		if s := jsonText(t); plainNumber.MatchString(s) && !strings.ContainsAny(s, "eE") && len(s) <= 15 {
			return sv{kind: 'r', f: t}, nil
		}
	}
	return sv{}, ErrNeedsSQL
}

// changed evaluates @request.body.f:changed for the scalar fields (text,
// number, bool, single select and relation, dates): the value was sent
// and its stored form is not the record's (NOT (column IS ?) on SQLite,
// with the column's affinity). Multi-valued, json and geoPoint fields
// compare canonical JSON in SQL: ErrNeedsSQL.
func (ev *evaluator) changed(f *galley.Field, v any, ok bool) (mv, error) {
	if !ok {
		return konstMV(false), nil
	}
	if f.IsMulti() || f.Type == galley.FieldJSON || f.Type == galley.FieldGeoPoint {
		return mv{}, ErrNeedsSQL
	}
	raw := ev.rec.Data[f.Name]
	if f.Name == "id" {
		raw = ev.rec.ID()
	}
	col := goValue(storedForm(f, normalize(raw)))
	aff := byte(affText)
	if f.Type == galley.FieldNumber || f.Type == galley.FieldBool {
		aff = affNumeric
	}
	x, y, err := applyAffinity(col, aff, goValue(storedForm(f, v)), affNone)
	if err != nil {
		return mv{}, err
	}
	same := (x.kind == 'n') == (y.kind == 'n') && (x.kind == 'n' || compareSV(x, y) == 0)
	return mv{val: value{typ: tBool}, elems: []sv{goValue(!same)}}, nil
}

// auth resolves @request.auth.<field> without traversal.
func (ev *evaluator) auth(segs []seg) (mv, error) {
	if len(segs) == 0 {
		return mv{}, ErrNeedsSQL
	}
	auth := ev.comp.req().Auth
	if auth == nil || auth.Collection == nil {
		return konstMV(nil), nil
	}
	s := segs[0]
	switch s.name {
	case "collectionId", "collectionName":
		if len(segs) > 1 {
			return mv{}, ErrNeedsSQL
		}
		v := auth.Collection.ID
		if s.name == "collectionName" {
			v = auth.Collection.Name
		}
		return scalarMods(konstMV(v), s.mods)
	}
	f := fieldOf(auth.Collection, s.name)
	if f == nil || f.Type == galley.FieldPassword {
		return konstMV(nil), nil
	}
	if len(segs) > 1 {
		return mv{}, ErrNeedsSQL
	}
	raw := auth.Data[f.Name]
	if s.name == "id" {
		raw = auth.ID()
	}
	return storedValue(f, storedForm(f, normalize(raw)), s.mods)
}

func (ev *evaluator) comparison(cmp *Comparison) (bool, error) {
	l, err := ev.operand(cmp.Left)
	if err != nil {
		return false, err
	}
	r, err := ev.operand(cmp.Right)
	if err != nil {
		return false, err
	}
	return compareMV(l, cmp.Op, r)
}

// compareMV compares two evaluated operands with op as the compiled SQL
// does: constants converted to the other side's type, NULL as the zero
// value, sets compared element by element (an empty set is one NULL),
// any-of for ? operators and all-of otherwise.
func compareMV(l mv, fullOp Op, r mv) (bool, error) {
	coerceMV(&l, r)
	coerceMV(&r, l)
	op := fullOp.Base()
	if isOrdering(op) && (l.val.absent || r.val.absent) {
		return false, nil // as the compiler's FALSE
	}
	var pattern *string
	if op == "~" || op == "!~" {
		if r.val.konst {
			p := likePattern(r.val.args[0])
			if danglingEscape(p) {
				return op == "!~", nil
			}
			pattern = &p
		}
	}
	zero := zeroOf(l.val, r.val)
	ls, rs := l.elems, r.elems
	if l.set && len(ls) == 0 {
		ls = []sv{{kind: 'n'}}
	}
	if r.set && len(rs) == 0 {
		rs = []sv{{kind: 'n'}}
	}
	anyOf := fullOp.Any()
	sets := l.set || r.set
	for _, a := range ls {
		for _, b := range rs {
			ok, err := predicate(l, a, op, r, b, zero, pattern)
			if err != nil {
				return false, err
			}
			if !sets {
				return ok, nil
			}
			if anyOf && ok {
				return true, nil
			}
			if !anyOf && !ok {
				return false, nil
			}
		}
	}
	return !anyOf, nil
}

// coerceMV is coerce for evaluated operands.
func coerceMV(v *mv, other mv) {
	before := v.val
	coerce(&v.val, other.val)
	if v.val.konst && (len(before.args) == 0 || v.val.args[0] != before.args[0] || v.val.typ != before.typ) {
		v.elems = []sv{goValue(v.val.args[0])}
	}
}

// orZero is the evaluated orZero: the null literal becomes zero, a
// nullable value's NULL becomes zero (losing its affinity).
func orZeroSV(m mv, x sv, zero string) (sv, byte) {
	z := sv{kind: 'i'}
	if zero == "''" {
		z = sv{kind: 't'}
	}
	if m.val.typ == tNull {
		return z, affNone
	}
	if m.val.nullable {
		if x.kind == 'n' {
			return z, affNone
		}
		return x, affNone
	}
	return x, m.aff
}

func predicate(l mv, a sv, op Op, r mv, b sv, zero string, pattern *string) (bool, error) {
	switch op {
	case "~", "!~":
		left, _ := orZeroSV(l, a, "''")
		var pat string
		if pattern != nil {
			pat = *pattern
		} else {
			right, _ := orZeroSV(r, b, "''")
			pat = "%" + textOf(right) + "%"
		}
		if left.kind == 'n' {
			return false, nil // NULL LIKE ... is NULL: false either way
		}
		m := like(textOf(left), pat)
		if op == "!~" {
			return !m, nil
		}
		return m, nil
	}
	x, ax := orZeroSV(l, a, zero)
	y, ay := orZeroSV(r, b, zero)
	x, y, err := applyAffinity(x, ax, y, ay)
	if err != nil {
		return false, err
	}
	if x.kind == 'n' || y.kind == 'n' {
		return false, nil // NULL comparisons are NULL
	}
	c := compareSV(x, y)
	switch op {
	case "=":
		return c == 0, nil
	case "!=":
		return c != 0, nil
	case ">":
		return c > 0, nil
	case ">=":
		return c >= 0, nil
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	}
	return false, ErrNeedsSQL
}

// applyAffinity converts the operands of a comparison as SQLite does: a
// numeric-affinity side turns the other (text or no affinity) numeric; a
// text-affinity side turns a no-affinity other into text.
func applyAffinity(x sv, ax byte, y sv, ay byte) (sv, sv, error) {
	var err error
	switch {
	case ax == affNumeric && ay != affNumeric:
		y, err = numericAffinity(y)
	case ay == affNumeric && ax != affNumeric:
		x, err = numericAffinity(x)
	case ax == affText && ay == affNone:
		y = textAffinity(y)
	case ay == affText && ax == affNone:
		x = textAffinity(x)
	}
	return x, y, err
}

var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// numericAffinity converts text that is plainly a number; text that merely
// resembles one (spaces, signs, hex, a lone dot) is not modelled.
func numericAffinity(v sv) (sv, error) {
	if v.kind != 't' {
		return v, nil
	}
	if plainNumber.MatchString(v.s) {
		f, err := strconv.ParseFloat(v.s, 64)
		if err != nil || len(v.s) > 15 {
			return v, ErrNeedsSQL
		}
		if strings.ContainsAny(v.s, ".eE") {
			return sv{kind: 'r', f: f}, nil
		}
		return sv{kind: 'i', f: f}, nil
	}
	if strings.ContainsAny(v.s, "0123456789") {
		return v, ErrNeedsSQL
	}
	return v, nil
}

func textAffinity(v sv) sv {
	if v.kind == 'i' || v.kind == 'r' {
		return sv{kind: 't', s: textOf(v)}
	}
	return v
}

// compareSV orders two non-NULL values: numbers before text, numbers by
// value, text bytewise (BINARY collation).
func compareSV(x, y sv) int {
	xn, yn := x.kind != 't', y.kind != 't'
	switch {
	case xn && yn:
		switch {
		case x.f < y.f:
			return -1
		case x.f > y.f:
			return 1
		}
		return 0
	case xn:
		return -1
	case yn:
		return 1
	}
	return strings.Compare(x.s, y.s)
}

func jsonUnmarshalStrings(s string, out *[]string) error { return json.Unmarshal([]byte(s), out) }

// textOf converts a value to text as SQLite does (REAL as %!.15g).
func textOf(v sv) string {
	switch v.kind {
	case 't':
		return v.s
	case 'i':
		return strconv.FormatFloat(v.f, 'f', 0, 64)
	case 'r':
		return realText(v.f)
	}
	return ""
}

func realText(f float64) string {
	if f == float64(int64(f)) && f < 1e15 && f > -1e15 {
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if i := strings.IndexByte(s, 'e'); i >= 0 && !strings.Contains(s[:i], ".") {
		s = s[:i] + ".0" + s[i:]
	}
	return s
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// like is SQLite's "s LIKE pattern ESCAPE '\'": % any run, _ one
// character, \ escapes the next character, ASCII case-insensitive.
func like(s, pattern string) bool {
	s, pattern = asciiLower(s), asciiLower(pattern)
	var match func(s, p string) bool
	match = func(s, p string) bool {
		for len(p) > 0 {
			switch p[0] {
			case '%':
				for len(p) > 0 && p[0] == '%' {
					p = p[1:]
				}
				if p == "" {
					return true
				}
				for i := 0; i <= len(s); {
					if match(s[i:], p) {
						return true
					}
					if i == len(s) {
						break
					}
					_, n := utf8.DecodeRuneInString(s[i:])
					i += n
				}
				return false
			case '_':
				if s == "" {
					return false
				}
				_, n := utf8.DecodeRuneInString(s)
				s, p = s[n:], p[1:]
			default:
				if p[0] == '\\' && len(p) > 1 {
					p = p[1:]
				}
				_, n := utf8.DecodeRuneInString(p)
				if len(s) < n || s[:n] != p[:n] {
					return false
				}
				s, p = s[n:], p[n:]
			}
		}
		return s == ""
	}
	return match(s, pattern)
}
