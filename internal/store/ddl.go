package store

import (
	"context"
	"fmt"
	"strings"

	galley "github.com/galleyhq/galley"
)

// sqliteColumnDef returns the SQLite column definition (type, constraints and
// default) of f, following the storage conventions in the package doc.
func sqliteColumnDef(f *galley.Field) string {
	if f.Name == "id" {
		return "TEXT PRIMARY KEY NOT NULL"
	}
	switch {
	case f.IsMulti():
		return "JSON NOT NULL DEFAULT '[]'"
	case f.Type == galley.FieldNumber:
		return "REAL NOT NULL DEFAULT 0"
	case f.Type == galley.FieldBool:
		return "BOOLEAN NOT NULL DEFAULT FALSE"
	case f.Type == galley.FieldJSON:
		return "JSON DEFAULT NULL"
	case f.Type == galley.FieldGeoPoint:
		return `JSON NOT NULL DEFAULT '{"lon":0,"lat":0}'`
	}
	return "TEXT NOT NULL DEFAULT ''"
}

// createTableSQL returns the CREATE TABLE statement for c under name table.
func createTableSQL(d dialect, table string, c *galley.Collection) string {
	cols := make([]string, 0, len(c.Fields)+1)
	for _, f := range c.Fields {
		cols = append(cols, Quote(f.Name)+" "+d.columnDef(f))
	}
	cols = append(cols, d.hiddenColumns()...)
	return fmt.Sprintf("CREATE TABLE %s (%s)", Quote(table), strings.Join(cols, ", "))
}

// relationIndexes returns the CREATE INDEX statements Galley adds for
// single relation fields so back-relations and relation filters use an
// index. Their names (relationIndexName) start with RelationIndexPrefix.
func relationIndexes(c *galley.Collection) []string {
	var out []string
	for _, f := range c.Fields {
		if f.Type == galley.FieldRelation && !f.IsMulti() {
			out = append(out, fmt.Sprintf("CREATE INDEX %s ON %s (%s)", Quote(relationIndexName(c, f)), Quote(c.Name), Quote(f.Name)))
		}
	}
	return out
}

// relationIndexName is the name of the index of relation field f of c.
func relationIndexName(c *galley.Collection, f *galley.Field) string {
	return RelationIndexPrefix + c.ID + "_" + f.Name
}

// CreateCollection stores a new, already validated collection and creates its
// table (or SQL view) and indexes; see ApplyCollections. The schema cache is
// reloaded after commit.
func (tx *Tx) CreateCollection(ctx context.Context, c *galley.Collection) error {
	return tx.ApplyCollections(ctx, []CollectionChange{{New: c}}, nil)
}
