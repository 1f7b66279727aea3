package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrTimedOut is wrapped by ReadBounded's error when a statement ran past
// the time bound and was cut off.
var ErrTimedOut = errors.New("statement cut off at its time bound")

// ReadBounded runs fn, a read-only check, with a Querier that reads what q
// reads — the read pool (Reader), a writer transaction (*Tx, e.g. inside
// a delete) or a WithRestored transaction — and whose statements are cut
// off once d has passed; d <= 0 means no bound beyond ctx. A cut-off
// statement makes fn's query fail; ReadBounded then returns an error
// wrapping ErrTimedOut, and q's transaction stays usable:
//
//   - SQLite interrupts the statement (an interrupted SELECT does not roll
//     back the transaction it runs in; the writer transaction's own
//     statements otherwise ignore cancellation, see Tx.ExecContext);
//   - PostgreSQL sets statement_timeout for fn only: on the read pool in a
//     read-only transaction of its own, inside a transaction in a savepoint
//     that is rolled back afterwards, so a cancelled statement does not
//     abort the transaction and the setting does not outlive fn.
//
// fn must not write: on PostgreSQL inside a transaction its changes are
// rolled back. ctx cancellation also ends fn on the read pool.
func (db *DB) ReadBounded(ctx context.Context, q Querier, d time.Duration, fn func(ctx context.Context, q Querier) error) error {
	if d <= 0 {
		return fn(ctx, q)
	}
	var err error
	if db.IsPostgres() {
		err = db.readBoundedPG(ctx, q, d, fn)
	} else {
		err = db.readBoundedSQLite(ctx, q, d, fn)
	}
	if err != nil && !errors.Is(err, ErrTimedOut) && timedOut(err) {
		err = fmt.Errorf("%w (%v): %v", ErrTimedOut, d, err)
	}
	return err
}

func (db *DB) readBoundedSQLite(ctx context.Context, q Querier, d time.Duration, fn func(context.Context, Querier) error) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if tx, ok := q.(*Tx); ok {
		// The writer transaction's methods drop cancellation (an interrupted
		// write would roll back the whole group); reads may be interrupted.
		q = interruptible{conn: tx.lane.conn, d: tx.db.d}
	}
	err := fn(ctx, q)
	if err != nil && ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("%w (%v): %v", ErrTimedOut, d, err)
	}
	return err
}

// pgCheckSavepoint names the savepoint around a bounded read inside a
// transaction.
const pgCheckSavepoint = "galley_bounded_read"

func (db *DB) readBoundedPG(ctx context.Context, q Querier, d time.Duration, fn func(context.Context, Querier) error) error {
	ms := strconv.FormatInt(max(d.Milliseconds(), 1), 10)
	var tq Querier // the transaction to bound fn in
	switch t := q.(type) {
	case *Tx:
		tq = pinned{conn: t.lane.conn, d: t.db.d}
	case rebindTx:
		tq = t
	default: // the read pool: a read-only transaction of its own
		// A backstop on the client side in case the server does not answer;
		// the server-side timeout is what normally ends the statement.
		ctx, cancel := context.WithTimeout(ctx, d+5*time.Second)
		defer cancel()
		tx, err := db.reader.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return MapError(err)
		}
		defer tx.Rollback()
		rt := rebindTx{tx: tx, d: db.d}
		if _, err := rt.ExecContext(ctx, `SELECT set_config('statement_timeout', ?, true)`, ms); err != nil {
			return MapError(err)
		}
		return fn(ctx, rt)
	}
	if _, err := tq.ExecContext(ctx, `SAVEPOINT `+pgCheckSavepoint); err != nil {
		return MapError(err)
	}
	_, err := tq.ExecContext(ctx, `SELECT set_config('statement_timeout', ?, true)`, ms)
	if err == nil {
		err = fn(ctx, tq)
	}
	// Rolling back to the savepoint undoes the setting and clears the
	// aborted state a cancelled statement leaves behind.
	if _, rerr := tq.ExecContext(ctx, `ROLLBACK TO SAVEPOINT `+pgCheckSavepoint); rerr != nil {
		return errors.Join(err, MapError(rerr))
	}
	if _, rerr := tq.ExecContext(ctx, `RELEASE SAVEPOINT `+pgCheckSavepoint); rerr != nil {
		return errors.Join(err, MapError(rerr))
	}
	return err
}

// timedOut reports whether err is PostgreSQL's statement timeout
// (query_canceled) or a deadline.
func timedOut(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "57014" {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// interruptible reads on the writer connection with ctx's cancellation
// kept (SQLite).
type interruptible struct {
	conn *sql.Conn
	d    dialect
}

func (c interruptible) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return nil, errors.New("store: a bounded read cannot write")
}

func (c interruptible) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.conn.QueryContext(ctx, c.d.rebind(query), args...)
}

func (c interruptible) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.conn.QueryRowContext(ctx, c.d.rebind(query), args...)
}

// pinned runs statements on the writer connection without cancellation
// (PostgreSQL: cancelling a statement would break the connection; the
// server's statement_timeout bounds it instead) and without marking the
// transaction as a writer (Tx.touch): a bounded read changes nothing.
type pinned struct {
	conn *sql.Conn
	d    dialect
}

func (c pinned) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.conn.ExecContext(context.WithoutCancel(ctx), c.d.rebind(query), args...)
}

func (c pinned) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.conn.QueryContext(context.WithoutCancel(ctx), c.d.rebind(query), args...)
}

func (c pinned) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.conn.QueryRowContext(context.WithoutCancel(ctx), c.d.rebind(query), args...)
}
