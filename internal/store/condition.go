package store

import (
	"context"
	"strconv"
	"strings"
)

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

// ConditionsHolding evaluates several row-less SQL conditions (as
// ConditionHolds) in one statement through q and reports which are true:
// the result has one entry per condition, in order; args[i] are the
// arguments of conds[i]. No conditions is no statement.
func ConditionsHolding(ctx context.Context, q Querier, conds []string, args [][]any) ([]bool, error) {
	out := make([]bool, len(conds))
	if len(conds) == 0 {
		return out, nil
	}
	var sql strings.Builder
	var all []any
	for i, c := range conds {
		if i > 0 {
			sql.WriteString(" UNION ALL ")
		}
		sql.WriteString("SELECT " + strconv.Itoa(i) + " WHERE " + c)
		all = append(all, args[i]...)
	}
	ctx, cancel := readContext(ctx, q)
	defer cancel()
	rows, err := q.QueryContext(ctx, sql.String(), all...)
	if err != nil {
		return nil, readError(ctx, q, err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, readError(ctx, q, err)
		}
		if i >= 0 && i < len(out) {
			out[i] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, readError(ctx, q, err)
	}
	return out, nil
}
