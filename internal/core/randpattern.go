package core

import (
	"fmt"
	"strconv"
	"strings"

	galley "github.com/galleyhq/galley"
)

// GenerateFromPattern returns a random string for a simple autogenerate
// pattern: a sequence of literal characters and character classes such as
// "[a-z0-9]{15}" or "post_[A-Z]{3}". Classes support ranges and single
// characters; a class or literal may be followed by {n}. Anything else is an
// error, so a pattern that cannot be generated is refused when a collection
// is saved rather than when a record is created.
func GenerateFromPattern(p string) (string, error) {
	var out strings.Builder
	for i := 0; i < len(p); {
		var alphabet string
		switch p[i] {
		case '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return "", fmt.Errorf("unclosed [ at %d", i)
			}
			cls := p[i+1 : i+end]
			if cls == "" {
				return "", fmt.Errorf("empty class at %d", i)
			}
			var b strings.Builder
			for j := 0; j < len(cls); j++ {
				if j+2 < len(cls) && cls[j+1] == '-' {
					if cls[j] > cls[j+2] {
						return "", fmt.Errorf("bad range %q", cls[j:j+3])
					}
					for c := cls[j]; c <= cls[j+2]; c++ {
						b.WriteByte(c)
					}
					j += 2
					continue
				}
				b.WriteByte(cls[j])
			}
			alphabet = b.String()
			i += end + 1
		case '\\':
			if i+1 >= len(p) {
				return "", fmt.Errorf("trailing backslash")
			}
			alphabet = p[i+1 : i+2]
			i += 2
		case '^', '$':
			i++
			continue
		case '(', ')', '*', '+', '?', '|', '.', '{', '}':
			return "", fmt.Errorf("unsupported %q at %d", p[i], i)
		default:
			alphabet = p[i : i+1]
			i++
		}
		n := 1
		if i < len(p) && p[i] == '{' {
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("unclosed { at %d", i)
			}
			v, err := strconv.Atoi(p[i+1 : i+end])
			if err != nil || v < 0 || v > 255 {
				return "", fmt.Errorf("bad repeat count %q", p[i+1:i+end])
			}
			n = v
			i += end + 1
		}
		out.WriteString(galley.RandomString(n, alphabet))
	}
	return out.String(), nil
}
