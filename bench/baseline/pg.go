package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The PostgreSQL mode of the baseline: the same tables, queries and JSON as
// the SQLite store, through one pgxpool of a fixed size. pgx uses the
// extended protocol and prepares each query text once per connection (its
// default statement cache), so every request is a Bind/Execute of a
// prepared statement. Writes are plain autocommit INSERTs from many
// connections at once; PostgreSQL's own group commit (one WAL flush for the
// commits that wait together) is what batches them.

const pgSchema = `
CREATE TABLE IF NOT EXISTS authors (
	id      TEXT PRIMARY KEY,
	name    TEXT NOT NULL DEFAULT '',
	created TEXT NOT NULL DEFAULT '',
	updated TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS posts (
	id      TEXT PRIMARY KEY,
	title   TEXT NOT NULL DEFAULT '',
	views   DOUBLE PRECISION NOT NULL DEFAULT 0,
	author  TEXT REFERENCES authors (id),
	public  BOOLEAN NOT NULL DEFAULT FALSE,
	created TEXT NOT NULL DEFAULT '',
	updated TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_posts_views ON posts (views);
CREATE INDEX IF NOT EXISTS idx_posts_author ON posts (author);
CREATE TABLE IF NOT EXISTS users (
	id              TEXT PRIMARY KEY,
	email           TEXT NOT NULL,
	password        TEXT NOT NULL,
	tokenKey        TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL DEFAULT '',
	emailVisibility BOOLEAN NOT NULL DEFAULT FALSE,
	verified        BOOLEAN NOT NULL DEFAULT FALSE,
	created         TEXT NOT NULL DEFAULT '',
	updated         TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_users_email ON users (lower(email));
CREATE TABLE IF NOT EXISTS notes (
	id      TEXT PRIMARY KEY,
	owner   TEXT REFERENCES users (id),
	title   TEXT NOT NULL DEFAULT '',
	created TEXT NOT NULL DEFAULT '',
	updated TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_notes_owner ON notes (owner);
CREATE TABLE IF NOT EXISTS params (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rules (
	collection TEXT PRIMARY KEY,
	list_rule  TEXT NOT NULL DEFAULT ''
);
`

// pgStore is the baseline's storage on PostgreSQL.
type pgStore struct {
	pool *pgxpool.Pool
	ruleCache
	secret string
}

var _ backend = (*pgStore)(nil)

// openPG connects a pool of maxConns connections to dsn and creates the
// tables if they are missing.
func openPG(ctx context.Context, dsn string, maxConns int) (*pgStore, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(maxConns)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &pgStore{pool: pool}
	if _, err := pool.Exec(ctx, pgSchema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("schema: %w", err)
	}
	var rule string
	err = pool.QueryRow(ctx, `SELECT list_rule FROM rules WHERE collection = $1`, "posts").Scan(&rule)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		pool.Close()
		return nil, err
	}
	if rule != "" {
		c, err := parseComparison(rule)
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("stored rule: %w", err)
		}
		s.setCached(c)
	}
	_, err = pool.Exec(ctx, `INSERT INTO params (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
		"usersSecret", randomString(50))
	if err == nil {
		err = pool.QueryRow(ctx, `SELECT value FROM params WHERE key = $1`, "usersSecret").Scan(&s.secret)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *pgStore) Close() error {
	s.pool.Close()
	return nil
}

func (s *pgStore) tokenSecret() string { return s.secret }

func (s *pgStore) setRule(ctx context.Context, rule string) error {
	var c *comparison
	if rule != "" {
		var err error
		if c, err = parseComparison(rule); err != nil {
			return err
		}
	}
	_, err := s.pool.Exec(ctx,
		`INSERT INTO rules (collection, list_rule) VALUES ('posts', $1)
		 ON CONFLICT (collection) DO UPDATE SET list_rule = excluded.list_rule`, rule)
	if err != nil {
		return err
	}
	s.setCached(c)
	return nil
}

func (s *pgStore) insertAuthor(ctx context.Context, a *author) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO authors (id, name, created, updated) VALUES ($1, $2, $3, $4)`,
		a.ID, a.Name, a.Created, a.Updated)
	return err
}

func (s *pgStore) insertPost(ctx context.Context, p *post) error {
	var authorID *string
	if p.Author != "" {
		authorID = &p.Author
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO posts (`+postCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		p.ID, p.Title, p.Views, authorID, p.Public, p.Created, p.Updated)
	return err
}

func (s *pgStore) getAuthor(ctx context.Context, id string) (author, error) {
	a := newAuthor()
	err := s.pool.QueryRow(ctx, `SELECT id, name, created, updated FROM authors WHERE id = $1`, id).
		Scan(&a.ID, &a.Name, &a.Created, &a.Updated)
	return a, err
}

func (s *pgStore) getPost(ctx context.Context, id string) (post, error) {
	p := newPost()
	err := p.scan(s.pool.QueryRow(ctx, `SELECT `+postCols+` FROM posts WHERE id = $1`, id))
	return p, err
}

func pgPlaceholder(n int) string { return "$" + strconv.Itoa(n) }

func (s *pgStore) listPosts(ctx context.Context, q listQuery) ([]post, int, error) {
	cond, args := postsWhere(s.rule(), q.filter, pgPlaceholder)
	order := ""
	if q.sort != "" {
		order = " ORDER BY " + q.sort
	}
	n := len(args)
	rows, err := s.pool.Query(ctx, `SELECT `+postCols+` FROM posts`+cond+order+
		` LIMIT `+pgPlaceholder(n+1)+` OFFSET `+pgPlaceholder(n+2),
		append(args, q.perPage, (q.page-1)*q.perPage)...)
	if err != nil {
		return nil, 0, err
	}
	items := make([]post, 0, q.perPage)
	for rows.Next() {
		p := newPost()
		if err := p.scan(rows); err != nil {
			rows.Close()
			return nil, 0, err
		}
		items = append(items, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}

	if q.expandAuthor {
		if err := s.expandAuthors(ctx, items); err != nil {
			return nil, 0, err
		}
	}

	total := -1
	if !q.skipTotal {
		if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM posts`+cond, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	return items, total, nil
}

// expandAuthors loads the authors of items with one = ANY($1) query.
func (s *pgStore) expandAuthors(ctx context.Context, items []post) error {
	seen := make(map[string]*author, len(items))
	var ids []string
	for _, p := range items {
		if p.Author != "" && seen[p.Author] == nil {
			seen[p.Author] = &author{}
			ids = append(ids, p.Author)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.pool.Query(ctx, `SELECT id, name, created, updated FROM authors WHERE id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		a := newAuthor()
		if err := rows.Scan(&a.ID, &a.Name, &a.Created, &a.Updated); err != nil {
			rows.Close()
			return err
		}
		*seen[a.ID] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range items {
		if a := seen[items[i].Author]; a != nil && a.ID != "" {
			items[i].Expand = &postExpand{Author: a}
		}
	}
	return nil
}

func (s *pgStore) userByEmail(ctx context.Context, email string) (user, error) {
	u := newUser()
	return u, u.scan(s.pool.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE lower(email) = lower($1)`, email))
}

func (s *pgStore) userByID(ctx context.Context, id string) (user, error) {
	u := newUser()
	return u, u.scan(s.pool.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
}

func (s *pgStore) insertUser(ctx context.Context, u *user) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO users (`+userCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.ID, u.email, u.password, u.tokenKey, u.Name, u.EmailVisibility, u.Verified, u.Created, u.Updated)
	return err
}

func (s *pgStore) insertNote(ctx context.Context, n *note) error {
	var owner *string
	if n.Owner != "" {
		owner = &n.Owner
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO notes (id, owner, title, created, updated) VALUES ($1, $2, $3, $4, $5)`,
		n.ID, owner, n.Title, n.Created, n.Updated)
	return err
}

func (s *pgStore) listNotes(ctx context.Context, owner string, q listQuery) ([]note, int, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, owner, title, created, updated FROM notes WHERE owner = $1 LIMIT $2 OFFSET $3`,
		owner, q.perPage, (q.page-1)*q.perPage)
	if err != nil {
		return nil, 0, err
	}
	items := make([]note, 0, q.perPage)
	for rows.Next() {
		n := newNote()
		var o *string
		if err := rows.Scan(&n.ID, &o, &n.Title, &n.Created, &n.Updated); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if o != nil {
			n.Owner = *o
		}
		items = append(items, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	total := -1
	if !q.skipTotal {
		if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM notes WHERE owner = $1`, owner).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	return items, total, nil
}

// isForeignKeyViolation reports a reference to a missing row, on either
// database.
func isForeignKeyViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return strings.Contains(err.Error(), "FOREIGN KEY")
}

// isUniqueViolation reports a duplicate key, on either database.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE")
}
