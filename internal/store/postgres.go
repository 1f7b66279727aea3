package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib"
)

// MinPostgres is the oldest supported server (server_version_num): the
// filter dialect needs SQL/JSON path functions and the store identity columns.
const MinPostgres = 130000

// pgRowID is the hidden identity column of every PostgreSQL collection
// table: it gives lists the insertion order SQLite's rowid gives.
const pgRowID = "_rowid"

// DefaultMaxConns is the default PostgreSQL pool size per node.
const DefaultMaxConns = 20

// DefaultStatementTimeout is the default statement timeout (see
// Options.StatementTimeout).
const DefaultStatementTimeout = 30 * time.Second

// openPostgres opens the PostgreSQL database named by opts.DSN. The schema
// is the connection's current_schema() (set search_path in the DSN to use
// another one); every name Galley creates lives there.
func openPostgres(ctx context.Context, opts Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(opts.DSN)
	if err != nil {
		return nil, fmt.Errorf("invalid PostgreSQL DSN: %s", PGMessage(err))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	timeout := opts.StatementTimeout
	if timeout == 0 {
		timeout = DefaultStatementTimeout
	}
	if timeout > 0 {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "galley"
	}
	n := opts.MaxConns
	if n <= 0 {
		n = DefaultMaxConns
	}
	n = max(n, 3) // the writer, the leader lock and at least one reader
	// A read whose request ends (the client went away) is cancelled on the
	// server too: pgx's default only closes the socket, and the server
	// would run the statement on until statement_timeout. The writer never
	// cancels its statements (see Tx.ExecContext).
	pcfg := cfg.Copy()
	pcfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: 1 * time.Second}
	}
	conns := stdlib.OpenDB(*pcfg)
	conns.SetMaxOpenConns(n)
	conns.SetMaxIdleConns(n)
	conns.SetConnMaxIdleTime(5 * time.Minute)
	where := fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	pctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout+time.Second)
	defer cancel()
	var version int
	var schema sql.NullString
	err = conns.QueryRowContext(pctx, `SELECT current_setting('server_version_num')::int, current_schema()`).Scan(&version, &schema)
	if err != nil {
		conns.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %s", where, PGMessage(err))
	}
	if version < MinPostgres {
		conns.Close()
		return nil, fmt.Errorf("PostgreSQL at %s is version %d.%d; Galley needs %d or newer", where, version/10000, version%10000, MinPostgres/10000)
	}
	if !schema.Valid {
		conns.Close()
		return nil, fmt.Errorf("PostgreSQL at %s: the search_path names no existing schema", where)
	}
	db := &DB{d: postgresDialect{}, write: conns, read: conns, log: opts.Logger, totals: newTotalsCache(), Schema: newSchema(), readConns: n, version: opts.Version}
	// pgx prepares and caches statements per connection itself: no
	// statement cache in the read conns.
	db.reader = &pool{db: conns, d: db.d, timeout: max(timeout, 0)}
	db.pgState = newPGState(cfg, schema.String, opts.Logger)
	db.totals.cluster = true
	db.wconn, err = conns.Conn(pctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %s", where, PGMessage(err))
	}
	db.OnNotify(func(topic string) {
		if topic == TopicSchema || topic == TopicAll {
			if err := db.ReloadSchema(context.Background()); err != nil {
				db.log.Error("reload schema after notification", "err", err)
			}
		}
		if topic == TopicAll || topic == TopicData {
			db.totals.invalidate()
		}
		if payload, ok := strings.CutPrefix(topic, topicTotals); ok {
			db.receiveTotals(payload)
		}
	})
	// Listen before the schema is loaded, so no change committed after that
	// can be missed.
	db.pgState.startListener(cfg.ConnectTimeout)
	if err := db.migrateAndLoad(ctx); err != nil {
		return nil, err
	}
	nctx, stop := context.WithCancel(db.pgState.ctx)
	db.pgState.stopNotifier, db.pgState.notifierDone = stop, make(chan struct{})
	go db.dataNotifier(nctx)
	db.startWriter(writerLanes(n) - 1)
	return db, nil
}

// writerLanes is how many writer connections a pool of n gets: a quarter
// of it, between 1 and 4 (the rest serves reads and the leader lock).
func writerLanes(n int) int { return min(4, max(1, n/4)) }

// pgMessage is err's message without the driver's decoration.
func PGMessage(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}

// postgresDialect is PostgreSQL through pgx v5 (database/sql adapter,
// extended protocol with per-connection statement caches).
type postgresDialect struct{}

func (postgresDialect) name() string           { return "postgres" }
func (postgresDialect) filter() filter.Dialect { return filter.Postgres() }
func (postgresDialect) beginSQL() string       { return "BEGIN" }
func (postgresDialect) rebind(q string) string { return filter.Rebind(q) }

// hiddenColumns: the insertion order, unique so that it is indexed (lists
// without a sort page through it).
func (postgresDialect) hiddenColumns() []string {
	return []string{Quote(pgRowID) + " BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE"}
}

// columnDef follows the package doc with PostgreSQL types: DOUBLE
// PRECISION for numbers and JSONB for json, multi-valued and geoPoint
// fields. Text is in the "C" collation: bytewise like SQLite, and what the
// filter compiler sorts by, so indexes serve sorts.
func (postgresDialect) columnDef(f *galley.Field) string {
	if f.Name == "id" {
		return `TEXT COLLATE "C" PRIMARY KEY NOT NULL`
	}
	switch {
	case f.IsMulti():
		return "JSONB NOT NULL DEFAULT '[]'"
	case f.Type == galley.FieldNumber:
		return "DOUBLE PRECISION NOT NULL DEFAULT 0"
	case f.Type == galley.FieldBool:
		return "BOOLEAN NOT NULL DEFAULT FALSE"
	case f.Type == galley.FieldJSON:
		return "JSONB DEFAULT NULL"
	case f.Type == galley.FieldGeoPoint:
		return `JSONB NOT NULL DEFAULT '{"lon":0,"lat":0}'`
	}
	return `TEXT COLLATE "C" NOT NULL DEFAULT ''`
}

// convertExpr mirrors sqliteConvertExpr with the same results.
func (postgresDialect) convertExpr(col string, from, to storageKind) string {
	c := Quote(col)
	if from == to {
		return c
	}
	num := `'^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$'`
	switch to {
	case kindText:
		switch from {
		case kindNumber:
			return fmt.Sprintf("(CASE WHEN %[1]s = trunc(%[1]s) AND abs(%[1]s) < 1e15 THEN trunc(%[1]s)::bigint::text ELSE %[1]s::text END)", c)
		case kindBool:
			return fmt.Sprintf("(CASE WHEN %s THEN 'true' ELSE 'false' END)", c)
		case kindMulti:
			return fmt.Sprintf("COALESCE(%s->>0, '')", c)
		case kindJSON:
			return fmt.Sprintf("(CASE WHEN jsonb_typeof(%[1]s) = 'string' THEN %[1]s#>>'{}' ELSE COALESCE(%[1]s::text, '') END)", c)
		}
		return fmt.Sprintf("COALESCE(%s::text, '')", c)
	case kindNumber:
		switch from {
		case kindText:
			return fmt.Sprintf("(CASE WHEN %[1]s ~ %[2]s THEN %[1]s::double precision ELSE 0 END)", c, num)
		case kindBool:
			return fmt.Sprintf("(CASE WHEN %s THEN 1 ELSE 0 END)", c)
		case kindJSON, kindMulti:
			return fmt.Sprintf("(CASE WHEN jsonb_typeof(%[1]s) = 'number' THEN (%[1]s#>>'{}')::double precision WHEN %[1]s = 'true'::jsonb THEN 1 WHEN jsonb_typeof(%[1]s) = 'string' AND %[1]s#>>'{}' ~ %[2]s THEN (%[1]s#>>'{}')::double precision ELSE 0 END)", c, num)
		}
		return "0"
	case kindBool:
		switch from {
		case kindNumber:
			return fmt.Sprintf("(COALESCE(%s, 0) != 0)", c)
		case kindText:
			return fmt.Sprintf("(lower(trim(%s)) IN ('true', '1', 'yes', 'on'))", c)
		case kindJSON:
			return fmt.Sprintf("(COALESCE(%s::text, '') IN ('true', '1'))", c)
		}
		return "FALSE"
	case kindJSON:
		switch from {
		case kindText:
			return fmt.Sprintf("(CASE WHEN %[1]s = '' THEN NULL ELSE to_jsonb(%[1]s) END)", c)
		case kindNumber:
			return fmt.Sprintf("to_jsonb(%s)", c)
		case kindBool:
			return fmt.Sprintf("to_jsonb(%s)", c)
		}
		return c
	case kindMulti:
		switch from {
		case kindText:
			return fmt.Sprintf("(CASE WHEN %[1]s = '' THEN '[]'::jsonb ELSE jsonb_build_array(%[1]s) END)", c)
		case kindJSON:
			return fmt.Sprintf("(CASE WHEN jsonb_typeof(%[1]s) = 'array' THEN %[1]s WHEN %[1]s IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(%[1]s) END)", c)
		case kindNumber:
			return fmt.Sprintf("jsonb_build_array(%s)", c)
		}
		return "'[]'::jsonb"
	case kindGeo:
		if from == kindJSON {
			return fmt.Sprintf(`(CASE WHEN jsonb_typeof(%[1]s) = 'object' THEN jsonb_build_object('lon', COALESCE(%[1]s->'lon', '0'::jsonb), 'lat', COALESCE(%[1]s->'lat', '0'::jsonb)) ELSE '{"lon":0,"lat":0}'::jsonb END)`, c)
		}
		return `'{"lon":0,"lat":0}'::jsonb`
	}
	return c
}

// indexSQL renders ix for PostgreSQL: NOCASE becomes an index on lower(col)
// (what EqualFold queries use), BINARY the "C" collation, RTRIM rtrim(col).
func (postgresDialect) indexSQL(ix *Index) string {
	return ix.render(Quote, func(col IndexColumn) string {
		switch col.Collate {
		case "NOCASE":
			return "lower(" + Quote(col.Name) + ")"
		case "RTRIM":
			return "rtrim(" + Quote(col.Name) + ")"
		case "BINARY":
			return Quote(col.Name) + ` COLLATE "C"`
		}
		return Quote(col.Name)
	}, func(op string) string {
		if op == "==" {
			return "="
		}
		return op
	})
}

// existingIndexes reads the statements createIndex recorded as index
// comments; an index without one (made outside Galley) reads as its
// definition and is therefore recreated.
func (postgresDialect) existingIndexes(ctx context.Context, q Querier, table string) (map[string]string, error) {
	return queryPairs(ctx, q, `SELECT i.relname, COALESCE(obj_description(i.oid, 'pg_class'), pg_get_indexdef(i.oid))
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND lower(t.relname) = lower(?) AND NOT x.indisprimary
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)`, table)
}

func (postgresDialect) createIndex(ctx context.Context, tx *Tx, name, stmt string) error {
	if err := tx.try(ctx, stmt); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "COMMENT ON INDEX "+Quote(name)+" IS "+quoteString(stmt))
	return err
}

func (postgresDialect) viewQueries(ctx context.Context, tx *Tx) (map[string]string, error) {
	out, err := queryPairs(ctx, tx, `SELECT c.relname, pg_get_viewdef(c.oid, true) FROM pg_class c
		WHERE c.relkind = 'v' AND c.relnamespace = current_schema()::regnamespace`)
	for name, q := range out {
		out[name] = strings.TrimSuffix(strings.TrimSpace(q), ";")
	}
	return out, err
}

func (postgresDialect) dropViewSQL(name string) string {
	return "DROP VIEW IF EXISTS " + Quote(name) + " CASCADE"
}

// checkViewQuery: see pgCheckViewQuery (view_postgres.go).
func (d postgresDialect) checkViewQuery(ctx context.Context, tx *Tx, q string) error {
	return pgCheckViewQuery(ctx, tx, q)
}

func (postgresDialect) viewColumns(ctx context.Context, q Querier, view string) ([]viewColumn, error) {
	return scanViewColumns(q.QueryContext(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, view))
}

var (
	ddlJSONRe   = regexp.MustCompile(`\bJSON\b`)
	ddlNocaseRe = regexp.MustCompile(`("(?:[^"]|"")+") COLLATE NOCASE`)
)

// translateDDL adapts the system migrations' SQLite DDL: JSON columns
// become JSONB and NOCASE index columns lower(column).
func (postgresDialect) translateDDL(s string) string {
	s = ddlNocaseRe.ReplaceAllString(s, "lower($1)")
	if strings.HasPrefix(strings.TrimSpace(s), "CREATE TABLE") {
		s = ddlJSONRe.ReplaceAllString(s, "JSONB")
	}
	return s
}

func (postgresDialect) message(err error) string { return PGMessage(err) }

// uniqueDetailRe reads the column from a unique violation's detail:
// `Key (email)=(…)` or `Key (lower(email))=(…)`.
var uniqueDetailRe = regexp.MustCompile(`^Key \((?:lower\(|rtrim\()?"?([^"(),:]+)"?`)

func (postgresDialect) mapError(err error) *galley.Error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505": // unique_violation
			col := ""
			if m := uniqueDetailRe.FindStringSubmatch(pe.Detail); m != nil {
				col = m[1]
			}
			return notUnique(err, col)
		case pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "55P03": // serialization, deadlock, lock not available
			return &galley.Error{Code: galley.EUnavailable, Message: "The database is busy, please retry.", Err: err}
		case pe.Code == "57014": // query_canceled (statement timeout)
			return &galley.Error{Code: galley.EUnavailable, Message: "The database took too long to answer, please retry.", Err: err}
		case strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") || pe.Code == "53300": // connection, shutdown, too many connections
			return &galley.Error{Code: galley.EUnavailable, Message: "The database is unavailable, please retry.", Err: err}
		}
		return nil
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ne) || errors.As(err, &ce) || pgconn.SafeToRetry(err) || errors.Is(err, sql.ErrConnDone) || pgconn.Timeout(err) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "bad connection") {
		return &galley.Error{Code: galley.EUnavailable, Message: "The database is unavailable, please retry.", Err: err}
	}
	return nil
}

func (postgresDialect) countSetupSQL(table string) []string {
	return []string{"SET LOCAL statement_timeout = 0", "LOCK TABLE " + Quote(table) + " IN SHARE MODE"}
}

func (postgresDialect) retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 0A000 is "cached plan must not change result type" after a
		// column's type changed; pgx drops the cached statement.
		return pe.Code == "40001" || pe.Code == "40P01" || (pe.Code == "0A000" && strings.Contains(pe.Message, "cached plan"))
	}
	return false
}

func (postgresDialect) equalFold(col string) string { return "lower(" + col + ") = lower(?::text)" }

func (postgresDialect) rowOrder(c *galley.Collection, alias string) string {
	if c != nil && c.IsView() {
		return Quote(alias) + `."id"`
	}
	return Quote(alias) + "." + Quote(pgRowID)
}

func (postgresDialect) jsonArrayHas(col string, n int) string {
	m := strings.TrimSuffix(strings.Repeat("?::text,", n), ",")
	return "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(" + col + ") = 'array' THEN " + col +
		" END) AS _je(value) WHERE _je.value IN (" + m + "))"
}

// queryRowTry scans one row of query into dest inside a savepoint, so that
// a failing query leaves the transaction usable (PostgreSQL).
func (tx *Tx) queryRowTry(ctx context.Context, query string, dest ...any) error {
	if !tx.db.IsPostgres() {
		return tx.QueryRowContext(ctx, query).Scan(dest...)
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT galley_try"); err != nil {
		return err
	}
	err := tx.QueryRowContext(ctx, query).Scan(dest...)
	if err != nil {
		_, _ = tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT galley_try")
	}
	_, _ = tx.ExecContext(ctx, "RELEASE SAVEPOINT galley_try")
	return err
}
