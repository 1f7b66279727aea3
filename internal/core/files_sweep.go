package core

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
)

// Defaults of the orphan-file sweep (see SweepOrphanFiles).
const (
	// DefaultFileSweepEvery is how often Maintain sweeps orphan files.
	DefaultFileSweepEvery = 6 * time.Hour
	// DefaultFileOrphanGrace is how old an unreferenced file must be before
	// the sweep removes it: younger ones may belong to a write that has
	// not committed yet.
	DefaultFileOrphanGrace = time.Hour
)

// SweepOrphanFiles removes the stored files no record refers to any more
// and that are older than grace: files of deleted records or collections
// whose removal after the commit failed or was cut off by a crash, files
// stored for a write whose transaction never committed, and thumbnails of
// such files. A record whose file fields name a file is never touched. It
// returns how many objects went.
func (app *App) SweepOrphanFiles(ctx context.Context, grace time.Duration) (int, error) {
	st, err := app.storage(ctx)
	if err != nil {
		return 0, err
	}
	cutoff := time.Now().Add(-grace)
	// Candidates, grouped by record directory.
	groups := map[[2]string][]files.Attrs{}
	err = st.List(ctx, "", func(a files.Attrs) error {
		if a.ModTime.After(cutoff) {
			return nil
		}
		parts := strings.SplitN(a.Key, "/", 3)
		if len(parts) != 3 {
			return nil // not a record file: leave it alone
		}
		k := [2]string{parts[0], parts[1]}
		groups[k] = append(groups[k], a)
		return nil
	})
	if err != nil {
		return 0, galley.Internal(err)
	}
	removed := 0
	for k, objs := range groups {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		keep, err := app.referencedFiles(ctx, k[0], k[1])
		if err != nil {
			return removed, err
		}
		for _, o := range objs {
			name := strings.SplitN(o.Key, "/", 3)[2]
			if i := strings.IndexByte(name, '/'); i >= 0 { // thumbs_<name>/<size>_<name>
				name = strings.TrimPrefix(name[:i], "thumbs_")
			}
			if slices.Contains(keep, name) {
				continue
			}
			if err := st.Delete(ctx, o.Key); err != nil && !errors.Is(err, files.ErrNotFound) {
				app.Log.Warn("files: sweeping an orphan failed", "key", o.Key, "err", err)
				continue
			}
			removed++
		}
	}
	return removed, nil
}

// referencedFiles returns the file names record recordID of collection
// collectionID refers to (none when either is gone).
func (app *App) referencedFiles(ctx context.Context, collectionID, recordID string) ([]string, error) {
	c := app.db.Schema.Collection(collectionID)
	if c == nil || c.ID != collectionID || c.IsView() {
		return nil, nil
	}
	r, err := findByID(ctx, app.db.Reader(), c, recordID)
	if err != nil || r == nil {
		return nil, err
	}
	var names []string
	for _, f := range c.Fields {
		if f.Type == galley.FieldFile {
			names = append(names, valuesOf(r.Data[f.Name])...)
		}
	}
	return names, nil
}
