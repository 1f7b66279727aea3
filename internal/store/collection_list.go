package store

import (
	"context"
	"strings"
)

// FindCollectionIDs returns the ids of the rows of _collections matching
// sel through q (the read pool or a transaction), ordered by sel.Order and
// then by created and name. sel.Where and sel.Order are SQL compiled by the
// filter package against the _collections columns under Alias; sel.ID
// restricts to one id. No match is an empty list, not an error. Through the
// read pool the read is bounded by the statement timeout.
func FindCollectionIDs(ctx context.Context, q Querier, sel Select) ([]string, error) {
	where, args := selectWhere(sel)
	var b strings.Builder
	b.WriteString(`SELECT ` + Quote(Alias) + `."id" FROM "_collections" AS ` + Quote(Alias) + where + " ORDER BY ")
	if sel.Order != "" {
		b.WriteString(sel.Order + ", ")
		args = append(args, sel.OrderArgs...)
	}
	b.WriteString(Quote(Alias) + `."created", ` + Quote(Alias) + `."name"`)
	if sel.Limit > 0 {
		b.WriteString(" LIMIT ? OFFSET ?")
		args = append(args, sel.Limit, sel.Offset)
	}
	ctx, cancel := readContext(ctx, q)
	defer cancel()
	rows, err := q.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, readError(ctx, q, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, MapError(err)
		}
		ids = append(ids, id)
	}
	return ids, readError(ctx, q, rows.Err())
}

// CountCollections returns the number of rows of _collections matching
// sel's ID and Where (its order and page are ignored), through q.
func CountCollections(ctx context.Context, q Querier, sel Select) (int, error) {
	where, args := selectWhere(sel)
	ctx, cancel := readContext(ctx, q)
	defer cancel()
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM "_collections" AS `+Quote(Alias)+where, args...).Scan(&n); err != nil {
		return 0, readError(ctx, q, err)
	}
	return n, nil
}
