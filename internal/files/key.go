package files

import (
	"strings"
	"unicode/utf8"
)

// Limits of a storage key, in bytes. 255 is the longest file name most
// file systems accept; 1024 is S3's limit for a whole key.
const (
	MaxKeySegment = 255
	MaxKeyLength  = 1024
)

// ValidKey reports whether key may be used as a storage key: a
// slash-separated relative path of at most MaxKeyLength bytes, of valid
// UTF-8, whose segments are non-empty, at most MaxKeySegment bytes, not "."
// or "..", and hold no backslash, NUL or other control character (C0, DEL
// and C1). So a key never starts or ends with "/" and never holds "//".
//
// Those rules make a key mean the same path on every storage: joined to a
// local root it cannot leave it, and in a bucket it is the object's name.
func ValidKey(key string) bool {
	if key == "" || len(key) > MaxKeyLength || !utf8.ValidString(key) {
		return false
	}
	for seg := range strings.SplitSeq(key, "/") {
		if !validSegment(seg) {
			return false
		}
	}
	return true
}

func validSegment(seg string) bool {
	if seg == "" || seg == "." || seg == ".." || len(seg) > MaxKeySegment {
		return false
	}
	for _, r := range seg {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\\' {
			return false
		}
	}
	return true
}

// validPrefix reports whether prefix may be passed to List: "" (every
// object), a valid key, or a valid key followed by "/".
func validPrefix(prefix string) bool {
	if prefix == "" {
		return true
	}
	return ValidKey(strings.TrimSuffix(prefix, "/"))
}

// FileKey returns the key of the file name of a record:
// "<collectionID>/<recordID>/<name>". It does not validate its parts;
// a Storage refuses the result with ErrInvalidKey when it is not valid.
func FileKey(collectionID, recordID, name string) string {
	return collectionID + "/" + recordID + "/" + name
}

// RecordPrefix returns "<collectionID>/<recordID>", the prefix of the
// keys of every file and thumbnail of a record, as DeletePrefix takes it.
func RecordPrefix(collectionID, recordID string) string {
	return collectionID + "/" + recordID
}

// ThumbKey returns the key of the thumbnail of size size (such as
// "100x100" or "0x50f") of the file stored under fileKey:
// "<collectionId>/<recordId>/thumbs_<name>/<size>_<name>". Every
// thumbnail of a file lives under ThumbPrefix(fileKey), so deleting the
// file's thumbnails is one DeletePrefix.
func ThumbKey(fileKey, size string) string {
	name := fileKey[strings.LastIndexByte(fileKey, '/')+1:]
	return ThumbPrefix(fileKey) + "/" + size + "_" + name
}

// ThumbPrefix returns the key prefix of every thumbnail of the file
// stored under fileKey: "<collectionId>/<recordId>/thumbs_<name>".
func ThumbPrefix(fileKey string) string {
	i := strings.LastIndexByte(fileKey, '/')
	return fileKey[:i+1] + "thumbs_" + fileKey[i+1:]
}
