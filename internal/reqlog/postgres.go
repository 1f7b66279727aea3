package reqlog

import (
	"context"
	"strings"

	"github.com/galleyhq/galley/internal/filter"
)

// migratePG creates the shared "_logs" table in the PostgreSQL database's
// current schema. Every node runs it at start; IF NOT EXISTS makes that
// safe, and a concurrent creation by another node (a unique violation on
// the catalog) is retried once.
func (s *Store) migratePG(ctx context.Context) error {
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS "_logs" (
			"id" TEXT COLLATE "C" PRIMARY KEY NOT NULL,
			"created" TEXT COLLATE "C" NOT NULL DEFAULT '',
			"level" INTEGER NOT NULL DEFAULT 0,
			"message" TEXT COLLATE "C" NOT NULL DEFAULT '',
			"data" JSONB NOT NULL DEFAULT '{}'
		)`,
		`CREATE INDEX IF NOT EXISTS "idx__logs_created" ON "_logs" ("created")`,
	}
	for _, q := range stmts {
		var err error
		for try := 0; try < 3; try++ {
			if _, err = s.pg.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "duplicate key") {
				break
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// insertPG writes batch in multi-row INSERTs of insertChunk rows, each one
// autocommitted statement (a batch that fails part-way keeps its earlier
// chunks: request logs are best effort).
func (s *Store) insertPG(ctx context.Context, batch []Request) error {
	var buf []byte
	for start := 0; start < len(batch); start += insertChunk {
		chunk := batch[start:min(start+insertChunk, len(batch))]
		args := make([]any, 0, len(chunk)*5)
		for _, r := range chunk {
			args, buf = appendArgs(args, buf, r, s.opts.Node)
		}
		if _, err := s.pg.ExecContext(ctx, insertSQLPG(len(chunk)), args...); err != nil {
			return err
		}
	}
	return nil
}

// insertSQLPG is insertSQL with the data cast to jsonb; an entry whose id
// is taken is skipped, as on SQLite, rather than failing its chunk.
func insertSQLPG(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO "_logs" ("id", "created", "level", "message", "data") VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?::jsonb)")
	}
	b.WriteString(` ON CONFLICT DO NOTHING`)
	return b.String()
}

// reader is where queries go: the shared pool on PostgreSQL, the read pool
// of auxiliary.db on SQLite.
func (s *Store) reader() Querier {
	if s.pg != nil {
		return s.pg
	}
	return s.read
}

// execer is where deletes go.
func (s *Store) execer() Querier {
	if s.pg != nil {
		return s.pg
	}
	return s.write
}

// dialect is the filter dialect of the log database.
func (s *Store) dialect() filter.Dialect {
	if s.pg != nil {
		return filter.Postgres()
	}
	return filter.SQLite()
}

// Shared reports whether the logs live in the shared PostgreSQL database
// (every node's entries) rather than this node's auxiliary.db.
func (s *Store) Shared() bool { return s.pg != nil }
