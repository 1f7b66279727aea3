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

// lexSQL splits src into tokens, dropping whitespace and comments. An
// unterminated string, identifier or comment, or a character SQLite would not
// accept, is an error.
func lexSQL(src string) ([]sqlTok, error) {
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
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("unterminated comment at position %d", i)
			}
			i += end + 4
			continue
		case c == '\'' || c == '"' || c == '`' || c == '[':
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
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			toks = append(toks, sqlTok{Kind: tokIdent, Val: src[start:i], Pos: start, End: i})
			continue
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			i = scanNumber(src, i)
			toks = append(toks, sqlTok{Kind: tokNumber, Val: src[start:i], Pos: start, End: i})
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

// quoteString quotes s as an SQL string literal.
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
