package core

import (
	"context"

	"github.com/galleyhq/galley/internal/store"
)

// collectionsChanged hands committed collection changes to
// OnCollectionsChanged, each New as the schema now holds it (with the
// timestamps and defaults the store gave it).
func (app *App) collectionsChanged(ctx context.Context, changes []store.CollectionChange) {
	if app.OnCollectionsChanged == nil {
		return
	}
	out := make([]store.CollectionChange, len(changes))
	for i, ch := range changes {
		if ch.Old != nil {
			out[i].Old = ch.Old.Clone()
		}
		if ch.New != nil {
			out[i].New = ch.New.Clone()
			if cur := app.db.Schema.Collection(ch.New.ID); cur != nil {
				out[i].New = cur.Clone()
			}
		}
	}
	app.OnCollectionsChanged(ctx, out)
}
