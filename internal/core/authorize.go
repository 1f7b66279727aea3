package core

import (
	"context"
	"errors"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/store"
)

// The rule evaluator. A Check is one authorization question, built once
// and asked about many records: may actor A act on a record of collection
// C under the rule of one action, and does the record also match an extra
// filter (a realtime subscription's filter, say)? The policy is the one
// the REST API applies:
//
//   - a superuser passes every rule;
//   - a null rule refuses everyone else (CheckDeny);
//   - an empty rule with no extra filter passes at once (CheckAll);
//   - otherwise the expressions are evaluated (CheckEval): in memory
//     (filter.Eval, with the SQL's semantics) when they read only the
//     record's own fields, @request values and constants, and as one
//     "SELECT ... WHERE id = ? AND rule AND filter LIMIT 1" through a
//     given store.Querier when they need the database (relations,
//     back-relations, @collection), bounded in time.
//
// REST, realtime, and the batch and hooks to come use it, so there is no
// second copy of the policy.

// CheckKind is how a Check is answered.
type CheckKind uint8

// Check kinds.
const (
	// CheckDeny: no record passes (a null rule for a non-superuser, or a
	// rule that does not parse).
	CheckDeny CheckKind = iota
	// CheckAll: every record passes (a superuser, or an empty rule, with
	// no extra filter).
	CheckAll
	// CheckEval: the rule and filter are evaluated per record.
	CheckEval
)

// DefaultCheckTimeout bounds one SQL rule check (see Check.Query) where the
// caller has no bound of its own.
const DefaultCheckTimeout = time.Second

// ErrNeedsSQL is returned by Check.Eval when the check needs the database.
var ErrNeedsSQL = filter.ErrNeedsSQL

// Check is one authorization question (see NewCheck). The zero Check
// denies. A Check is immutable and safe for concurrent use.
type Check struct {
	app    *App
	c      *galley.Collection
	actor  Actor
	kind   CheckKind
	rule   filter.Expr // nil: no rule to evaluate (superuser or empty rule)
	filter filter.Expr // nil: no extra filter
	key    string
}

// NewCheck returns the check of actor a on records of c under the rule of
// action ("list", "view", "update", ...), narrowed by f (nil: none), a
// filter that a gave and which is therefore evaluated as a's untrusted
// filter. fkey must identify f and the @request values (query, headers)
// in a.Request that the expressions may read; together with the rule, the
// collection and a's auth record it makes Key. A rule that does not parse
// denies, and is logged.
func (app *App) NewCheck(a Actor, c *galley.Collection, action string, f filter.Expr, fkey string) Check {
	k := Check{app: app, c: c, actor: a, filter: f}
	super := a.IsSuperuser()
	src := ""
	if !super {
		p := c.Rule(action)
		if p == nil || *p == nil {
			return k // CheckDeny
		}
		src = **p
	}
	if src != "" {
		e, err := app.rules.parse(src)
		if err != nil {
			app.Log.Warn("rule does not parse", "collection", c.Name, "action", action, "err", err)
			return k
		}
		k.rule = e
	}
	if k.rule == nil && k.filter == nil {
		k.kind = CheckAll
		return k
	}
	k.kind = CheckEval
	var b strings.Builder
	b.Grow(len(c.ID) + len(src) + len(fkey) + 40)
	b.WriteString(c.ID)
	b.WriteByte(0)
	b.WriteString(src)
	b.WriteByte(0)
	b.WriteString(fkey)
	b.WriteByte(0)
	if super {
		b.WriteString("super:")
	}
	if a.Auth != nil && a.Auth.Collection != nil {
		b.WriteString(a.Auth.Collection.ID)
		b.WriteByte('/')
		b.WriteString(a.Auth.ID())
	}
	k.key = b.String()
	return k
}

// Kind returns how the check is answered.
func (k Check) Kind() CheckKind { return k.kind }

// Key identifies the question of a CheckEval check: two checks with the
// same key give the same answer about the same record, so a caller asking
// many of them (realtime subscribers) answers each key once. It is "" for
// CheckDeny and CheckAll.
func (k Check) Key() string { return k.key }

// Actor returns the actor the check was built for.
func (k Check) Actor() Actor { return k.actor }

// Eval answers the check about r in memory: false for CheckDeny, true for
// CheckAll, else the rule and filter evaluated on r's data. It returns
// ErrNeedsSQL when the expressions need the database (then use Query).
func (k Check) Eval(r *galley.Record) (bool, error) {
	switch k.kind {
	case CheckDeny:
		return false, nil
	case CheckAll:
		return true, nil
	}
	for i, e := range []filter.Expr{k.rule, k.filter} {
		if e == nil {
			continue
		}
		ok, err := filter.Eval(e, k.c, r, k.app.Env(k.actor, i == 0))
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// Where compiles the check to a SQL condition on store.Alias for the
// REST API's queries: "" for CheckAll, the rule and filter ANDed for
// CheckEval, and EForbidden "Only superusers can perform this action." for
// CheckDeny. An expression that does not compile (a stored rule over
// today's limits, say) is EInternal; a user filter's error is returned as
// the compiler gives it (EInvalid, EForbidden).
func (k Check) Where() (string, []any, error) {
	switch k.kind {
	case CheckDeny:
		return "", nil, errSuperusersOnly()
	case CheckAll:
		return "", nil, nil
	}
	var conds []string
	var args []any
	for i, e := range []filter.Expr{k.rule, k.filter} {
		if e == nil {
			continue
		}
		sql, a, err := filter.Where(e, k.c, store.Alias, k.app.Env(k.actor, i == 0))
		if err != nil {
			if i == 0 {
				return "", nil, galley.Internal(err)
			}
			return "", nil, err
		}
		conds = append(conds, sql)
		args = append(args, a...)
	}
	return and(conds...), args, nil
}

// Query answers the check about the row with id as q reads it (the read
// pool after a commit; the deleting transaction before the row is gone),
// with one query cut off after timeout (<= 0: DefaultCheckTimeout). A
// query cut off returns an error wrapping store.ErrTimedOut, and q's
// transaction stays usable; any error means "no" to the caller.
func (k Check) Query(ctx context.Context, q store.Querier, id string, timeout time.Duration) (bool, error) {
	switch k.kind {
	case CheckDeny:
		return false, nil
	case CheckAll:
		return true, nil
	}
	cond, args, err := k.Where()
	if err != nil {
		return false, err
	}
	if timeout <= 0 {
		timeout = DefaultCheckTimeout
	}
	found := false
	err = k.app.db.ReadBounded(ctx, q, timeout, func(ctx context.Context, q store.Querier) error {
		recs, err := store.FindRecords(ctx, q, k.c, store.Select{ID: id, Where: cond, Args: args, Limit: 1})
		found = len(recs) == 1
		return err
	})
	if err != nil {
		return false, err
	}
	return found, nil
}

// Allowed answers the check about r: in memory when it can, else through
// q (see Query). usedSQL reports whether a query ran.
func (k Check) Allowed(ctx context.Context, q store.Querier, r *galley.Record, timeout time.Duration) (ok, usedSQL bool, err error) {
	ok, err = k.Eval(r)
	if !errors.Is(err, filter.ErrNeedsSQL) {
		return ok, false, err
	}
	ok, err = k.Query(ctx, q, r.ID(), timeout)
	return ok, true, err
}

// ParseRule parses a rule (or another trusted expression written by a
// superuser, such as a realtime channel rule) with the rules' limits,
// through the app's cache of parsed rules.
func (app *App) ParseRule(src string) (filter.Expr, error) {
	return app.rules.parse(src)
}
