package files

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// storedNameRE is the shape StoredName documents.
var storedNameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9_-]*[a-z0-9])?_[a-z0-9]{10}(\.[a-z0-9]{1,20})?$`)

// splitStored splits a stored name into its base and extension, dropping
// the random part.
func splitStored(t *testing.T, stored string) (base, ext string) {
	t.Helper()
	if !storedNameRE.MatchString(stored) {
		t.Fatalf("stored name %q does not have the documented shape", stored)
	}
	name, ext, _ := strings.Cut(stored, ".")
	return name[:len(name)-11], ext
}

func TestStoredName(t *testing.T) {
	long := strings.Repeat("a", 1000)
	tests := []struct {
		original  string
		base, ext string
	}{
		{"Hello World.txt", "hello_world", "txt"},
		{"photo.JPG", "photo", "jpg"},
		{"../../etc/passwd", "passwd", ""},
		{`..\..\windows\system32\cmd.exe`, "cmd", "exe"},
		{"a/b/c.png", "c", "png"},
		{"a\x00b.png", "a_b", "png"},
		{"tab\there\r\n.png", "tab_here", "png"},
		{"....", "file", ""},
		{"", "file", ""},
		{".", "file", ""},
		{"..", "file", ""},
		{"../", "file", ""},
		{".htaccess", "htaccess", ""},
		{"..htaccess.php", "htaccess", "php"},
		{"x.tar.gz", "x_tar", "gz"},
		{"report.", "report", ""},
		{"noext", "noext", ""},
		{"Ünïcødé файл.JPG", "n_c_d", "jpg"},
		{"файл.пнг", "file", ""},
		{"a.P-N_G!", "a", "png"},
		{"__a__b__.png", "a__b", "png"},
		{"--rf.sh", "rf", "sh"},
		{"a   b...c.d", "a_b_c", "d"},
		{"x." + strings.Repeat("e", 30), "x", strings.Repeat("e", 20)},
		{long + ".png", strings.Repeat("a", 100), "png"},
		{strings.Repeat("a", 99) + " b.png", strings.Repeat("a", 99), "png"},
		{strings.Repeat("ü", 300) + "z", "z", ""},
		{"\xff\xfe.png", "file", "png"},
		{"CON.txt", "con", "txt"},
	}
	for _, tc := range tests {
		got := StoredName(tc.original)
		base, ext := splitStored(t, got)
		if base != tc.base || ext != tc.ext {
			t.Errorf("StoredName(%q) = %q: base %q ext %q, want base %q ext %q", tc.original, got, base, ext, tc.base, tc.ext)
		}
		if !ValidStoredName(got) {
			t.Errorf("ValidStoredName(StoredName(%q) = %q) = false", tc.original, got)
		}
	}
}

func TestStoredNameIsRandom(t *testing.T) {
	seen := map[string]bool{}
	counts := map[byte]int{}
	for range 2000 {
		n := StoredName("a.txt")
		if seen[n] {
			t.Fatalf("StoredName repeated %q", n)
		}
		seen[n] = true
		for i := 2; i < 12; i++ {
			counts[n[i]]++
		}
	}
	// 20000 draws over 36 characters: each is expected ~555 times; a
	// character that never (or almost never) appears means a broken
	// alphabet.
	if len(counts) != 36 {
		t.Fatalf("random part used %d distinct characters, want 36", len(counts))
	}
	for c, n := range counts {
		if n < 350 || n > 800 {
			t.Errorf("character %q drawn %d times of 20000, want about 555", c, n)
		}
	}
}

func FuzzStoredName(f *testing.F) {
	for _, s := range []string{"Hello World.txt", "../../etc/passwd", "a\x00b.png", "....", "", ".htaccess",
		"x.tar.gz", "Ünïcødé файл.JPG", `C:\x\y.z`, strings.Repeat("ab.", 400)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, original string) {
		got := StoredName(original)
		if !storedNameRE.MatchString(got) {
			t.Fatalf("StoredName(%q) = %q: not the documented shape", original, got)
		}
		if len(got) > 132 || got[0] == '.' || strings.ContainsAny(got, "/\\\x00") {
			t.Fatalf("StoredName(%q) = %q", original, got)
		}
		if !ValidStoredName(got) {
			t.Fatalf("ValidStoredName(StoredName(%q) = %q) = false", original, got)
		}
		if !ValidKey("c/r/" + got) {
			t.Fatalf("StoredName(%q) = %q is not a valid key segment", original, got)
		}
	})
}

func TestValidStoredName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"hello_world_ab12cd34ef.txt", true},
		{"file_0123456789", true},
		{"Old Name (1).PNG", true}, // another shape, still harmless
		{"ünï.png", true},
		{"", false},
		{".", false},
		{"..", false},
		{".htaccess", false},
		{"../x", false},
		{"a/b", false},
		{`a\b`, false},
		{"a\x00b", false},
		{"a\nb", false},
		{"a\x7fb", false},
		{"a\x1fb", false},
		{"\xff.png", false},
		{strings.Repeat("a", 255), true},
		{strings.Repeat("a", 256), false},
	}
	for _, tc := range tests {
		if got := ValidStoredName(tc.name); got != tc.ok {
			t.Errorf("ValidStoredName(%q) = %v, want %v", tc.name, got, tc.ok)
		}
		if tc.ok && !utf8.ValidString(tc.name) {
			t.Errorf("test case %q: accepted names are UTF-8", tc.name)
		}
	}
}
