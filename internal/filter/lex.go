package filter

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	galley "github.com/galleyhq/galley"
)

// tokenKind classifies a lexical token.
type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokIdent            // field path, @macro or @request/@collection path, with :modifiers
	tokString           // quoted string; text holds the unescaped value
	tokNumber           // decimal number
	tokOp               // comparison operator
	tokAnd              // &&
	tokOr               // ||
	tokLParen           // (
	tokRParen           // )
	tokComma            // ,
)

func (k tokenKind) String() string {
	return [...]string{"end of input", "identifier", "string", "number", "operator", "&&", "||", "(", ")", ","}[k]
}

// token is one lexical token. pos is its byte offset in the source.
type token struct {
	kind tokenKind
	text string
	pos  int
}

// comparison operators, longest first so that prefixes do not win.
var operators = []string{"?!=", "?!~", "?>=", "?<=", "?=", "?>", "?<", "?~", "!=", "!~", ">=", "<=", "=", ">", "<", "~"}

// syntaxError returns the EInvalid error for a problem at byte offset pos.
func syntaxError(pos int, format string, args ...any) error {
	return galley.Errorf(galley.EInvalid, "invalid filter at position %d: %s", pos, fmt.Sprintf(format, args...))
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '@' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '.' || c == ':'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Lex splits src into tokens. It returns a syntax error (EInvalid, naming
// the byte position) for an unterminated string or an unexpected character.
// Comments (// to end of line) and white space are skipped.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for {
		// Skip white space and comments.
		for i < len(src) {
			c := src[i]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' {
				i++
				continue
			}
			if c == '/' && i+1 < len(src) && src[i+1] == '/' {
				for i < len(src) && src[i] != '\n' {
					i++
				}
				continue
			}
			break
		}
		if i >= len(src) {
			toks = append(toks, token{kind: tokEOF, pos: i})
			return toks, nil
		}
		start := i
		c := src[i]
		switch {
		case c == '(':
			toks = append(toks, token{tokLParen, "(", i})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")", i})
			i++
		case c == ',':
			toks = append(toks, token{tokComma, ",", i})
			i++
		case c == '&' || c == '|':
			if i+1 >= len(src) || src[i+1] != c {
				return nil, syntaxError(i, "unexpected %q (did you mean %q?)", string(c), string(c)+string(c))
			}
			k := tokAnd
			if c == '|' {
				k = tokOr
			}
			toks = append(toks, token{k, src[i : i+2], i})
			i += 2
		case c == '"' || c == '\'':
			s, n, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tokString, s, i})
			i = n
		case isDigit(c) || (c == '-' && i+1 < len(src) && isDigit(src[i+1])):
			i++
			for i < len(src) && isDigit(src[i]) {
				i++
			}
			if i+1 < len(src) && src[i] == '.' && isDigit(src[i+1]) {
				i++
				for i < len(src) && isDigit(src[i]) {
					i++
				}
			}
			if i < len(src) && isIdentChar(src[i]) {
				return nil, syntaxError(i, "unexpected %q after number", string(src[i]))
			}
			toks = append(toks, token{tokNumber, src[start:i], start})
		case isIdentStart(c):
			for i < len(src) && isIdentChar(src[i]) {
				i++
			}
			toks = append(toks, token{tokIdent, src[start:i], start})
		default:
			op := ""
			for _, o := range operators {
				if strings.HasPrefix(src[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				return nil, syntaxError(i, "unexpected character %q", printable(src[i:]))
			}
			toks = append(toks, token{tokOp, op, i})
			i += len(op)
		}
	}
}

// lexString scans the quoted string starting at src[at] and returns its
// value and the offset just past the closing quote. A backslash escapes the
// quote character and another backslash; the JSON escapes \n \t \r \b \f
// \/ and \uXXXX (with surrogate pairs) are decoded, because the SDK's
// pb.filter() binds strings with JSON.stringify; any other backslash is kept
// verbatim so that LIKE escapes such as \% reach the ~ operator.
func lexString(src string, at int) (string, int, error) {
	q := src[at]
	var b strings.Builder
	for i := at + 1; i < len(src); i++ {
		c := src[i]
		switch {
		case c == q:
			return b.String(), i + 1, nil
		case c == '\\' && i+1 < len(src) && (src[i+1] == q || src[i+1] == '\\'):
			b.WriteByte(src[i+1])
			i++
		case c == '\\' && i+1 < len(src) && strings.IndexByte("ntrbf/", src[i+1]) >= 0:
			b.WriteByte(map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f', '/': '/'}[src[i+1]])
			i++
		case c == '\\' && i+5 < len(src) && src[i+1] == 'u' && isHex4(src[i+2:i+6]):
			r, n := decodeUnicodeEscape(src[i:])
			b.WriteRune(r)
			i += n - 1
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, syntaxError(at, "unterminated string")
}

// printable returns the first rune of s for error messages.
func printable(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

func isHex4(s string) bool {
	if len(s) < 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// decodeUnicodeEscape decodes "\uXXXX" (and a following low surrogate
// "\uXXXX" when the first is a high surrogate) at the start of s, returning
// the rune and the number of bytes consumed. Unpaired surrogates decode to
// U+FFFD.
func decodeUnicodeEscape(s string) (rune, int) {
	v, _ := strconv.ParseUint(s[2:6], 16, 32)
	r := rune(v)
	if utf16.IsSurrogate(r) {
		if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' && isHex4(s[8:12]) {
			lo, _ := strconv.ParseUint(s[8:12], 16, 32)
			if d := utf16.DecodeRune(r, rune(lo)); d != utf8.RuneError {
				return d, 12
			}
		}
		return utf8.RuneError, 6
	}
	return r, 6
}
