package core

import (
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestCollectionKeyAndIsLeader: the two facts internal/api reads without
// the database handle. CollectionKey finds a collection by name or id,
// ignoring case, and reports a missing one; a SQLite node is always the
// leader (PostgreSQL leadership is taken asynchronously, so not asserted).
func TestCollectionKeyAndIsLeader(t *testing.T) {
	app := settingsApp(t, storetest.Options(t))
	su := app.db.Schema.Collection(galley.SuperusersName)
	for _, key := range []string{galley.SuperusersName, "_SUPERUSERS", su.ID} {
		name, id, ok := app.CollectionKey(key)
		if !ok || name != su.Name || id != su.ID {
			t.Errorf("CollectionKey(%q) = %q, %q, %v; want %q, %q, true", key, name, id, ok, su.Name, su.ID)
		}
	}
	if name, id, ok := app.CollectionKey("nosuchcollection"); ok || name != "" || id != "" {
		t.Errorf("missing collection: %q, %q, %v", name, id, ok)
	}
	if app.db.DialectName() == "sqlite" && !app.IsLeader() {
		t.Error("a SQLite node is always the leader")
	}
}
