package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	galley "github.com/galleyhq/galley"
)

// CollectionChange is one change of a schema batch: Old nil creates New, New
// nil deletes Old, both set updates Old (as stored) to New. Fields of an
// update are matched by id. Old values must come from the schema cache (or an
// earlier change of the same batch); New values must be validated already.
type CollectionChange struct {
	Old, New *galley.Collection
}

// ApplyCollections applies changes as real DDL inside tx, keeping the data:
//
//  1. table and column renames use ALTER TABLE while views are in place, so
//     SQLite rewrites the view queries that reference them (stored queries
//     are refreshed from sqlite_master);
//  2. all SQL views are dropped; deleted tables dropped; new tables created;
//     updated tables get ADD COLUMN, or a full rebuild when a field is
//     removed or changes storage kind; stale indexes dropped, new ones created;
//  3. every view collection is recreated (new or changed queries are checked
//     with CheckViewQuery first) and its fields re-inferred;
//  4. _collections rows are written, then validate (may be nil) runs with the
//     final definitions of every collection, inside the transaction.
//
// The current schema is read inside tx; a change whose Old is not the stored
// version (a concurrent update won) is EConflict. Any error leaves the
// transaction to be rolled back by the caller; a
// *galley.Error is returned for problems the input caused (index names in use,
// duplicate data under a new unique index, a view that no longer compiles).
// The schema cache is reloaded after commit.
func (tx *Tx) ApplyCollections(ctx context.Context, changes []CollectionChange, validate func(final []*galley.Collection) error) error {
	if s := tx.db.pgState; s != nil { // one schema change at a time across nodes
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, s.lockKey("schema")); err != nil {
			return err
		}
	}
	current, err := loadCollections(ctx, tx) // the truth inside the serialised write transaction
	if err != nil {
		return err
	}
	final := map[string]*galley.Collection{} // by id
	for _, c := range current {
		final[c.ID] = c
	}
	dirty := map[string]bool{}
	for _, ch := range changes {
		if ch.Old != nil {
			if cur := final[ch.Old.ID]; cur == nil || cur.Updated != ch.Old.Updated {
				return galley.Errorf(galley.EConflict, "The collection %q was changed by another request meanwhile; reload it and retry.", ch.Old.Name)
			}
		}
		if ch.New == nil {
			delete(final, ch.Old.ID)
			continue
		}
		final[ch.New.ID] = ch.New
		dirty[ch.New.ID] = true
	}
	byName := map[string]*galley.Collection{}
	for _, c := range final {
		byName[strings.ToLower(c.Name)] = c
	}
	lookup := func(name string) *galley.Collection { return byName[strings.ToLower(name)] }
	if err := checkIndexNames(tx.db.d, final, byName); err != nil {
		return err
	}
	if err := tx.renameAll(ctx, changes, final, dirty); err != nil {
		return err
	}
	if err := tx.dropViews(ctx); err != nil {
		return err
	}
	for _, ch := range changes {
		if ch.New == nil && !ch.Old.IsView() {
			if err := execAll(ctx, tx, "DROP TABLE IF EXISTS "+Quote(ch.Old.Name)); err != nil {
				return err
			}
		}
		if ch.New == nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM "_collections" WHERE "id" = ?`, ch.Old.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM "_totals" WHERE "collection" = ?`, ch.Old.ID); err != nil {
				return err
			}
		}
	}
	if err := tx.applyTables(ctx, changes); err != nil {
		return err
	}
	if err := tx.recreateViews(ctx, changes, final, dirty, lookup); err != nil {
		return err
	}
	for id := range dirty { // free the names first so collections can swap names
		if _, err := tx.ExecContext(ctx, `UPDATE "_collections" SET "name" = ? WHERE "id" = ?`, "_galley_tmp_"+id, id); err != nil {
			return err
		}
	}
	for id := range dirty {
		if err := saveCollectionRow(ctx, tx, final[id]); err != nil {
			return err
		}
	}
	if validate != nil {
		all := make([]*galley.Collection, 0, len(final))
		for _, c := range final {
			all = append(all, c)
		}
		if err := validate(all); err != nil {
			return err
		}
	}
	tx.reloadAfterCommit(ctx)
	return tx.Notify(ctx, TopicSchema)
}

// checkIndexNames refuses an index name used twice in the final schema or
// equal to a collection name (SQLite keeps them in one namespace).
func checkIndexNames(d dialect, final map[string]*galley.Collection, byName map[string]*galley.Collection) error {
	owner := map[string]string{}
	for _, c := range final {
		if c.IsView() {
			continue
		}
		want, err := desiredIndexes(d, c)
		if err != nil {
			return err
		}
		for name := range want {
			l := strings.ToLower(name)
			if o, ok := owner[l]; ok || byName[l] != nil {
				if !ok {
					o = byName[l].Name
				}
				return galley.FieldInvalid("indexes", "validation_invalid_index",
					fmt.Sprintf("Index name %q is already used (by %q); index names are unique across the database.", name, o))
			}
			owner[l] = c.Name
		}
	}
	return nil
}

// renameAll renames tables and columns through temporary names (so swaps
// work) while views are in place, then refreshes the stored query of every
// view whose query the caller did not change.
func (tx *Tx) renameAll(ctx context.Context, changes []CollectionChange, final map[string]*galley.Collection, dirty map[string]bool) error {
	type step struct{ table, from, tmp, to string }
	var tables, cols []step
	for i, ch := range changes {
		if ch.Old == nil || ch.New == nil || ch.Old.IsView() {
			continue
		}
		if ch.Old.Name != ch.New.Name {
			tables = append(tables, step{from: ch.Old.Name, tmp: fmt.Sprintf("_galley_rename_%d", i), to: ch.New.Name})
		}
		for j, of := range ch.Old.Fields {
			if nf := ch.New.FieldByID(of.ID); nf != nil && nf.Name != of.Name {
				cols = append(cols, step{table: ch.New.Name, from: of.Name, tmp: fmt.Sprintf("_galley_rename_%d", j), to: nf.Name})
			}
		}
	}
	if len(tables)+len(cols) == 0 {
		return nil
	}
	before, err := tx.db.d.viewQueries(ctx, tx)
	if err != nil {
		return err
	}
	var stmts []string
	for _, s := range tables {
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s RENAME TO %s", Quote(s.from), Quote(s.tmp)))
	}
	for _, s := range tables {
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s RENAME TO %s", Quote(s.tmp), Quote(s.to)))
	}
	for _, s := range cols {
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s", Quote(s.table), Quote(s.from), Quote(s.tmp)))
	}
	for _, s := range cols {
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s", Quote(s.table), Quote(s.tmp), Quote(s.to)))
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return galley.Errorf(galley.EInvalid, "Failed to rename: %s.", tx.db.d.message(err))
		}
	}
	after, err := tx.db.d.viewQueries(ctx, tx)
	if err != nil {
		return err
	}
	old := map[string]*galley.Collection{}
	for _, ch := range changes {
		if ch.Old != nil {
			old[ch.Old.ID] = ch.Old
		}
	}
	for id, c := range final {
		if !c.IsView() {
			continue
		}
		if o := old[id]; o != nil && o.ViewQuery != c.ViewQuery {
			continue // the caller set a new query
		}
		name := viewSQLName(old, c)
		if q, ok := after[name]; ok && q != before[name] && q != c.ViewQuery {
			if !dirty[id] {
				c = c.Clone()
				final[id] = c
				dirty[id] = true
			}
			c.ViewQuery = q
		}
	}
	return nil
}

// viewSQLName is the current SQL name of view collection c (its old name
// when it is being renamed).
func viewSQLName(old map[string]*galley.Collection, c *galley.Collection) string {
	if o := old[c.ID]; o != nil {
		return o.Name
	}
	return c.Name
}

func (tx *Tx) dropViews(ctx context.Context) error {
	views, err := tx.db.d.viewQueries(ctx, tx)
	if err != nil {
		return err
	}
	for n := range views {
		if err := execAll(ctx, tx, tx.db.d.dropViewSQL(n)); err != nil {
			return err
		}
	}
	return nil
}

// applyTables creates and alters the tables of base and auth collections and
// syncs their indexes.
func (tx *Tx) applyTables(ctx context.Context, changes []CollectionChange) error {
	type plan struct {
		ch         CollectionChange
		want, have map[string]string
	}
	var plans []plan
	for _, ch := range changes {
		if ch.New == nil || ch.New.IsView() {
			continue
		}
		want, err := desiredIndexes(tx.db.d, ch.New)
		if err != nil {
			return err
		}
		p := plan{ch: ch, want: want, have: map[string]string{}}
		if ch.Old != nil {
			if p.have, err = tx.db.d.existingIndexes(ctx, tx, ch.New.Name); err != nil {
				return err
			}
			if err := dropStaleIndexes(ctx, tx, want, p.have); err != nil {
				return err
			}
		}
		plans = append(plans, p)
	}
	for i, p := range plans {
		switch {
		case p.ch.Old == nil:
			if err := execAll(ctx, tx, createTableSQL(tx.db.d, p.ch.New.Name, p.ch.New)); err != nil {
				return err
			}
			if counted(p.ch.New) {
				// A new table's count is 0: no first count (totals.go).
				// Before migration 0010 there is no "_totals" yet: the
				// first read counts then.
				_ = tx.try(ctx, `INSERT INTO "_totals" ("collection", "shard", "n", "v") VALUES (?, -1, 0, 0) ON CONFLICT ("collection", "shard") DO NOTHING`, p.ch.New.ID)
			}
		case needsRebuild(p.ch.Old, p.ch.New):
			if err := rebuildTable(ctx, tx, p.ch.Old, p.ch.New); err != nil {
				return err
			}
			plans[i].have = map[string]string{}
		default:
			if err := addColumns(ctx, tx, p.ch.Old, p.ch.New); err != nil {
				return err
			}
		}
	}
	for _, p := range plans {
		if err := createIndexes(ctx, tx, p.want, p.have); err != nil {
			return err
		}
	}
	return nil
}

// recreateViews creates the SQL view of every view collection in final,
// retrying in rounds so views over views find their sources, and re-infers
// their fields.
func (tx *Tx) recreateViews(ctx context.Context, changes []CollectionChange, final map[string]*galley.Collection, dirty map[string]bool, lookup func(string) *galley.Collection) error {
	changedQuery := map[string]bool{}
	for _, ch := range changes {
		if ch.New != nil && ch.New.IsView() && (ch.Old == nil || ch.Old.ViewQuery != ch.New.ViewQuery) {
			changedQuery[ch.New.ID] = true
		}
	}
	var pending []*galley.Collection
	for _, c := range final {
		if c.IsView() {
			pending = append(pending, c)
		}
	}
	for len(pending) > 0 {
		var next []*galley.Collection
		var lastErr error
		var lastView string
		for _, c := range pending {
			if err := tx.try(ctx, "CREATE VIEW "+Quote(c.Name)+" AS "+c.ViewQuery); err != nil {
				next, lastErr, lastView = append(next, c), err, c.Name
			}
		}
		if len(next) == len(pending) {
			return galley.FieldInvalid("viewQuery", "validation_invalid_view_query",
				fmt.Sprintf("The view collection %q cannot be created after this change: %s.", lastView, tx.db.d.message(lastErr)))
		}
		pending = next
	}
	for id, c := range final {
		if !c.IsView() {
			continue
		}
		if changedQuery[id] {
			if err := tx.db.d.checkViewQuery(ctx, tx, c.ViewQuery); err != nil {
				return err
			}
		}
		fields, err := InferViewFields(ctx, tx, c, c.Fields, lookup)
		if err != nil {
			return err
		}
		if sameFields(fields, c.Fields) {
			continue
		}
		if !dirty[id] {
			c = c.Clone()
			final[id] = c
			dirty[id] = true
		}
		c.Fields = fields
	}
	return nil
}

func sameFields(a, b []*galley.Field) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
