package core

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// makeExcerpt returns the plain text of s (HTML from an editor field, or
// any text) cut to ex.max characters, for fields=<f>:excerpt(max, ellipsis):
//
//   - Markup is removed. Inline tags (b, i, em, strong, a, span, code, ...)
//     leave nothing, so "he<b>ll</b>o" is "hello" and "<b>world</b>," is
//     "world,"; every other tag (p, div, br, li, td, img, ...) separates
//     words, so "<p>a</p><p>b</p>" is "a b" — unless punctuation follows
//     ("<p>Hello</p>." is "Hello."). Comments, <!doctype>, <?...?> and the
//     content of script, style and template are dropped. A "<" that does
//     not start a tag ("a < b") is text, as is one whose tag never closes.
//   - Character references are decoded ("&amp;" is "&", "&nbsp;" a space)
//     after the markup is gone, so "&lt;b&gt;" stays the text "<b>".
//   - Whitespace (spaces, tabs, line breaks, no-break spaces) collapses to
//     one space; the text is trimmed.
//   - Ellipsis: a text of at most ex.max characters is returned whole and
//     never gets one. A longer text is cut after ex.max characters (in the
//     middle of a word if it falls there), trailing spaces are trimmed, and
//     "..." is appended when ex.ellipsis is set.
func makeExcerpt(s string, ex *excerpt) string {
	w := excerptWriter{limit: ex.max}
	for i := 0; i < len(s) && !w.full(); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			w.text(s[i:])
			break
		}
		lt += i
		end, name, closing, ok := markup(s, lt)
		if !ok { // not a tag: the "<" is text
			w.text(s[i : lt+1])
			i = lt + 1
			continue
		}
		w.text(s[i:lt])
		i = end
		if name == "" { // comment, doctype, processing instruction
			continue
		}
		if !closing && (name == "script" || name == "style" || name == "template") {
			i = skipRawText(s, i, name)
		}
		if !inlineTags[name] {
			w.sep = true
		}
	}
	out := w.b.String()
	if utf8.RuneCountInString(out) <= ex.max {
		return out
	}
	out = strings.TrimRightFunc(string([]rune(out)[:ex.max]), unicode.IsSpace)
	if ex.ellipsis {
		out += "..."
	}
	return out
}

// inlineTags are the tags that do not separate words.
var inlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true, "data": true,
	"del": true, "dfn": true, "em": true, "font": true, "i": true, "ins": true, "kbd": true, "mark": true,
	"q": true, "s": true, "samp": true, "small": true, "span": true, "strike": true, "strong": true,
	"sub": true, "sup": true, "time": true, "tt": true, "u": true, "var": true, "wbr": true,
}

// excerptWriter collects plain text with collapsed whitespace.
type excerptWriter struct {
	b     strings.Builder
	n     int  // runes written
	space bool // whitespace of the text is pending
	sep   bool // a word separator from markup is pending
	limit int
}

// full reports whether more text than the limit is held: the rest of the
// input cannot change the excerpt.
func (w *excerptWriter) full() bool { return w.n > w.limit }

// text adds a run of text, decoding its character references.
func (w *excerptWriter) text(s string) {
	if s == "" {
		return
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			w.space = true
			continue
		}
		if w.n > 0 && (w.space || w.sep && !strings.ContainsRune(".,;:!?)]}", r)) {
			w.b.WriteByte(' ')
			w.n++
		}
		w.space, w.sep = false, false
		w.b.WriteRune(r)
		w.n++
		if w.full() {
			return
		}
	}
}

// markup reads the markup starting at s[lt] == '<'. It returns the index
// after it, the lower-cased tag name ("" for comments, <!...> and <?...?>)
// and whether it closes a tag; ok is false when s[lt] starts no markup.
func markup(s string, lt int) (end int, name string, closing, ok bool) {
	rest := s[lt+1:]
	switch {
	case strings.HasPrefix(rest, "!--"):
		if e := strings.Index(rest[3:], "-->"); e >= 0 {
			return lt + 1 + 3 + e + 3, "", false, true
		}
		return len(s), "", false, true // an unclosed comment runs to the end
	case strings.HasPrefix(rest, "!") || strings.HasPrefix(rest, "?"):
		if e := strings.IndexByte(rest, '>'); e >= 0 {
			return lt + 1 + e + 1, "", false, true
		}
		return 0, "", false, false
	}
	j := 0
	if strings.HasPrefix(rest, "/") {
		closing = true
		j = 1
	}
	// A tag name is an ASCII letter, then letters, digits and '-'.
	k := j
	for k < len(rest) && (isASCIILetter(rest[k]) || k > j && (rest[k] >= '0' && rest[k] <= '9' || rest[k] == '-')) {
		k++
	}
	if k == j {
		return 0, "", false, false
	}
	name = strings.ToLower(rest[j:k])
	// The tag ends at the first '>' outside quoted attribute values.
	var quote byte
	for p := k; p < len(rest); p++ {
		c := rest[p]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return lt + 1 + p + 1, name, closing, true
		}
	}
	return 0, "", false, false
}

// skipRawText returns the index after the end tag </name> that closes a
// script, style or template element whose content starts at i (the end
// of s when it is missing).
func skipRawText(s string, i int, name string) int {
	for j := i; ; {
		k := strings.Index(s[j:], "</")
		if k < 0 {
			return len(s)
		}
		k += j
		if n := k + 2 + len(name); n <= len(s) && strings.EqualFold(s[k+2:n], name) {
			if end, got, _, ok := markup(s, k); ok && got == name {
				return end
			}
		}
		j = k + 2
	}
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
