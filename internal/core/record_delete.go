package core

import (
	"context"
	"slices"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/store"
)

// maxCascadeDepth bounds cascading deletes through relation chains.
const maxCascadeDepth = 32

// deleteCascade deletes r after resolving every relation that points at it.
func (app *App) deleteCascade(ctx context.Context, tx *store.Tx, r *galley.Record, depth int) error {
	if depth > maxCascadeDepth {
		return galley.Errorf(galley.EInvalid, "The delete cascades through more than %d relation levels.", maxCascadeDepth)
	}
	c := r.Collection
	id := r.ID()
	for _, other := range app.db.Schema.Collections() {
		if other.IsView() {
			continue
		}
		for _, f := range other.Fields {
			if f.Type != galley.FieldRelation || f.CollectionID != c.ID {
				continue
			}
			refs, err := store.FindReferencing(ctx, tx, other, f, id)
			if err != nil {
				return err
			}
			for _, ref := range refs {
				if other.ID == c.ID && ref.ID() == id {
					continue // a self-reference dies with the record
				}
				if f.CascadeDelete {
					if err := app.deleteCascade(ctx, tx, ref, depth+1); err != nil {
						return err
					}
					continue
				}
				remaining := slices.DeleteFunc(slices.Clone(valuesOf(ref.Data[f.Name])), func(x string) bool { return x == id })
				if f.Required && len(remaining) == 0 {
					// PocketBase's message, with the field that holds the
					// reference (not the referencing record's id: the
					// caller may not be allowed to see that record).
					return galley.Errorf(galley.EInvalid,
						"Failed to delete record. Make sure that the record is not part of a required relation reference (the required relation field %q of collection %q points to it).",
						f.Name, other.Name)
				}
				if f.IsMulti() {
					ref.Data[f.Name] = remaining
				} else {
					ref.Data[f.Name] = ""
				}
				if err := tx.UpdateRecord(ctx, ref.ID(), ref); err != nil {
					return err
				}
				app.recordChanged(tx, RecordEvent{Action: ActionUpdate, Record: ref})
			}
		}
	}
	if c.IsAuth() {
		// The record's OAuth2 links, OTPs and MFA sessions die with it.
		if err := tx.DeleteAuthRecordRefs(ctx, c.ID, id); err != nil {
			return err
		}
	}
	e := &RecordWriteEvent{Context: ctx, App: app, Collection: c, Record: r, Tx: &TxApp{app: app, tx: tx, ctx: ctx}}
	return app.hooks.RecordDelete.trigger(e, c, func() error {
		app.recordDeleted(ctx, tx, r)
		if hasFileFields(c) {
			app.dropFilesAfterCommit(tx, files.RecordPrefix(c.ID, id))
		}
		if err := tx.DeleteRecord(ctx, c, id); err != nil {
			return err
		}
		app.afterSuccess(tx, &app.hooks.RecordAfterDelete, r)
		return nil
	})
}
