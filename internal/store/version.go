package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/buildinfo"
)

// The version record: one row of "_version" naming the Galley that last
// opened the database. Like _migrations it is bookkeeping, not a
// migration, so a binary from before the record existed (which ignores the
// table) and one from after agree on the schema.
const versionTableDDL = `CREATE TABLE IF NOT EXISTS "_version" ("id" TEXT PRIMARY KEY NOT NULL, "version" TEXT NOT NULL, "updated" TEXT NOT NULL)`

// versionRowID is the id of the one row of _version.
const versionRowID = "galley"

// readVersion returns the version that last opened the database: "" when
// there is no record (a new database, or one from before Galley recorded
// versions). It refuses, writing nothing, a database last opened by a newer
// major version than current and a record that does not hold a version.
func (db *DB) readVersion(ctx context.Context, current buildinfo.Version) (string, error) {
	var v sql.NullString
	err := db.wconn.QueryRowContext(ctx, db.d.rebind(`SELECT "version" FROM "_version" WHERE "id" = ?`), versionRowID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf(`read the version record (table "_version"): %w`, err)
	}
	last, err := buildinfo.ParseVersion(v.String)
	if err != nil || !v.Valid {
		return "", fmt.Errorf(`the database's version record (table "_version") holds %q, which is not a Galley version: `+
			`the database may be damaged, and nothing was changed. Restore it from a backup, or, if you know this Galley (%s) `+
			`may open it, delete the record (DELETE FROM "_version") and start again`, v.String, current)
	}
	if last.Major > current.Major {
		hint := ""
		if current.String() == buildinfo.DevVersion {
			hint = " (this is a development build, which has no version: build a release with scripts/release.sh)"
		}
		return "", fmt.Errorf("this database was last opened by Galley %s, a newer major version than this one (%s)%s: "+
			"its data may have changed in ways v%d does not understand, so nothing was changed. Run Galley v%d or later, "+
			"or restore a backup made before the upgrade", last, current, hint, current.Major, last.Major)
	}
	return last.String(), nil
}

// recordVersion writes current as the version that last opened the
// database, and logs the change from last ("" = no record).
func (db *DB) recordVersion(ctx context.Context, last string, current buildinfo.Version) error {
	now := current.String()
	if last == now {
		return nil
	}
	err := db.runOne(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO "_version" ("id", "version", "updated") VALUES (?, ?, ?)
			ON CONFLICT ("id") DO UPDATE SET "version" = excluded."version", "updated" = excluded."updated"`,
			versionRowID, now, galley.FormatTime(time.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("record the version: %w", err)
	}
	switch prev, _ := buildinfo.ParseVersion(last); {
	case last == "":
		db.log.Info("recorded the database version", "version", now)
	case prev.Compare(current) < 0:
		db.log.Info("upgraded the database", "from", last, "to", now)
	default:
		db.log.Warn("opened a database last opened by a newer Galley of the same major version", "previous", last, "version", now)
	}
	return nil
}

// Version returns the version recorded in the database: the Galley that
// last opened it ("" when none is recorded).
func (db *DB) Version(ctx context.Context) (string, error) {
	var v string
	err := db.reader.QueryRowContext(ctx, `SELECT "version" FROM "_version" WHERE "id" = ?`, versionRowID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}
