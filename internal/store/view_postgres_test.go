package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestPGExplainReadOnly: the view check plans a query in a read-only
// savepoint it rolls back, planned or refused: the transaction it runs in
// is read-write and usable afterwards.
func TestPGExplainReadOnly(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvDSN)
	}
	db := storetest.Open(t)
	ctx := context.Background()
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE ro_t (a int)`); err != nil {
			return err
		}
		if plan, err := store.PGExplainReadOnly(ctx, tx, `SELECT a FROM ro_t`); err != nil || plan == "" {
			return errors.Join(errors.New("plan a good query"), err)
		}
		if _, err := store.PGExplainReadOnly(ctx, tx, `SELECT nope FROM ro_t`); err == nil {
			return errors.New("a bad query was planned")
		}
		var ro string
		if err := tx.QueryRowContext(ctx, `SHOW transaction_read_only`).Scan(&ro); err != nil || ro != "off" {
			return errors.Join(errors.New("transaction_read_only after the check: "+ro), err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ro_t VALUES (1)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
