// Package reqlog stores request logs in a SQLite database of their own
// (<dataDir>/auxiliary.db), so that logging never competes with the main
// database's single writer, and queries them for /api/logs. On PostgreSQL
// (Options.DB set) the logs go to a "_logs" table of the shared database
// instead, so that every node of a cluster writes to, and the logs API of
// every node reads, one place; each entry carries its node in data.node.
//
// Writes never happen on the request path: Log appends the entry to a
// bounded buffer and returns at once (dropping and counting the entry when
// the buffer is full); a background goroutine takes the whole buffer every
// FlushInterval, or as soon as BatchSize entries wait, and writes it in
// transactions of at most BatchSize entries. The writer is not woken per
// entry: on a small machine a goroutine switch per request is a measurable
// share of the floor's CPU.
// Another goroutine deletes entries older than the retention period, at start
// and then hourly.
//
// Levels follow log/slog: 0 (info) for statuses below 400, 4 (warn) for 4xx,
// 8 (error) for 5xx and for requests that ended in a recovered panic.
package reqlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/safego"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// Log levels, as in log/slog.
const (
	LevelInfo  = 0
	LevelWarn  = 4
	LevelError = 8
)

// Request is one finished HTTP request, as handed over by the transport.
type Request struct {
	Time     time.Time
	Method   string
	URL      string // request URI: path and query
	Status   int
	Duration time.Duration
	RemoteIP string // the connection's peer address, without the port
	UserIP   string // the client IP after trusted proxy headers
	Referer  string
	UA       string
	Auth     string // "guest", or the auth collection name of the actor
	AuthID   string // the actor's record id; stored only when non-empty
	Error    string // the internal error or panic, for logs only
}

// Level returns the log level of r: LevelError for 5xx, LevelWarn for 4xx,
// LevelInfo otherwise.
func (r Request) Level() int {
	switch {
	case r.Status >= 500:
		return LevelError
	case r.Status >= 400:
		return LevelWarn
	}
	return LevelInfo
}

// Options configure Open. Zero values mean the defaults.
type Options struct {
	// Dir is the data directory; auxiliary.db is created inside it.
	Dir    string
	Logger *slog.Logger
	// Buffer is the most entries that may wait to be written (default
	// 16384). Entries logged while it is full are dropped and counted
	// (Dropped); Log never waits for the writer. Memory grows with the
	// entries waiting, up to this bound, not up front.
	Buffer int
	// BatchSize is the largest number of entries written in one
	// transaction, and the number of waiting entries that wakes the writer
	// before FlushInterval ends (default 4096). Fewer, larger transactions
	// cost less CPU per entry (fewer WAL frames rewritten per entry).
	BatchSize int
	// FlushInterval is how long an entry may wait before it is written
	// (default 200ms): entries become visible to List within about this
	// long.
	FlushInterval time.Duration
	// MaxDays returns the retention period in days (settings logs.maxDays):
	// older entries are deleted at start and every RetentionInterval; 0
	// deletes every entry. nil means 7.
	MaxDays func() int
	// RetentionInterval is the period of the retention sweep (default 1h).
	RetentionInterval time.Duration
	// DB, when set, is the pool of the shared PostgreSQL database (with ?
	// placeholders, as store.DB.Reader gives): the logs are written to its
	// "_logs" table instead of auxiliary.db, and Dir is not used.
	DB Querier
	// Node is this node's id, stored as data.node in every entry it writes
	// (PostgreSQL; empty: not stored).
	Node string
	// Leader, when set, runs the retention sweep: Open calls it on its own
	// goroutine with a function that prunes until its context ends, and
	// Leader must call that function only while this node holds the lead
	// (store.DB.RunAsLeader), so one node of a cluster prunes. nil: this
	// process prunes.
	Leader func(ctx context.Context, name string, fn func(ctx context.Context))
}

// Querier is what a PostgreSQL pool provides (see Options.DB).
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store is the request log database: a non-blocking batched writer plus the
// queries of /api/logs. It is safe for concurrent use.
type Store struct {
	// fullInsert is the prepared insertChunk-row INSERT; only the writer
	// goroutine uses it.
	fullInsert *sql.Stmt

	write, read *sql.DB
	// pg is the shared PostgreSQL pool (Options.DB); write and read are
	// nil then.
	pg   Querier
	log  *slog.Logger
	opts Options

	// mu guards pending and the closed flag's transitions: Log appends
	// under it and the writer swaps pending out under it, so an entry
	// logged before Close is either in pending when the writer drains it
	// or counted as dropped.
	mu      sync.Mutex
	pending []Request
	// kick wakes the writer when BatchSize entries wait (capacity 1).
	kick    chan struct{}
	flushCh chan chan struct{}
	stop    chan struct{}
	// lctx ends at Close; it bounds the Leader goroutine.
	lctx    context.Context
	lcancel context.CancelFunc
	wg      sync.WaitGroup

	closed  atomic.Bool
	dropped atomic.Uint64
	written atomic.Uint64
	once    sync.Once
}

// FileName is the name of the request log database inside the data dir.
const FileName = "auxiliary.db"

// Open opens (creating when needed) <opts.Dir>/auxiliary.db, creates the
// _logs table, runs one retention sweep and starts the writer and retention
// goroutines. Close stops them. Errors name the cause (a data dir that cannot
// be created, a corrupt file).
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Buffer <= 0 {
		opts.Buffer = 16384
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 4096
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = 200 * time.Millisecond
	}
	if opts.MaxDays == nil {
		opts.MaxDays = func() int { return 7 }
	}
	if opts.RetentionInterval <= 0 {
		opts.RetentionInterval = time.Hour
	}
	if opts.DB != nil {
		s := newStore(opts)
		s.pg = opts.DB
		if err := s.migratePG(ctx); err != nil {
			return nil, fmt.Errorf("create the request log table: %w", err)
		}
		s.start()
		return s, nil
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(opts.Dir, FileName)
	pragmas := "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)"
	write, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(true)")
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(4)
	s := newStore(opts)
	s.write, s.read = write, read
	if err := s.migrate(ctx); err != nil {
		_, _ = read.Close(), write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.start()
	return s, nil
}

func newStore(opts Options) *Store {
	s := &Store{log: opts.Logger, opts: opts,
		kick: make(chan struct{}, 1), flushCh: make(chan chan struct{}), stop: make(chan struct{})}
	s.lctx, s.lcancel = context.WithCancel(context.Background())
	return s
}

// start runs the first retention sweep (without Options.Leader) and starts
// the writer and retention goroutines.
func (s *Store) start() {
	s.wg.Add(2)
	safego.Go(s.log, "reqlog writer", func() { defer s.wg.Done(); s.writeLoop() })
	if s.opts.Leader == nil {
		ctx, cancel := context.WithTimeout(s.lctx, 5*time.Minute)
		if _, err := s.Prune(ctx, s.opts.MaxDays()); err != nil {
			s.log.Warn("request log retention failed", "err", err)
		}
		cancel()
		safego.Go(s.log, "reqlog retention", func() { defer s.wg.Done(); s.retentionLoop(s.lctx) })
		return
	}
	safego.Go(s.log, "reqlog retention", func() {
		defer s.wg.Done()
		s.opts.Leader(s.lctx, "request-log-retention", func(ctx context.Context) {
			s.sweep(ctx)
			s.retentionLoop(ctx)
		})
	})
}

// pageSize is the page size of a new auxiliary.db. Large pages make a
// batch of entries a few WAL frames instead of dozens, and every frame costs
// write system calls (twice: into the WAL, then at checkpoint), which
// dominate the writer's CPU.
const pageSize = 65536

// setPageSize gives a new, empty auxiliary.db pageSize pages (a page size
// is fixed once the file has content, and cannot change in WAL mode, so
// the file leaves WAL for the moment). Existing files keep theirs.
func (s *Store) setPageSize(ctx context.Context) error {
	var n int
	if err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil || n > 0 {
		return err
	}
	for _, q := range []string{`PRAGMA journal_mode=DELETE`, fmt.Sprintf(`PRAGMA page_size=%d`, pageSize), `VACUUM`, `PRAGMA journal_mode=WAL`} {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	if err := s.setPageSize(ctx); err != nil {
		return err
	}
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS "_logs" (
			"id" TEXT PRIMARY KEY NOT NULL,
			"created" TEXT NOT NULL DEFAULT '',
			"level" INTEGER NOT NULL DEFAULT 0,
			"message" TEXT NOT NULL DEFAULT '',
			"data" JSON NOT NULL DEFAULT '{}'
		)`,
		`CREATE INDEX IF NOT EXISTS "idx__logs_created" ON "_logs" ("created")`,
		// No index on level: filters by level scan the time range instead,
		// and every index costs CPU on each of thousands of inserts a second.
		`DROP INDEX IF EXISTS "idx__logs_level"`,
	} {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// Log queues r for writing and returns at once; it never waits for the
// writer and never touches the database. When Options.Buffer entries are
// already waiting, or after Close, r is dropped and counted (see Dropped).
// The values of sensitive query parameters in r.URL and r.Referer (tokens,
// OAuth2 codes and states, passwords; see RedactURL) are never stored.
func (s *Store) Log(r Request) {
	if s.closed.Load() {
		s.dropped.Add(1)
		return
	}
	r.URL, r.Referer = RedactURL(r.URL), RedactURL(r.Referer)
	s.mu.Lock()
	if s.closed.Load() || len(s.pending) >= s.opts.Buffer {
		s.mu.Unlock()
		s.dropped.Add(1)
		return
	}
	s.pending = append(s.pending, r)
	n := len(s.pending)
	s.mu.Unlock()
	if n == s.opts.BatchSize {
		select {
		case s.kick <- struct{}{}:
		default: // already woken
		}
	}
}

// Dropped returns how many entries were dropped because the buffer was full
// or the store closed.
func (s *Store) Dropped() uint64 { return s.dropped.Load() }

// Written returns how many entries were written to the database.
func (s *Store) Written() uint64 { return s.written.Load() }

// Flush waits until every entry queued before the call has been written (or
// its batch failed and was logged). It returns ctx.Err() when ctx ends first,
// and nil at once after Close.
func (s *Store) Flush(ctx context.Context) error {
	ack := make(chan struct{})
	select {
	case s.flushCh <- ack:
	case <-s.stop:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ack:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting entries, writes the queued ones, stops the
// goroutines and closes the database. It is safe to call more than once.
func (s *Store) Close() error {
	var err error
	s.once.Do(func() {
		s.mu.Lock()
		s.closed.Store(true)
		s.mu.Unlock()
		close(s.stop)
		s.lcancel()
		s.wg.Wait()
		if s.fullInsert != nil {
			_ = s.fullInsert.Close()
		}
		if s.pg != nil {
			return // the pool belongs to the caller
		}
		_, _ = s.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		err = errors.Join(s.read.Close(), s.write.Close())
	})
	return err
}

// writeLoop writes the waiting entries every FlushInterval, when Log
// signals that BatchSize entries wait, on Flush and on Close.
func (s *Store) writeLoop() {
	tick := time.NewTicker(s.opts.FlushInterval)
	defer tick.Stop()
	var spare []Request
	var lastDropped uint64
	var lastWarn time.Time
	writeAll := func() {
		s.mu.Lock()
		batch := s.pending
		s.pending = spare[:0]
		s.mu.Unlock()
		for start := 0; start < len(batch); start += s.opts.BatchSize {
			chunk := batch[start:min(start+s.opts.BatchSize, len(batch))]
			// One bad batch must not end the loop: Run recovers.
			_ = safego.Run(s.log, "reqlog batch", func() { s.writeBatch(chunk) })
		}
		// Keep the slice for the next swap (no allocation per flush), but
		// not what it points to; let it go when a burst made it larger than
		// usual or when nothing came (two idle ticks free both slices, so a
		// quiet server keeps no buffer).
		clear(batch)
		spare = batch
		if len(batch) == 0 || cap(batch) > 2*s.opts.BatchSize {
			spare = nil
		}
		if d := s.dropped.Load(); d != lastDropped && time.Since(lastWarn) > time.Minute {
			s.log.Warn("request log buffer full: entries dropped", "dropped", d-lastDropped)
			lastDropped, lastWarn = d, time.Now()
		}
	}
	for {
		select {
		case <-tick.C:
			writeAll()
		case <-s.kick:
			writeAll()
		case ack := <-s.flushCh:
			writeAll()
			close(ack)
		case <-s.stop:
			writeAll()
			return
		}
	}
}

// writeBatch inserts batch in one transaction; a failure is logged and the
// batch is lost (request logs are best effort).
func (s *Store) writeBatch(batch []Request) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if s.pg != nil {
		if err := s.insertPG(ctx, batch); err != nil {
			s.log.Error("writing request logs failed", "entries", len(batch), "err", err)
			return
		}
		s.written.Add(uint64(len(batch)))
		return
	}
	if s.fullInsert == nil && len(batch) >= insertChunk {
		// Prepared outside the transaction: the writer pool has one connection.
		if st, err := s.write.PrepareContext(ctx, insertSQL(insertChunk)); err == nil {
			s.fullInsert = st
		}
	}
	err := func() error {
		tx, err := s.write.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		// Multi-row INSERTs: one statement per insertChunk entries costs far
		// less CPU than one per entry, which matters on small machines where
		// the log writer shares cores with the request handlers.
		var buf []byte
		args := make([]any, 0, insertChunk*5)
		for start := 0; start < len(batch); start += insertChunk {
			chunk := batch[start:min(start+insertChunk, len(batch))]
			args = args[:0]
			for _, r := range chunk {
				args, buf = appendArgs(args, buf, r, s.opts.Node)
			}
			// Full chunks reuse one statement prepared on the writer
			// connection; parsing a 500-placeholder INSERT each time would
			// cost more than the insert.
			if len(chunk) == insertChunk && s.fullInsert != nil {
				if _, err := tx.StmtContext(ctx, s.fullInsert).ExecContext(ctx, args...); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, insertSQL(len(chunk)), args...); err != nil {
				return err
			}
		}
		return tx.Commit()
	}()
	if err != nil {
		s.log.Error("writing request logs failed", "entries", len(batch), "err", err)
		return
	}
	s.written.Add(uint64(len(batch)))
}

// insertChunk is the number of rows per INSERT statement.
const insertChunk = 100

// insertSQL returns a multi-row INSERT for n entries. OR IGNORE skips an
// entry whose id is taken (two random suffixes alike in one millisecond)
// instead of failing the statement, and that is what makes it cheap: a
// statement that cannot fail part-way needs no statement journal, which
// SQLite otherwise writes (a temporary file, page by page) for every
// multi-row INSERT inside a transaction — a third of the writer's CPU.
func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT OR IGNORE INTO "_logs" ("id", "created", "level", "message", "data") VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?)")
	}
	return b.String()
}

// retentionLoop runs a sweep every RetentionInterval until ctx ends.
func (s *Store) retentionLoop(ctx context.Context) {
	tick := time.NewTicker(s.opts.RetentionInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.sweep(ctx)
		}
	}
}

// sweep runs Prune once with the current retention, logging a failure.
func (s *Store) sweep(ctx context.Context) {
	_ = safego.Run(s.log, "reqlog retention sweep", func() {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		if n, err := s.Prune(ctx, s.opts.MaxDays()); err != nil && ctx.Err() == nil {
			s.log.Warn("request log retention failed", "err", err)
		} else if n > 0 {
			s.log.Debug("request logs pruned", "deleted", n)
		}
	})
}

// Prune deletes the entries created more than maxDays days ago and returns how
// many it deleted. maxDays <= 0 deletes every entry (logging is off).
func (s *Store) Prune(ctx context.Context, maxDays int) (int64, error) {
	var res sql.Result
	var err error
	exec := s.execer()
	if maxDays <= 0 {
		res, err = exec.ExecContext(ctx, `DELETE FROM "_logs"`)
	} else {
		cutoff := galley.FormatTime(time.Now().AddDate(0, 0, -maxDays))
		res, err = exec.ExecContext(ctx, `DELETE FROM "_logs" WHERE "created" < ?`, cutoff)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
