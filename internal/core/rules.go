package core

import (
	"sync"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/store"
)

// ruleCache keeps parsed rule expressions by source text; rules change
// rarely and parsing them on every request would be wasted work.
type ruleCache struct {
	mu sync.Mutex
	m  map[string]filter.Expr
}

// ruleLimits are generous: rules are written by superusers, not users.
var ruleLimits = filter.Limits{MaxLength: 20000, MaxExprs: 1000, MaxDepth: 50}

func (c *ruleCache) parse(src string) (filter.Expr, error) {
	c.mu.Lock()
	e, ok := c.m[src]
	c.mu.Unlock()
	if ok {
		return e, nil
	}
	e, err := filter.Parse(src, ruleLimits)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) > 4096 {
		c.m = map[string]filter.Expr{}
	}
	c.m[src] = e
	c.mu.Unlock()
	return e, nil
}

// errSuperusersOnly is returned for actions whose rule is null.
func errSuperusersOnly() error {
	return galley.Errorf(galley.EForbidden, "Only superusers can perform this action.")
}

// ruleWhere compiles the rule of action on c for actor a. It returns "" when
// the actor may act on every row (superuser or empty rule) and an EForbidden
// error when the rule is null and the actor is not a superuser.
func (app *App) ruleWhere(a Actor, c *galley.Collection, action string) (string, []any, error) {
	return app.NewCheck(a, c, action, nil, "").Where()
}

// userFilter compiles a filter given by the requester (untrusted unless a
// superuser). An empty filter returns "".
func (app *App) userFilter(a Actor, c *galley.Collection, src string) (string, []any, error) {
	e, err := filter.Parse(src, filter.Limits{})
	if err != nil || e == nil {
		return "", nil, err
	}
	return filter.Where(e, c, store.Alias, app.Env(a, false))
}

// and joins SQL conditions with AND, skipping empty ones.
func and(conds ...string) string {
	out := ""
	for _, c := range conds {
		if c == "" {
			continue
		}
		if out != "" {
			out += " AND "
		}
		out += "(" + c + ")"
	}
	return out
}
