package filter

import (
	"time"

	galley "github.com/galleyhq/galley"
)

// Limits bound user-supplied expressions. Zero values mean the defaults.
type Limits struct {
	MaxLength   int // maximum source length in bytes (default 3500)
	MaxExprs    int // maximum number of comparisons (default 200)
	MaxDepth    int // maximum nesting of parentheses (default 20)
	MaxSortKeys int // maximum number of sort keys (default 8)
}

// Default limit values, used where a Limits field is zero.
const (
	DefaultMaxLength   = 3500
	DefaultMaxExprs    = 200
	DefaultMaxDepth    = 20
	DefaultMaxSortKeys = 8
)

func (l Limits) withDefaults() Limits {
	if l.MaxLength <= 0 {
		l.MaxLength = DefaultMaxLength
	}
	if l.MaxExprs <= 0 {
		l.MaxExprs = DefaultMaxExprs
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxSortKeys <= 0 {
		l.MaxSortKeys = DefaultMaxSortKeys
	}
	return l
}

// Expr is a node of a parsed filter: *Comparison, *Logical or *Group. A nil
// Expr (from parsing an empty or comment-only source) matches every row.
type Expr interface {
	// Pos returns the byte offset of the node in the source.
	Pos() int
	expr()
}

// RequestInfo is what @request.* resolves to.
type RequestInfo struct {
	// Auth is the authenticated record, nil for guests. @request.auth.* reads
	// its Data; relation traversal (@request.auth.team.name) compiles to a
	// subquery bound by the auth record's value.
	Auth *galley.Record
	// Method is the HTTP method ("GET", ...); Context is "default",
	// "realtime", "oauth2", ...
	Method  string
	Context string
	// Query holds the URL query; Headers the request headers with keys
	// lower-cased and '-' replaced by '_' (as PocketBase exposes them).
	Query   map[string]string
	Headers map[string]string
	// Body is the decoded request body (raw values, before modifiers).
	Body map[string]any
}

// Env tells the compiler about the schema and the request.
type Env struct {
	// Collection returns a collection by name or id, nil when missing.
	Collection func(nameOrID string) *galley.Collection
	// Collections returns all collections (used to resolve back-relations).
	Collections func() []*galley.Collection
	// Request is what @request.* resolves to; nil means an empty guest request.
	Request *RequestInfo
	// Trusted is true for rules and superuser filters: it allows
	// @collection.*, @request.* and hidden fields. When false, @collection and
	// @request are *galley.Error EForbidden and hidden fields are EInvalid
	// naming the field.
	Trusted bool
	// Dialect is the SQL dialect; nil means SQLite().
	Dialect Dialect
	// Now returns the current time for the date macros (@now, @todayStart,
	// ...); nil means time.Now. Macros are evaluated in UTC.
	Now func() time.Time
}

// Validate parses src and compiles it against c as a rule would be (env's
// Request is ignored and Trusted forced on), so that a collection's rules
// can be checked when the collection is saved: an unknown field, collection
// or modifier is an EInvalid *galley.Error naming it. An empty rule is valid.
func Validate(src string, c *galley.Collection, env Env, lim Limits) error {
	e, err := Parse(src, lim)
	if err != nil {
		return err
	}
	env.Trusted = true
	env.Request = nil
	_, _, err = Where(e, c, "r", &env)
	return err
}
