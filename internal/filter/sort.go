package filter

import (
	"strings"

	galley "github.com/galleyhq/galley"
)

// Sort compiles a sort string ("-created,title", "@random", "@rowid",
// single-valued relation and json paths such as "author.name" or
// "meta.rank") into ORDER BY terms (without "ORDER BY"), using ? bind
// parameters for args. An empty sort returns "". Errors are *galley.Error:
// EInvalid for more than lim.MaxSortKeys keys, unknown or hidden fields
// (naming them) and multi-valued paths; EForbidden for @request and
// @collection keys in untrusted sorts. @rowid sorts by rowid on SQLite
// tables and by id on views and on PostgreSQL.
func Sort(sort string, c *galley.Collection, alias string, env *Env, lim Limits) (sql string, args []any, err error) {
	lim = lim.withDefaults()
	if c == nil {
		return "", nil, invalid("invalid sort: missing collection")
	}
	if len(sort) > lim.MaxLength {
		return "", nil, invalid("invalid sort: longer than %d bytes", lim.MaxLength)
	}
	if strings.TrimSpace(sort) == "" {
		return "", nil, nil
	}
	keys := strings.Split(sort, ",")
	if len(keys) > lim.MaxSortKeys {
		return "", nil, invalid("invalid sort: more than %d sort keys", lim.MaxSortKeys)
	}
	comp := newCompiler(c, alias, env)
	var terms []frag
	for _, k := range keys {
		k = strings.TrimSpace(k)
		dir := " ASC"
		if strings.HasPrefix(k, "-") {
			k, dir = k[1:], " DESC"
		} else {
			k = strings.TrimPrefix(k, "+")
		}
		v, err := comp.sortTerm(k)
		if err != nil {
			return "", nil, err
		}
		if k == "@random" {
			dir = ""
		}
		sd, strict := comp.d.(strictDialect)
		if !strict || k == "@random" {
			terms = append(terms, cat(v.frag, dir))
			continue
		}
		// A NOT NULL column of a table sorts the same with or without
		// NULLS FIRST/LAST, and without them an index can serve the sort.
		notNull := !v.nullable && v.typ != tAny && v.typ != tNull && !c.IsView()
		for _, key := range sd.sortKeys(v) {
			terms = append(terms, cat(key, sd.sortDir(dir == " DESC", notNull)))
		}
	}
	return comp.params(join(terms, ", "))
}

func (c *compiler) sortTerm(k string) (value, error) {
	switch k {
	case "":
		return value{}, invalid("invalid sort: empty sort key")
	case "@random":
		return value{frag: frag{sql: c.d.Random()}, typ: tNumber}, nil
	case "@rowid":
		if c.root.IsView() {
			return value{frag: frag{sql: c.rootA + "." + c.q("id")}, typ: tText}, nil
		}
		typ := tNumber
		if _, strict := c.d.(strictDialect); strict {
			typ = tText // PostgreSQL tables have no rowid: the id
		}
		return value{frag: frag{sql: c.d.RowID(c.rootA)}, typ: typ}, nil
	}
	for i := 0; i < len(k); i++ {
		if !isIdentChar(k[i]) {
			return value{}, invalid("invalid sort key %q", k)
		}
	}
	if !isIdentStart(k[0]) {
		return value{}, invalid("invalid sort key %q", k)
	}
	if !c.env.Trusted && (strings.HasPrefix(k, "@collection.") || strings.HasPrefix(k, "@request.")) {
		return value{}, galley.Errorf(galley.EForbidden, "Only superusers can filter and sort by @collection.* and @request.* fields.")
	}
	v, err := c.operand(&Identifier{Name: k})
	if err != nil {
		return value{}, err
	}
	if len(v.sets) > 0 {
		return value{}, invalid("invalid sort: %q is multi-valued", k)
	}
	return v, nil
}
