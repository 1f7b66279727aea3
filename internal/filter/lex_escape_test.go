package filter

import "testing"

func TestLexStringJSONEscapes(t *testing.T) {
	for src, want := range map[string]string{
		`"tab\there"`:     "tab\there",
		`"a\nb\rc"`:       "a\nb\rc",
		`"\u0001x"`:       "\x01x",
		`"\ud83d\ude80"`:  "🚀",
		`"\ud83d"`:        "\uFFFD",
		`'it\'s'`:         "it's",
		`"50\%"`:          `50\%`,
		`"back\\slash"`:   `back\slash`,
		`"\/path"`:        "/path",
		`"\u00e9t\u00E9"`: "été",
		`"trailing\u12"`:  `trailing\u12`,
	} {
		got, _, err := lexString(src, 0)
		if err != nil || got != want {
			t.Errorf("lexString(%s) = %q, %v; want %q", src, got, err, want)
		}
	}
}
