package core

import (
	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
)

// totalMatcher returns the in-memory form of a list's rule and filter for
// the store's totals (store.CountRecords): the list check's Eval when the
// rule and the filter read only the record's own fields, @request values
// and constants; nil when they need the database (relations,
// back-relations, @collection, functions), so the store counts again after
// writes.
func (app *App) totalMatcher(a Actor, c *galley.Collection, src string) func(*galley.Record) (bool, error) {
	var f filter.Expr
	if src != "" {
		e, err := filter.Parse(src, filter.Limits{})
		if err != nil {
			return nil
		}
		f = e
	}
	k := app.NewCheck(a, c, "list", f, src)
	if k.Kind() != CheckEval || !k.memoryOnly() {
		return nil
	}
	return k.Eval
}

// memoryOnly reports whether every comparison of the check's expressions
// is evaluated in memory (filter.Eval) whatever the record holds: each is
// tried alone on a record of zero values, so that no AND or OR can skip
// a comparison that needs the database.
func (k Check) memoryOnly() bool {
	zero := newRecord(k.c)
	ok := true
	for i, e := range []filter.Expr{k.rule, k.filter} {
		if e == nil {
			continue
		}
		env := k.app.Env(k.actor, i == 0)
		filter.Walk(e, func(cmp *filter.Comparison) {
			if !ok {
				return
			}
			if _, err := filter.Eval(cmp, k.c, zero, env); err != nil {
				ok = false
			}
		})
	}
	return ok
}
