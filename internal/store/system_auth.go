package store

import (
	"context"
	"time"

	galley "github.com/galleyhq/galley"
)

// This file is the repository of the auth system tables: _mfas, _otps,
// _authOrigins and _externalAuths, and the superuser count. Times are
// stored as galley.FormatTime text, so "created >= since" compares them
// in time order on both databases.

// MFA is a row of _mfas: an auth record passed a first factor (Method) and
// may finish signing in with a second, different one while the session is
// younger than its collection's MFA duration.
type MFA struct {
	ID           string
	CollectionID string
	RecordID     string
	Method       string
	Created      time.Time
}

// InsertMFA stores m; its created and updated times are m.Created.
func (tx *Tx) InsertMFA(ctx context.Context, m MFA) error {
	now := galley.FormatTime(m.Created)
	_, err := tx.ExecContext(ctx, `INSERT INTO "_mfas" ("id","collectionRef","recordRef","method","created","updated") VALUES (?,?,?,?,?,?)`,
		m.ID, m.CollectionID, m.RecordID, m.Method, now, now)
	return MapError(err)
}

// FindMFA returns the MFA session id of record recordID of collection
// collectionID created at or after since. A session that is missing,
// belongs to another record or collection, or is older than since is
// ENotFound. Finding a session does not consume it: see ConsumeMFA.
func (tx *Tx) FindMFA(ctx context.Context, id, collectionID, recordID string, since time.Time) (MFA, error) {
	m := MFA{ID: id, CollectionID: collectionID, RecordID: recordID}
	var created string
	err := tx.QueryRowContext(ctx, `SELECT "method", "created" FROM "_mfas" WHERE "id" = ? AND "collectionRef" = ? AND "recordRef" = ? AND "created" >= ?`,
		id, collectionID, recordID, galley.FormatTime(since)).Scan(&m.Method, &created)
	if err != nil {
		return MFA{}, MapError(err)
	}
	m.Created = parseStoredTime(created)
	return m, nil
}

// ConsumeMFA deletes the MFA session id and reports whether this call
// deleted it. The DELETE is the conditional write that makes a session
// single-use: of several transactions consuming the same session, at most
// one gets true. A missing session is (false, nil).
func (tx *Tx) ConsumeMFA(ctx context.Context, id string) (bool, error) {
	return tx.deleteOne(ctx, `DELETE FROM "_mfas" WHERE "id" = ?`, id)
}

// OTP is a row of _otps: a one-time password mailed to SentTo for record
// RecordID. PasswordHash is what the caller derived from the code (the
// store never sees the code itself).
type OTP struct {
	ID           string
	CollectionID string
	RecordID     string
	PasswordHash string
	SentTo       string
	Created      time.Time
}

// InsertOTP stores o; its created and updated times are o.Created.
func (tx *Tx) InsertOTP(ctx context.Context, o OTP) error {
	now := galley.FormatTime(o.Created)
	_, err := tx.ExecContext(ctx, `INSERT INTO "_otps" ("id","collectionRef","recordRef","password","sentTo","created","updated") VALUES (?,?,?,?,?,?,?)`,
		o.ID, o.CollectionID, o.RecordID, o.PasswordHash, o.SentTo, now, now)
	return MapError(err)
}

// FindOTP returns the one-time password id of collection collectionID
// created at or after since. One that is missing, of another collection or
// older than since is ENotFound. Finding an OTP does not consume it: see
// ConsumeOTP.
func (tx *Tx) FindOTP(ctx context.Context, id, collectionID string, since time.Time) (OTP, error) {
	o := OTP{ID: id, CollectionID: collectionID}
	var created string
	err := tx.QueryRowContext(ctx, `SELECT "recordRef", "password", "sentTo", "created" FROM "_otps" WHERE "id" = ? AND "collectionRef" = ? AND "created" >= ?`,
		id, collectionID, galley.FormatTime(since)).Scan(&o.RecordID, &o.PasswordHash, &o.SentTo, &created)
	if err != nil {
		return OTP{}, MapError(err)
	}
	o.Created = parseStoredTime(created)
	return o, nil
}

// ConsumeOTP deletes the one-time password id and reports whether this
// call deleted it; as with ConsumeMFA, at most one of several transactions
// redeeming the same OTP gets true. A missing OTP is (false, nil).
func (tx *Tx) ConsumeOTP(ctx context.Context, id string) (bool, error) {
	return tx.deleteOne(ctx, `DELETE FROM "_otps" WHERE "id" = ?`, id)
}

// DeleteExpiredOTPs deletes, in a transaction of its own, the one-time
// passwords of collection collectionID created before cutoff, and returns
// how many went.
func (db *DB) DeleteExpiredOTPs(ctx context.Context, collectionID string, cutoff time.Time) (int64, error) {
	return db.deleteCount(ctx, `DELETE FROM "_otps" WHERE "collectionRef" = ? AND "created" < ?`, collectionID, galley.FormatTime(cutoff))
}

// DeleteExpiredMFAs deletes, in a transaction of its own, the MFA sessions
// of collection collectionID created before cutoff, and returns how many
// went.
func (db *DB) DeleteExpiredMFAs(ctx context.Context, collectionID string, cutoff time.Time) (int64, error) {
	return db.deleteCount(ctx, `DELETE FROM "_mfas" WHERE "collectionRef" = ? AND "created" < ?`, collectionID, galley.FormatTime(cutoff))
}

// AddAuthOrigin records that record recordID of collection collectionID
// logged in from the device fingerprint at time now, and reports whether
// the device is new (false: it was known already and nothing changed).
func (tx *Tx) AddAuthOrigin(ctx context.Context, collectionID, recordID, fingerprint string, now time.Time) (bool, error) {
	at := galley.FormatTime(now)
	res, err := tx.ExecContext(ctx, `INSERT INTO "_authOrigins" ("id","collectionRef","recordRef","fingerprint","created","updated") VALUES (?,?,?,?,?,?)
			ON CONFLICT ("collectionRef","recordRef","fingerprint") DO NOTHING`,
		galley.NewID(), collectionID, recordID, fingerprint, at, at)
	if err != nil {
		return false, MapError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, MapError(err)
	}
	return n > 0, nil
}

// CountAuthOrigins returns how many devices record recordID of collection
// collectionID has logged in from (0 for an unknown record).
func (tx *Tx) CountAuthOrigins(ctx context.Context, collectionID, recordID string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM "_authOrigins" WHERE "collectionRef" = ? AND "recordRef" = ?`, collectionID, recordID).Scan(&n)
	return n, MapError(err)
}

// HasAuthOrigin reports, through q (the read pool or a transaction),
// whether record recordID of collection collectionID has logged in from
// the device fingerprint before.
func HasAuthOrigin(ctx context.Context, q Querier, collectionID, recordID, fingerprint string) (bool, error) {
	ctx, cancel := readContext(ctx, q)
	defer cancel()
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM "_authOrigins" WHERE "collectionRef" = ? AND "recordRef" = ? AND "fingerprint" = ?`,
		collectionID, recordID, fingerprint).Scan(&n)
	if err != nil {
		return false, readError(ctx, q, err)
	}
	return n > 0, nil
}

// ExternalAuthRecordID returns the id of the auth record of collection
// collectionID that the OAuth2 identity (provider, providerID) is linked
// to, through q (the read pool or a transaction). An identity that is not
// linked is ENotFound. The record itself may be gone: a link outlives its
// record until LinkExternalAuth or DeleteAuthRecordRefs drops it.
func ExternalAuthRecordID(ctx context.Context, q Querier, collectionID, provider, providerID string) (string, error) {
	ctx, cancel := readContext(ctx, q)
	defer cancel()
	var id string
	err := q.QueryRowContext(ctx, `SELECT "recordRef" FROM "_externalAuths" WHERE "collectionRef" = ? AND "provider" = ? AND "providerId" = ?`,
		collectionID, provider, providerID).Scan(&id)
	if err != nil {
		return "", readError(ctx, q, err)
	}
	return id, nil
}

// LinkExternalAuth links the OAuth2 identity (provider, providerID) to
// record recordID of collection c at time now. A link of the same identity
// whose record no longer exists in c is dropped first, so a deleted account
// does not block the identity forever. An identity still linked to an
// existing record, or a record already linked to another identity of the
// same provider, is EConflict.
func (tx *Tx) LinkExternalAuth(ctx context.Context, c *galley.Collection, recordID, provider, providerID string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM "_externalAuths" WHERE "collectionRef" = ? AND "provider" = ? AND "providerId" = ? AND "recordRef" NOT IN (SELECT "id" FROM `+Quote(c.Name)+`)`,
		c.ID, provider, providerID)
	if err != nil {
		return MapError(err)
	}
	at := galley.FormatTime(now)
	_, err = tx.ExecContext(ctx, `INSERT INTO "_externalAuths" ("id", "collectionRef", "recordRef", "provider", "providerId", "created", "updated") VALUES (?, ?, ?, ?, ?, ?, ?)`,
		galley.NewID(), c.ID, recordID, provider, providerID, at, at)
	return MapError(err)
}

// authRefTables are the system tables whose rows belong to one auth record
// (collectionRef, recordRef) and die with it.
var authRefTables = []string{"_externalAuths", "_otps", "_mfas", "_authOrigins"}

// DeleteAuthRecordRefs deletes the OAuth2 links, one-time passwords, MFA
// sessions and known devices of record recordID of collection collectionID,
// in tx (the transaction deleting the record). None is not an error.
func (tx *Tx) DeleteAuthRecordRefs(ctx context.Context, collectionID, recordID string) error {
	for _, table := range authRefTables {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+Quote(table)+` WHERE "collectionRef" = ? AND "recordRef" = ?`, collectionID, recordID); err != nil {
			return MapError(err)
		}
	}
	return nil
}

// CountSuperusers returns the number of superusers, through q (the read
// pool or a transaction).
func CountSuperusers(ctx context.Context, q Querier) (int, error) {
	ctx, cancel := readContext(ctx, q)
	defer cancel()
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+Quote(galley.SuperusersName)).Scan(&n); err != nil {
		return 0, readError(ctx, q, err)
	}
	return n, nil
}

// deleteOne runs a DELETE of at most one row in tx and reports whether it
// deleted one.
func (tx *Tx) deleteOne(ctx context.Context, query string, args ...any) (bool, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return false, MapError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, MapError(err)
	}
	return n == 1, nil
}

// deleteCount runs a DELETE in a transaction of its own and returns how
// many rows it deleted.
func (db *DB) deleteCount(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := db.Exec(ctx, query, args...)
	if err != nil {
		return 0, MapError(err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// parseStoredTime parses a time stored as galley.FormatTime text; text in
// another form is the zero time.
func parseStoredTime(s string) time.Time {
	t, err := time.Parse(galley.DateLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
