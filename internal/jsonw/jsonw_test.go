package jsonw

import (
	"encoding/json"
	"testing"
)

var stringCases = []string{
	"", "plain ascii", `quote " and \ backslash`, "<a href='x'>&amp;</a>",
	"ctl \x00\x01\x07\x08\x0b\x0c\x1f\x7f end", "\n\r\t", "é 🚀 日本", "\u2028\u2029 sep",
	"bad \xff utf8 \xc3", "\xed\xa0\x80 surrogate", "valid \uFFFD replacement", "trail\\",
}

// TestAppendStringMatchesEncodingJSON checks escapes, runs and invalid
// UTF-8 against encoding/json, also after existing content in dst.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range stringCases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got[1:], want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range stringCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}

func BenchmarkAppendString(b *testing.B) {
	s := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
	var buf []byte
	for range b.N {
		buf = AppendString(buf[:0], s)
	}
}
