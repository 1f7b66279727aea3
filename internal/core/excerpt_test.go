package core

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExcerpt(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		max      int
		ellipsis bool
		want     string
	}{
		// markup
		{"plain", "Hello world", 100, true, "Hello world"},
		{"tags inside a word", "he<b>ll</b>o w<i>or</i>ld", 100, false, "hello world"},
		{"paragraphs separate words", "<p>a</p><p>b</p>", 100, false, "a b"},
		{"divs and list items", "<div>one</div><ul><li>two</li><li>three</li></ul>", 100, false, "one two three"},
		{"br", "line one<br>line two<br/>three<BR />four", 100, false, "line one line two three four"},
		{"punctuation after an inline tag", "Hello <b>world</b>, this is <em>it</em>!", 100, false, "Hello world, this is it!"},
		{"punctuation after a link", `see <a href="https://x.io/?a=1&amp;b=2">the docs</a>.`, 100, false, "see the docs."},
		{"punctuation after a block tag", "<p>Hello</p>. <p>Next</p>", 100, false, "Hello. Next"},
		{"space inside the inline tag is kept", "Hello <b>world </b>, this", 100, false, "Hello world , this"},
		{"attributes with >", `<span title="a > b" class='x>y'>text</span> after`, 100, false, "text after"},
		{"uppercase and attributes", `<P CLASS="x">Big</P><Div>box</Div>`, 100, false, "Big box"},
		{"img separates", `a<img src="x.png" alt="pic">b`, 100, false, "a b"},
		{"table cells", "<table><tr><td>1</td><td>2</td></tr></table>", 100, false, "1 2"},
		{"comments dropped", "a<!-- hidden <b>x</b> -->b", 100, false, "ab"},
		{"unclosed comment runs to the end", "a <!-- never closed", 100, false, "a"},
		{"doctype and processing instruction", "<!DOCTYPE html><?xml version=\"1.0\"?><p>x</p>", 100, false, "x"},
		{"script and style content dropped", "<style>p{color:red}</style>a<script>if (a < b) {}</script>b<SCRIPT>x</SCRIPT >c", 100, false, "a b c"},
		{"unclosed script drops the rest", "a<script>var x = 1;", 100, false, "a"},
		{"a lone < is text", "1 < 2 and 3 <4", 100, false, "1 < 2 and 3 <4"},
		{"a tag that never closes is text", "a <b unclosed", 100, false, "a <b unclosed"},
		{"<3 is text", "I <3 it", 100, false, "I <3 it"},
		// entities
		{"named entities", "Tom &amp; Jerry &lt;3 &quot;q&quot; &copy;", 100, false, `Tom & Jerry <3 "q" ©`},
		{"numeric entities", "&#72;&#x69;!", 100, false, "Hi!"},
		{"escaped tags stay text", "&lt;b&gt;bold&lt;/b&gt;", 100, false, "<b>bold</b>"},
		{"nbsp is whitespace", "a&nbsp;&nbsp;b\u00a0c", 100, false, "a b c"},
		{"unknown entity kept", "a &bogus; b", 100, false, "a &bogus; b"},
		// whitespace
		{"whitespace collapses", "  a \t\n b\r\n\n  c  ", 100, false, "a b c"},
		{"whitespace around blocks", "<p>\n  a\n</p>\n<p>\n  b\n</p>\n", 100, false, "a b"},
		{"empty", "", 10, true, ""},
		{"only markup", "<p><br></p>", 10, true, ""},
		// the ellipsis rule
		{"exactly max: whole, no ellipsis", "abcde", 5, true, "abcde"},
		{"shorter: whole, no ellipsis", "abc", 5, true, "abc"},
		{"cut with ellipsis", "abcdefgh", 5, true, "abcde..."},
		{"cut without ellipsis", "abcdefgh", 5, false, "abcde"},
		{"cut inside a word", "Hello big world", 11, true, "Hello big w..."},
		{"cut at a space trims it", "Hello big world", 10, true, "Hello big..."},
		{"counts characters, not bytes", "ééééé ü", 5, true, "ééééé..."},
		{"counts text after markup", "<p>" + strings.Repeat("<b>x</b>", 3) + "</p><p>yz</p>", 4, true, "xxx..."},
		{"max after markup, whole", "<p>ab</p><p>cd</p>", 5, true, "ab cd"},
		{"entities count as one", "&amp;&amp;&amp;&amp;", 3, true, "&&&..."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := makeExcerpt(tc.in, &excerpt{max: tc.max, ellipsis: tc.ellipsis}); got != tc.want {
				t.Errorf("makeExcerpt(%q, %d, %v) = %q, want %q", tc.in, tc.max, tc.ellipsis, got, tc.want)
			}
		})
	}
}

// A long document is not read past what the excerpt needs.
func TestExcerptLongInput(t *testing.T) {
	long := strings.Repeat("<p>word <b>bold</b>, &amp; more</p>", 200000)
	got := makeExcerpt(long, &excerpt{max: 30, ellipsis: true})
	if got != "word bold, & more word bold, &..." {
		t.Fatalf("got %q", got)
	}
}

// FuzzExcerpt: whatever the input, the excerpt is valid trimmed text with
// single spaces, at most max characters (plus the ellipsis).
func FuzzExcerpt(f *testing.F) {
	for _, s := range []string{"<p>a</p><p>b</p>", "he<b>ll</b>o, w", "<!-- x", "<script>x", "a < b", "&amp;&#x41;&bogus;", "<a href='>'>x</a>"} {
		f.Add(s, 5, true)
	}
	f.Fuzz(func(t *testing.T, s string, max int, ellipsis bool) {
		if max <= 0 || max > 1000 {
			return
		}
		got := makeExcerpt(s, &excerpt{max: max, ellipsis: ellipsis})
		body := got
		if ellipsis && utf8.RuneCountInString(got) > max {
			body = strings.TrimSuffix(got, "...")
		}
		if n := utf8.RuneCountInString(body); n > max {
			t.Fatalf("%q: %d characters, max %d", got, n, max)
		}
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Fatalf("%q: untrimmed or double space", got)
		}
	})
}
