package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // the same pure-Go driver Galley uses
)

// Collection ids as Galley would report them; any stable 15-character string
// works for the bench, which only compares shapes.
const (
	authorsID = "pbc_authors0001"
	postsID   = "pbc_posts000001"
)

const schema = `
CREATE TABLE IF NOT EXISTS authors (
	id      TEXT PRIMARY KEY NOT NULL,
	name    TEXT NOT NULL DEFAULT '',
	created TEXT NOT NULL DEFAULT '',
	updated TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS posts (
	id      TEXT PRIMARY KEY NOT NULL,
	title   TEXT NOT NULL DEFAULT '',
	views   NUMERIC NOT NULL DEFAULT 0,
	author  TEXT REFERENCES authors (id),
	public  BOOLEAN NOT NULL DEFAULT FALSE,
	created TEXT NOT NULL DEFAULT '',
	updated TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_posts_views ON posts (views);
CREATE INDEX IF NOT EXISTS idx_posts_author ON posts (author);
CREATE TABLE IF NOT EXISTS users (
	id              TEXT PRIMARY KEY NOT NULL,
	email           TEXT NOT NULL COLLATE NOCASE UNIQUE,
	password        TEXT NOT NULL,
	tokenKey        TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL DEFAULT '',
	emailVisibility BOOLEAN NOT NULL DEFAULT FALSE,
	verified        BOOLEAN NOT NULL DEFAULT FALSE,
	created         TEXT NOT NULL DEFAULT '',
	updated         TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS notes (
	id      TEXT PRIMARY KEY NOT NULL,
	owner   TEXT REFERENCES users (id),
	title   TEXT NOT NULL DEFAULT '',
	created TEXT NOT NULL DEFAULT '',
	updated TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_notes_owner ON notes (owner);
CREATE TABLE IF NOT EXISTS params (
	key   TEXT PRIMARY KEY NOT NULL,
	value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rules (
	collection TEXT PRIMARY KEY NOT NULL,
	list_rule  TEXT NOT NULL DEFAULT ''
);
`

const pragmas = "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
	"&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"

// backend is the baseline's storage: SQLite (store, this file) or
// PostgreSQL (pgStore, pg.go). Each method is one hand-written query (two
// for a list with totals); a missing row is an error for which
// errors.Is(err, sql.ErrNoRows) holds on both.
type backend interface {
	getPost(ctx context.Context, id string) (post, error)
	getAuthor(ctx context.Context, id string) (author, error)
	listPosts(ctx context.Context, q listQuery) ([]post, int, error)
	expandAuthors(ctx context.Context, items []post) error
	insertAuthor(ctx context.Context, a *author) error
	insertPost(ctx context.Context, p *post) error
	// insertPosts inserts posts in one transaction (the batch); a failing
	// insert is a *batchItemError with its index, and nothing is kept.
	insertPosts(ctx context.Context, posts []post) error
	setRule(ctx context.Context, rule string) error
	userByEmail(ctx context.Context, email string) (user, error)
	userByID(ctx context.Context, id string) (user, error)
	insertUser(ctx context.Context, u *user) error
	insertNote(ctx context.Context, n *note) error
	listNotes(ctx context.Context, owner string, q listQuery) ([]note, int, error)
	// tokenSecret is the users' auth token secret, kept in params.
	tokenSecret() string
	Close() error
}

// ruleCache is posts.listRule in memory (nil = everyone); the database
// keeps it across restarts.
type ruleCache struct {
	mu       sync.RWMutex
	listRule *comparison
}

func (rc *ruleCache) rule() *comparison {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	return rc.listRule
}

func (rc *ruleCache) setCached(c *comparison) {
	rc.mu.Lock()
	rc.listRule = c
	rc.mu.Unlock()
}

// postsWhere is the WHERE clause ("" for none) of a posts list under the
// list rule and the filter, and its arguments; ph(n) is the placeholder of
// the nth argument (from 1).
func postsWhere(rule, filter *comparison, ph func(n int) string) (string, []any) {
	var where []string
	var args []any
	for _, c := range []*comparison{rule, filter} {
		if c != nil {
			args = append(args, c.value)
			where = append(where, c.field+" "+c.op+" "+ph(len(args)))
		}
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// store holds one writer connection and a pool of readers over the same
// WAL-mode database file, plus a cache of prepared statements per pool.
type store struct {
	w, r   *sql.DB
	wStmts sync.Map // SQL text → *sql.Stmt on w
	rStmts sync.Map // SQL text → *sql.Stmt on r

	ruleCache

	secret string // users' auth token secret, kept in params
}

var _ backend = (*store)(nil)

func openStore(path string, readers int) (*store, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if _, err := w.Exec(schema); err != nil {
		w.Close()
		return nil, fmt.Errorf("schema: %w", err)
	}

	if readers <= 0 {
		readers = max(4, 2*runtime.GOMAXPROCS(0))
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxLifetime(0)

	s := &store{w: w, r: r}
	var rule string
	err = w.QueryRow(`SELECT list_rule FROM rules WHERE collection = 'posts'`).Scan(&rule)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		s.Close()
		return nil, err
	}
	if rule != "" {
		c, err := parseComparison(rule)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("stored rule: %w", err)
		}
		s.setCached(c)
	}
	if s.secret, err = loadSecret(w); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// stmt returns a prepared statement for query on db, preparing it once.
func stmt(ctx context.Context, db *sql.DB, cache *sync.Map, query string) (*sql.Stmt, error) {
	if v, ok := cache.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, loaded := cache.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

func (s *store) read(ctx context.Context, query string) (*sql.Stmt, error) {
	return stmt(ctx, s.r, &s.rStmts, query)
}

func (s *store) write(ctx context.Context, query string) (*sql.Stmt, error) {
	return stmt(ctx, s.w, &s.wStmts, query)
}

func (s *store) tokenSecret() string { return s.secret }

func (s *store) setRule(ctx context.Context, rule string) error {
	var c *comparison
	if rule != "" {
		var err error
		if c, err = parseComparison(rule); err != nil {
			return err
		}
	}
	_, err := s.w.ExecContext(ctx,
		`INSERT INTO rules (collection, list_rule) VALUES ('posts', ?)
		 ON CONFLICT (collection) DO UPDATE SET list_rule = excluded.list_rule`, rule)
	if err != nil {
		return err
	}
	s.setCached(c)
	return nil
}

type author struct {
	CollectionID   string `json:"collectionId"`
	CollectionName string `json:"collectionName"`
	ID             string `json:"id"`
	Name           string `json:"name"`
	Created        string `json:"created"`
	Updated        string `json:"updated"`
}

type post struct {
	CollectionID   string           `json:"collectionId"`
	CollectionName string           `json:"collectionName"`
	ID             string           `json:"id"`
	Title          string           `json:"title"`
	Views          float64          `json:"views"`
	Author         string           `json:"author"`
	Public         bool             `json:"public"`
	Created        string           `json:"created"`
	Updated        string           `json:"updated"`
	Expand         *postExpand      `json:"expand,omitempty"`
	authorID       sql.Null[string] // scanned value of author
}

type postExpand struct {
	Author *author `json:"author,omitempty"`
}

func newAuthor() author {
	return author{CollectionID: authorsID, CollectionName: "authors"}
}

func newPost() post {
	return post{CollectionID: postsID, CollectionName: "posts"}
}

const postCols = `id, title, views, author, public, created, updated`

func (p *post) scan(sc interface{ Scan(...any) error }) error {
	err := sc.Scan(&p.ID, &p.Title, &p.Views, &p.authorID, &p.Public, &p.Created, &p.Updated)
	p.Author = p.authorID.V
	return err
}

func (s *store) insertAuthor(ctx context.Context, a *author) error {
	st, err := s.write(ctx, `INSERT INTO authors (id, name, created, updated) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, a.ID, a.Name, a.Created, a.Updated)
	return err
}

func (s *store) insertPost(ctx context.Context, p *post) error {
	st, err := s.write(ctx, `INSERT INTO posts (`+postCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	var authorID any
	if p.Author != "" {
		authorID = p.Author
	}
	_, err = st.ExecContext(ctx, p.ID, p.Title, p.Views, authorID, p.Public, p.Created, p.Updated)
	return err
}

func (s *store) getAuthor(ctx context.Context, id string) (author, error) {
	a := newAuthor()
	st, err := s.read(ctx, `SELECT id, name, created, updated FROM authors WHERE id = ?`)
	if err != nil {
		return a, err
	}
	err = st.QueryRowContext(ctx, id).Scan(&a.ID, &a.Name, &a.Created, &a.Updated)
	return a, err
}

// getPost returns one post or sql.ErrNoRows.
func (s *store) getPost(ctx context.Context, id string) (post, error) {
	p := newPost()
	st, err := s.read(ctx, `SELECT `+postCols+` FROM posts WHERE id = ?`)
	if err != nil {
		return p, err
	}
	err = p.scan(st.QueryRowContext(ctx, id))
	return p, err
}

// listQuery is the subset of the list API the bench uses on posts.
type listQuery struct {
	page, perPage int
	filter        *comparison // nil = none
	sort          string      // SQL ORDER BY clause body, "" = none
	skipTotal     bool
	expandAuthor  bool
}

// listPosts returns one page and, unless skipTotal, the total of rows that
// match the filter and the list rule (-1 otherwise).
func (s *store) listPosts(ctx context.Context, q listQuery) ([]post, int, error) {
	cond, args := postsWhere(s.rule(), q.filter, func(int) string { return "?" })
	order := ""
	if q.sort != "" {
		order = " ORDER BY " + q.sort
	}

	st, err := s.read(ctx, `SELECT `+postCols+` FROM posts`+cond+order+` LIMIT ? OFFSET ?`)
	if err != nil {
		return nil, 0, err
	}
	rows, err := st.QueryContext(ctx, append(args, q.perPage, (q.page-1)*q.perPage)...)
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
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, 0, err
	}

	if q.expandAuthor {
		if err := s.expandAuthors(ctx, items); err != nil {
			return nil, 0, err
		}
	}

	total := -1
	if !q.skipTotal {
		st, err := s.read(ctx, `SELECT COUNT(*) FROM posts`+cond)
		if err != nil {
			return nil, 0, err
		}
		if err := st.QueryRowContext(ctx, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	return items, total, nil
}

// expandAuthors loads the authors of items with one IN query.
func (s *store) expandAuthors(ctx context.Context, items []post) error {
	seen := make(map[string]*author, len(items))
	var ids []any
	for _, p := range items {
		if p.Author != "" && seen[p.Author] == nil {
			seen[p.Author] = &author{}
			ids = append(ids, p.Author)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	st, err := s.read(ctx, `SELECT id, name, created, updated FROM authors WHERE id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`)`)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, ids...)
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
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for i := range items {
		if a := seen[items[i].Author]; a != nil && a.ID != "" {
			items[i].Expand = &postExpand{Author: a}
		}
	}
	return nil
}
