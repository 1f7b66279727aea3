// Package backup writes and reads Galley's backup archives: one portable
// zip format for SQLite and PostgreSQL, so that a backup taken on one
// restores into the other.
//
// An archive holds
//
//	manifest.json          format version, Galley version, source driver,
//	                       creation time, and per table: rows, checksum, sha256
//	collections.json       the collection definitions (system ones included)
//	tables/<name>.jsonl    the rows of the system tables migrate-data copies
//	                       (_params: settings; _appMigrations), in id order
//	records/<id>.jsonl     the records of each base and auth collection, one
//	                       JSON object per line, in insertion order
//	files.jsonl            {"key","size","sha256"} of every stored file
//	storage/<key>          the stored files (thumbnails are left out: they
//	                       are made again on demand)
//
// A table's checksum is migratedata's (SHA-256 over canonical JSON lines in
// bytewise id order), equal on both databases for equal data, so a restore
// verifies what it wrote against what the backup read, across dialects.
// The sha256 of an entry is over its bytes, checked before anything is
// restored.
package backup

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
)

// FormatVersion is the archive format this build writes and the newest it
// reads.
const FormatVersion = 1

// Entry names of an archive.
const (
	manifestEntry    = "manifest.json"
	collectionsEntry = "collections.json"
	filesEntry       = "files.jsonl"
	tablesDir        = "tables/"
	recordsDir       = "records/"
	storageDir       = "storage/"
)

// Manifest describes an archive (manifest.json).
type Manifest struct {
	Format  int       `json:"format"`  // FormatVersion of the writer
	Galley  string    `json:"galley"`  // the writer's Galley version
	Driver  string    `json:"driver"`  // "sqlite" or "postgres": where it was taken
	Created time.Time `json:"created"` // when the snapshot was taken (UTC)
	// Collections is the sha256 of collections.json.
	Collections string  `json:"collections"`
	Tables      []Table `json:"tables"`
	Files       Files   `json:"files"`
}

// Table is one system table or collection of an archive.
type Table struct {
	Name string `json:"name"`
	// ID is the collection id; "" for a system table.
	ID string `json:"id,omitempty"`
	// Kind is "system table" or the collection type (base, auth).
	Kind string `json:"kind"`
	// Entry is the archive entry holding the rows.
	Entry string `json:"entry"`
	// Columns are a system table's columns, id first.
	Columns []string `json:"columns,omitempty"`
	Rows    int64    `json:"rows"`
	// Checksum is migratedata's checksum of the rows (see package doc).
	Checksum string `json:"checksum"`
	// SHA256 is over the entry's bytes.
	SHA256 string `json:"sha256"`
}

// Files summarises the stored files of an archive.
type Files struct {
	Count  int64  `json:"count"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"` // of files.jsonl
}

// FileEntry is one line of files.jsonl.
type FileEntry struct {
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// nameRE is what PocketBase accepts as a backup name.
var nameRE = regexp.MustCompile(`^[a-z0-9_-]+\.zip$`)

// MaxNameLength bounds a backup name.
const MaxNameLength = 150

// ValidName reports whether name is an acceptable backup name: PocketBase's
// ^[a-z0-9_-]+\.zip$ (no slashes, dots or "..") of at most MaxNameLength
// bytes; auto backups' leading "@" is allowed too ("@auto_pb_backup_…").
func ValidName(name string) bool {
	if len(name) > MaxNameLength {
		return false
	}
	return nameRE.MatchString(strings.TrimPrefix(name, "@"))
}

// isRecordFile reports whether a storage key is a record's file or
// thumbnail ("<collectionId>/<recordId>/..."): other objects of a bucket
// (backups kept in the same bucket, anything else) are neither backed up
// nor deleted by a restore.
func isRecordFile(key string) bool { return strings.Count(key, "/") >= 2 }

// isThumb reports whether a storage key is a thumbnail
// ("<collectionId>/<recordId>/thumbs_<name>/<size>_<name>").
func isThumb(key string) bool {
	parts := strings.Split(key, "/")
	return len(parts) == 4 && strings.HasPrefix(parts[2], "thumbs_")
}

// validEntryName reports whether an entry name is one an archive may hold:
// the fixed names, tables/<x>.jsonl and records/<x>.jsonl with a plain
// name, and storage/<key> with a valid storage key (no absolute paths,
// "..", "." or empty segments, backslashes or NUL bytes).
func validEntryName(name string) bool {
	switch name {
	case manifestEntry, collectionsEntry, filesEntry:
		return true
	}
	for _, dir := range []string{tablesDir, recordsDir} {
		if rest, ok := strings.CutPrefix(name, dir); ok {
			base, ok := strings.CutSuffix(rest, ".jsonl")
			return ok && plainName(base)
		}
	}
	if key, ok := strings.CutPrefix(name, storageDir); ok {
		return files.ValidKey(key)
	}
	return false
}

// plainName: letters, digits, "_" and "-" only (collection ids and system
// table names).
func plainName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// collectionDef is a collection definition in collections.json, in the
// shape the store keeps it (_collections): the auth options with their
// token secrets, which the API's JSON leaves out.
type collectionDef struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	System     bool            `json:"system"`
	Fields     json.RawMessage `json:"fields"`
	Indexes    []string        `json:"indexes"`
	ListRule   *string         `json:"listRule"`
	ViewRule   *string         `json:"viewRule"`
	CreateRule *string         `json:"createRule"`
	UpdateRule *string         `json:"updateRule"`
	DeleteRule *string         `json:"deleteRule"`
	ViewQuery  string          `json:"viewQuery"`
	Options    json.RawMessage `json:"options,omitempty"`
	Created    string          `json:"created"`
	Updated    string          `json:"updated"`
}

func toDef(c *galley.Collection) (collectionDef, error) {
	fields, err := json.Marshal(c.Fields)
	if err != nil {
		return collectionDef{}, err
	}
	d := collectionDef{ID: c.ID, Name: c.Name, Type: c.Type, System: c.System, Fields: fields, Indexes: c.Indexes,
		ListRule: c.ListRule, ViewRule: c.ViewRule, CreateRule: c.CreateRule, UpdateRule: c.UpdateRule, DeleteRule: c.DeleteRule,
		ViewQuery: c.ViewQuery, Created: c.Created, Updated: c.Updated}
	if c.Auth != nil {
		if d.Options, err = json.Marshal(c.Auth); err != nil {
			return d, err
		}
	}
	return d, nil
}

func fromDef(d collectionDef) (*galley.Collection, error) {
	c := &galley.Collection{ID: d.ID, Name: d.Name, Type: d.Type, System: d.System, Indexes: d.Indexes,
		ListRule: d.ListRule, ViewRule: d.ViewRule, CreateRule: d.CreateRule, UpdateRule: d.UpdateRule, DeleteRule: d.DeleteRule,
		ViewQuery: d.ViewQuery, Created: d.Created, Updated: d.Updated}
	if c.ID == "" || c.Name == "" {
		return nil, fmt.Errorf("a collection without id or name")
	}
	if err := json.Unmarshal(d.Fields, &c.Fields); err != nil {
		return nil, fmt.Errorf("collection %s fields: %w", d.Name, err)
	}
	if c.Type == galley.CollectionAuth {
		c.Auth = &galley.AuthOptions{}
		if len(d.Options) > 0 {
			if err := json.Unmarshal(d.Options, c.Auth); err != nil {
				return nil, fmt.Errorf("collection %s options: %w", d.Name, err)
			}
		}
	}
	return c, nil
}
