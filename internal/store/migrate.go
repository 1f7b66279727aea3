package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/buildinfo"
)

// migration is one versioned, idempotent-by-version change of the system
// schema. Versions are applied in order, each in its own transaction, and
// recorded in _migrations.
type migration struct {
	version string
	up      func(ctx context.Context, tx *Tx) error
}

// systemMigrations is the ordered list of system migrations. Append only:
// never edit or reorder an applied migration.
var systemMigrations = []migration{
	{"0001_system_tables", func(ctx context.Context, tx *Tx) error {
		return execAll(ctx, tx,
			`CREATE TABLE "_collections" (
				"id" TEXT PRIMARY KEY NOT NULL,
				"name" TEXT NOT NULL,
				"type" TEXT NOT NULL DEFAULT 'base',
				"system" BOOLEAN NOT NULL DEFAULT FALSE,
				"fields" JSON NOT NULL DEFAULT '[]',
				"indexes" JSON NOT NULL DEFAULT '[]',
				"listRule" TEXT DEFAULT NULL,
				"viewRule" TEXT DEFAULT NULL,
				"createRule" TEXT DEFAULT NULL,
				"updateRule" TEXT DEFAULT NULL,
				"deleteRule" TEXT DEFAULT NULL,
				"viewQuery" TEXT NOT NULL DEFAULT '',
				"options" JSON NOT NULL DEFAULT '{}',
				"created" TEXT NOT NULL DEFAULT '',
				"updated" TEXT NOT NULL DEFAULT ''
			)`,
			`CREATE UNIQUE INDEX "idx__collections_name" ON "_collections" ("name" COLLATE NOCASE)`,
			`CREATE TABLE "_params" (
				"id" TEXT PRIMARY KEY NOT NULL,
				"value" JSON DEFAULT NULL,
				"created" TEXT NOT NULL DEFAULT '',
				"updated" TEXT NOT NULL DEFAULT ''
			)`,
		)
	}},
	{"0002_superusers", func(ctx context.Context, tx *Tx) error {
		return tx.CreateCollection(ctx, SuperusersCollection())
	}},
	{"0003_auth_tables", func(ctx context.Context, tx *Tx) error {
		return execAll(ctx, tx,
			// OAuth2 identities linked to auth records.
			`CREATE TABLE "_externalAuths" (
				"id" TEXT PRIMARY KEY NOT NULL,
				"collectionRef" TEXT NOT NULL,
				"recordRef" TEXT NOT NULL,
				"provider" TEXT NOT NULL,
				"providerId" TEXT NOT NULL,
				"created" TEXT NOT NULL DEFAULT '',
				"updated" TEXT NOT NULL DEFAULT ''
			)`,
			`CREATE UNIQUE INDEX "idx__externalAuths_provider" ON "_externalAuths" ("collectionRef", "provider", "providerId")`,
			`CREATE INDEX "idx__externalAuths_record" ON "_externalAuths" ("collectionRef", "recordRef")`,
			// One-time passwords: the hash of the code, redeemed at most once.
			`CREATE TABLE "_otps" (
				"id" TEXT PRIMARY KEY NOT NULL,
				"collectionRef" TEXT NOT NULL,
				"recordRef" TEXT NOT NULL,
				"password" TEXT NOT NULL,
				"sentTo" TEXT NOT NULL DEFAULT '',
				"created" TEXT NOT NULL DEFAULT '',
				"updated" TEXT NOT NULL DEFAULT ''
			)`,
			`CREATE INDEX "idx__otps_record" ON "_otps" ("collectionRef", "recordRef")`,
			// MFA: the first factor passed, waiting for a second, different method.
			`CREATE TABLE "_mfas" (
				"id" TEXT PRIMARY KEY NOT NULL,
				"collectionRef" TEXT NOT NULL,
				"recordRef" TEXT NOT NULL,
				"method" TEXT NOT NULL,
				"created" TEXT NOT NULL DEFAULT '',
				"updated" TEXT NOT NULL DEFAULT ''
			)`,
			`CREATE INDEX "idx__mfas_record" ON "_mfas" ("collectionRef", "recordRef")`,
			// Known devices per auth record, for new-device log-in alerts.
			`CREATE TABLE "_authOrigins" (
				"id" TEXT PRIMARY KEY NOT NULL,
				"collectionRef" TEXT NOT NULL,
				"recordRef" TEXT NOT NULL,
				"fingerprint" TEXT NOT NULL,
				"created" TEXT NOT NULL DEFAULT '',
				"updated" TEXT NOT NULL DEFAULT ''
			)`,
			`CREATE UNIQUE INDEX "idx__authOrigins_fp" ON "_authOrigins" ("collectionRef", "recordRef", "fingerprint")`,
		)
	}},
	{"0004_external_auths_collection", func(ctx context.Context, tx *Tx) error {
		// _externalAuths becomes a system collection, so clients list and
		// unlink their OAuth2 identities through the records API (the SDK's
		// listExternalAuths/unlinkExternalAuth do exactly that).
		if err := execAll(ctx, tx,
			`ALTER TABLE "_externalAuths" RENAME TO "_externalAuths_old"`,
			`DROP INDEX "idx__externalAuths_provider"`,
			`DROP INDEX "idx__externalAuths_record"`,
		); err != nil {
			return err
		}
		if err := tx.CreateCollection(ctx, ExternalAuthsCollection()); err != nil {
			return err
		}
		return execAll(ctx, tx,
			`INSERT INTO "_externalAuths" ("id", "collectionRef", "recordRef", "provider", "providerId", "created", "updated")
				SELECT "id", "collectionRef", "recordRef", "provider", "providerId", "created", "updated" FROM "_externalAuths_old"`,
			`DROP TABLE "_externalAuths_old"`,
		)
	}},
	{"0005_realtime_events", func(ctx context.Context, tx *Tx) error {
		// Realtime events too large for one PostgreSQL NOTIFY: the
		// notification carries the id, the other nodes read the row.
		return execAll(ctx, tx,
			`CREATE TABLE "_realtimeEvents" (
				"id" TEXT PRIMARY KEY NOT NULL,
				"payload" TEXT NOT NULL,
				"created" TEXT NOT NULL DEFAULT ''
			)`,
			`CREATE INDEX "idx__realtimeEvents_created" ON "_realtimeEvents" ("created")`,
		)
	}},
	{"0006_cron_ticks_and_app_migrations", func(ctx context.Context, tx *Tx) error {
		return execAll(ctx, tx,
			// The last tick of each cron job some node claimed (cron_ticks.go).
			`CREATE TABLE "_cronTicks" ("id" TEXT PRIMARY KEY NOT NULL, "tick" TEXT NOT NULL)`,
			// The application's migrations applied (app_migrations.go).
			// "id" is the migration's name (every system table is keyed by id).
			`CREATE TABLE "_appMigrations" ("id" TEXT PRIMARY KEY NOT NULL, "applied" TEXT NOT NULL)`,
		)
	}},
	{"0007_index_backticks", func(ctx context.Context, tx *Tx) error {
		// Stored index definitions take PocketBase's form (backtick-quoted
		// identifiers). Only the text in _collections changes: the indexes
		// themselves are created from the parsed definition and stay.
		return recanonicalizeIndexes(ctx, tx)
	}},
	{"0008_auth_system_collections", func(ctx context.Context, tx *Tx) error {
		// _mfas, _otps and _authOrigins become system collections, as in
		// PocketBase: superusers list them, each auth record lists (and for
		// _authOrigins deletes) its own rows through the records API.
		for _, c := range []*galley.Collection{MFAsCollection(), OTPsCollection(), AuthOriginsCollection()} {
			if err := tableToCollection(ctx, tx, c, oldAuthTableIndexes[c.Name]); err != nil {
				return fmt.Errorf("%s: %w", c.Name, err)
			}
		}
		return nil
	}},
	{"0009_users_collection", func(ctx context.Context, tx *Tx) error {
		// PocketBase starts with a "users" auth collection; so does Galley,
		// unless the database already has a collection of that name (or id).
		cols, err := loadCollections(ctx, tx)
		if err != nil {
			return err
		}
		users := UsersCollection()
		for _, c := range cols {
			if strings.EqualFold(c.Name, users.Name) || strings.EqualFold(c.ID, users.Name) || c.ID == users.ID {
				return nil
			}
		}
		return tx.CreateCollection(ctx, users)
	}},
	{"0010_totals", func(ctx context.Context, tx *Tx) error {
		// Row counts of counted collections, one row per writer lane
		// ("shard") plus the base (shard -1); see totals.go.
		return execAll(ctx, tx,
			`CREATE TABLE "_totals" (
				"collection" TEXT NOT NULL,
				"shard" INTEGER NOT NULL,
				"n" BIGINT NOT NULL,
				"v" BIGINT NOT NULL,
				PRIMARY KEY ("collection", "shard")
			)`,
		)
	}},
}

// oldAuthTableIndexes are the indexes migration 0003 gave the auth tables
// that 0008 turns into collections.
var oldAuthTableIndexes = map[string][]string{
	"_mfas":        {"idx__mfas_record"},
	"_otps":        {"idx__otps_record"},
	"_authOrigins": {"idx__authOrigins_fp"},
}

// tableToCollection replaces the plain table c.Name by the collection c,
// keeping its rows: the table is renamed aside (its indexes dropped), the
// collection created, the rows copied by column name, the old table
// dropped. Every column of the old table must be a field of c.
func tableToCollection(ctx context.Context, tx *Tx, c *galley.Collection, oldIndexes []string) error {
	old := c.Name + "_old"
	stmts := []string{`ALTER TABLE ` + Quote(c.Name) + ` RENAME TO ` + Quote(old)}
	for _, ix := range oldIndexes {
		stmts = append(stmts, `DROP INDEX IF EXISTS `+Quote(ix))
	}
	if err := execAll(ctx, tx, stmts...); err != nil {
		return err
	}
	if err := tx.CreateCollection(ctx, c); err != nil {
		return err
	}
	cols := make([]string, 0, len(c.Fields))
	for _, f := range c.Fields {
		cols = append(cols, Quote(f.Name))
	}
	list := strings.Join(cols, ", ")
	return execAll(ctx, tx,
		`INSERT INTO `+Quote(c.Name)+` (`+list+`) SELECT `+list+` FROM `+Quote(old)+` ORDER BY "created", "id"`,
		`DROP TABLE `+Quote(old),
	)
}

// recanonicalizeIndexes rewrites the stored index definitions of every
// collection in their canonical form (Index.SQL). A definition that does
// not parse is left as it is.
func recanonicalizeIndexes(ctx context.Context, tx *Tx) error {
	cols, err := loadCollections(ctx, tx)
	if err != nil {
		return err
	}
	for _, c := range cols {
		changed := false
		for i, s := range c.Indexes {
			if ix, err := ParseIndex(s, c); err == nil && ix.SQL() != s {
				c.Indexes[i], changed = ix.SQL(), true
			}
		}
		if !changed {
			continue
		}
		idx, err := json.Marshal(c.Indexes)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE "_collections" SET "indexes" = ? WHERE "id" = ?`, string(idx), c.ID); err != nil {
			return err
		}
	}
	return nil
}

// ownRows is the rule of the auth system collections: an auth record sees
// only the rows that belong to it.
const ownRows = `@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId`

// refFields returns the collectionRef and recordRef fields of the auth
// system collections (prefix makes their ids unique per collection).
func refFields(prefix string) []*galley.Field {
	return []*galley.Field{
		{ID: "text" + prefix + "1", Name: "collectionRef", Type: galley.FieldText, System: true, Required: true},
		{ID: "text" + prefix + "2", Name: "recordRef", Type: galley.FieldText, System: true, Required: true},
	}
}

// systemCollection assembles an auth system collection: id, the ref fields,
// extra, created and updated.
func systemCollection(id, name, prefix string, extra ...*galley.Field) *galley.Collection {
	c := &galley.Collection{ID: id, Name: name, Type: galley.CollectionBase, System: true}
	c.Fields = append(append([]*galley.Field{IDField()}, refFields(prefix)...), extra...)
	c.Fields = append(c.Fields, systemAutodateFields()...)
	return c
}

// MFAsCollection returns the _mfas system collection: an auth record passed
// a first factor (method) and may finish with a second, different one.
// Each record lists and views its own; superusers all.
func MFAsCollection() *galley.Collection {
	c := systemCollection("pbc_2279338944", "_mfas", "3260",
		&galley.Field{ID: "text3260000003", Name: "method", Type: galley.FieldText, System: true, Required: true})
	rule := ownRows
	c.ListRule, c.ViewRule = &rule, &rule
	c.Indexes = []string{"CREATE INDEX `idx_mfas_collectionRef_recordRef` ON `_mfas` (`collectionRef`, `recordRef`)"}
	return c
}

// OTPsCollection returns the _otps system collection: one-time passwords
// (password holds a hash of the code, sentTo the address it went to; both
// hidden). Each record lists and views its own; superusers all.
func OTPsCollection() *galley.Collection {
	c := systemCollection("pbc_1638494021", "_otps", "1638",
		&galley.Field{ID: "password1638000003", Name: "password", Type: galley.FieldPassword, System: true, Hidden: true, Required: true},
		&galley.Field{ID: "text1638000004", Name: "sentTo", Type: galley.FieldText, System: true, Hidden: true})
	rule := ownRows
	c.ListRule, c.ViewRule = &rule, &rule
	c.Indexes = []string{"CREATE INDEX `idx_otps_collectionRef_recordRef` ON `_otps` (`collectionRef`, `recordRef`)"}
	return c
}

// AuthOriginsCollection returns the _authOrigins system collection: the
// devices (fingerprint: a hash of client IP and user agent) each auth
// record logged in from, for new-device alerts. Each record lists, views
// and deletes (forgets) its own; superusers all.
func AuthOriginsCollection() *galley.Collection {
	c := systemCollection("pbc_4275539003", "_authOrigins", "4275",
		&galley.Field{ID: "text4275000003", Name: "fingerprint", Type: galley.FieldText, System: true, Required: true})
	rule := ownRows
	c.ListRule, c.ViewRule, c.DeleteRule = &rule, &rule, &rule
	c.Indexes = []string{"CREATE UNIQUE INDEX `idx_authOrigins_unique_pairs` ON `_authOrigins` (`collectionRef`, `recordRef`, `fingerprint`)"}
	return c
}

// UsersID is the id of the default users collection, PocketBase's.
const UsersID = "_pb_users_auth_"

// UsersCollection returns the default "users" auth collection of a new
// database, as PocketBase's: name (text) and avatar (file) fields, each
// user sees, updates and deletes only itself, anyone may sign up. It is
// not a system collection: it may be changed or deleted.
func UsersCollection() *galley.Collection {
	own, anyone := "id = @request.auth.id", ""
	c := &galley.Collection{ID: UsersID, Name: "users", Type: galley.CollectionAuth,
		ListRule: &own, ViewRule: &own, CreateRule: &anyone, UpdateRule: &own, DeleteRule: &own,
		Auth: galley.DefaultAuthOptions()}
	c.Auth.OAuth2.MappedFields = map[string]string{"id": "", "name": "name", "username": "", "avatarURL": "avatar"}
	c.Fields = append(AuthSystemFields(),
		&galley.Field{ID: "text1579384326", Name: "name", Type: galley.FieldText, Max: 255},
		&galley.Field{ID: "file376926767", Name: "avatar", Type: galley.FieldFile, MaxSelect: 1, Thumbs: []string{},
			MimeTypes: []string{"image/jpeg", "image/png", "image/svg+xml", "image/gif", "image/webp"}})
	c.Fields = append(c.Fields, AutodateFields()...)
	c.Indexes = []string{
		"CREATE UNIQUE INDEX `idx_tokenKey_" + UsersID + "` ON `users` (`tokenKey`)",
		"CREATE UNIQUE INDEX `idx_email_" + UsersID + "` ON `users` (`email` COLLATE NOCASE) WHERE `email` != ''",
	}
	return c
}

// ExternalAuthsCollection returns the _externalAuths system collection: the
// OAuth2 identities linked to auth records. Each record sees (and may delete,
// i.e. unlink) only its own links; links are created by auth-with-oauth2.
func ExternalAuthsCollection() *galley.Collection {
	own := `@request.auth.id != "" && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId`
	text := func(id, name string) *galley.Field {
		return &galley.Field{ID: id, Name: name, Type: galley.FieldText, System: true, Required: true}
	}
	c := &galley.Collection{
		ID: "pbc_2281828961", Name: "_externalAuths", Type: galley.CollectionBase, System: true,
		Fields: []*galley.Field{IDField(), text("text2462348188", "collectionRef"), text("text1466534506", "recordRef"),
			text("text2462348190", "provider"), text("text1044722854", "providerId")},
		ListRule: &own, ViewRule: &own, DeleteRule: &own,
		Indexes: []string{
			`CREATE UNIQUE INDEX "idx_externalAuths_provider" ON "_externalAuths" ("collectionRef", "provider", "providerId")`,
			`CREATE UNIQUE INDEX "idx_externalAuths_record_provider" ON "_externalAuths" ("collectionRef", "recordRef", "provider")`,
		},
	}
	c.Fields = append(c.Fields, systemAutodateFields()...)
	return c
}

// SuperusersCollection returns the definition of the _superusers system auth
// collection as first created.
func SuperusersCollection() *galley.Collection {
	c := &galley.Collection{
		ID: "pbc_3142635823", Name: galley.SuperusersName, Type: galley.CollectionAuth, System: true,
		Fields: AuthSystemFields(),
		Auth:   superuserAuthOptions(),
	}
	c.Fields = append(c.Fields, systemAutodateFields()...)
	c.Indexes = []string{
		`CREATE UNIQUE INDEX "idx_tokenKey_pbc_3142635823" ON "_superusers" ("tokenKey")`,
		`CREATE UNIQUE INDEX "idx_email_pbc_3142635823" ON "_superusers" ("email" COLLATE NOCASE)`,
	}
	return c
}

// superuserAuthOptions are the _superusers options: password log-in only,
// one-day tokens, superusers-only rules.
func superuserAuthOptions() *galley.AuthOptions {
	o := galley.DefaultAuthOptions()
	o.AuthRule = nil
	o.AuthToken.Duration = 86400
	return o
}

// AuthSystemFields returns the system fields every auth collection has, in order.
func AuthSystemFields() []*galley.Field {
	return []*galley.Field{
		IDField(),
		{ID: "password901924565", Name: "password", Type: galley.FieldPassword, System: true, Hidden: true, Required: true, Min: 8},
		{ID: "text2504183744", Name: "tokenKey", Type: galley.FieldText, System: true, Hidden: true, Required: true, Min: 30, Max: 60, AutogeneratePattern: "[a-zA-Z0-9]{50}"},
		{ID: "email3885137012", Name: "email", Type: galley.FieldEmail, System: true, Required: true},
		{ID: "bool1547992806", Name: "emailVisibility", Type: galley.FieldBool, System: true},
		{ID: "bool256245529", Name: "verified", Type: galley.FieldBool, System: true},
	}
}

// IDField returns the default id field: 15 characters of [a-z0-9].
func IDField() *galley.Field {
	return &galley.Field{ID: "text3208210256", Name: "id", Type: galley.FieldText, System: true, Required: true,
		PrimaryKey: true, Min: 15, Max: 15, Pattern: "^[a-z0-9]+$", AutogeneratePattern: "[a-z0-9]{15}"}
}

// AutodateFields returns the created and updated autodate fields that new
// base and auth collections get when their definition does not name them.
func AutodateFields() []*galley.Field {
	return []*galley.Field{
		{ID: "autodate2990389176", Name: "created", Type: galley.FieldAutodate, OnCreate: true},
		{ID: "autodate3332085495", Name: "updated", Type: galley.FieldAutodate, OnCreate: true, OnUpdate: true},
	}
}

// systemAutodateFields are AutodateFields as system collections have them:
// system fields, as PocketBase marks them.
func systemAutodateFields() []*galley.Field {
	fs := AutodateFields()
	for _, f := range fs {
		f.System = true
	}
	return fs
}

func execAll(ctx context.Context, tx *Tx, stmts ...string) error {
	for _, s := range stmts {
		s = tx.db.d.translateDDL(s)
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%w in %.60q", err, s)
		}
	}
	return nil
}

// migrate applies the pending system migrations and records the version
// that opened the database; a database last opened by a newer major
// version, or migrated by a newer Galley, is refused before anything is
// written. On PostgreSQL it holds an advisory lock meanwhile, so nodes
// starting together apply each migration exactly once (the others wait,
// then find them applied).
func (db *DB) migrate(ctx context.Context) error {
	if s := db.pgState; s != nil {
		if _, err := db.wconn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext($1))`, s.lockKey("migrate")); err != nil {
			return err
		}
		defer db.wconn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext($1))`, s.lockKey("migrate"))
	}
	current, err := buildinfo.ParseVersion(db.version)
	if err != nil {
		return fmt.Errorf("this Galley's version: %w", err)
	}
	// Both are no-ops on a database that has them, so a refused database
	// is left as it was.
	for _, ddl := range []string{versionTableDDL, `CREATE TABLE IF NOT EXISTS "_migrations" ("version" TEXT PRIMARY KEY NOT NULL, "applied" TEXT NOT NULL)`} {
		if _, err := db.wconn.ExecContext(ctx, ddl); err != nil {
			return err
		}
	}
	last, err := db.readVersion(ctx, current)
	if err != nil {
		return err
	}
	applied, err := db.checkNoUnknownMigrations(ctx)
	if err != nil {
		return err
	}
	logged := false
	for _, m := range systemMigrations {
		var v string
		err := db.wconn.QueryRowContext(ctx, db.d.rebind(`SELECT "version" FROM "_migrations" WHERE "version" = ?`), m.version).Scan(&v)
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if !logged && applied > 0 {
			from := last
			if from == "" {
				from = "unrecorded"
			}
			db.log.Info("migrating the database forward", "from", from, "to", current.String())
			logged = true
		}
		err = db.runOne(ctx, func(tx *Tx) error {
			if err := m.up(ctx, tx); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO "_migrations" ("version", "applied") VALUES (?, ?)`, m.version, galley.FormatTime(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.version, err)
		}
		db.log.Info("applied system migration", "version", m.version)
	}
	return db.recordVersion(ctx, last, current)
}

// checkNoUnknownMigrations refuses a database that a newer Galley migrated:
// this binary does not know its schema and must not write to it. It returns
// the number of migrations applied so far.
func (db *DB) checkNoUnknownMigrations(ctx context.Context) (int, error) {
	known := map[string]bool{}
	for _, m := range systemMigrations {
		known[m.version] = true
	}
	rows, err := db.wconn.QueryContext(ctx, `SELECT "version" FROM "_migrations"`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return 0, err
		}
		if !known[v] {
			return 0, fmt.Errorf("the database has system migration %q, which this Galley does not know: it was upgraded by a newer version; run that version", v)
		}
		n++
	}
	return n, rows.Err()
}
