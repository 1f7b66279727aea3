package core

import (
	"strings"
	"sync"
	"time"

	galley "github.com/galleyhq/galley"
)

// fileRefTTL is how long fileRefs trusts what a record look-up said about
// a file. A change on this node that removes a file forgets it at once
// (forget); a change made on another node is seen here after at most
// this long — and by then the file is normally gone from the shared
// storage too, so it is not found anyway. Every served file carries
// Cache-Control max-age of 30 days, so shared caches may keep a file far
// longer than this.
const fileRefTTL = 2 * time.Second

// maxFileRefs bounds the files fileRefs remembers; it is emptied when full.
const maxFileRefs = 20000

// fileRefs remembers which file field of a record holds a stored file, so
// that repeated downloads of the same file do not each read the record.
// Only files of fields that are not protected are remembered (a protected
// file's token is checked against the record on every request), and an
// entry holds only while the collection's schema is the one it was made
// with (a changed field — now protected, other thumbs — is a new
// *galley.Collection).
type fileRefs struct {
	ttl time.Duration // 0: fileRefTTL (tests shorten it)
	mu  sync.Mutex
	gen uint64 // bumped by every forget
	n   int
	// m is keyed by the record's storage prefix ("<collectionId>/<recordId>"),
	// then by the stored file name.
	m map[string]map[string]fileRef
}

type fileRef struct {
	coll  *galley.Collection
	field *galley.Field
	until time.Time
}

// generation returns the count of forgets so far; pass it to put.
func (fr *fileRefs) generation() uint64 {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	return fr.gen
}

// get returns the field of c that held file name of record id when it was
// looked up less than fileRefTTL ago, with c's schema unchanged since.
func (fr *fileRefs) get(c *galley.Collection, id, name string) (*galley.Field, bool) {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	ref, ok := fr.m[c.ID+"/"+id][name]
	if !ok || ref.coll != c || time.Now().After(ref.until) {
		return nil, false
	}
	return ref.field, true
}

// put remembers that field f of c holds file name of record id, unless a
// forget ran since gen (the look-up that found it may then be stale).
func (fr *fileRefs) put(c *galley.Collection, f *galley.Field, id, name string, gen uint64) {
	if f.Protected {
		return
	}
	fr.mu.Lock()
	defer fr.mu.Unlock()
	if fr.gen != gen {
		return
	}
	if fr.m == nil || fr.n >= maxFileRefs {
		fr.m, fr.n = map[string]map[string]fileRef{}, 0
	}
	rec := c.ID + "/" + id
	names := fr.m[rec]
	if names == nil {
		names = map[string]fileRef{}
		fr.m[rec] = names
	}
	if _, ok := names[name]; !ok {
		fr.n++
	}
	ttl := fr.ttl
	if ttl == 0 {
		ttl = fileRefTTL
	}
	names[name] = fileRef{coll: c, field: f, until: time.Now().Add(ttl)}
}

// forget drops what is remembered of the stored files keys
// ("<collectionId>/<recordId>/<name>") and of every file under prefixes
// (a record's "<collectionId>/<recordId>" or a collection's
// "<collectionId>"). It runs when a change commits, before the files are
// deleted.
func (fr *fileRefs) forget(keys, prefixes []string) {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	fr.gen++
	for _, k := range keys {
		i := strings.LastIndexByte(k, '/')
		if i < 0 {
			continue
		}
		if names := fr.m[k[:i]]; names != nil {
			if _, ok := names[k[i+1:]]; ok {
				delete(names, k[i+1:])
				fr.n--
			}
		}
	}
	for _, p := range prefixes {
		if strings.Contains(p, "/") { // a record
			fr.n -= len(fr.m[p])
			delete(fr.m, p)
			continue
		}
		for rec, names := range fr.m { // a collection (deleted or truncated: rare)
			if strings.HasPrefix(rec, p+"/") {
				fr.n -= len(names)
				delete(fr.m, rec)
			}
		}
	}
}
