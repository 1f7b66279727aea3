package store

import (
	"fmt"
	"strings"

	galley "github.com/galleyhq/galley"
)

// A view query runs with the database role's full rights every time its
// view is listed, so what it may do is decided by allow-lists, not
// deny-lists: every function it calls must be one of a dialect's safe
// functions, every cast target one of a few plain types, and no name may
// reach a system object. checkViewTokens applies these rules to the token
// stream of the query as the dialect's own lexer would split it (see
// lexMode). On PostgreSQL it runs twice: on the text the user wrote and on
// the definition PostgreSQL stores for it (pg_get_viewdef), which has
// comments, escapes and attribute notation resolved, so a function call
// that hides from the first pass shows up in the second.

// viewCommonFunctions are the functions both dialects may call (lower-case).
var viewCommonFunctions = words(`abs avg ceil ceiling coalesce concat concat_ws count cume_dist dense_rank
	exp first_value floor format lag last_value lead length ln log lower ltrim max min mod nth_value ntile
	nullif octet_length percent_rank pi power radians degrees random rank replace round row_number rtrim
	sign sin cos tan asin acos atan atan2 sqrt string_agg substr substring sum trim trunc upper`)

// viewSQLiteFunctions are SQLite's safe functions: scalar, aggregate,
// window, date and JSON functions (json_each and json_tree are
// table-valued). Left out: load_extension, sqlite_*, fts5/rtree/geopoly
// helpers, changes and last_insert_rowid, randomblob and zeroblob.
var viewSQLiteFunctions = union(viewCommonFunctions, words(`acosh asinh atanh char cosh sinh tanh date datetime
	glob group_concat hex if ifnull iif instr julianday like likelihood likely unlikely log10 log2 pow printf
	quote soundex strftime time timediff total typeof unhex unicode unixepoch
	json json_array json_array_insert json_array_length json_error_position json_extract json_group_array
	json_group_object json_insert json_object json_patch json_pretty json_quote json_remove json_replace
	json_set json_type json_valid json_each json_tree jsonb jsonb_array jsonb_array_insert jsonb_extract
	jsonb_group_array jsonb_group_object jsonb_insert jsonb_object jsonb_patch jsonb_remove jsonb_replace
	jsonb_set jsonb_each jsonb_tree`))

// viewPostgresFunctions are PostgreSQL's safe functions: none reads a
// file, a setting, a catalog or another query, sends a notification,
// takes a lock or sleeps. Names PostgreSQL itself writes in stored view
// definitions (date_part, timezone, like_escape, similar_to_escape, btrim)
// are included.
var viewPostgresFunctions = union(viewCommonFunctions, words(`array_agg bool_and bool_or every json_agg jsonb_agg
	json_object_agg jsonb_object_agg stddev stddev_pop stddev_samp variance var_pop var_samp percentile_cont
	percentile_disc mode initcap char_length character_length bit_length position strpos btrim left right
	lpad rpad reverse split_part starts_with translate md5 regexp_replace regexp_match regexp_matches
	regexp_split_to_array regexp_like chr ascii to_char to_number to_date to_timestamp cbrt log10 div
	width_bucket gcd lcm now date_part date_trunc date_bin age make_date make_time make_timestamp
	make_timestamptz make_interval clock_timestamp statement_timestamp transaction_timestamp
	justify_days justify_hours justify_interval isfinite timezone like_escape similar_to_escape overlay
	to_json to_jsonb row_to_json array_to_json json_build_object jsonb_build_object json_build_array
	jsonb_build_array json_array_length jsonb_array_length json_extract_path json_extract_path_text
	jsonb_extract_path jsonb_extract_path_text json_typeof jsonb_typeof jsonb_set jsonb_insert
	json_strip_nulls jsonb_strip_nulls jsonb_pretty json_array_elements jsonb_array_elements
	json_array_elements_text jsonb_array_elements_text json_each jsonb_each json_each_text jsonb_each_text
	json_object_keys jsonb_object_keys jsonb_path_exists jsonb_path_match jsonb_path_query
	jsonb_path_query_array jsonb_path_query_first array_length cardinality array_to_string
	string_to_array unnest array_append array_prepend array_cat array_position array_positions
	array_remove array_replace array_upper array_lower num_nulls num_nonnulls gen_random_uuid`))

// viewPostgresTypes are the types a PostgreSQL view may cast to (with
// "::", CAST or a typed literal). Not reg* (catalog lookups), xml (a parser
// of its own) or anything else.
var viewPostgresTypes = words(`text varchar char character bpchar int integer int2 int4 int8 smallint bigint
	numeric decimal real float float4 float8 bool boolean date time timetz timestamp timestamptz interval
	json jsonb uuid bytea`, "character varying", "double precision", "time with time zone",
	"time without time zone", "timestamp with time zone", "timestamp without time zone")

// viewCallKeywords are the words other than function names that an opening
// parenthesis may follow (upper-case, bare). PostgreSQL reserves them or
// gives them a syntax of their own, so none of them can name a function
// there; viewContextKeywords are the ones it does not reserve, and
// viewSQLiteCallKeywords SQLite's operators, which call built-ins.
var viewCallKeywords = words(`SELECT FROM WHERE AND OR NOT IN EXISTS AS ON USING VALUES THEN ELSE WHEN CASE
	BETWEEN HAVING UNION INTERSECT EXCEPT ALL ANY SOME DISTINCT LIMIT OFFSET GROUP LATERAL CAST COALESCE
	NULLIF GREATEST LEAST EXTRACT SUBSTRING POSITION OVERLAY TRIM ARRAY ROW TO`)

// viewContextKeywords are words PostgreSQL does not reserve (a function
// could carry the name) that may still precede "(" right after the given
// tokens: "count(*) FILTER (", "OVER (", "ORDER BY (", "AS MATERIALIZED (",
// "x LIKE (", "JOIN (".
var viewContextKeywords = map[string][]string{
	"FILTER": {")"}, "OVER": {")"}, "BY": {"ORDER", "GROUP", "PARTITION"}, "MATERIALIZED": {"AS", "NOT"},
	"LIKE": {"NOT", ")", "*ident"}, "ILIKE": {"NOT", ")", "*ident"}, "SIMILAR": {"NOT", ")", "*ident"},
	"JOIN": {"*ident", ")"},
}

var viewSQLiteCallKeywords = words(`GLOB MATCH REGEXP LIKE IS ESCAPE`)

// contextKeyword reports whether bare word i, followed by "(", is the
// keyword viewContextKeywords allows after the token before it.
func (c *viewCheck) contextKeyword(i int, upper string) bool {
	prev := c.tok(i - 1)
	for _, p := range viewContextKeywords[upper] {
		switch {
		case p == ")" && prev.is(tokPunct, ")"),
			p == "*ident" && prev.isIdent() && !viewCallKeywords[strings.ToUpper(prev.Val)],
			p != ")" && p != "*ident" && prev.isKeyword(p):
			return true
		}
	}
	return false
}

// viewStringKeywords are the words a string literal may follow on
// PostgreSQL; any other word before a string is a typed literal
// (regclass '...'), whose type must be in viewPostgresTypes.
var viewStringKeywords = words(`SELECT WHERE AND OR NOT THEN ELSE WHEN CASE LIKE ILIKE SIMILAR TO ESCAPE IS
	BETWEEN DISTINCT ALL ANY SOME ON HAVING BY AS FROM IN ZONE LIMIT OFFSET UNION INTERSECT EXCEPT`)

// viewCastWords are the words that continue a type name after its first.
var viewCastWords = words(`precision varying with without time zone`)

// viewPostgresSessionWords are PostgreSQL's parenthesis-less functions that
// tell about the session (role, schema, database) rather than the data.
var viewPostgresSessionWords = words(`CURRENT_USER SESSION_USER USER CURRENT_ROLE SYSTEM_USER CURRENT_CATALOG
	CURRENT_SCHEMA`)

// viewPostgresDeniedPrefixes name PostgreSQL objects a view may not name at
// all, called or not (lower-case prefixes).
var viewPostgresDeniedPrefixes = []string{"pg_", "information_schema", "lo_", "dblink", "txid_", "xml",
	"query_to_xml", "table_to_xml", "cursor_to_xml", "schema_to_xml", "database_to_xml", "set_config",
	"current_setting", "to_reg", "nextval", "setval", "currval", "lastval"}

func words(list string, more ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range append(strings.Fields(list), more...) {
		m[w] = true
	}
	return m
}

func union(a, b map[string]bool) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// asciiLower lower-cases ASCII letters only, as PostgreSQL folds unquoted
// names in UTF-8 databases.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func viewInvalid(format string, a ...any) error {
	return galley.FieldInvalid("viewQuery", "validation_invalid_view_query", fmt.Sprintf(format, a...))
}

// viewCheck is one pass of checkViewTokens.
type viewCheck struct {
	toks []sqlTok
	pg   bool
	// stored is set for a definition PostgreSQL wrote: it names hidden
	// columns such as _rowid that "*" expanded to, so "_" names pass (the
	// EXPLAIN check still sees every table read).
	stored bool
	names  map[int]bool // tokens that are names, not calls: CTE names, alias column lists, cast types
}

// checkViewTokens checks view query q (lexed with mode) against the
// dialect's allow-lists:
//
//   - no parameters, no writing, locking or session keywords (INTO, COPY,
//     FOR UPDATE/SHARE, TABLESAMPLE, ROWS FROM, ...);
//   - no name of a system object: "_", "sqlite_", "pragma_" and dbstat on
//     SQLite; on PostgreSQL also pg_*, information_schema, lo_*, dblink*,
//     txid_*, xml*, *_to_xml, set_config, current_setting, to_reg*,
//     sequences, and session values such as CURRENT_USER;
//   - every name followed by "(" is a SQL keyword, a CTE name, an alias
//     column list, or a function in the dialect's allow-list; a qualified
//     name only as pg_catalog.allowed (PostgreSQL);
//   - on PostgreSQL every cast ("::", CAST(... AS t), t '...') targets a
//     type in viewPostgresTypes.
//
// stored marks a definition PostgreSQL wrote (see viewCheck.stored). The
// error is a validation_invalid_view_query on viewQuery naming what was
// refused.
func checkViewTokens(q string, mode lexMode, stored bool) error {
	toks, err := lexSQLMode(q, mode)
	if err != nil {
		return viewInvalid("Invalid view query: %s.", err)
	}
	c := &viewCheck{toks: toks, pg: mode != lexSQLite, stored: stored, names: map[int]bool{}}
	c.markCTENames()
	for i := range toks {
		if err := c.check(i); err != nil {
			return err
		}
	}
	return nil
}

func (c *viewCheck) tok(i int) sqlTok {
	if i < 0 || i >= len(c.toks) {
		return sqlTok{Kind: tokPunct}
	}
	return c.toks[i]
}

// closing returns the index of the ")" or "]" matching the opener at i, or -1.
func (c *viewCheck) closing(i int) int {
	depth := 0
	for j := i; j < len(c.toks); j++ {
		t := c.toks[j]
		switch {
		case t.is(tokPunct, "(") || t.is(tokPunct, "["):
			depth++
		case t.is(tokPunct, ")") || t.is(tokPunct, "]"):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// nameList reports whether the parenthesised group at i holds only names
// separated by commas, as a column alias list does.
func (c *viewCheck) nameList(i int) bool {
	end := c.closing(i)
	if end < 0 {
		return false
	}
	for j := i + 1; j < end; j++ {
		if t := c.toks[j]; !(t.isIdent() && (j-i)%2 == 1 || t.is(tokPunct, ",") && (j-i)%2 == 0) {
			return false
		}
	}
	return end > i+1
}

// markCTENames marks the names of common table expressions that have
// column lists ("WITH t(a, b) AS (...)"), which look like calls.
func (c *viewCheck) markCTENames() {
	for i, t := range c.toks {
		if !t.isKeyword("WITH") || !(i == 0 || c.tok(i-1).is(tokPunct, "(")) {
			continue
		}
		j := i + 1
		for c.tok(j).isIdent() {
			if c.tok(j+1).is(tokPunct, "(") {
				if !c.nameList(j + 1) {
					break
				}
				c.names[j] = true
				j = c.closing(j+1) + 1
			} else {
				j++
			}
			if !c.tok(j).isKeyword("AS") {
				break
			}
			j++
			if c.tok(j).isKeyword("NOT") {
				j++
			}
			if c.tok(j).isKeyword("MATERIALIZED") {
				j++
			}
			end := c.closing(j)
			if !c.tok(j).is(tokPunct, "(") || end < 0 {
				break
			}
			j = end + 1
			if !c.tok(j).is(tokPunct, ",") {
				break
			}
			j++
		}
	}
}

// castType reads the type name starting at i: words, an optional list of
// numeric modifiers, more words ("with time zone") and "[]" suffixes. It
// marks the tokens as names and returns the normalised name (words joined
// by one space, without modifiers) and the index after it; ok is false
// when what follows is not a plain type name.
func (c *viewCheck) castType(i int) (name string, next int, ok bool) {
	t := c.tok(i)
	if !t.isIdent() {
		return "", i, false
	}
	name = t.Val
	if t.Kind == tokIdent {
		name = asciiLower(t.Val)
	}
	c.names[i] = true
	i++
	for {
		t := c.tok(i)
		switch {
		case t.Kind == tokIdent && viewCastWords[asciiLower(t.Val)]:
			name += " " + asciiLower(t.Val)
			c.names[i] = true
			i++
			continue
		case t.is(tokPunct, "("):
			end := c.closing(i)
			if end < 0 {
				return name, i, false
			}
			for j := i + 1; j < end; j++ {
				if u := c.toks[j]; !(u.Kind == tokNumber || u.is(tokPunct, ",") || u.is(tokOp, "-") || u.is(tokOp, "+")) {
					return name, i, false
				}
			}
			i = end + 1
			continue
		case c.pg && t.is(tokPunct, "["):
			end := c.closing(i)
			if end < 0 || end > i+2 || (end == i+2 && c.tok(i+1).Kind != tokNumber) {
				return name, i, false
			}
			i = end + 1
			continue
		}
		return name, i, true
	}
}

// check applies the rules to token i.
func (c *viewCheck) check(i int) error {
	t := c.toks[i]
	next := c.tok(i + 1)
	upper := strings.ToUpper(t.Val)
	switch {
	case t.Kind == tokParam:
		return viewInvalid("The view query cannot use parameters or dollar quotes (%s).", t.Val)
	case t.Kind == tokIdent && viewDenied[upper] && !(upper == "REPLACE" && next.is(tokPunct, "(")):
		return viewInvalid("The view query must only read data (%s is not allowed).", upper)
	case t.isKeyword("FOR") && (next.isKeyword("SHARE") || next.isKeyword("KEY") || next.isKeyword("NO") || next.isKeyword("UPDATE")):
		return viewInvalid("The view query cannot lock rows (FOR %s).", strings.ToUpper(next.Val))
	case t.isKeyword("ROWS") && next.isKeyword("FROM"):
		return viewInvalid("The view query cannot use ROWS FROM.")
	case t.isIdent() && !c.stored && isSystemIdent(t.Val),
		t.isIdent() && !c.pg && strings.EqualFold(t.Val, "dbstat"):
		return viewInvalid("The view query cannot read system objects (%s).", t.Val)
	case c.pg && t.Kind == tokIdent && viewPostgresSessionWords[upper]:
		return viewInvalid("The view query cannot read session values (%s); quote a column of that name.", upper)
	}
	if c.pg && t.isIdent() && !c.names[i] {
		for _, p := range viewPostgresDeniedPrefixes {
			if strings.HasPrefix(strings.ToLower(t.Val), p) && !(p == "pg_" && c.allowedQualifier(i)) {
				return viewInvalid("The view query cannot use %s: it reaches outside the collections.", t.Val)
			}
		}
	}
	if c.pg && t.is(tokOp, "::") {
		name, _, ok := c.castType(i + 1)
		if !ok || !viewPostgresTypes[name] {
			return viewInvalid("The view query cannot cast to %s.", castName(name, ok))
		}
	}
	if t.isKeyword("CAST") && next.is(tokPunct, "(") {
		if err := c.checkCast(i + 1); err != nil {
			return err
		}
	}
	if c.names[i] || !t.isIdent() {
		return nil
	}
	if c.pg && next.Kind == tokString && !(t.Kind == tokIdent && viewStringKeywords[upper]) {
		name, _, ok := c.castType(i)
		if !ok || !viewPostgresTypes[name] {
			return viewInvalid("The view query cannot use a typed literal of type %s.", castName(name, ok))
		}
		return nil
	}
	if !next.is(tokPunct, "(") {
		return nil
	}
	return c.checkCall(i, upper)
}

// castDeniedSQLite reports whether a CAST on SQLite names a type that is a
// catalog lookup or XML on PostgreSQL. SQLite only reads an affinity from
// the name, but a view should mean the same on both databases.
func castDeniedSQLite(name string) bool {
	l := strings.ToLower(name)
	for _, p := range []string{"reg", "xml", "pg_", "txid"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

func castName(name string, ok bool) string {
	if !ok || name == "" {
		return "this type"
	}
	return name
}

// allowedQualifier reports whether name token i is "pg_catalog" qualifying
// a call of an allowed function (PostgreSQL).
func (c *viewCheck) allowedQualifier(i int) bool {
	t := c.toks[i]
	f := c.tok(i + 2)
	return t.isIdent() && strings.EqualFold(t.Val, "pg_catalog") && !c.tok(i-1).is(tokPunct, ".") &&
		c.tok(i+1).is(tokPunct, ".") && f.isIdent() && c.tok(i+3).is(tokPunct, "(") && c.functionAllowed(f)
}

func (c *viewCheck) functionAllowed(t sqlTok) bool {
	switch {
	case !c.pg:
		return viewSQLiteFunctions[strings.ToLower(t.Val)]
	case t.Kind == tokQIdent: // quoted names are case-sensitive
		return viewPostgresFunctions[t.Val]
	}
	return viewPostgresFunctions[asciiLower(t.Val)]
}

// checkCall checks name token i followed by "(".
func (c *viewCheck) checkCall(i int, upper string) error {
	t := c.toks[i]
	prev := c.tok(i - 1)
	switch {
	case prev.is(tokPunct, "."):
		if c.pg && c.tok(i-2).isIdent() && c.allowedQualifier(i-2) {
			return nil
		}
		return viewInvalid("The view query cannot call the qualified function %s.%s().", c.tok(i-2).Val, t.Val)
	case t.Kind == tokIdent && viewCallKeywords[upper],
		t.Kind == tokIdent && c.contextKeyword(i, upper),
		t.Kind == tokIdent && !c.pg && viewSQLiteCallKeywords[upper]:
		return nil
	case (prev.isKeyword("AS") || prev.is(tokPunct, ")")) && c.nameList(i+1):
		return nil // an alias with column names: "AS t(a, b)", "f(x) t(a)"
	case c.functionAllowed(t):
		return nil
	}
	return viewInvalid("The view query cannot call %s(): it is not one of the functions views may use.", t.Val)
}

// checkCast checks "CAST(" at the "(" at i: the type after the last AS at
// the top level must be a plain type name ending at the ")", and on
// PostgreSQL an allowed type.
func (c *viewCheck) checkCast(i int) error {
	end := c.closing(i)
	if end < 0 {
		return nil // the database refuses it
	}
	as := -1
	depth := 0
	for j := i + 1; j < end; j++ {
		t := c.toks[j]
		depth += parenDelta(t)
		if depth == 0 && t.isKeyword("AS") {
			as = j
		}
	}
	if as < 0 {
		return nil
	}
	name, next, ok := c.castType(as + 1)
	if !ok || next != end || (c.pg && !viewPostgresTypes[name]) || (!c.pg && castDeniedSQLite(name)) {
		return viewInvalid("The view query cannot cast to %s.", castName(name, ok && next == end))
	}
	return nil
}
