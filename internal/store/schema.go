package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
)

// Schema is the in-memory snapshot of all collections, replaced as a whole
// after every committed schema change. Readers never lock.
type Schema struct {
	snap atomic.Pointer[schemaSnapshot]
}

type schemaSnapshot struct {
	byName map[string]*galley.Collection // lower-cased name
	byID   map[string]*galley.Collection
	all    []*galley.Collection // sorted by name
}

func newSchema() *Schema {
	s := &Schema{}
	s.snap.Store(&schemaSnapshot{byName: map[string]*galley.Collection{}, byID: map[string]*galley.Collection{}})
	return s
}

// Collection returns the collection with the given id or (case-insensitive)
// name, or nil. The returned value is shared: callers must not modify it
// (use Clone).
func (s *Schema) Collection(nameOrID string) *galley.Collection {
	snap := s.snap.Load()
	if c, ok := snap.byID[nameOrID]; ok {
		return c
	}
	return snap.byName[strings.ToLower(nameOrID)]
}

// Collections returns all collections sorted by name. The slice is shared.
func (s *Schema) Collections() []*galley.Collection { return s.snap.Load().all }

func (s *Schema) set(cols []*galley.Collection) {
	snap := &schemaSnapshot{byName: map[string]*galley.Collection{}, byID: map[string]*galley.Collection{}}
	for _, c := range cols {
		snap.byName[strings.ToLower(c.Name)] = c
		snap.byID[c.ID] = c
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
	snap.all = cols
	s.snap.Store(snap)
}

// ReloadSchema reads every collection from _collections into the cache.
func (db *DB) ReloadSchema(ctx context.Context) error {
	cols, err := loadCollections(ctx, db.read)
	if err != nil {
		return fmt.Errorf("load collections: %w", err)
	}
	db.Schema.set(cols)
	db.totals.reset()
	if db.reader != nil {
		db.reader.cache.reset()
	}
	db.writer.schemaGen.Add(1) // the writer drops its prepared statements
	return nil
}

const collectionColumns = `"id","name","type","system","fields","indexes","listRule","viewRule","createRule","updateRule","deleteRule","viewQuery","options","created","updated"`

func loadCollections(ctx context.Context, q Querier) ([]*galley.Collection, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+collectionColumns+` FROM "_collections"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*galley.Collection
	for rows.Next() {
		c := &galley.Collection{}
		var fields, indexes, options string
		var rules [5]sql.NullString
		if err := rows.Scan(&c.ID, &c.Name, &c.Type, &c.System, &fields, &indexes,
			&rules[0], &rules[1], &rules[2], &rules[3], &rules[4], &c.ViewQuery, &options, &c.Created, &c.Updated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
			return nil, fmt.Errorf("collection %s fields: %w", c.Name, err)
		}
		if err := json.Unmarshal([]byte(indexes), &c.Indexes); err != nil {
			return nil, fmt.Errorf("collection %s indexes: %w", c.Name, err)
		}
		for i, p := range []**string{&c.ListRule, &c.ViewRule, &c.CreateRule, &c.UpdateRule, &c.DeleteRule} {
			if rules[i].Valid {
				s := rules[i].String
				*p = &s
			}
		}
		if c.Type == galley.CollectionAuth {
			c.Auth = &galley.AuthOptions{}
			if err := json.Unmarshal([]byte(options), c.Auth); err != nil {
				return nil, fmt.Errorf("collection %s options: %w", c.Name, err)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// saveCollectionRow inserts or replaces the _collections row of c.
func saveCollectionRow(ctx context.Context, tx *Tx, c *galley.Collection) error {
	fields, err := json.Marshal(c.Fields)
	if err != nil {
		return err
	}
	indexes := c.Indexes
	if indexes == nil {
		indexes = []string{}
	}
	idx, _ := json.Marshal(indexes)
	options := []byte("{}")
	if c.Auth != nil {
		options, _ = json.Marshal(c.Auth)
	}
	now := galley.FormatTime(time.Now())
	if c.Created == "" {
		c.Created = now
	}
	// updated doubles as the definition's version (stale updates are
	// detected by comparing it), so it must move on every save, even twice
	// within one millisecond.
	if prev, err := time.Parse(galley.DateLayout, c.Updated); err == nil && now <= c.Updated {
		now = galley.FormatTime(prev.Add(time.Millisecond))
	}
	c.Updated = now
	_, err = tx.ExecContext(ctx, `INSERT INTO "_collections" (`+collectionColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT ("id") DO UPDATE SET "name"=excluded."name", "type"=excluded."type", "system"=excluded."system",
		"fields"=excluded."fields", "indexes"=excluded."indexes", "listRule"=excluded."listRule", "viewRule"=excluded."viewRule",
		"createRule"=excluded."createRule", "updateRule"=excluded."updateRule", "deleteRule"=excluded."deleteRule",
		"viewQuery"=excluded."viewQuery", "options"=excluded."options", "updated"=excluded."updated"`,
		c.ID, c.Name, c.Type, c.System, string(fields), string(idx),
		c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule, c.ViewQuery, string(options), c.Created, c.Updated)
	return err
}

// reloadAfterCommit refreshes the schema cache once tx commits.
func (tx *Tx) reloadAfterCommit(ctx context.Context) {
	tx.AfterCommit(func() {
		if err := tx.db.ReloadSchema(context.WithoutCancel(ctx)); err != nil {
			tx.db.log.Error("reload schema", "err", err)
		}
	})
}
