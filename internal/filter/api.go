package filter

import (
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
)

// Limits bound user-supplied expressions. Zero values mean the defaults.
//
// Parse and Sort read MaxLength, MaxExprs, MaxDepth and MaxSortKeys from
// their lim argument. Where and Sort read MaxHops and MaxJoins from
// Env.Limits, whose defaults depend on Env.Trusted: user filters are held
// tighter than rules and superuser filters.
type Limits struct {
	MaxLength   int // maximum source length in bytes (default 3500)
	MaxExprs    int // maximum number of comparisons (default 200)
	MaxDepth    int // maximum nesting of parentheses (default 20)
	MaxSortKeys int // maximum number of sort keys (default 8)
	// MaxHops bounds the relations one path follows: each relation field
	// or back-relation (x_via_y) crossed to another collection is one hop
	// (default 3 untrusted, 6 trusted). author.team.name is 2 hops.
	MaxHops int
	// MaxJoins bounds the joined relations of a whole filter or sort: the
	// hops of all its paths plus one per @collection reference (default 10
	// untrusted, 30 trusted).
	MaxJoins int
}

// Default limit values, used where a Limits field is zero.
const (
	DefaultMaxLength   = 3500
	DefaultMaxExprs    = 200
	DefaultMaxDepth    = 20
	DefaultMaxSortKeys = 8
	// Untrusted filters and sorts (non-superuser requests).
	DefaultMaxHops  = 3
	DefaultMaxJoins = 10
	// Trusted expressions: rules (written by superusers) and superuser
	// filters.
	DefaultRuleMaxHops  = 6
	DefaultRuleMaxJoins = 30
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

// pathLimits returns MaxHops and MaxJoins with their defaults for a trusted
// or an untrusted expression.
func (l Limits) pathLimits(trusted bool) (hops, joins int) {
	hops, joins = l.MaxHops, l.MaxJoins
	if hops <= 0 {
		hops = DefaultMaxHops
		if trusted {
			hops = DefaultRuleMaxHops
		}
	}
	if joins <= 0 {
		joins = DefaultMaxJoins
		if trusted {
			joins = DefaultRuleMaxJoins
		}
	}
	return hops, joins
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
	// Body is the request body as core resolved it: for every field the
	// body sets, the value that will be stored (modifiers applied,
	// coerced; null is the field's zero value); other plain keys as sent.
	// A field the body does not carry is absent, which rules read as NULL.
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
	// Limits bounds the relation paths of Where and Sort (MaxHops,
	// MaxJoins; zero fields mean the defaults for Trusted). Going over
	// them is an EInvalid *galley.Error naming the limit.
	Limits Limits
}

// Validate parses src and compiles it against c as a rule would be (env's
// Request is ignored and Trusted forced on), so that a collection's rules
// can be checked when the collection is saved: an unknown field, collection
// or modifier, or a path over lim.MaxHops or lim.MaxJoins, is an EInvalid
// *galley.Error naming it. An empty rule is valid. Paths under
// @request.auth are checked for a record of every auth collection of
// env.Collections, since any of them may be the requester.
func Validate(src string, c *galley.Collection, env Env, lim Limits) error {
	e, err := Parse(src, lim)
	if err != nil {
		return err
	}
	env.Trusted = true
	env.Request = nil
	env.Limits = lim
	if _, _, err = Where(e, c, "r", &env); err != nil || env.Collections == nil || !usesAuth(e) {
		return err
	}
	for _, ac := range env.Collections() {
		if !ac.IsAuth() {
			continue
		}
		env.Request = &RequestInfo{Auth: &galley.Record{Collection: ac, Data: map[string]any{}}}
		if _, _, err = Where(e, c, "r", &env); err != nil {
			return err
		}
	}
	return nil
}

// usesAuth reports whether e refers to @request.auth.
func usesAuth(e Expr) bool {
	for _, id := range Identifiers(e) {
		if strings.HasPrefix(id.Name, "@request.auth.") {
			return true
		}
	}
	return false
}
