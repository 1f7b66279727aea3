package files

import (
	"crypto/rand"
	"strings"
	"unicode/utf8"
)

// Limits of a stored name (see StoredName).
const (
	// MaxStoredBase is the longest sanitised base kept, in bytes.
	MaxStoredBase = 100
	// MaxStoredExt is the longest extension kept, without its dot.
	MaxStoredExt = 20
	// storedSuffixLen is the number of random characters after the base.
	storedSuffixLen = 10
)

const storedAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// StoredName returns the name an uploaded file named original is stored
// under: "<base>_<10 random [a-z0-9]>.<ext>", e.g. "Hello World.txt" →
// "hello_world_ab12cd34ef.txt". The random part comes from crypto/rand,
// so two uploads of one name get different stored names.
//
// The original is untrusted and only shapes the result:
//   - only the part after the last "/" or "\" is used;
//   - leading dots are not an extension separator: ".htaccess" is the
//     base "htaccess" with no extension, "...." is empty;
//   - the extension is what follows the last remaining ".", lowercased,
//     with only [a-z0-9] kept, cut to MaxStoredExt; only the last one is
//     kept ("x.tar.gz" → base "x_tar", extension "gz"); an extension
//     that is empty after that is dropped;
//   - the base is lowercased, every run of characters outside
//     [a-z0-9_-] (spaces, dots, control characters, NUL, non-ASCII
//     letters) becomes one "_", "_" and "-" are trimmed from both ends,
//     and it is cut to MaxStoredBase bytes; an empty base becomes "file".
//
// The result therefore matches
// ^[a-z0-9]([a-z0-9_-]*[a-z0-9])?_[a-z0-9]{10}(\.[a-z0-9]{1,20})?$, is at
// most 132 bytes, never starts with "." and is always accepted by
// ValidStoredName and as one segment of a storage key.
func StoredName(original string) string {
	if i := strings.LastIndexAny(original, `/\`); i >= 0 {
		original = original[i+1:]
	}
	original = strings.TrimLeft(original, ".")

	base, ext := original, ""
	if i := strings.LastIndexByte(original, '.'); i >= 0 {
		base, ext = original[:i], sanitiseExt(original[i+1:])
	}
	base = sanitiseBase(base)
	if base == "" {
		base = "file"
	}

	var b strings.Builder
	b.Grow(len(base) + 1 + storedSuffixLen + 1 + len(ext))
	b.WriteString(base)
	b.WriteByte('_')
	b.WriteString(randomString(storedSuffixLen))
	if ext != "" {
		b.WriteByte('.')
		b.WriteString(ext)
	}
	return b.String()
}

// sanitiseBase lowercases s, turns each run of characters outside
// [a-z0-9_-] into one "_", trims "_" and "-" at the ends and cuts it to
// MaxStoredBase bytes.
func sanitiseBase(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	b.Grow(len(s))
	inRun := false
	for _, r := range s {
		if isBaseChar(r) {
			b.WriteRune(r)
			inRun = false
		} else if !inRun {
			b.WriteByte('_')
			inRun = true
		}
	}
	out := strings.Trim(b.String(), "_-")
	if len(out) > MaxStoredBase {
		out = strings.TrimRight(out[:MaxStoredBase], "_-")
	}
	return out
}

func isBaseChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-'
}

// sanitiseExt lowercases s and keeps only [a-z0-9], at most MaxStoredExt
// of them.
func sanitiseExt(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		if b.Len() == MaxStoredExt {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// randomString returns n characters drawn uniformly from storedAlphabet
// with crypto/rand (rejection sampling, so no character is favoured).
func randomString(n int) string {
	const limit = 256 - 256%len(storedAlphabet) // 252: a multiple of 36
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		rand.Read(buf[:]) // never fails (crypto/rand panics instead)
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, storedAlphabet[int(c)%len(storedAlphabet)])
			}
		}
	}
	return string(out)
}

// ValidStoredName reports whether name may be used as the {filename}
// segment of a file URL, before any storage is touched: it is one valid
// key segment (non-empty, at most 255 bytes of valid UTF-8, not "." or
// "..", no "\", NUL or other control character; see ValidKey), holds no
// "/" and does not start with ".". Every StoredName result passes; so do
// names of other shapes (files stored by an older PocketBase, say), since
// a name that passes cannot leave its record's directory.
func ValidStoredName(name string) bool {
	return name != "" && name[0] != '.' && !strings.Contains(name, "/") &&
		utf8.ValidString(name) && validSegment(name)
}
