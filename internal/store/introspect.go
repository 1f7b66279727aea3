package store

import "context"

// Column is one column of a table or view as the database reports it.
type Column struct {
	Name string
	Type string // the declared type (SQLite) or format_type (PostgreSQL)
}

// Columns returns the columns of table (or view) in order; Galley's hidden
// columns (PostgreSQL's insertion-order column) are left out. An unknown
// table has no columns.
func (db *DB) Columns(ctx context.Context, table string) ([]Column, error) {
	cols, err := db.d.viewColumns(ctx, db.reader, table)
	if err != nil {
		return nil, err
	}
	out := make([]Column, 0, len(cols))
	for _, c := range cols {
		if db.IsPostgres() && c.name == pgRowID {
			continue
		}
		out = append(out, Column{Name: c.name, Type: c.declType})
	}
	return out, nil
}

// Indexes returns name → statement of the explicit (non primary key)
// indexes on table, as stored by Galley.
func (db *DB) Indexes(ctx context.Context, table string) (map[string]string, error) {
	return db.d.existingIndexes(ctx, db.reader, table)
}

// Relations returns the names of the tables and views of the database
// (system ones included), for tests and maintenance.
func (db *DB) Relations(ctx context.Context) ([]string, error) {
	q := `SELECT "name" FROM "sqlite_master" WHERE "type" IN ('table', 'view') AND "name" NOT LIKE 'sqlite_%' ORDER BY 1`
	if db.IsPostgres() {
		q = `SELECT c.relname FROM pg_class c WHERE c.relkind IN ('r', 'v') AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`
	}
	rows, err := db.reader.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// queryPairs runs a query of two text columns and returns the first →
// second map.
func queryPairs(ctx context.Context, q Querier, query string, args ...any) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}
