package filter

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Rebind converts the ? placeholders of sql to PostgreSQL's $1..$n, in
// order. A ? inside a single-quoted string literal ('it”s?'), a
// double-quoted identifier ("a?b"), a dollar-quoted string ($$?$$,
// $tag$?$tag$) or a comment (-- ?, /* ? */) is left alone. The compiler
// never emits PostgreSQL's jsonb ? operators, so every other ? is a
// placeholder.
func Rebind(sql string) string {
	if !strings.Contains(sql, "?") {
		return sql
	}
	var b strings.Builder
	b.Grow(len(sql) + 8)
	n := 0
	forEachPlaceholder(sql, func(chunk string, placeholder bool) {
		if placeholder {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			return
		}
		b.WriteString(chunk)
	})
	return b.String()
}

// forEachPlaceholder splits sql into literal chunks and ? placeholders
// (skipping quoted text and comments, as Rebind documents) and calls fn
// for each in order.
func forEachPlaceholder(sql string, fn func(chunk string, placeholder bool)) {
	start := 0
	for i := 0; i < len(sql); {
		switch c := sql[i]; {
		case c == '?':
			fn(sql[start:i], false)
			fn("?", true)
			i++
			start = i
		case c == '\'' || c == '"':
			i = skipQuoted(sql, i, c)
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			if j := strings.IndexByte(sql[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(sql)
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			if j := strings.Index(sql[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				i = len(sql)
			}
		case c == '$':
			i = skipDollar(sql, i)
		default:
			i++
		}
	}
	fn(sql[start:], false)
}

// skipQuoted returns the index after the quoted text starting at sql[i]
// (quote q, doubled quotes escape it); an unterminated quote runs to the end.
func skipQuoted(sql string, i int, q byte) int {
	for i++; i < len(sql); i++ {
		if sql[i] == q {
			if i+1 < len(sql) && sql[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(sql)
}

// skipDollar returns the index after a dollar-quoted string starting at
// sql[i], or i+1 when sql[i] does not start one (a $1 parameter, or $ inside
// an identifier).
func skipDollar(sql string, i int) int {
	if i > 0 && (tagChar(sql[i-1]) || sql[i-1] >= 0x80) {
		return i + 1
	}
	j := i + 1
	for j < len(sql) && tagChar(sql[j]) && (j > i+1 || !isDigit(sql[j])) {
		j++
	}
	if j >= len(sql) || sql[j] != '$' {
		return i + 1
	}
	tag := sql[i : j+1]
	if k := strings.Index(sql[j+1:], tag); k >= 0 {
		return j + 1 + k + len(tag)
	}
	return len(sql)
}

// castParams appends a PostgreSQL cast to each ? placeholder of sql by the
// Go type of its bind value (text, double precision, boolean; NULL is
// text), so that no parameter type is left for the server to infer. Text
// PostgreSQL cannot hold (NUL bytes, invalid UTF-8) is replaced by U+FFFD:
// no stored text contains those bytes either.
func castParams(sql string, args []any) string {
	var b strings.Builder
	n := 0
	forEachPlaceholder(sql, func(chunk string, placeholder bool) {
		if !placeholder {
			b.WriteString(chunk)
			return
		}
		t := "text"
		if n < len(args) {
			switch v := args[n].(type) {
			case float64:
				t = "double precision"
			case bool:
				t = "boolean"
			case string:
				if strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
					args[n] = strings.ReplaceAll(strings.ToValidUTF8(v, "\uFFFD"), "\x00", "\uFFFD")
				}
			}
		}
		n++
		b.WriteString("?::" + t)
	})
	return b.String()
}

func tagChar(c byte) bool {
	return c == '_' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
