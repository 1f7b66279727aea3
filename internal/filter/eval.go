package filter

import (
	"errors"

	galley "github.com/galleyhq/galley"
)

// ErrNeedsSQL is returned by Eval for expressions it cannot evaluate in
// memory; the caller runs the compiled SQL instead.
var ErrNeedsSQL = errors.New("filter: expression needs SQL")

// Eval evaluates e against record r of collection c in memory.
func Eval(e Expr, c *galley.Collection, r *galley.Record, env *Env) (bool, error) {
	if e == nil {
		return true, nil
	}
	return false, ErrNeedsSQL
}
