package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	galley "github.com/galleyhq/galley"
)

// Format reads and writes migration files of one extension. JSON is built
// in; the JavaScript engine provides ".js" (PocketBase's migrate(up, down)
// files), which becomes the format new files are written in when it is
// registered as Files.Write's format.
type Format interface {
	// Ext is the file extension with its dot: ".json", ".js".
	Ext() string
	// Load turns a file's content into its steps. name is the file name
	// (for messages); down may be nil. An error names what is wrong and
	// where (line, key): it stops every run, so no later migration is
	// applied ahead of a broken one.
	Load(name string, src []byte) (up, down Func, err error)
	// Template is the content of a new migration that does nothing yet
	// (galley migrate create).
	Template() []byte
	// Encode writes plan as a migration file's content (galley migrate
	// collections, --automigrate).
	Encode(plan Plan) ([]byte, error)
}

// Plan is what a generated migration does: its up and down steps as
// collection changes.
type Plan struct {
	Up, Down Step
}

// Step is one direction of a generated migration: import Collections
// (core.App.ImportCollections: matched by id, then name; created when
// unmatched; with DeleteMissing, every other non-system collection is
// deleted), then delete the collections named or identified in Delete
// (those already gone are skipped). An empty Step does nothing.
type Step struct {
	Collections   []*galley.Collection
	DeleteMissing bool
	Delete        []string
}

// Files is the Source of the migration files in one directory: the
// regular files whose extension has a Format, in name order. Files whose
// name starts with "." or "_" are not migrations, nor are files of other
// extensions — except ".js" while no JavaScript format is registered,
// which is an error rather than a migration silently skipped. A missing
// directory holds no migrations. Its methods are safe for concurrent use.
type Files struct {
	Dir string

	mu      sync.Mutex
	formats map[string]Format
	write   Format
}

// NewFiles returns the migrations of dir, with the JSON format registered
// and used for new files.
func NewFiles(dir string) *Files {
	f := &Files{Dir: dir, formats: map[string]Format{}}
	f.Register(JSON, true)
	return f
}

// Register makes f read files of format's extension (replacing a format
// of the same extension) and, with forWriting, write new files in it.
func (f *Files) Register(format Format, forWriting bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.formats[strings.ToLower(format.Ext())] = format
	if forWriting {
		f.write = format
	}
}

// Migrations loads every migration file of the directory.
func (f *Files) Migrations() ([]Migration, error) {
	entries, err := os.ReadDir(f.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("migrations directory: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || !e.Type().IsRegular() {
			continue
		}
		ext := strings.ToLower(filepath.Ext(name))
		f.mu.Lock()
		format := f.formats[ext]
		f.mu.Unlock()
		if format == nil {
			if ext == ".js" {
				return nil, fmt.Errorf("migration %s: JavaScript migrations need the JavaScript engine, which this build does not have", filepath.Join(f.Dir, name))
			}
			continue
		}
		path := filepath.Join(f.Dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", path, err)
		}
		up, down, err := format.Load(name, src)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", path, err)
		}
		out = append(out, Migration{Name: name, Up: up, Down: down, Origin: path})
	}
	return out, nil
}

// slug keeps what a file name may hold of a migration's description.
var slug = regexp.MustCompile(`[^a-z0-9_]+`)

// Create writes a new migration that does nothing yet, named
// <unix time>_<description>.<ext>, and returns its path. The directory is
// created when missing. The time prefix is later than every migration
// file already there, so the new file sorts last.
func (f *Files) Create(description string, now time.Time) (string, error) {
	f.mu.Lock()
	format := f.write
	f.mu.Unlock()
	return f.writeNew(format, description, now, format.Template())
}

// Write writes plan as a new migration file (see Create for its name)
// and returns its path.
func (f *Files) Write(description string, plan Plan, now time.Time) (string, error) {
	f.mu.Lock()
	format := f.write
	f.mu.Unlock()
	src, err := format.Encode(plan)
	if err != nil {
		return "", err
	}
	return f.writeNew(format, description, now, src)
}

func (f *Files) writeNew(format Format, description string, now time.Time, src []byte) (string, error) {
	desc := strings.Trim(slug.ReplaceAllString(strings.ToLower(description), "_"), "_")
	if desc == "" {
		return "", errors.New("a migration needs a description of letters, digits or _")
	}
	if len(desc) > 100 {
		desc = desc[:100]
	}
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return "", fmt.Errorf("migrations directory: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock() // one new file at a time: the prefixes stay distinct
	prefix, err := f.nextPrefix(now)
	if err != nil {
		return "", err
	}
	path := filepath.Join(f.Dir, strconv.FormatInt(prefix, 10)+"_"+desc+format.Ext())
	// O_EXCL: never overwrite a migration, even one made meanwhile by
	// another process.
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	if _, err := file.Write(src); err != nil {
		file.Close()
		os.Remove(path)
		return "", err
	}
	if err := file.Close(); err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

// leadingDigits matches the time prefix of a migration file.
var leadingDigits = regexp.MustCompile(`^[0-9]+`)

// nextPrefix returns now's Unix time, or one more than the largest time
// prefix in the directory when that is not earlier.
func (f *Files) nextPrefix(now time.Time) (int64, error) {
	entries, err := os.ReadDir(f.Dir)
	if err != nil {
		return 0, fmt.Errorf("migrations directory: %w", err)
	}
	next := now.Unix()
	for _, e := range entries {
		if d := leadingDigits.FindString(e.Name()); d != "" && len(d) <= 18 {
			if n, _ := strconv.ParseInt(d, 10, 64); n >= next {
				next = n + 1
			}
		}
	}
	return next, nil
}
