package store

import (
	"context"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
)

// AuthChange lists the auth columns a conditional update of an auth record
// sets (see UpdateAuthRecordIf); nil fields are left as they are.
type AuthChange struct {
	Password *string // the new password hash
	TokenKey *string
	Email    *string
	Verified *bool
	Updated  *time.Time
}

// AuthGuard is the state an auth record must still be in for a conditional
// update to apply (see UpdateAuthRecordIf); nil fields are not checked.
type AuthGuard struct {
	Password *string // the stored hash, compared exactly
	TokenKey *string // compared exactly
	Email    *string // compared ignoring ASCII case (the dialect's EqualFold)
	Verified *bool
}

// UpdateAuthRecordIf sets the columns of set on record id of auth
// collection c only while the row still matches guard, and reports whether
// it changed the row (false: the record is gone or no longer matches). It is
// the single conditional write behind single-use tokens and lost-update-free
// changes: of several transactions applying the same guard, at most one gets
// true when set invalidates the guard. An empty set is EInvalid.
func (tx *Tx) UpdateAuthRecordIf(ctx context.Context, c *galley.Collection, id string, set AuthChange, guard AuthGuard) (bool, error) {
	var sets, conds []string
	var args []any
	assign := func(col string, v any) {
		sets = append(sets, Quote(col)+" = ?")
		args = append(args, v)
	}
	if set.Password != nil {
		assign("password", *set.Password)
	}
	if set.TokenKey != nil {
		assign("tokenKey", *set.TokenKey)
	}
	if set.Email != nil {
		assign("email", *set.Email)
	}
	if set.Verified != nil {
		sets = append(sets, `"verified" = `+boolLiteral(*set.Verified))
	}
	if set.Updated != nil {
		assign("updated", galley.FormatTime(*set.Updated))
	}
	if len(sets) == 0 {
		return false, galley.Errorf(galley.EInvalid, "UpdateAuthRecordIf: nothing to set.")
	}
	args = append(args, id)
	if guard.Password != nil {
		conds = append(conds, `"password" = ?`)
		args = append(args, *guard.Password)
	}
	if guard.TokenKey != nil {
		conds = append(conds, `"tokenKey" = ?`)
		args = append(args, *guard.TokenKey)
	}
	if guard.Verified != nil {
		conds = append(conds, `"verified" = `+boolLiteral(*guard.Verified))
	}
	if guard.Email != nil {
		conds = append(conds, tx.db.d.equalFold(`"email"`))
		args = append(args, *guard.Email)
	}
	q := `UPDATE ` + Quote(c.Name) + ` SET ` + strings.Join(sets, ", ") + ` WHERE "id" = ?`
	for _, cond := range conds {
		q += " AND " + cond
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return false, MapError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, MapError(err)
	}
	return n == 1, nil
}

// boolLiteral is the SQL literal of b, understood by both databases.
func boolLiteral(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// CountExistingIDs returns how many of ids are ids of rows of c, through q
// (the read pool or a transaction); a repeated id counts once. No ids is 0.
func CountExistingIDs(ctx context.Context, q Querier, c *galley.Collection, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	if tx, ok := q.(*Tx); ok && tx.known != nil {
		// Ids the transaction already knows exist are not asked again.
		var rest []string
		for _, id := range ids {
			if !tx.known[c.ID+"\x00"+id] {
				rest = append(rest, id)
			}
		}
		if len(rest) == 0 {
			return len(ids), nil
		}
		if len(rest) < len(ids) {
			n, err := countExisting(ctx, q, c, rest)
			if err == nil && n == len(rest) {
				for _, id := range rest {
					tx.remember(c, id)
				}
			}
			return n + len(ids) - len(rest), err
		}
	}
	n, err := countExisting(ctx, q, c, ids)
	if tx, ok := q.(*Tx); ok && err == nil && n == len(ids) {
		for _, id := range ids {
			tx.remember(c, id)
		}
	}
	return n, err
}

func countExisting(ctx context.Context, q Querier, c *galley.Collection, ids []string) (int, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	ctx, cancel := readContext(ctx, q)
	defer cancel()
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+Quote(c.Name)+` WHERE "id" IN (`+marks+`)`, args...).Scan(&n); err != nil {
		return 0, readError(ctx, q, err)
	}
	return n, nil
}

// FindRecordByID returns record id of c through q (the read pool or a
// transaction). A missing record is ENotFound.
func FindRecordByID(ctx context.Context, q Querier, c *galley.Collection, id string) (*galley.Record, error) {
	recs, err := FindRecords(ctx, q, c, Select{ID: id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
	}
	return recs[0], nil
}

// FindRecordByIdentity returns a record of c whose field f holds value,
// through q (the read pool or a transaction): an email field is compared
// ignoring ASCII case (the dialect's EqualFold), any other field exactly.
// No match is ENotFound; of several matches (an identity field without a
// unique index) it returns one.
func (db *DB) FindRecordByIdentity(ctx context.Context, q Querier, c *galley.Collection, f *galley.Field, value string) (*galley.Record, error) {
	col := Quote(Alias) + "." + Quote(f.Name)
	cond := col + " = ?"
	if f.Type == galley.FieldEmail {
		cond = db.d.equalFold(col)
	}
	recs, err := FindRecords(ctx, q, c, Select{Where: cond, Args: []any{value}, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, galley.Errorf(galley.ENotFound, "The requested resource wasn't found.")
	}
	return recs[0], nil
}
