package filter

import "strings"

// Dialect is the small seam between SQLite and PostgreSQL for what filters
// need. Every method returns SQL text built only from its arguments (which
// are SQL fragments produced by the compiler) and constants; user values are
// never passed to a Dialect, they stay bind parameters.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
	// Quote quotes an identifier taken from the schema.
	Quote(ident string) string
	// JSONEach returns a FROM item named alias that yields one row per
	// element of the JSON array expr, with the element in column "value"
	// (scalars as SQL values, objects and arrays as JSON text). Invalid or
	// NULL JSON yields no rows.
	JSONEach(expr, alias string) string
	// JSONArrayLength returns the number of elements of the JSON array expr
	// (0 for NULL, invalid JSON or non-arrays).
	JSONArrayLength(expr string) string
	// JSONExtract returns the value at path (a SQL fragment, normally a
	// bind parameter holding what JSONPath returns) of the JSON text expr:
	// NULL when missing, JSON null or when expr is not valid JSON.
	JSONExtract(expr, path string) string
	// JSONNormalize returns expr as canonical JSON text (NULL when invalid),
	// so that two JSON texts can be compared.
	JSONNormalize(expr string) string
	// NullSafeEqual is a = b where NULL equals NULL.
	NullSafeEqual(a, b string) string
	// GeoDistance returns the haversine distance in km between two points
	// given in degrees.
	GeoDistance(lonA, latA, lonB, latB string) string
	// JSONPath renders validated path segments (identifiers or array
	// indexes) as the bind value for JSONExtract.
	JSONPath(segments []string) any
	// Like returns a case-insensitive "expr LIKE pattern" with backslash as
	// the escape character.
	Like(expr, pattern string) string
	// Lower lower-cases a text expression.
	Lower(expr string) string
	// Strftime formats the date/time expr with format (both SQL fragments)
	// following SQLite's strftime conversions; NULL for invalid dates.
	Strftime(format, expr string) string
	// RowID returns the insertion-order key of rows of alias.
	RowID(alias string) string
	// Random returns a random ordering term.
	Random() string
	// Number casts expr to a floating-point number.
	Number(expr string) string
	// Concat concatenates two text expressions.
	Concat(a, b string) string
}

type sqliteDialect struct{}

// SQLite returns the SQLite dialect (modernc.org/sqlite, which has the
// JSON1 and math functions built in).
func SQLite() Dialect { return sqliteDialect{} }

func (sqliteDialect) Name() string { return "sqlite" }

func (sqliteDialect) Quote(ident string) string {
	return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
}

func jsonValid(expr, otherwise string) string {
	return "(CASE WHEN json_valid(" + expr + ") THEN " + expr + " ELSE " + otherwise + " END)"
}

func (sqliteDialect) JSONEach(expr, alias string) string {
	return "json_each(" + jsonValid(expr, "'[]'") + ") " + alias
}

func (sqliteDialect) JSONArrayLength(expr string) string {
	return "COALESCE(json_array_length(" + jsonValid(expr, "'[]'") + "), 0)"
}

func (sqliteDialect) JSONExtract(expr, path string) string {
	return "json_extract(" + jsonValid(expr, "NULL") + ", " + path + ")"
}

func (sqliteDialect) JSONNormalize(expr string) string {
	return "json(" + jsonValid(expr, "NULL") + ")"
}

func (sqliteDialect) NullSafeEqual(a, b string) string { return "(" + a + " IS " + b + ")" }

func (sqliteDialect) GeoDistance(lonA, latA, lonB, latB string) string {
	sq := func(x string) string { return "pow(" + x + ", 2)" }
	rad := func(x string) string { return "radians(" + x + ")" }
	a := sq("sin((" + rad(latB) + " - " + rad(latA) + ") / 2)")
	b := "cos(" + rad(latA) + ") * cos(" + rad(latB) + ") * " + sq("sin(("+rad(lonB)+" - "+rad(lonA)+") / 2)")
	return "(12742.0 * asin(min(1.0, sqrt(" + a + " + " + b + "))))"
}

func (sqliteDialect) JSONPath(segments []string) any {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range segments {
		if isIndex(s) {
			b.WriteString("[" + s + "]")
		} else {
			b.WriteString(`."` + s + `"`)
		}
	}
	return b.String()
}

func (sqliteDialect) Like(expr, pattern string) string {
	return expr + " LIKE " + pattern + ` ESCAPE '\'`
}

func (sqliteDialect) Lower(expr string) string { return "LOWER(" + expr + ")" }

func (sqliteDialect) Strftime(format, expr string) string {
	return "strftime(" + format + ", " + expr + ")"
}

func (sqliteDialect) RowID(alias string) string { return alias + ".rowid" }
func (sqliteDialect) Random() string            { return "RANDOM()" }
func (sqliteDialect) Number(expr string) string { return "CAST(" + expr + " AS REAL)" }
func (sqliteDialect) Concat(a, b string) string { return "(" + a + " || " + b + ")" }

// isIndex reports whether a JSON path segment is an array index.
func isIndex(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
