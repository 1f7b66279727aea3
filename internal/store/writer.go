package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/jackc/pgx/v5/stdlib"
)

// maxGroup is the largest number of transactions committed together.
const maxGroup = 128

// Group commit. SQLite has one writer at a time, so Galley keeps a single
// writer connection owned by one goroutine. WithTx queues its function; the
// writer takes every queued function (up to maxGroup), runs each inside its
// own SAVEPOINT of one shared transaction, and commits once. A function that
// fails or panics is rolled back to its savepoint alone; the others commit.
// Callers get their result only after the COMMIT, so nothing is
// acknowledged before it is durable. Under load this turns N commits (each a
// WAL write) into one, which is where most of a small write's cost goes.
//
// On PostgreSQL, which takes concurrent writers, several lanes (each one
// pinned connection and one goroutine) take groups from the same queue, so
// writes are both grouped and concurrent. Savepoints cost a round trip per
// job there, so a group first runs optimistically without them (see
// runOptimistic): when every job succeeds, as nearly all do, that is the
// commit; when one fails, the transaction is rolled back and the whole group
// runs again with savepoints. A group of one job never needs a savepoint.
type writer struct {
	jobs      chan *job
	stop      chan struct{}
	done      sync.WaitGroup
	schemaGen atomic.Uint64 // bumped by ReloadSchema
	lanes     []*lane
	startOnce sync.Once
	// observe receives each committed group (ObserveCommits); nil: none.
	observe atomic.Pointer[func(GroupCommit)]
}

// lane is one writer connection and the state its goroutine owns.
type lane struct {
	conn    *sql.Conn
	stmts   *stmtCache // SQLite only
	seenGen uint64
	broken  bool // PostgreSQL: the connection failed; replace it
	// shard is the lane's row in "_totals" (see totals.go).
	shard int
	// careful counts the groups still to run with savepoints after an
	// optimistic group failed (PostgreSQL), so a run of failing jobs does
	// not pay for every group twice.
	careful int
}

type job struct {
	ctx   context.Context
	fn    func(tx *Tx) error
	tx    *Tx
	err   error
	panic any
	done  chan struct{}
}

// Tx is one transaction's view of a writer connection. Its methods run
// statements on the shared write transaction, within the function's own
// savepoint. A Tx must not be used after its function returns.
type Tx struct {
	db   *DB
	lane *lane
	// afterCommit runs after a successful commit (cache invalidation, events).
	afterCommit []func()
	// touched is set once the transaction has written (see touch).
	touched bool
	// known holds "<collectionId>\x00<id>" of records this transaction
	// knows to exist (inserted, or found by CountExistingIDs), so that a
	// batch relating many records to one checks it once; any delete (or
	// id change) in the transaction forgets them all.
	known map[string]bool
	// counts holds the transaction's changes to counted collections, by
	// collection id (see totals_write.go).
	counts map[string]*txCount
}

// AfterCommit registers fn to run once the transaction has committed.
func (tx *Tx) AfterCommit(fn func()) { tx.afterCommit = append(tx.afterCommit, fn) }

// DB returns the database the transaction belongs to.
func (tx *Tx) DB() *DB { return tx.db }

// ExecContext runs a statement in the transaction and invalidates cached
// list totals. Statements are not
// interrupted by ctx cancellation once started: interrupting SQLite would
// roll back the whole group.
//
// A statement that writes the table of a counted collection (see
// totals.go) makes its total unknown until counted again: write records
// with InsertRecord, UpdateRecord and DeleteRecord, which keep it.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx.noteRaw(query)
	return tx.exec(ctx, query, args...)
}

// exec is ExecContext for statements whose effect on counted collections
// the store accounts for itself.
func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx.touch() // any write may change list totals
	ctx = context.WithoutCancel(ctx)
	query = tx.db.d.rebind(query)
	if st := tx.lane.stmts.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.lane.conn.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	query = tx.db.d.rebind(query)
	if st := tx.lane.stmts.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.lane.conn.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a single-row query in the transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	query = tx.db.d.rebind(query)
	if st := tx.lane.stmts.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.lane.conn.QueryRowContext(ctx, query, args...)
}

// startWriter starts one writer goroutine per lane: the lane of the pinned
// connection Open made, plus extra lanes (PostgreSQL), which take their
// connection from the pool when they first run a group.
func (db *DB) startWriter(extra int) {
	db.writer.startOnce.Do(func() {
		db.writer.jobs = make(chan *job, maxGroup)
		db.writer.stop = make(chan struct{})
		db.writer.lanes = []*lane{db.lane0()}
		for i := range extra {
			db.writer.lanes = append(db.writer.lanes, &lane{broken: true, shard: i + 1})
		}
		for _, l := range db.writer.lanes {
			db.writer.done.Add(1)
			go db.writeLoop(l)
		}
	})
}

// lane0 is the lane of the connection Open pinned (migrations run on it
// before the writer starts).
func (db *DB) lane0() *lane {
	if db.wlane == nil {
		db.wlane = &lane{conn: db.wconn, stmts: db.wstmts}
	}
	return db.wlane
}

// stopWriter lets the writers finish what is queued and waits for them,
// then closes the extra lanes' connections.
func (db *DB) stopWriter() {
	if db.writer.stop == nil {
		return
	}
	select {
	case <-db.writer.stop:
	default:
		close(db.writer.stop)
	}
	db.writer.done.Wait()
	for _, l := range db.writer.lanes[1:] {
		if l.conn != nil {
			_ = l.conn.Close()
		}
	}
}

// errClosed is returned by WithTx after Close.
func errClosed() error {
	return galley.Errorf(galley.EUnavailable, "The database is closed.")
}

// WithTx runs fn in a write transaction: its changes commit when it returns
// nil and are rolled back when it returns an error or panics (the panic is
// re-raised in the caller). fn may share the COMMIT with other concurrent
// transactions (group commit) but never sees their uncommitted failures: each
// runs in its own savepoint. Driver errors are mapped with MapError. A ctx
// cancelled before fn starts returns EUnavailable without running fn.
func (db *DB) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	j := &job{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case <-db.writer.stop:
		return errClosed()
	default:
	}
	select {
	case db.writer.jobs <- j:
	case <-db.writer.stop:
		return errClosed()
	case <-ctx.Done():
		return MapError(ctx.Err())
	}
	<-j.done // the writer always finishes a job it has taken
	if j.panic != nil {
		panic(j.panic)
	}
	if j.err != nil {
		return MapError(j.err)
	}
	for _, f := range j.tx.afterCommit {
		f()
	}
	return nil
}

// runOne runs fn alone in its own transaction on the calling goroutine; only
// Open uses it, before the writer goroutines start.
func (db *DB) runOne(ctx context.Context, fn func(tx *Tx) error) error {
	j := &job{ctx: ctx, fn: fn, done: make(chan struct{})}
	db.runGroup(db.lane0(), []*job{j})
	if j.panic != nil {
		panic(j.panic)
	}
	if j.err != nil {
		return j.err
	}
	for _, f := range j.tx.afterCommit {
		f()
	}
	return nil
}

func (db *DB) writeLoop(l *lane) {
	defer db.writer.done.Done()
	batch := make([]*job, 0, maxGroup)
	for {
		batch = batch[:0]
		select {
		case j := <-db.writer.jobs:
			batch = append(batch, j)
		case <-db.writer.stop:
			// Finish whatever was queued before Close.
			for {
				select {
				case j := <-db.writer.jobs:
					db.runGroup(l, []*job{j})
				default:
					return
				}
			}
		}
	drain:
		for len(batch) < maxGroup {
			select {
			case j := <-db.writer.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		db.runGroup(l, batch)
	}
}

// maxRetries is how often a job that failed for a transient reason
// (deadlock, serialization failure, stale cached plan) is run again.
const maxRetries = 3

// runGroup runs jobs in one transaction on lane l and closes each job's
// done channel.
func (db *DB) runGroup(l *lane, jobs []*job) {
	defer func() {
		if p := recover(); p != nil { // a bug in the group machinery itself
			err := fmt.Errorf("writer panic: %v", p)
			db.log.Error("write group failed", "err", err)
			_, _ = l.conn.ExecContext(context.Background(), "ROLLBACK")
			for _, j := range jobs {
				if !closed(j.done) {
					j.err = err
					close(j.done)
				}
			}
		}
	}()
	if gen := db.writer.schemaGen.Load(); gen != l.seenGen {
		l.stmts.reset()
		l.seenGen = gen
	}
	bg := context.Background()
	if l.broken {
		db.reconnectLane(l)
	}
	if l.conn == nil { // a lane that never got its connection
		err := &galley.Error{Code: galley.EUnavailable, Message: "The database is unavailable, please retry."}
		for _, j := range jobs {
			j.err = err
			close(j.done)
		}
		return
	}
	exec := func(q string) error { _, err := l.conn.ExecContext(bg, q); return err }
	start := db.observing()
	// A group of one needs no savepoint: its failure is the transaction's.
	single := len(jobs) == 1
	if db.IsPostgres() && !single {
		if l.careful == 0 {
			if db.runOptimistic(l, jobs) {
				return
			}
			l.careful = carefulGroups
		} else {
			l.careful--
		}
	}
	// On PostgreSQL the first savepoint goes out with BEGIN.
	begin := db.d.beginSQL()
	opened := false
	if db.IsPostgres() && !single {
		begin, opened = begin+"; SAVEPOINT g0", true
	}
	err := exec(begin)
	if err != nil && db.IsPostgres() {
		// Nothing ran yet: a dropped connection is replaced and BEGIN
		// tried once more before the group fails.
		db.reconnectLane(l)
		if l.conn != nil {
			err = exec(begin)
		}
	}
	if err != nil {
		l.broken = db.IsPostgres()
		err = &galley.Error{Code: galley.EUnavailable, Message: "The database is unavailable, please retry.", Err: err}
		for _, j := range jobs {
			j.err = err
			close(j.done)
		}
		return
	}
	// On PostgreSQL a job's RELEASE goes out with the next statement of
	// the writer (the next SAVEPOINT or the COMMIT): one round trip fewer
	// per job. Statements without parameters run in the simple protocol,
	// which takes several at once.
	var released string
	sendReleased := func(q string) (merged bool, err error) {
		if released == "" {
			return false, exec(q)
		}
		q, released = released+"; "+q, ""
		return true, exec(q)
	}
	ok := make([]*job, 0, len(jobs))
	touched := false
	for i, j := range jobs {
		if err := j.ctx.Err(); err != nil {
			j.err = err
			continue
		}
		sp := fmt.Sprintf("g%d", i)
		begin, undo := "SAVEPOINT "+sp, "ROLLBACK TO "+sp
		if single {
			begin, undo = "", "ROLLBACK"
		}
		if i == 0 && opened {
			begin = "" // went out with BEGIN
		}
		if begin != "" {
			if merged, err := sendReleased(begin); err != nil {
				if merged { // the previous job's RELEASE failed: the transaction is gone
					db.failGroup(l, jobs, ok, err)
					return
				}
				j.err = err
				continue
			}
		}
		j.tx = &Tx{db: db, lane: l}
		db.runJob(j)
		for attempt := 1; attempt <= maxRetries && j.err != nil && j.panic == nil && db.d.retryable(j.err); attempt++ {
			if err := exec(undo); err != nil {
				db.failGroup(l, jobs, ok, err)
				return
			}
			if single {
				if err := exec(db.d.beginSQL()); err != nil {
					db.failGroup(l, jobs, ok, err)
					return
				}
			}
			j.tx, j.err = &Tx{db: db, lane: l}, nil
			db.runJob(j)
		}
		if j.err != nil || j.panic != nil {
			if err := exec(undo); err != nil {
				// The transaction itself is gone (e.g. an I/O error): fail the group.
				db.failGroup(l, jobs, ok, err)
				return
			}
			if single {
				close(j.done)
				return
			}
		}
		if !single {
			if db.IsPostgres() {
				released = "RELEASE " + sp
			} else if err := exec("RELEASE " + sp); err != nil {
				db.failGroup(l, jobs, ok, err)
				return
			}
		}
		if j.err == nil && j.panic == nil {
			ok = append(ok, j)
			touched = touched || j.tx.touched
		}
	}
	var flushed []flushedCount
	if hasCounts(ok) {
		if released != "" {
			if err := exec(released); err != nil {
				db.failGroup(l, jobs, ok, err)
				return
			}
			released = ""
		}
		db.totals.begin(l.shard)
		defer db.totals.settle(l.shard) // after publish, or on failure
		if flushed, err = db.flushCounts(l, ok); err != nil {
			db.failGroup(l, jobs, ok, err)
			return
		}
	}
	// A pending RELEASE fails by itself if a statement failed; without one
	// (a group of one) the COMMIT's own answer says whether it committed.
	commit := func() error { _, err := sendReleased("COMMIT"); return err }
	if released == "" {
		commit = func() error { return db.commit(l) }
	}
	commitStart := db.observing()
	err = commit()
	db.observeCommit(len(jobs), start, commitStart, err)
	if err != nil {
		db.failGroup(l, jobs, ok, err)
		return
	}
	if flushed != nil {
		db.totals.publish(l.shard, flushed)
		if db.pgState != nil {
			db.pgState.totalsCommitted(l.shard, flushed)
		}
	}
	if touched && db.pgState != nil {
		// Other nodes drop their cached list totals. Not a NOTIFY inside
		// the transaction: PostgreSQL serialises the commits of notifying
		// transactions, which would leave one commit in flight at a time.
		db.pgState.dataChanged()
	}
	for _, j := range jobs {
		close(j.done)
	}
}

// carefulGroups is how many groups run with savepoints after an optimistic
// group failed.
const carefulGroups = 16

// runOptimistic runs jobs one after the other in one PostgreSQL transaction
// without savepoints and commits. It reports false, having rolled the
// transaction back and reset every job, as soon as a job fails or panics
// (or the transaction cannot start): the caller then runs the group again
// with savepoints, so each job's outcome is its own. Job functions may run
// twice that way, as they may when retried; their effects outside the
// transaction belong in AfterCommit.
func (db *DB) runOptimistic(l *lane, jobs []*job) bool {
	bg := context.Background()
	exec := func(q string) error { _, err := l.conn.ExecContext(bg, q); return err }
	reset := func() bool {
		if exec("ROLLBACK") != nil {
			db.reconnectLane(l) // the connection is gone: a new one for the savepoint run
		}
		for _, j := range jobs {
			j.tx, j.err, j.panic = nil, nil, nil
		}
		return false
	}
	start := db.observing()
	if exec(db.d.beginSQL()) != nil {
		return false // the savepoint run deals with the connection
	}
	ok := make([]*job, 0, len(jobs))
	touched := false
	for _, j := range jobs {
		if err := j.ctx.Err(); err != nil {
			j.err = err // ran nothing: nothing to undo
			continue
		}
		j.tx = &Tx{db: db, lane: l}
		db.runJob(j)
		if j.err != nil || j.panic != nil {
			return reset()
		}
		ok = append(ok, j)
		touched = touched || j.tx.touched
	}
	if hasCounts(ok) {
		db.totals.begin(l.shard)
		defer db.totals.settle(l.shard) // after publish, or on failure
	}
	flushed, err := db.flushCounts(l, ok)
	if err != nil {
		db.failGroup(l, jobs, ok, err)
		return true
	}
	commitStart := db.observing()
	err = db.commit(l)
	db.observeCommit(len(jobs), start, commitStart, err)
	if err != nil {
		db.failGroup(l, jobs, ok, err)
		return true
	}
	if flushed != nil {
		db.totals.publish(l.shard, flushed)
		if db.pgState != nil {
			db.pgState.totalsCommitted(l.shard, flushed)
		}
	}
	if touched && db.pgState != nil {
		db.pgState.dataChanged()
	}
	for _, j := range jobs {
		close(j.done)
	}
	return true
}

// errRolledBack is a COMMIT that PostgreSQL answered with ROLLBACK: a
// statement failed and the job went on as if it had not.
var errRolledBack = errors.New("the transaction was rolled back: a statement in it failed")

// commit sends COMMIT on lane l. On PostgreSQL a transaction in which a
// statement failed is rolled back by COMMIT without an error (database/sql
// drops the command tag), so the tag is read from pgx itself: anything but
// COMMIT is errRolledBack.
func (db *DB) commit(l *lane) error {
	bg := context.Background()
	if !db.IsPostgres() {
		_, err := l.conn.ExecContext(bg, "COMMIT")
		return err
	}
	return l.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("writer connection is a %T, not pgx", dc)
		}
		tag, err := c.Conn().Exec(bg, "COMMIT")
		if err != nil {
			return err
		}
		if tag.String() != "COMMIT" {
			return errRolledBack
		}
		return nil
	})
}

// runJob calls the job's function, capturing its error or panic.
func (db *DB) runJob(j *job) {
	defer func() {
		if p := recover(); p != nil {
			j.panic = p
		}
	}()
	j.err = j.fn(j.tx)
}

// failGroup rolls back the shared transaction and fails every job that
// would have committed with err (the others keep their own error).
func (db *DB) failGroup(l *lane, jobs, ok []*job, err error) {
	if _, rerr := l.conn.ExecContext(context.Background(), "ROLLBACK"); rerr != nil && db.IsPostgres() {
		l.broken = true // the connection is gone: take a new one next time
	}
	db.log.Error("write group rolled back", "jobs", len(jobs), "err", err)
	for _, j := range ok {
		j.err = &galley.Error{Code: galley.EUnavailable, Message: "The write could not be committed, please retry.", Err: err}
	}
	for _, j := range jobs {
		if j.err == nil && j.panic == nil {
			j.err = &galley.Error{Code: galley.EUnavailable, Message: "The write could not be committed, please retry.", Err: err}
		}
		if !closed(j.done) {
			close(j.done)
		}
	}
}

func closed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// try runs one statement that is allowed to fail without spoiling the
// transaction: on PostgreSQL, where any error aborts the transaction, it
// runs inside its own savepoint, rolled back on failure.
func (tx *Tx) try(ctx context.Context, query string, args ...any) error {
	if !tx.db.IsPostgres() {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT galley_try"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, query, args...); err != nil {
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT galley_try"); rerr != nil {
			return errors.Join(err, rerr)
		}
		_, _ = tx.ExecContext(ctx, "RELEASE SAVEPOINT galley_try")
		return err
	}
	_, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT galley_try")
	return err
}

// reconnectLane replaces a failed writer connection (PostgreSQL only; a
// lost connection must not stop writes until a restart). On failure the old
// connection stays and the next group tries again.
func (db *DB) reconnectLane(l *lane) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := db.write.Conn(ctx)
	if err != nil {
		db.log.Error("writer reconnect failed", "err", err)
		return
	}
	if l.conn != nil {
		_ = l.conn.Close()
		db.log.Info("writer reconnected")
	}
	l.conn, l.broken = c, false
}

// hasCounts reports whether a job in jobs changed a counted collection.
func hasCounts(jobs []*job) bool {
	for _, j := range jobs {
		if j.tx != nil && len(j.tx.counts) > 0 {
			return true
		}
	}
	return false
}
