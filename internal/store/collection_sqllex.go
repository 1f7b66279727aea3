package store

import (
	"fmt"
	"strings"
)

// sqlTokKind classifies the tokens of the small SQL lexer used to validate
// index statements and view queries. It understands SQLite's lexical
// grammar well enough to never mistake a string, quoted identifier or
// comment for code, which is all the validators need.
type sqlTokKind int

const (
	tokIdent  sqlTokKind = iota // bare word: keyword or identifier
	tokQIdent                   // "quoted", `quoted` or [quoted] identifier
	tokString                   // 'string' literal
	tokBlob                     // x'hex' literal
	tokNumber                   // numeric literal
	tokParam                    // ?, ?1, :name, @name, $name
	tokPunct                    // ( ) , ; .
	tokOp                       // operators: = == != <> < <= > >= + - * / % || & | << >> ~ ->
)

// sqlTok is one token; Val is the unquoted value for identifiers and strings
// and the raw text otherwise. Pos is the byte offset in the source.
type sqlTok struct {
	Kind sqlTokKind
	Val  string
	Pos  int
	End  int
}

// isIdent reports whether t is an identifier (bare or quoted).
func (t sqlTok) isIdent() bool { return t.Kind == tokIdent || t.Kind == tokQIdent }

// isKeyword reports whether t is the bare word kw (case-insensitive).
func (t sqlTok) isKeyword(kw string) bool { return t.Kind == tokIdent && strings.EqualFold(t.Val, kw) }

func (t sqlTok) is(kind sqlTokKind, val string) bool { return t.Kind == kind && t.Val == val }

// lexMode selects the lexical rules of a dialect. The validators must see
// exactly the tokens the database will see: a string, comment or quoted
// identifier the lexer ends earlier or later than the database would lets
// code hide inside what the checks take for data.
type lexMode int

const (
	// lexSQLite is SQLite's grammar: "--" comments end at a newline, block
	// comments do not nest, [x] and `x` are quoted identifiers, '...' has
	// no backslash escapes. In every mode a "/*" inside a block comment and
	// a carriage return not followed by a newline inside a "--" comment are
	// errors: the two databases end those comments in different places.
	lexSQLite lexMode = iota
	// lexPostgres is PostgreSQL's grammar with standard_conforming_strings
	// on: "--" comments end at a newline or carriage return, block comments
	// nest, [ and ] are subscripts, E'...' has backslash escapes, identifiers
	// may contain $, operators are runs of operator characters, ":" and "::"
	// are operators. U&'...' / U&"..." and dollar quotes are errors.
	lexPostgres
	// lexPostgresBackslash is lexPostgres with standard_conforming_strings
	// off: every '...' string has backslash escapes.
	lexPostgresBackslash
)

// pgOpChars are the characters PostgreSQL builds operators from.
const pgOpChars = "+-*/<>=~!@#%^&|`?"

// lexSQL splits src into tokens by SQLite's rules (lexSQLite), dropping
// whitespace and comments. An unterminated string, identifier or comment,
// or a character SQLite would not accept, is an error.
func lexSQL(src string) ([]sqlTok, error) { return lexSQLMode(src, lexSQLite) }

// lexSQLMode is lexSQL with the rules of mode. It errs on the side of
// refusing: anything it cannot tokenize the way the database would is an
// error.
func lexSQLMode(src string, mode lexMode) ([]sqlTok, error) {
	pg := mode != lexSQLite
	var toks []sqlTok
	i := 0
	for i < len(src) {
		c := src[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' && !(pg && src[i] == '\r') {
				if src[i] == '\r' && !(i+1 < len(src) && src[i+1] == '\n') {
					// SQLite reads on to the newline where PostgreSQL
					// stops: refuse the ambiguity rather than pick one.
					return nil, fmt.Errorf("a carriage return inside a comment at position %d", i)
				}
				i++
			}
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("unterminated comment at position %d", i)
			}
			if strings.Contains(src[i+2:i+2+end], "/*") {
				// PostgreSQL nests block comments, SQLite does not.
				return nil, fmt.Errorf("nested comment at position %d", i)
			}
			i += end + 4
			continue
		case pg && (c == 'E' || c == 'e') && i+1 < len(src) && src[i+1] == '\'' && (i == 0 || !isIdentPartMode(src[i-1], pg)):
			val, n, ok := scanBackslashQuoted(src[i+1:])
			if !ok {
				return nil, fmt.Errorf("unterminated quote at position %d", i)
			}
			i += 1 + n
			toks = append(toks, sqlTok{Kind: tokString, Val: val, Pos: start, End: i})
			continue
		case pg && (c == 'U' || c == 'u') && i+2 < len(src) && src[i+1] == '&' && (src[i+2] == '\'' || src[i+2] == '"') && (i == 0 || !isIdentPartMode(src[i-1], pg)):
			return nil, fmt.Errorf("unicode escapes (U&) are not allowed (position %d)", i)
		case pg && c == '\'' && mode == lexPostgresBackslash:
			val, n, ok := scanBackslashQuoted(src[i:])
			if !ok {
				return nil, fmt.Errorf("unterminated quote at position %d", i)
			}
			i += n
			toks = append(toks, sqlTok{Kind: tokString, Val: val, Pos: start, End: i})
			continue
		case c == '\'' || c == '"' || (!pg && (c == '`' || c == '[')):
			closer := c
			if c == '[' {
				closer = ']'
			}
			val, n, ok := scanQuoted(src[i:], closer)
			if !ok {
				return nil, fmt.Errorf("unterminated quote at position %d", i)
			}
			i += n
			kind := tokQIdent
			if c == '\'' {
				kind = tokString
			}
			toks = append(toks, sqlTok{Kind: kind, Val: val, Pos: start, End: i})
			continue
		case (c == 'x' || c == 'X') && i+1 < len(src) && src[i+1] == '\'':
			val, n, ok := scanQuoted(src[i+1:], '\'')
			if !ok {
				return nil, fmt.Errorf("unterminated blob at position %d", i)
			}
			i += 1 + n
			toks = append(toks, sqlTok{Kind: tokBlob, Val: val, Pos: start, End: i})
			continue
		case isIdentStart(c):
			for i < len(src) && isIdentPartMode(src[i], pg) {
				i++
			}
			toks = append(toks, sqlTok{Kind: tokIdent, Val: src[start:i], Pos: start, End: i})
			continue
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			i = scanNumber(src, i)
			if pg && (i < len(src) && (isIdentPartMode(src[i], pg) || src[i] == '\'' || src[i] == '"') ||
				strings.ContainsAny(src[i-1:i], "eE+-_") || i-start > 1 && (src[start+1] == 'x' || src[start+1] == 'X')) {
				// PostgreSQL versions differ on "0x1f", "1abc" and "1e'...'".
				return nil, fmt.Errorf("a malformed number at position %d", start)
			}
			toks = append(toks, sqlTok{Kind: tokNumber, Val: src[start:i], Pos: start, End: i})
			continue
		case pg && (c == '[' || c == ']'):
			i++
			toks = append(toks, sqlTok{Kind: tokPunct, Val: src[start:i], Pos: start, End: i})
			continue
		case pg && c == ':':
			i++
			if i < len(src) && src[i] == ':' {
				i++
			}
			toks = append(toks, sqlTok{Kind: tokOp, Val: src[start:i], Pos: start, End: i})
			continue
		case pg && c == '$':
			// $1 is a parameter; $tag$ starts a dollar-quoted string. Both
			// are parameters here, which view queries refuse.
			i++
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			toks = append(toks, sqlTok{Kind: tokParam, Val: src[start:i], Pos: start, End: i})
			continue
		case pg && strings.IndexByte(pgOpChars, c) >= 0:
			for i < len(src) && strings.IndexByte(pgOpChars, src[i]) >= 0 {
				if i > start && (strings.HasPrefix(src[i:], "--") || strings.HasPrefix(src[i:], "/*")) {
					break
				}
				i++
			}
			if i == start { // "--" and "/*" were handled above
				i++
			}
			toks = append(toks, sqlTok{Kind: tokOp, Val: src[start:i], Pos: start, End: i})
			continue
		case c == '?' || c == ':' || c == '@' || c == '$':
			i++
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			toks = append(toks, sqlTok{Kind: tokParam, Val: src[start:i], Pos: start, End: i})
			continue
		case strings.IndexByte("(),;.", c) >= 0:
			i++
			toks = append(toks, sqlTok{Kind: tokPunct, Val: src[start:i], Pos: start, End: i})
			continue
		}
		op := ""
		for _, o := range []string{"->>", "==", "!=", "<>", "<=", ">=", "||", "<<", ">>", "->", "=", "<", ">", "+", "-", "*", "/", "%", "&", "|", "~"} {
			if strings.HasPrefix(src[i:], o) {
				op = o
				break
			}
		}
		if op == "" {
			return nil, fmt.Errorf("unexpected character %q at position %d", c, i)
		}
		i += len(op)
		toks = append(toks, sqlTok{Kind: tokOp, Val: op, Pos: start, End: i})
	}
	return toks, nil
}

// scanBackslashQuoted reads a '...' string whose backslash escapes the next
// byte (PostgreSQL's E'...'); a doubled quote is an escaped one too. The
// value keeps the escapes: the checks never need it decoded.
func scanBackslashQuoted(s string) (string, int, bool) {
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case s[i] == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case s[i] == '\'':
			return s[1:i], i + 1, true
		}
	}
	return "", 0, false
}

// scanQuoted reads a quoted run starting at s[0] (the opening quote) and
// closed by closer; a doubled closer is an escaped one (except for [...]).
// It returns the unescaped value and the number of bytes consumed.
func scanQuoted(s string, closer byte) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != closer {
			b.WriteByte(s[i])
			continue
		}
		if closer != ']' && i+1 < len(s) && s[i+1] == closer {
			b.WriteByte(closer)
			i++
			continue
		}
		return b.String(), i + 1, true
	}
	return "", 0, false
}

func scanNumber(src string, i int) int {
	if strings.HasPrefix(src[i:], "0x") || strings.HasPrefix(src[i:], "0X") {
		i += 2
		for i < len(src) && strings.IndexByte("0123456789abcdefABCDEF", src[i]) >= 0 {
			i++
		}
		return i
	}
	for i < len(src) && (isDigit(src[i]) || src[i] == '.' || src[i] == '_') {
		i++
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }

// isIdentPartMode is isIdentPart, plus "$" for PostgreSQL.
func isIdentPartMode(c byte, pg bool) bool { return isIdentPart(c) || (pg && c == '$') }

// quoteString quotes s as an SQL string literal.
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
