package store

import (
	"context"
	"fmt"
	"strings"

	galley "github.com/galleyhq/galley"
)

// storageKind is how a field is stored; a change of kind needs a table
// rebuild with a data conversion, anything else is metadata only.
type storageKind int

const (
	kindText storageKind = iota
	kindNumber
	kindBool
	kindJSON
	kindMulti
	kindGeo
)

func kindOf(f *galley.Field) storageKind {
	switch {
	case f.IsMulti():
		return kindMulti
	case f.Type == galley.FieldNumber:
		return kindNumber
	case f.Type == galley.FieldBool:
		return kindBool
	case f.Type == galley.FieldJSON:
		return kindJSON
	case f.Type == galley.FieldGeoPoint:
		return kindGeo
	}
	return kindText
}

// sqliteConvertExpr returns the SQLite expression that turns column col stored as
// from into a value stored as to, keeping the data where it makes sense:
// number↔text by CAST (non-numeric text becomes 0), bool↔number as 0/1,
// single↔multi as 'x' ↔ '["x"]' (multi keeps its first element), anything
// → json by json_quote. This is the dialect-specific part of a retype.
func sqliteConvertExpr(col string, from, to storageKind) string {
	c := Quote(col)
	if from == to {
		return c
	}
	switch to {
	case kindText:
		switch from {
		case kindNumber:
			return fmt.Sprintf("(CASE WHEN %[1]s = CAST(%[1]s AS INTEGER) THEN CAST(CAST(%[1]s AS INTEGER) AS TEXT) ELSE CAST(%[1]s AS TEXT) END)", c)
		case kindBool:
			return fmt.Sprintf("(CASE WHEN %s THEN 'true' ELSE 'false' END)", c)
		case kindMulti:
			return fmt.Sprintf("(CASE WHEN json_valid(%[1]s) AND json_type(%[1]s) = 'array' THEN COALESCE(CAST(json_extract(%[1]s, '$[0]') AS TEXT), '') ELSE COALESCE(CAST(%[1]s AS TEXT), '') END)", c)
		case kindJSON:
			return fmt.Sprintf("(CASE WHEN json_valid(%[1]s) AND json_type(%[1]s) = 'text' THEN json_extract(%[1]s, '$') ELSE COALESCE(CAST(%[1]s AS TEXT), '') END)", c)
		}
		return fmt.Sprintf("COALESCE(CAST(%s AS TEXT), '')", c)
	case kindNumber:
		switch from {
		case kindJSON, kindMulti:
			return fmt.Sprintf("(CASE WHEN json_valid(%[1]s) AND json_type(%[1]s) IN ('integer', 'real') THEN json_extract(%[1]s, '$') WHEN json_valid(%[1]s) AND json_type(%[1]s) = 'true' THEN 1 ELSE COALESCE(CAST(%[1]s AS REAL), 0) END)", c)
		case kindGeo:
			return "0"
		}
		return fmt.Sprintf("COALESCE(CAST(%s AS REAL), 0)", c)
	case kindBool:
		switch from {
		case kindNumber:
			return fmt.Sprintf("(COALESCE(%s, 0) != 0)", c)
		case kindText:
			return fmt.Sprintf("(lower(trim(%s)) IN ('true', '1', 'yes', 'on'))", c)
		case kindJSON:
			return fmt.Sprintf("(COALESCE(%s, '') IN ('true', '1'))", c)
		}
		return "FALSE"
	case kindJSON:
		switch from {
		case kindText:
			return fmt.Sprintf("(CASE WHEN %[1]s = '' THEN NULL ELSE json_quote(%[1]s) END)", c)
		case kindNumber:
			return fmt.Sprintf("json_quote(%s)", c)
		case kindBool:
			return fmt.Sprintf("(CASE WHEN %s THEN 'true' ELSE 'false' END)", c)
		}
		return c
	case kindMulti:
		switch from {
		case kindText:
			return fmt.Sprintf("(CASE WHEN %[1]s = '' THEN '[]' ELSE json_array(%[1]s) END)", c)
		case kindJSON:
			return fmt.Sprintf("(CASE WHEN json_valid(%[1]s) AND json_type(%[1]s) = 'array' THEN %[1]s WHEN %[1]s IS NULL THEN '[]' ELSE json_array(json(%[1]s)) END)", c)
		case kindNumber:
			return fmt.Sprintf("json_array(%s)", c)
		}
		return "'[]'"
	case kindGeo:
		if from == kindJSON {
			return fmt.Sprintf(`(CASE WHEN json_valid(%[1]s) AND json_type(%[1]s) = 'object' THEN json_object('lon', COALESCE(json_extract(%[1]s, '$.lon'), 0), 'lat', COALESCE(json_extract(%[1]s, '$.lat'), 0)) ELSE '{"lon":0,"lat":0}' END)`, c)
		}
		return `'{"lon":0,"lat":0}'`
	}
	return c
}

// needsRebuild reports whether going from old to new needs a table rebuild:
// a removed field or a field whose storage kind changed. Fields are matched
// by id; added fields alone are an ALTER TABLE ADD COLUMN.
func needsRebuild(old, new *galley.Collection) bool {
	for _, of := range old.Fields {
		nf := new.FieldByID(of.ID)
		if nf == nil || kindOf(nf) != kindOf(of) {
			return true
		}
	}
	return false
}

// rebuildTable recreates table new.Name with new's columns, copying and
// converting the data of fields that exist in both (columns already carry
// their new names), following SQLite's 12-step procedure: views are dropped
// by the caller beforehand and indexes are recreated by the caller after.
func rebuildTable(ctx context.Context, tx *Tx, old, new *galley.Collection) error {
	tmp := "_galley_rebuild_" + new.ID
	d := tx.db.d
	var dst, src []string
	if tx.db.IsPostgres() { // keep the insertion order
		dst, src = append(dst, Quote(pgRowID)), append(src, Quote(pgRowID))
	}
	for _, nf := range new.Fields {
		of := old.FieldByID(nf.ID)
		if of == nil {
			continue
		}
		dst = append(dst, Quote(nf.Name))
		src = append(src, d.convertExpr(nf.Name, kindOf(of), kindOf(nf)))
	}
	stmts := []string{
		createTableSQL(d, tmp, new),
		fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s", Quote(tmp), strings.Join(dst, ", "), strings.Join(src, ", "), Quote(new.Name)),
	}
	if tx.db.IsPostgres() { // the copied insertion order must not be handed out again
		stmts = append(stmts, fmt.Sprintf("SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT max(%s) FROM %s), 0) + 1, false)",
			quoteString(Quote(tmp)), quoteString(pgRowID), Quote(pgRowID), Quote(tmp)))
	}
	stmts = append(stmts,
		"DROP TABLE "+Quote(new.Name),
		fmt.Sprintf("ALTER TABLE %s RENAME TO %s", Quote(tmp), Quote(new.Name)),
	)
	return execAll(ctx, tx, stmts...)
}

// addColumns adds the fields of new that old does not have.
func addColumns(ctx context.Context, tx *Tx, old, new *galley.Collection) error {
	for _, nf := range new.Fields {
		if old.FieldByID(nf.ID) == nil {
			stmt := fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", Quote(new.Name), Quote(nf.Name), tx.db.d.columnDef(nf))
			if err := execAll(ctx, tx, stmt); err != nil {
				return err
			}
		}
	}
	return nil
}

// desiredIndexes returns name → CREATE INDEX statement for c: Galley's
// relation indexes plus c's own indexes (canonical form).
func desiredIndexes(d dialect, c *galley.Collection) (map[string]string, error) {
	out := map[string]string{}
	rel := relationIndexes(c)
	for _, f := range c.Fields {
		if f.Type == galley.FieldRelation && !f.IsMulti() {
			out[relationIndexName(c, f)], rel = rel[0], rel[1:]
		}
	}
	for _, s := range c.Indexes {
		ix, err := ParseIndex(s, c)
		if err != nil {
			return nil, galley.FieldInvalid("indexes", "validation_invalid_index", err.Error())
		}
		out[ix.Name] = d.indexSQL(ix)
	}
	return out, nil
}

// sqliteIndexes returns name → SQL of the explicit indexes on table.
func sqliteIndexes(ctx context.Context, q Querier, table string) (map[string]string, error) {
	return queryPairs(ctx, q, `SELECT "name", "sql" FROM "sqlite_master" WHERE "type" = 'index' AND "tbl_name" = ? COLLATE NOCASE AND "sql" IS NOT NULL`, table)
}

// createIndexes runs the statements of want that have no identical
// counterpart in have. A unique index that existing rows violate is an
// EInvalid naming the index.
func createIndexes(ctx context.Context, tx *Tx, want, have map[string]string) error {
	for name, stmt := range want {
		if have[name] == stmt {
			continue
		}
		if err := tx.db.d.createIndex(ctx, tx, name, stmt); err != nil {
			if ge, ok := MapError(err).(*galley.Error); ok && ge.Code == galley.EConflict {
				return galley.FieldInvalid("indexes", "validation_invalid_index",
					fmt.Sprintf("Index %q cannot be created: existing records have duplicate values.", name))
			}
			return galley.FieldInvalid("indexes", "validation_invalid_index",
				fmt.Sprintf("Index %q cannot be created: %s.", name, tx.db.d.message(err)))
		}
	}
	return nil
}

// dropStaleIndexes drops the indexes of have that want lacks or defines
// differently.
func dropStaleIndexes(ctx context.Context, tx *Tx, want, have map[string]string) error {
	for name, stmt := range have {
		if want[name] != stmt {
			if err := execAll(ctx, tx, "DROP INDEX IF EXISTS "+Quote(name)); err != nil {
				return err
			}
		}
	}
	return nil
}
