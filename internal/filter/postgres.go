package filter

import (
	"strconv"
	"strings"
)

// postgresDialect compiles for PostgreSQL (pgx, extended protocol). It
// follows the PostgreSQL storage conventions: text-like fields TEXT, number
// DOUBLE PRECISION, bool BOOLEAN, json fields JSONB (NULL when unset),
// multi-valued fields JSONB arrays, geoPoint JSONB {"lon","lat"}, dates as
// TEXT in galley.DateLayout. Every bind parameter carries a cast, so no
// parameter type is left to inference; jsonb's ? operators are never used,
// so Rebind can turn every ? into $n.
type postgresDialect struct{}

// Postgres returns the PostgreSQL dialect. Filters compiled with it keep
// SQLite's semantics (the differences are listed under "PostgreSQL" in the
// package documentation); the SQL uses ? placeholders, each with a cast,
// which the store converts with Rebind before executing.
func Postgres() Dialect { return postgresDialect{} }

func (postgresDialect) Name() string { return "postgres" }

func (postgresDialect) Quote(ident string) string {
	return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
}

// pgElems returns the jsonb array whose elements json_each would yield on
// SQLite: the array itself, an object's values, a scalar as one element,
// nothing (NULL) for SQL NULL.
func pgElems(expr string) string {
	j := "(" + expr + ")::jsonb"
	return "(CASE jsonb_typeof(" + j + ") WHEN 'array' THEN " + j +
		" WHEN 'object' THEN (SELECT jsonb_agg(_fe.value) FROM jsonb_each(" + j + ") AS _fe)" +
		" ELSE CASE WHEN " + j + " IS NOT NULL THEN jsonb_build_array(" + j + ") END END)"
}

func (postgresDialect) JSONEach(expr, alias string) string {
	return "jsonb_array_elements(" + pgElems(expr) + ") AS " + alias + "(value)"
}

// jsonEachText is JSONEach with the elements as text (strings unquoted),
// for multi-valued fields whose elements are compared as text.
func (postgresDialect) jsonEachText(expr, alias string) string {
	return "jsonb_array_elements_text(" + pgElems(expr) + ") AS " + alias + "(value)"
}

func (postgresDialect) JSONArrayLength(expr string) string {
	j := "(" + expr + ")::jsonb"
	return "COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(" + j + ") = 'array' THEN " + j + " END), 0)"
}

// JSONExtract uses a strict, silent SQL/JSON path so that, as with SQLite's
// json_extract, a key on an array, an index on an object and a missing key
// are NULL; JSON null becomes SQL NULL. The result is jsonb.
func (postgresDialect) JSONExtract(expr, path string) string {
	return "NULLIF(jsonb_path_query_first((" + expr + ")::jsonb, (" + path + ")::jsonpath, '{}', true), 'null'::jsonb)"
}

func (postgresDialect) JSONNormalize(expr string) string { return "(" + expr + ")::jsonb" }

// NullSafeEqual compares the text forms, which are canonical for jsonb and
// let values of different types (a number column and a text value) be
// compared without a type error.
func (postgresDialect) NullSafeEqual(a, b string) string {
	return "((" + a + ")::text IS NOT DISTINCT FROM (" + b + ")::text)"
}

func (postgresDialect) GeoDistance(lonA, latA, lonB, latB string) string {
	sq := func(x string) string { return "power(" + x + ", 2)" }
	rad := func(x string) string { return "radians(" + x + ")" }
	a := sq("sin((" + rad(latB) + " - " + rad(latA) + ") / 2)")
	b := "cos(" + rad(latA) + ") * cos(" + rad(latB) + ") * " + sq("sin(("+rad(lonB)+" - "+rad(lonA)+") / 2)")
	// LEAST ignores NULL where SQLite's min() returns it: keep NULL NULL.
	return "(SELECT 12742.0 * asin(LEAST(1.0, _fg.h)) FROM (SELECT sqrt(" + a + " + " + b + ") AS h) AS _fg WHERE _fg.h IS NOT NULL)"
}

// JSONPath renders a strict SQL/JSON path ("strict $.\"a\"[1]"); segments
// are validated identifiers or indexes.
func (postgresDialect) JSONPath(segments []string) any {
	var b strings.Builder
	b.WriteString("strict $")
	for _, s := range segments {
		if isIndex(s) {
			n, _ := strconv.Atoi(s) // SQL/JSON paths reject leading zeros
			b.WriteString("[" + strconv.Itoa(n) + "]")
		} else {
			b.WriteString(`."` + s + `"`)
		}
	}
	return b.String()
}

// Like folds ASCII letters only, as SQLite's LIKE does: lower() under the
// "C" collation leaves non-ASCII letters alone (É does not match é).
func (postgresDialect) Like(expr, pattern string) string {
	return `lower((` + expr + `) COLLATE "C") LIKE lower((` + pattern + `) COLLATE "C") ESCAPE '\'`
}

// Lower lower-cases ASCII letters only, as SQLite's lower() does.
func (postgresDialect) Lower(expr string) string { return `lower((` + expr + `) COLLATE "C")` }

// Strftime is only a fallback: the compiler translates the format itself
// (see strftime), since PostgreSQL has no strftime.
func (postgresDialect) Strftime(format, expr string) string {
	return "CAST(NULL AS text)"
}

func (postgresDialect) RowID(alias string) string { return alias + `."id"` }
func (postgresDialect) Random() string            { return "random()" }
func (postgresDialect) Number(expr string) string { return "CAST(" + expr + " AS double precision)" }
func (postgresDialect) Concat(a, b string) string { return "(" + a + " || " + b + ")" }

// strictDialect is implemented by dialects with strict static types
// (PostgreSQL). The compiler asks it to convert between the types that
// SQLite mixes freely, so that the results stay SQLite's.
type strictDialect interface {
	params(sql string, args []any) string
	compare(l value, op Op, r value, zero string) frag
	toText(v value) frag
	toNumber(v value) frag
	jsonNumber(x frag) frag
	jsonEachText(expr, alias string) string
	strftime(format string, x frag) frag
	sortKeys(v value) []frag
	sortDir(desc, notNull bool) string
}

var _ strictDialect = postgresDialect{}

// sub renders tpl with {0}, {1}, ... replaced by the fragments.
func sub(tpl string, fs ...frag) frag {
	return apply(func(m []string) string {
		r := tpl
		for i := range m {
			r = strings.ReplaceAll(r, "{"+strconv.Itoa(i)+"}", m[i])
		}
		return r
	}, fs...)
}

func (postgresDialect) params(sql string, args []any) string { return castParams(sql, args) }

// dynParts returns, over the SQL value x of static type t, the number N
// (NULL unless SQLite would see a number: numbers, bools as 0/1, JSON
// numbers and booleans) and the text S (NULL unless SQLite would see text:
// text, JSON strings unquoted, JSON arrays and objects as JSON text).
func dynParts(x string, t vtype) (n, s string) {
	switch t {
	case tNumber:
		return x, "NULL"
	case tBool:
		return "(" + x + ")::int", "NULL"
	case tAny:
		return "CASE jsonb_typeof(" + x + ") WHEN 'number' THEN (" + x + ")::double precision WHEN 'boolean' THEN (" + x + ")::boolean::int END",
			"CASE jsonb_typeof(" + x + ") WHEN 'string' THEN " + x + " #>> '{}' WHEN 'array' THEN (" + x + ")::text WHEN 'object' THEN (" + x + ")::text END"
	}
	return "NULL", x
}

// dynKey returns the class (NULL: nullCls, number: 1, text: 2), number and
// text of x, as SQLite orders values: NULL < numbers < text.
func dynKey(x string, t vtype, nullCls string) (cls, n, s string) {
	n, s = dynParts(x, t)
	cls = "CASE WHEN " + n + " IS NOT NULL THEN 1 WHEN " + s + " IS NOT NULL THEN 2 ELSE " + nullCls + " END"
	return cls, "COALESCE(" + n + ", 0)", "COALESCE(" + s + ", '')"
}

// side returns v's SQL and static type for a comparison whose NULL stands
// for zero: the null literal becomes zero itself; tAny values become jsonb.
func pgSide(v value, zero string) (frag, vtype) {
	if v.typ == tNull {
		switch zero {
		case "0":
			return frag{sql: "0"}, tNumber
		case "FALSE":
			return frag{sql: "FALSE"}, tBool
		}
		return frag{sql: "''"}, tText
	}
	if v.typ == tAny {
		return sub("({0})::jsonb", v.frag), tAny
	}
	return v.frag, v.typ
}

func typedZero(t vtype) string {
	switch t {
	case tNumber:
		return "0"
	case tBool:
		return "FALSE"
	}
	return "''"
}

// compare compiles l op r (= != < <= > >=) with SQLite's semantics: NULL
// stands for zero; values of different classes compare by class (numbers
// before text); bools are 0 and 1; text compares bytewise.
func (postgresDialect) compare(l value, op Op, r value, zero string) frag {
	lf, lt := pgSide(l, zero)
	rf, rt := pgSide(r, zero)
	sop := " " + string(op) + " "
	z := func(f frag, v value, t vtype) frag {
		if v.nullable && v.typ != tNull {
			return cat("COALESCE(", f, ", "+typedZero(t)+")")
		}
		return f
	}
	switch {
	case lt == rt && lt == tText:
		return cat(z(lf, l, lt), ` COLLATE "C"`+sop, z(rf, r, rt))
	case lt == rt && lt != tAny:
		return cat(z(lf, l, lt), sop, z(rf, r, rt))
	case lt == tNumber && rt == tBool:
		return cat(z(lf, l, lt), sop+"(", z(rf, r, rt), ")::int")
	case lt == tBool && rt == tNumber:
		return cat("(", z(lf, l, lt), ")::int"+sop, z(rf, r, rt))
	}
	nullCls := "2"
	if zero != "''" {
		nullCls = "1"
	}
	lc, ln, ls := dynKey("_fw.l", lt, nullCls)
	rc, rn, rs := dynKey("_fw.r", rt, nullCls)
	return cat("(SELECT CASE WHEN _fv.lc <> _fv.rc THEN _fv.lc"+sop+"_fv.rc WHEN _fv.lc = 1 THEN _fv.ln"+sop+"_fv.rn"+
		` ELSE _fv.ls COLLATE "C"`+sop+"_fv.rs END FROM (SELECT "+lc+" AS lc, "+ln+" AS ln, "+ls+" AS ls, "+
		rc+" AS rc, "+rn+" AS rn, "+rs+" AS rs FROM (SELECT ", lf, " AS l, ", rf, " AS r) AS _fw) AS _fv)")
}

// toText returns v as the text SQLite would see: REAL numbers with ".0"
// when integral, bools as 1 and 0, JSON strings unquoted, JSON null NULL.
func (postgresDialect) toText(v value) frag {
	switch v.typ {
	case tNumber:
		return sub(`(SELECT CASE WHEN _fj.x = trunc(_fj.x) AND abs(_fj.x) < 1e15 THEN trunc(_fj.x)::numeric::text || '.0' ELSE _fj.x::text END FROM (SELECT {0} AS x) AS _fj)`, v.frag)
	case tBool:
		return sub("({0})::int::text", v.frag)
	case tAny:
		return sub(`(SELECT CASE jsonb_typeof(_fj.x) WHEN 'boolean' THEN _fj.x::boolean::int::text ELSE _fj.x #>> '{}' END FROM (SELECT ({0})::jsonb AS x) AS _fj)`, v.frag)
	}
	return v.frag
}

// toNumber returns v as double precision: text is NULL unless it is a
// plain decimal number.
func (postgresDialect) toNumber(v value) frag {
	switch v.typ {
	case tNumber:
		return v.frag
	case tBool:
		return sub("({0})::int::double precision", v.frag)
	case tAny:
		return postgresDialect{}.jsonNumber(v.frag)
	case tNull:
		return sub("CAST({0} AS double precision)", v.frag)
	}
	return sub(`(SELECT CASE WHEN _fj.x ~ '^ *[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)? *$' THEN _fj.x::double precision END FROM (SELECT ({0})::text AS x) AS _fj)`, v.frag)
}

func (postgresDialect) jsonNumber(x frag) frag {
	return sub(`(SELECT CASE jsonb_typeof(_fj.x) WHEN 'number' THEN _fj.x::double precision WHEN 'boolean' THEN _fj.x::boolean::int END FROM (SELECT ({0})::jsonb AS x) AS _fj)`, x)
}

// sortKeys returns the ORDER BY keys that order v as SQLite does: text
// bytewise, json values NULL first, then numbers, then text.
func (postgresDialect) sortKeys(v value) []frag {
	switch v.typ {
	case tText, tNull:
		return []frag{cat(v.frag, ` COLLATE "C"`)}
	case tAny:
		n, s := dynParts("_fj.x", tAny)
		key := func(e string) frag {
			return sub("(SELECT "+e+" FROM (SELECT ({0})::jsonb AS x) AS _fj)", v.frag)
		}
		return []frag{
			key("CASE WHEN " + n + " IS NOT NULL THEN 1 WHEN " + s + " IS NOT NULL THEN 2 ELSE 0 END"),
			key(n),
			key("(" + s + `) COLLATE "C"`),
		}
	}
	return []frag{v.frag}
}

// sortDir puts NULLs first in ascending order, as SQLite does; for a key
// that cannot be NULL it says nothing, so that an index can serve the sort.
func (postgresDialect) sortDir(desc, notNull bool) string {
	if notNull {
		if desc {
			return " DESC"
		}
		return " ASC"
	}
	if desc {
		return " DESC NULLS LAST"
	}
	return " ASC NULLS FIRST"
}
