package store

import "context"

// ConditionHolds evaluates a row-less SQL condition (compiled by the filter
// package against a collection without fields, so it reads no table
// columns) through q and reports whether it is true. Through the read pool
// the read is bounded by the statement timeout.
func ConditionHolds(ctx context.Context, q Querier, cond string, args []any) (bool, error) {
	ctx, cancel := readContext(ctx, q)
	defer cancel()
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) WHERE "+cond, args...).Scan(&n); err != nil {
		return false, readError(ctx, q, err)
	}
	return n == 1, nil
}
