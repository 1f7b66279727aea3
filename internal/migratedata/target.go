package migratedata

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/galleyhq/galley/internal/store"
	"github.com/jackc/pgx/v5"
)

// Relation is a table, view or other relation found in a target schema.
type Relation struct {
	Name string
	Kind string // "table", "view", "materialized view", "foreign table"
}

// Target describes the PostgreSQL schema a copy would write into.
type Target struct {
	Where     string // host:port/database, for messages (no credentials)
	Schema    string // the connection's current_schema()
	Relations []Relation
}

// InspectTarget connects to the PostgreSQL database of dsn with a plain
// connection (no Galley migrations run) and lists the relations of its
// current schema (the first existing schema of the DSN's search_path). A
// bad DSN, an unreachable server or a search_path naming no existing schema
// is an error that reads well as one line.
func InspectTarget(ctx context.Context, dsn string) (Target, error) {
	conn, t, err := connect(ctx, dsn)
	if err != nil {
		return t, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, `SELECT c.relname, c.relkind::text FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
		ORDER BY 1`)
	if err != nil {
		return t, fmt.Errorf("list the tables of %s: %s", t.Where, store.PGMessage(err))
	}
	defer rows.Close()
	kinds := map[string]string{"r": "table", "p": "table", "v": "view", "m": "materialized view", "f": "foreign table"}
	for rows.Next() {
		var r Relation
		if err := rows.Scan(&r.Name, &r.Kind); err != nil {
			return t, err
		}
		r.Kind = kinds[r.Kind]
		t.Relations = append(t.Relations, r)
	}
	if err := rows.Err(); err != nil {
		return t, fmt.Errorf("list the tables of %s: %s", t.Where, store.PGMessage(err))
	}
	return t, nil
}

// DropRelations drops rels (as listed by InspectTarget) from the current
// schema of dsn in one transaction, with CASCADE: everything that depends on
// them goes too. Nothing outside that schema is touched.
func DropRelations(ctx context.Context, dsn string, rels []Relation) error {
	conn, t, err := connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, r := range rels {
			kind := strings.ToUpper(r.Kind)
			if kind == "" {
				kind = "TABLE"
			}
			// IF EXISTS: an earlier CASCADE may have dropped it already.
			q := "DROP " + kind + " IF EXISTS " + pgx.Identifier{t.Schema, r.Name}.Sanitize() + " CASCADE"
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("drop %s %s in %s: %s", r.Kind, r.Name, t.Where, store.PGMessage(err))
			}
		}
		return nil
	})
}

func connect(ctx context.Context, dsn string) (*pgx.Conn, Target, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, Target{}, fmt.Errorf("invalid PostgreSQL DSN: %s", store.PGMessage(err))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	t := Target{Where: fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, t, fmt.Errorf("connect to PostgreSQL at %s: %s", t.Where, store.PGMessage(err))
	}
	var schema *string
	var version int
	if err := conn.QueryRow(ctx, `SELECT current_setting('server_version_num')::int, current_schema()`).Scan(&version, &schema); err != nil {
		conn.Close(ctx)
		return nil, t, fmt.Errorf("connect to PostgreSQL at %s: %s", t.Where, store.PGMessage(err))
	}
	if version < store.MinPostgres { // refused before --force drops anything
		conn.Close(ctx)
		return nil, t, fmt.Errorf("PostgreSQL at %s is version %d.%d; Galley needs %d or newer", t.Where, version/10000, version%10000, store.MinPostgres/10000)
	}
	if schema == nil {
		conn.Close(ctx)
		return nil, t, fmt.Errorf("PostgreSQL at %s: the search_path names no existing schema", t.Where)
	}
	t.Schema = *schema
	return conn, t, nil
}
