package store

import (
	"fmt"
	"regexp"
	"strings"

	galley "github.com/galleyhq/galley"
)

// Index is a parsed, validated CREATE INDEX statement of a collection. User
// text is never executed: SQL regenerates the statement from these parts with
// quoted identifiers and re-quoted literals.
type Index struct {
	Name    string
	Unique  bool
	Table   string
	Columns []IndexColumn
	// Where holds the tokens of a partial index's WHERE clause (nil for none).
	// Only field names, literals, comparison operators, AND/OR/NOT, IS, NULL,
	// IN, LIKE, GLOB, BETWEEN and parentheses are accepted.
	Where []sqlTok
}

// IndexColumn is one indexed column.
type IndexColumn struct {
	Name    string
	Collate string // "", "NOCASE", "BINARY" or "RTRIM"
	Order   string // "", "ASC" or "DESC"
}

var indexNameRe = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)

// RelationIndexPrefix starts the names of the indexes Galley creates for
// relation fields; user indexes may not use it.
const RelationIndexPrefix = "_rel_"

// ParseIndex parses one `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table
// (col [COLLATE x] [ASC|DESC], ...) [WHERE expr]` statement (an optional
// trailing ";" is allowed, nothing after it) and validates it against c: the
// table must be c (case-insensitive) and every column a field of c. Column
// and table names are canonicalised to the schema's spelling. Errors are
// plain errors whose message is safe to show to users.
func ParseIndex(src string, c *galley.Collection) (*Index, error) {
	toks, err := lexSQL(src)
	if err != nil {
		return nil, err
	}
	if n := len(toks); n > 0 && toks[n-1].is(tokPunct, ";") {
		toks = toks[:n-1]
	}
	p := &tokParser{toks: toks}
	ix := &Index{}
	if !p.keyword("CREATE") {
		return nil, fmt.Errorf("expected CREATE INDEX")
	}
	ix.Unique = p.keyword("UNIQUE")
	if !p.keyword("INDEX") {
		return nil, fmt.Errorf("expected INDEX after CREATE")
	}
	if p.keyword("IF") && !(p.keyword("NOT") && p.keyword("EXISTS")) {
		return nil, fmt.Errorf("expected IF NOT EXISTS")
	}
	name, ok := p.ident()
	if !ok || !indexNameRe.MatchString(name) || len(name) > 100 {
		return nil, fmt.Errorf("invalid index name: use 1-100 letters, digits or underscores")
	}
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, "sqlite_") || strings.HasPrefix(lower, RelationIndexPrefix) {
		return nil, fmt.Errorf("index name %q uses a reserved prefix", name)
	}
	ix.Name = name
	if p.punct(".") {
		return nil, fmt.Errorf("schema-qualified index names are not allowed")
	}
	if !p.keyword("ON") {
		return nil, fmt.Errorf("expected ON after the index name")
	}
	table, ok := p.ident()
	if !ok || !strings.EqualFold(table, c.Name) {
		return nil, fmt.Errorf("index %q must be on table %q", name, c.Name)
	}
	ix.Table = c.Name
	if !p.punct("(") {
		return nil, fmt.Errorf("expected ( after the table name")
	}
	for {
		col, ok := p.ident()
		if !ok {
			return nil, fmt.Errorf("index %q: expected a column name (expressions are not supported)", name)
		}
		f := fieldFold(c, col)
		if f == nil {
			return nil, fmt.Errorf("index %q: unknown column %q", name, col)
		}
		ic := IndexColumn{Name: f.Name}
		if p.keyword("COLLATE") {
			coll, _ := p.ident()
			switch strings.ToUpper(coll) {
			case "NOCASE", "BINARY", "RTRIM":
				ic.Collate = strings.ToUpper(coll)
			default:
				return nil, fmt.Errorf("index %q: unsupported collation %q", name, coll)
			}
		}
		if p.keyword("ASC") {
			ic.Order = "ASC"
		} else if p.keyword("DESC") {
			ic.Order = "DESC"
		}
		ix.Columns = append(ix.Columns, ic)
		if p.punct(")") {
			break
		}
		if !p.punct(",") {
			return nil, fmt.Errorf("index %q: expected , or ) after column %q", name, col)
		}
	}
	if p.keyword("WHERE") {
		where, err := indexWhere(p.rest(), c)
		if err != nil {
			return nil, fmt.Errorf("index %q: %w", name, err)
		}
		ix.Where = where
	}
	if !p.done() {
		return nil, fmt.Errorf("index %q: unexpected %q after the column list (one statement only)", name, p.peek().Val)
	}
	return ix, nil
}

// indexWhere validates the tokens of a partial index's WHERE clause against
// a whitelist and canonicalises identifiers to field names.
func indexWhere(toks []sqlTok, c *galley.Collection) ([]sqlTok, error) {
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty WHERE clause")
	}
	keywords := map[string]bool{"AND": true, "OR": true, "NOT": true, "IS": true, "NULL": true, "IN": true,
		"LIKE": true, "GLOB": true, "BETWEEN": true, "TRUE": true, "FALSE": true}
	depth := 0
	out := make([]sqlTok, len(toks))
	for i, t := range toks {
		switch t.Kind {
		case tokIdent:
			if keywords[strings.ToUpper(t.Val)] {
				t.Val = strings.ToUpper(t.Val)
				break
			}
			fallthrough
		case tokQIdent:
			f := fieldFold(c, t.Val)
			if f == nil || (i+1 < len(toks) && toks[i+1].is(tokPunct, "(")) {
				return nil, fmt.Errorf("WHERE: unknown column %q (functions are not supported)", t.Val)
			}
			t = sqlTok{Kind: tokQIdent, Val: f.Name}
		case tokString, tokNumber:
		case tokOp:
			switch t.Val {
			case "=", "==", "!=", "<>", "<", "<=", ">", ">=":
			default:
				return nil, fmt.Errorf("WHERE: operator %q is not supported", t.Val)
			}
		case tokPunct:
			switch t.Val {
			case "(":
				depth++
			case ")":
				depth--
			case ",":
			default:
				return nil, fmt.Errorf("WHERE: unexpected %q (one statement only)", t.Val)
			}
			if depth < 0 {
				return nil, fmt.Errorf("WHERE: unbalanced parentheses")
			}
		default:
			return nil, fmt.Errorf("WHERE: unexpected %q", t.Val)
		}
		out[i] = t
	}
	if depth != 0 {
		return nil, fmt.Errorf("WHERE: unbalanced parentheses")
	}
	return out, nil
}

// SQL returns the canonical CREATE INDEX statement (no IF NOT EXISTS) as
// PocketBase writes it: SQLite syntax with backtick-quoted identifiers
// (CREATE UNIQUE INDEX `idx_email_x` ON `users` (`email`) WHERE `email` != ”).
// It is the form stored in collections and answered by the API; the
// databases run the dialect's indexSQL.
func (ix *Index) SQL() string {
	return ix.render(QuoteBacktick, func(col IndexColumn) string {
		if col.Collate != "" {
			return QuoteBacktick(col.Name) + " COLLATE " + col.Collate
		}
		return QuoteBacktick(col.Name)
	}, func(op string) string { return op })
}

// sqliteSQL returns the statement SQLite runs: SQL with double-quoted
// identifiers (the form indexes have always been created with, so existing
// indexes compare equal and are not rebuilt).
func (ix *Index) sqliteSQL() string {
	return ix.render(Quote, func(col IndexColumn) string {
		if col.Collate != "" {
			return Quote(col.Name) + " COLLATE " + col.Collate
		}
		return Quote(col.Name)
	}, func(op string) string { return op })
}

// QuoteBacktick quotes an identifier with backticks, as PocketBase writes
// identifiers in index definitions.
func QuoteBacktick(ident string) string { return "`" + strings.ReplaceAll(ident, "`", "``") + "`" }

// render writes the statement with the identifier quoting, column and
// operator renderings of the dialect at hand.
func (ix *Index) render(quote func(string) string, column func(IndexColumn) string, op func(string) string) string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if ix.Unique {
		b.WriteString("UNIQUE ")
	}
	b.WriteString("INDEX " + quote(ix.Name) + " ON " + quote(ix.Table) + " (")
	for i, col := range ix.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(column(col))
		if col.Order != "" {
			b.WriteString(" " + col.Order)
		}
	}
	b.WriteString(")")
	if len(ix.Where) > 0 {
		b.WriteString(" WHERE")
		for _, t := range ix.Where {
			switch t.Kind {
			case tokQIdent:
				b.WriteString(" " + quote(t.Val))
			case tokString:
				b.WriteString(" " + quoteString(t.Val))
			case tokOp:
				b.WriteString(" " + op(t.Val))
			default:
				b.WriteString(" " + t.Val)
			}
		}
	}
	return b.String()
}

// RenameColumn renames every reference to column old (exact) to new.
func (ix *Index) RenameColumn(old, new string) {
	for i := range ix.Columns {
		if ix.Columns[i].Name == old {
			ix.Columns[i].Name = new
		}
	}
	for i, t := range ix.Where {
		if t.Kind == tokQIdent && t.Val == old {
			ix.Where[i].Val = new
		}
	}
}

// References reports whether the index uses column name.
func (ix *Index) References(name string) bool {
	for _, col := range ix.Columns {
		if col.Name == name {
			return true
		}
	}
	for _, t := range ix.Where {
		if t.Kind == tokQIdent && t.Val == name {
			return true
		}
	}
	return false
}

// fieldFold returns c's field named name case-insensitively (SQLite column
// names are case-insensitive), or nil.
func fieldFold(c *galley.Collection, name string) *galley.Field {
	for _, f := range c.Fields {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// tokParser walks a token slice.
type tokParser struct {
	toks []sqlTok
	i    int
}

func (p *tokParser) done() bool { return p.i >= len(p.toks) }

func (p *tokParser) peek() sqlTok {
	if p.done() {
		return sqlTok{Kind: tokPunct, Val: "end of statement"}
	}
	return p.toks[p.i]
}

func (p *tokParser) rest() []sqlTok { r := p.toks[p.i:]; p.i = len(p.toks); return r }

func (p *tokParser) keyword(kw string) bool {
	if !p.done() && p.toks[p.i].isKeyword(kw) {
		p.i++
		return true
	}
	return false
}

func (p *tokParser) punct(s string) bool {
	if !p.done() && p.toks[p.i].is(tokPunct, s) {
		p.i++
		return true
	}
	return false
}

func (p *tokParser) ident() (string, bool) {
	if !p.done() && p.toks[p.i].isIdent() {
		p.i++
		return p.toks[p.i-1].Val, true
	}
	return "", false
}
