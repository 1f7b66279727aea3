package store

import (
	"context"
	"encoding/json"
	"fmt"

	galley "github.com/galleyhq/galley"
)

// pgViewCheckName is the scratch view pgCheckViewQuery creates, inside a
// savepoint it rolls back, to read PostgreSQL's own rendering of a query.
const pgViewCheckName = "_galley_view_check"

// pgCheckViewQuery refuses view query q unless it only reads collection
// tables with allowed functions (see checkViewTokens). It checks the text
// as written, lexed by PostgreSQL's rules (with backslash escapes in every
// string when standard_conforming_strings is off), then the definition
// PostgreSQL stores for it (pg_get_viewdef: comments, escapes, quoting and
// typed literals resolved, so nothing hidden from the first pass stays
// hidden), and last plans it with EXPLAIN inside tx (see pgCheckPlan).
// EXPLAIN runs only after both token checks passed (the planner may fold
// calls of stable functions), in a read-only savepoint it rolls back.
func pgCheckViewQuery(ctx context.Context, tx *Tx, q string) error {
	var conforming string
	if err := tx.QueryRowContext(ctx, "SHOW standard_conforming_strings").Scan(&conforming); err != nil {
		return err
	}
	mode := lexPostgres
	if conforming != "on" {
		mode = lexPostgresBackslash
	}
	if err := checkViewTokens(q, mode, false); err != nil {
		return err
	}
	def, err := pgViewDefinition(ctx, tx, q)
	if err != nil {
		return viewInvalid("Invalid view query: %s.", PGMessage(err))
	}
	if err := checkViewTokens(def, mode, true); err != nil {
		return err
	}
	plan, err := pgExplainReadOnly(ctx, tx, q)
	if err != nil {
		return viewInvalid("Invalid view query: %s.", PGMessage(err))
	}
	var nodes []any
	if err := json.Unmarshal([]byte(plan), &nodes); err != nil {
		return fmt.Errorf("read the plan of a view query: %w", err)
	}
	if msg := pgCheckPlan(nodes, tx.db.pgState.schema); msg != "" {
		return galley.FieldInvalid("viewQuery", "validation_invalid_view_query", msg)
	}
	return nil
}

// pgExplainReadOnly returns the EXPLAIN (VERBOSE, FORMAT JSON) plan of q,
// planned in a read-only savepoint of tx that is rolled back whatever
// happens: should planning ever evaluate something, it can neither write
// nor leave a notification behind.
func pgExplainReadOnly(ctx context.Context, tx *Tx, q string) (string, error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT galley_explain"); err != nil {
		return "", err
	}
	var plan string
	_, err := tx.ExecContext(ctx, "SET TRANSACTION READ ONLY")
	if err == nil {
		err = tx.QueryRowContext(ctx, "EXPLAIN (VERBOSE, FORMAT JSON) "+q).Scan(&plan)
	}
	// Rolling back the savepoint also restores the read-write mode.
	if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT galley_explain"); rerr != nil && err == nil {
		err = rerr
	}
	if _, rerr := tx.ExecContext(ctx, "RELEASE SAVEPOINT galley_explain"); rerr != nil && err == nil {
		err = rerr
	}
	return plan, err
}

// pgViewDefinition returns the definition PostgreSQL stores for view query
// q, read from a scratch view created and dropped in a savepoint of tx.
func pgViewDefinition(ctx context.Context, tx *Tx, q string) (string, error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT galley_viewdef"); err != nil {
		return "", err
	}
	var def string
	_, err := tx.ExecContext(ctx, "CREATE VIEW "+Quote(pgViewCheckName)+" AS "+q)
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT pg_get_viewdef(c.oid, true) FROM pg_class c
			WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace`, pgViewCheckName).Scan(&def)
	}
	if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT galley_viewdef"); rerr != nil && err == nil {
		err = rerr
	}
	if _, rerr := tx.ExecContext(ctx, "RELEASE SAVEPOINT galley_viewdef"); rerr != nil && err == nil {
		err = rerr
	}
	return def, err
}

// pgCheckPlan walks an EXPLAIN (VERBOSE, FORMAT JSON) plan and returns why
// it reads outside the collections, or "": every scanned relation must be
// in schema and not a system table ("_"), every function scan an allowed
// pg_catalog function, and no node a table function (XMLTABLE).
func pgCheckPlan(v any, schema string) string {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if msg := pgCheckPlan(e, schema); msg != "" {
				return msg
			}
		}
	case map[string]any:
		rel, isRel := x["Relation Name"].(string)
		fn, isFn := x["Function Name"].(string)
		sch, _ := x["Schema"].(string)
		switch {
		case isRel && isSystemIdent(rel):
			return "The view query cannot read system tables."
		case isRel && sch != schema:
			return "The view query can only read the collections' schema."
		case isFn && (sch != "pg_catalog" || !viewPostgresFunctions[fn]):
			return fmt.Sprintf("The view query cannot call %s().", fn)
		case x["Node Type"] == "Table Function Scan":
			return "The view query cannot use table functions."
		}
		for _, e := range x {
			if msg := pgCheckPlan(e, schema); msg != "" {
				return msg
			}
		}
	}
	return ""
}
