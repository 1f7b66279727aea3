package reqlog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
)

// Log is one stored entry in PocketBase's log shape.
type Log struct {
	ID      string          `json:"id"`
	Created string          `json:"created"`
	Data    json.RawMessage `json:"data"`
	Message string          `json:"message"`
	Level   int             `json:"level"`
}

// Query is a list query over the logs. Filter and Sort use the filter
// language over the fields of Collection (id, created, level, message, data
// with any data.* path); "rowid" sorts by insertion order.
type Query struct {
	Page, PerPage int
	Sort, Filter  string
	SkipTotal     bool
}

// MaxPerPage is the largest page size; larger values are clamped.
const MaxPerPage = 1000

// Result is one page of logs, in the PocketBase list shape. TotalItems and
// TotalPages are -1 when the query skipped totals.
type Result struct {
	Page       int   `json:"page"`
	PerPage    int   `json:"perPage"`
	TotalItems int   `json:"totalItems"`
	TotalPages int   `json:"totalPages"`
	Items      []Log `json:"items"`
}

// Stat is the number of entries created in one hour; Date is the start of
// the hour in galley.DateLayout.
type Stat struct {
	Total int    `json:"total"`
	Date  string `json:"date"`
}

// tableAlias is the alias the compiled filters use for the _logs table.
const tableAlias = "_logs"

var logsCollection = &galley.Collection{
	ID: "_logs", Name: "_logs", Type: galley.CollectionBase, System: true,
	Fields: []*galley.Field{
		{ID: "id", Name: "id", Type: galley.FieldText, System: true, PrimaryKey: true},
		{ID: "created", Name: "created", Type: galley.FieldDate, System: true},
		{ID: "level", Name: "level", Type: galley.FieldNumber, System: true, OnlyInt: true},
		{ID: "message", Name: "message", Type: galley.FieldText, System: true},
		{ID: "data", Name: "data", Type: galley.FieldJSON, System: true},
	},
}

// Collection returns the synthetic collection that describes the _logs table
// to the filter compiler. The result is a fresh copy the caller may keep.
func Collection() *galley.Collection { return logsCollection.Clone() }

// env is the filter environment of log queries: trusted (only superusers
// reach /api/logs) and aware of one collection only.
func env(c *galley.Collection, d filter.Dialect) *filter.Env {
	return &filter.Env{
		Collection: func(nameOrID string) *galley.Collection {
			if nameOrID == c.Name || nameOrID == c.ID {
				return c
			}
			return nil
		},
		Collections: func() []*galley.Collection { return []*galley.Collection{c} },
		Trusted:     true,
		Dialect:     d,
	}
}

// where compiles src into a WHERE condition and its args. An empty src
// matches every row. Errors are *galley.Error EInvalid naming the problem.
func where(src string, d filter.Dialect) (string, []any, error) {
	c := Collection()
	e, err := filter.Parse(src, filter.Limits{})
	if err != nil {
		return "", nil, err
	}
	if e == nil {
		return "1=1", nil, nil
	}
	return filter.Where(e, c, tableAlias, env(c, d))
}

// orderBy compiles sort into ORDER BY terms; "rowid" is accepted as an alias
// of "@rowid". The default is PocketBase's: oldest first (the dashboard
// asks for -created).
func orderBy(sort string, d filter.Dialect) (string, []any, error) {
	if strings.TrimSpace(sort) == "" {
		// The id sorts by time too: the tie-breaker where there is no rowid.
		return `"created" ASC, ` + d.RowID(`"_logs"`) + ` ASC`, nil, nil
	}
	keys := strings.Split(sort, ",")
	for i, k := range keys {
		k = strings.TrimSpace(k)
		switch strings.TrimLeft(k, "+-") {
		case "rowid":
			keys[i] = strings.TrimSuffix(k, "rowid") + "@rowid"
		default:
			keys[i] = k
		}
	}
	c := Collection()
	return filter.Sort(strings.Join(keys, ","), c, tableAlias, env(c, d), filter.Limits{})
}

// List returns one page of logs matching q. Page < 1 becomes 1, PerPage < 1
// becomes 30 and PerPage > MaxPerPage becomes MaxPerPage. A bad filter or
// sort is *galley.Error EInvalid; database failures are EInternal.
func (s *Store) List(ctx context.Context, q Query) (*Result, error) {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 {
		q.PerPage = 30
	}
	if q.PerPage > MaxPerPage {
		q.PerPage = MaxPerPage
	}
	cond, args, err := where(q.Filter, s.dialect())
	if err != nil {
		return nil, err
	}
	order, orderArgs, err := orderBy(q.Sort, s.dialect())
	if err != nil {
		return nil, err
	}
	res := &Result{Page: q.Page, PerPage: q.PerPage, TotalItems: -1, TotalPages: -1, Items: []Log{}}
	if !q.SkipTotal {
		err := s.reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM "_logs" AS "_logs" WHERE `+cond, args...).Scan(&res.TotalItems)
		if err != nil {
			return nil, galley.Internal(err)
		}
		res.TotalPages = (res.TotalItems + q.PerPage - 1) / q.PerPage
	}
	query := `SELECT "id", "created", "level", "message", "data" FROM "_logs" AS "_logs" WHERE ` + cond +
		` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	all := append(append(append([]any{}, args...), orderArgs...), q.PerPage, (q.Page-1)*q.PerPage)
	rows, err := s.reader().QueryContext(ctx, query, all...)
	if err != nil {
		return nil, galley.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLog(rows)
		if err != nil {
			return nil, galley.Internal(err)
		}
		res.Items = append(res.Items, l)
	}
	if err := rows.Err(); err != nil {
		return nil, galley.Internal(err)
	}
	return res, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanLog(sc scanner) (Log, error) {
	var l Log
	var data string
	if err := sc.Scan(&l.ID, &l.Created, &l.Level, &l.Message, &data); err != nil {
		return l, err
	}
	if !json.Valid([]byte(data)) {
		data = "{}"
	}
	l.Data = json.RawMessage(data)
	return l, nil
}

// View returns the log with id; a missing id is *galley.Error ENotFound.
func (s *Store) View(ctx context.Context, id string) (*Log, error) {
	row := s.reader().QueryRowContext(ctx, `SELECT "id", "created", "level", "message", "data" FROM "_logs" WHERE "id" = ?`, id)
	l, err := scanLog(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &galley.Error{Code: galley.ENotFound, Message: "The requested resource wasn't found.", Err: err}
	}
	if err != nil {
		return nil, galley.Internal(err)
	}
	return &l, nil
}

// Stats returns the number of logs matching filterSrc per hour, oldest hour
// first; hours without entries are absent. A bad filter is EInvalid.
func (s *Store) Stats(ctx context.Context, filterSrc string) ([]Stat, error) {
	cond, args, err := where(filterSrc, s.dialect())
	if err != nil {
		return nil, err
	}
	// created is "2006-01-02 15:04:05.000Z": its first 13 bytes are the hour.
	rows, err := s.reader().QueryContext(ctx, `SELECT substr("created", 1, 13) || ':00:00.000Z' AS "hour", COUNT(*)
		FROM "_logs" AS "_logs" WHERE `+cond+` GROUP BY "hour" ORDER BY "hour"`, args...)
	if err != nil {
		return nil, galley.Internal(err)
	}
	defer rows.Close()
	stats := []Stat{}
	for rows.Next() {
		var st Stat
		if err := rows.Scan(&st.Date, &st.Total); err != nil {
			return nil, galley.Internal(err)
		}
		stats = append(stats, st)
	}
	if err := rows.Err(); err != nil {
		return nil, galley.Internal(err)
	}
	return stats, nil
}
