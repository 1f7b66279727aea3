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
		t, err := comp.sortTerm(k)
		if err != nil {
			return "", nil, err
		}
		if k == "@random" {
			dir = ""
		}
		terms = append(terms, cat(t, dir))
	}
	f := join(terms, ", ")
	return f.sql, f.args, nil
}

func (c *compiler) sortTerm(k string) (frag, error) {
	switch k {
	case "":
		return frag{}, invalid("invalid sort: empty sort key")
	case "@random":
		return frag{sql: c.d.Random()}, nil
	case "@rowid":
		if c.root.IsView() {
			return frag{sql: c.rootA + "." + c.q("id")}, nil
		}
		return frag{sql: c.d.RowID(c.rootA)}, nil
	}
	for i := 0; i < len(k); i++ {
		if !isIdentChar(k[i]) {
			return frag{}, invalid("invalid sort key %q", k)
		}
	}
	if !isIdentStart(k[0]) {
		return frag{}, invalid("invalid sort key %q", k)
	}
	if !c.env.Trusted && (strings.HasPrefix(k, "@collection.") || strings.HasPrefix(k, "@request.")) {
		return frag{}, galley.Errorf(galley.EForbidden, "only superusers can sort by @collection and @request fields")
	}
	v, err := c.operand(&Identifier{Name: k})
	if err != nil {
		return frag{}, err
	}
	if len(v.sets) > 0 {
		return frag{}, invalid("invalid sort: %q is multi-valued", k)
	}
	return v.frag, nil
}
