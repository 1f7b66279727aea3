package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	galley "github.com/galleyhq/galley"
)

// MaxViewQueryLength bounds a view query in bytes.
const MaxViewQueryLength = 20000

// viewDenied are words that never appear in a read-only SELECT; a bare word
// equal to one of them (case-insensitive) refuses the query. "REPLACE" is
// allowed as the replace() function. RECURSIVE is refused so a view cannot
// be an unbounded loop; INTO (SELECT INTO), COPY, MERGE, LOCK, NOTIFY and
// the like are PostgreSQL's ways to write, signal or lock; TABLESAMPLE
// calls a sampling method.
var viewDenied = words(`INSERT UPDATE DELETE REPLACE DROP CREATE ALTER ATTACH DETACH PRAGMA VACUUM REINDEX
	ANALYZE BEGIN COMMIT ROLLBACK SAVEPOINT RELEASE RECURSIVE LOAD_EXTENSION READFILE WRITEFILE FTS3_TOKENIZER
	EDIT INTO COPY MERGE TRUNCATE LOCK NOTIFY LISTEN UNLISTEN GRANT REVOKE CALL EXECUTE PREPARE DEALLOCATE
	TABLESAMPLE`)

// NormalizeViewQuery checks the text of a view query without a database:
// exactly one statement (a trailing ";" is dropped), starting with SELECT or
// WITH, no bind parameters (PostgreSQL's "::" casts are not parameters), no
// writing or schema keywords, and no identifier naming a system object
// (leading "_", "sqlite_" or "pragma_"). It returns
// the trimmed query or an error safe to show to users. CheckViewQuery does
// the authoritative checks against the database.
func NormalizeViewQuery(q string) (string, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", fmt.Errorf("the view query is required")
	}
	if len(q) > MaxViewQueryLength {
		return "", fmt.Errorf("the view query is longer than %d bytes", MaxViewQueryLength)
	}
	toks, err := lexSQL(q)
	if err != nil {
		return "", err
	}
	for len(toks) > 0 && toks[len(toks)-1].is(tokPunct, ";") {
		q = strings.TrimSpace(q[:toks[len(toks)-1].Pos])
		toks = toks[:len(toks)-1]
	}
	if len(toks) == 0 || !(toks[0].isKeyword("SELECT") || toks[0].isKeyword("WITH")) {
		return "", fmt.Errorf("the view query must be a single SELECT statement")
	}
	cast := false // the second half of a PostgreSQL "::" cast
	for i, t := range toks {
		switch {
		case cast:
			cast = false
		case t.is(tokPunct, ";"):
			return "", fmt.Errorf("the view query must be a single statement")
		case t.is(tokParam, ":") && i+1 < len(toks) && toks[i+1].Kind == tokParam && toks[i+1].Pos == t.End &&
			strings.HasPrefix(toks[i+1].Val, ":"):
			// "x::text" is a PostgreSQL cast, which SQLite's lexer reads as
			// two parameters (and SQLite refuses); the PostgreSQL check
			// holds the type to its allow-list.
			cast = true
		case t.Kind == tokParam:
			return "", fmt.Errorf("the view query cannot use parameters (%s)", t.Val)
		case t.Kind == tokIdent && viewDenied[strings.ToUpper(t.Val)]:
			if strings.EqualFold(t.Val, "REPLACE") && i+1 < len(toks) && toks[i+1].is(tokPunct, "(") {
				continue
			}
			return "", fmt.Errorf("the view query must only read data (%s is not allowed)", strings.ToUpper(t.Val))
		case t.isIdent() && isSystemIdent(t.Val):
			return "", fmt.Errorf("the view query cannot read system objects (%s)", t.Val)
		}
	}
	return q, nil
}

func isSystemIdent(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "_") || strings.HasPrefix(l, "sqlite_") || strings.HasPrefix(l, "pragma_")
}

// writeOpcodes are VDBE opcodes that only a writing statement compiles to.
var writeOpcodes = map[string]bool{"OpenWrite": true, "Insert": true, "Delete": true, "IdxInsert": true,
	"IdxDelete": true, "Clear": true, "Destroy": true, "CreateBtree": true, "DropTable": true, "DropIndex": true,
	"ParseSchema": true, "VUpdate": true, "Vacuum": true, "SetCookie": true, "VBegin": true}

// sqliteCheckViewQuery compiles q (already normalized) with EXPLAIN inside tx, so
// collections created earlier in the same transaction are visible, and
// refuses it when the program writes, opens a write transaction, reads a
// database other than main, or reads a table whose name starts with "_" or
// "sqlite_". This is exact where the token scan is only a first filter:
// aliases, views and subqueries are resolved by SQLite itself. Before that,
// checkViewTokens holds the query to SQLite's function allow-list.
func sqliteCheckViewQuery(ctx context.Context, tx *Tx, q string) error {
	if err := checkViewTokens(q, lexSQLite, false); err != nil {
		return err
	}
	roots := map[int64]string{1: "sqlite_master"}
	rows, err := tx.QueryContext(ctx, `SELECT "rootpage", "tbl_name" FROM "sqlite_master" WHERE "rootpage" > 0`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var page int64
		var name string
		if err := rows.Scan(&page, &name); err != nil {
			rows.Close()
			return err
		}
		roots[page] = name
	}
	rows.Close()
	prog, err := tx.QueryContext(ctx, "EXPLAIN "+q)
	if err != nil {
		return galley.FieldInvalid("viewQuery", "validation_invalid_view_query", "Invalid view query: "+tx.db.d.message(err))
	}
	type op struct {
		opcode     string
		p1, p2, p3 int64
	}
	var ops []op
	// Sorters, GROUP BY, DISTINCT, IN lists and window partitions write to
	// ephemeral tables of the statement's own: writes through those cursors
	// are reads of the view.
	ephemeral := map[int64]bool{}
	for prog.Next() {
		var addr, p1, p2, p3, p5 int64
		var opcode string
		var p4, comment sql.NullString
		if err := prog.Scan(&addr, &opcode, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
			prog.Close()
			return err
		}
		ops = append(ops, op{opcode, p1, p2, p3})
		switch opcode {
		case "OpenEphemeral", "OpenAutoindex", "SorterOpen", "OpenPseudo", "OpenDup":
			ephemeral[p1] = true
		}
	}
	prog.Close()
	if err := prog.Err(); err != nil {
		return err
	}
	for _, o := range ops {
		opcode, p2, p3 := o.opcode, o.p2, o.p3
		bad := ""
		switch {
		case ephemeralWrite[opcode] && ephemeral[o.p1]:
		case writeOpcodes[opcode] || (opcode == "Transaction" && p2 != 0):
			bad = "the view query must only read data"
		case opcode == "OpenRead" && p3 != 0:
			bad = "the view query can only read the main database"
		case opcode == "OpenRead" && isSystemIdent(roots[p2]):
			bad = "the view query cannot read system tables"
		}
		if bad != "" {
			return galley.FieldInvalid("viewQuery", "validation_invalid_view_query", bad+".")
		}
	}
	return nil
}

// ephemeralWrite are the write opcodes a read-only statement uses on its
// own ephemeral tables (cursor in P1).
var ephemeralWrite = map[string]bool{"Insert": true, "IdxInsert": true, "Delete": true, "IdxDelete": true}

var viewColumnRe = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)

// viewColumn is one result column of a view as SQLite reports it.
type viewColumn struct{ name, declType string }

func sqliteViewColumns(ctx context.Context, q Querier, view string) ([]viewColumn, error) {
	return scanViewColumns(q.QueryContext(ctx, `SELECT "name", "type" FROM pragma_table_info(?)`, view))
}

// scanViewColumns reads (name, declared type) rows.
func scanViewColumns(rows *sql.Rows, err error) ([]viewColumn, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []viewColumn
	for rows.Next() {
		var c viewColumn
		if err := rows.Scan(&c.name, &c.declType); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InferViewFields derives the fields of view collection v from its SQL view
// (which must exist in tx). A result column that selects a field of a source
// collection (found with lookup by table name) gets that field's type and
// options; any other column gets number, bool, text or json by its declared
// type. The "id" column is required. Field ids of prev (the previous
// definition, may be nil) are kept by name; new fields get fresh ids.
func InferViewFields(ctx context.Context, tx *Tx, v *galley.Collection, prev []*galley.Field, lookup func(string) *galley.Collection) ([]*galley.Field, error) {
	cols, err := tx.db.d.viewColumns(ctx, tx, v.Name)
	if err != nil {
		return nil, galley.FieldInvalid("viewQuery", "validation_invalid_view_query",
			fmt.Sprintf("The view collection %q does not work with this change: %s.", v.Name, tx.db.d.message(err)))
	}
	fail := func(msg string) error {
		return galley.FieldInvalid("viewQuery", "validation_invalid_view_query", msg)
	}
	sources := viewSources(v.ViewQuery, lookup)
	seen := map[string]bool{}
	var out []*galley.Field
	for i, col := range cols {
		lname := strings.ToLower(col.name)
		if !viewColumnRe.MatchString(col.name) || len(col.name) > 64 {
			return nil, fail(fmt.Sprintf("Result column %q needs an alias of letters, digits and underscores (e.g. \"... AS total\").", col.name))
		}
		if seen[lname] {
			return nil, fail(fmt.Sprintf("Duplicate result column %q.", col.name))
		}
		seen[lname] = true
		var f *galley.Field
		if lname == "id" {
			f = &galley.Field{Name: "id", Type: galley.FieldText, System: true, Required: true, PrimaryKey: true, Pattern: "^[a-z0-9]+$"}
		} else if src := sources.field(i, len(cols), col.name); src != nil {
			cp := *src
			f = &cp
			f.Name, f.System, f.PrimaryKey, f.AutogeneratePattern = col.name, false, false, ""
		} else {
			f = &galley.Field{Name: col.name, Type: declFieldType(col.declType)}
		}
		f.ID = ""
		for _, p := range prev {
			if strings.EqualFold(p.Name, f.Name) && p.Type == f.Type {
				f.ID, f.Hidden, f.Presentable = p.ID, p.Hidden, p.Presentable
			}
		}
		if f.ID == "" {
			f.ID = NewFieldID(f.Type)
		}
		out = append(out, f)
	}
	if !seen["id"] {
		return nil, fail(`The view query must return an "id" column.`)
	}
	return out, nil
}

// declFieldType maps a declared SQLite column type to a field type.
func declFieldType(decl string) string {
	d := strings.ToUpper(decl)
	switch {
	case strings.Contains(d, "BOOL"):
		return galley.FieldBool
	case strings.Contains(d, "INT"), strings.Contains(d, "REAL"), strings.Contains(d, "NUM"),
		strings.Contains(d, "FLOA"), strings.Contains(d, "DOUB"), strings.Contains(d, "DEC"):
		return galley.FieldNumber
	case strings.Contains(d, "JSON"), d == "":
		return galley.FieldJSON
	}
	return galley.FieldText
}

// NewFieldID returns a fresh field id: the type followed by random digits.
func NewFieldID(typ string) string { return typ + galley.RandomString(10, "0123456789") }

// ViewReferences reports whether view query q names the table or view name
// as an identifier (case-insensitive; strings and comments do not count).
func ViewReferences(q, name string) bool {
	toks, err := lexSQL(q)
	if err != nil {
		return false
	}
	for _, t := range toks {
		if t.isIdent() && strings.EqualFold(t.Val, name) {
			return true
		}
	}
	return false
}
