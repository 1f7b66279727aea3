package files_test

import (
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/files"
)

func TestValidKey(t *testing.T) {
	long := strings.Repeat("a", files.MaxKeySegment)
	tests := []struct {
		key  string
		want bool
	}{
		{"a", true},
		{"c1/r1/photo_ab12.png", true},
		{"c1/r1/thumbs_photo.png/100x100_photo.png", true},
		{".galley_s3_test_x", true},
		{"a/..b/c..", true},
		{"é/ü", true},
		{long, true},
		{strings.Repeat(long+"/", 3) + long[:254] + "/a", true}, // 1024 bytes

		{"", false},
		{"../x", false},
		{"a/../b", false},
		{"a/..", false},
		{"..", false},
		{".", false},
		{"a/./b", false},
		{"./a", false},
		{"/a", false},
		{"a/", false},
		{"a//b", false},
		{"a\\b", false},
		{"..\\x", false},
		{"a\x00b", false},
		{"a\nb", false},
		{"a\rb", false},
		{"a\x7fb", false},
		{"a\u0085b", false},
		{"a\xffb", false},
		{long + "a", false},
		{strings.Repeat("a", 1000), false},
		{strings.Repeat(long+"/", 3) + long[:254] + "/ab", false}, // 1025 bytes
	}
	for _, tt := range tests {
		if got := files.ValidKey(tt.key); got != tt.want {
			t.Errorf("ValidKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestKeyHelpers(t *testing.T) {
	fk := files.FileKey("c1", "r1", "photo_ab12.png")
	if fk != "c1/r1/photo_ab12.png" {
		t.Fatalf("FileKey = %q", fk)
	}
	if got := files.RecordPrefix("c1", "r1"); got != "c1/r1" {
		t.Errorf("RecordPrefix = %q", got)
	}
	if got, want := files.ThumbKey(fk, "100x50t"), "c1/r1/thumbs_photo_ab12.png/100x50t_photo_ab12.png"; got != want {
		t.Errorf("ThumbKey = %q, want %q", got, want)
	}
	if got, want := files.ThumbPrefix(fk), "c1/r1/thumbs_photo_ab12.png"; got != want {
		t.Errorf("ThumbPrefix = %q, want %q", got, want)
	}
	if !strings.HasPrefix(files.ThumbKey(fk, "0x50"), files.ThumbPrefix(fk)+"/") {
		t.Error("ThumbKey is not under ThumbPrefix")
	}
	if !strings.HasPrefix(fk, files.RecordPrefix("c1", "r1")+"/") || !strings.HasPrefix(files.ThumbKey(fk, "0x50"), files.RecordPrefix("c1", "r1")+"/") {
		t.Error("a file or thumbnail key is not under its RecordPrefix")
	}
}
