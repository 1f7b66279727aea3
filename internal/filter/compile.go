package filter

import (
	"strconv"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
)

// frag is a piece of SQL and the bind values of its placeholders, in order.
type frag struct {
	sql  string
	args []any
}

// join concatenates fragments with sep, keeping the arguments in order.
func join(fs []frag, sep string) frag {
	var out frag
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.sql
		out.args = append(out.args, f.args...)
	}
	out.sql = strings.Join(parts, sep)
	return out
}

// cat concatenates SQL text and fragments in order: strings are literal SQL.
func cat(parts ...any) frag {
	var out frag
	var b strings.Builder
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			b.WriteString(v)
		case frag:
			b.WriteString(v.sql)
			out.args = append(out.args, v.args...)
		}
	}
	out.sql = b.String()
	return out
}

// vtype is the static type of a compiled value.
type vtype int

const (
	tAny vtype = iota // unknown (JSON values, request values of unknown shape)
	tText
	tNumber
	tBool
	tNull // the null literal
)

// set is a multi-valued source, compiled to the derived table
// "(SELECT <value> AS v FROM ... WHERE ...) AS alias". A value that refers to
// alias.v is evaluated once per element (any-of or all-of, by operator).
type set struct {
	alias string
	frag
}

// value is a compiled operand.
type value struct {
	frag
	typ      vtype
	nullable bool
	konst    bool // sql is "?" and args[0] is a constant
	sets     []*set
	// absent marks the NULL of a request body field the body does not
	// carry (and of paths through it): ordering comparisons (< <= > >=)
	// with it are false, = and != treat it as an empty value.
	absent bool
}

// absentValue is the value of a request body field that was not sent.
func absentValue() value {
	v := konst(nil)
	v.absent = true
	return v
}

func konst(v any) value {
	switch x := v.(type) {
	case nil:
		return value{frag: frag{"?", []any{nil}}, typ: tNull, nullable: true, konst: true}
	case string:
		return value{frag: frag{"?", []any{x}}, typ: tText, konst: true}
	case bool:
		return value{frag: frag{"?", []any{x}}, typ: tBool, konst: true}
	case float64:
		return value{frag: frag{"?", []any{x}}, typ: tNumber, konst: true}
	case int:
		return value{frag: frag{"?", []any{float64(x)}}, typ: tNumber, konst: true}
	}
	return value{frag: frag{"?", []any{jsonText(v)}}, typ: tAny, konst: true}
}

// joinRef is a bound @collection join: comparisons see one row of it.
type joinRef struct {
	alias string
	coll  *galley.Collection
}

type compiler struct {
	env   *Env
	d     Dialect
	n     int
	bound map[string]joinRef
	now   time.Time
	root  *galley.Collection
	rootA string
	// maxHops and maxJoins are the path limits (see Limits); joins counts
	// the relations joined so far and ident is the identifier being
	// resolved, for error messages.
	maxHops, maxJoins int
	joins             int
	ident             string
}

func newCompiler(c *galley.Collection, alias string, env *Env) *compiler {
	if env == nil {
		env = &Env{}
	}
	d := env.Dialect
	if d == nil {
		d = SQLite()
	}
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	hops, joins := env.Limits.pathLimits(env.Trusted)
	return &compiler{env: env, d: d, bound: map[string]joinRef{}, now: now().UTC(), root: c, rootA: alias,
		maxHops: hops, maxJoins: joins}
}

// join counts one more joined relation against maxJoins.
func (c *compiler) join() error {
	c.joins++
	if c.joins > c.maxJoins {
		return invalid("too many joined relations: at most %d relation joins (relation paths and @collection references) are allowed in one expression", c.maxJoins)
	}
	return nil
}

// addHop counts one relation hop of the path built in pb against maxHops
// and maxJoins.
func (c *compiler) addHop(pb *pathb) error {
	pb.hops++
	if pb.hops > c.maxHops {
		return invalid("too many relation hops in %q: at most %d relations may be followed in one path", c.ident, c.maxHops)
	}
	return c.join()
}

// alias returns a fresh table alias. Aliases starting with "_f" are reserved.
func (c *compiler) alias() string {
	c.n++
	return "_f" + strconv.Itoa(c.n)
}

func (c *compiler) q(ident string) string { return c.d.Quote(ident) }

func invalid(format string, args ...any) error {
	return galley.Errorf(galley.EInvalid, format, args...)
}

// Where compiles e against collection c whose table is aliased as alias in
// the outer query. The SQL uses ? placeholders; args are the bind values in
// order. A nil e compiles to "1=1". Errors are *galley.Error: EInvalid for
// unknown fields (naming the field and collection), hidden fields in
// untrusted filters, and misused modifiers or functions; EForbidden for
// @collection or @request in untrusted filters. Table aliases starting with
// "_f" are reserved for the generated subqueries.
func Where(e Expr, c *galley.Collection, alias string, env *Env) (sql string, args []any, err error) {
	if c == nil {
		return "", nil, invalid("invalid filter: missing collection")
	}
	if e == nil {
		return "1=1", nil, nil
	}
	comp := newCompiler(c, alias, env)
	for _, id := range Identifiers(e) {
		coll, req := strings.HasPrefix(id.Name, "@collection."), strings.HasPrefix(id.Name, "@request.")
		if !comp.env.Trusted && req {
			return "", nil, galley.Errorf(galley.EForbidden, "Only superusers can filter by @request.") // PocketBase's words
		}
		if !comp.env.Trusted && coll {
			return "", nil, galley.Errorf(galley.EForbidden, "Only superusers can filter and sort by @collection.* and @request.* fields.")
		}
		if coll {
			// Each reference counts once, bound to a shared row or not.
			if err := comp.join(); err != nil {
				return "", nil, err
			}
		}
	}
	f, err := comp.expr(e)
	if err != nil {
		return "", nil, err
	}
	return comp.params(f)
}

// params finishes the SQL of f: strict dialects cast every placeholder.
func (c *compiler) params(f frag) (string, []any, error) {
	if sd, ok := c.d.(strictDialect); ok {
		return sd.params(f.sql, f.args), f.args, nil
	}
	return f.sql, f.args, nil
}

func (c *compiler) expr(e Expr) (frag, error) {
	switch n := e.(type) {
	case *Logical:
		if n.Op == "||" {
			l, err := c.expr(n.Left)
			if err != nil {
				return frag{}, err
			}
			r, err := c.expr(n.Right)
			if err != nil {
				return frag{}, err
			}
			return cat("(", l, " OR ", r, ")"), nil
		}
		return c.conjunction(flattenAnd(e, nil))
	case *Comparison:
		return c.conjunction([]Expr{n})
	}
	return frag{}, invalid("invalid filter: unknown expression")
}

func flattenAnd(e Expr, out []Expr) []Expr {
	if l, ok := e.(*Logical); ok && l.Op == "&&" {
		return flattenAnd(l.Right, flattenAnd(l.Left, out))
	}
	return append(out, e)
}

// collectionKey returns the join key ("name" or "name:alias") of an
// @collection identifier, or "".
func collectionKey(name string) string {
	rest, ok := strings.CutPrefix(name, "@collection.")
	if !ok {
		return ""
	}
	key, _, _ := strings.Cut(rest, ".")
	return key
}

// conjunction compiles items joined by &&. References to the same
// @collection join (same collection and alias) made more than once in the
// conjunction are bound to one row: the items that use it are compiled
// inside one EXISTS over that collection.
func (c *compiler) conjunction(items []Expr) (frag, error) {
	keysOf := make([][]string, len(items))
	count := map[string]int{}
	for i, it := range items {
		for _, id := range Identifiers(it) {
			if k := collectionKey(id.Name); k != "" {
				if _, isBound := c.bound[k]; !isBound {
					keysOf[i] = append(keysOf[i], k)
					count[k]++
				}
			}
		}
	}
	// Union-find the items over shared keys.
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	for i, ks := range keysOf {
		for _, k := range ks {
			if count[k] < 2 {
				continue
			}
			if j, ok := owner[k]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[k] = i
			}
		}
	}
	var out []frag
	done := make([]bool, len(items))
	for i := range items {
		if done[i] {
			continue
		}
		root := find(i)
		var members []int
		var shared []string
		seen := map[string]bool{}
		for j := i; j < len(items); j++ {
			if find(j) == root {
				members = append(members, j)
				done[j] = true
				for _, k := range keysOf[j] {
					if count[k] >= 2 && !seen[k] {
						seen[k] = true
						shared = append(shared, k)
					}
				}
			}
		}
		if len(shared) == 0 {
			for _, j := range members {
				f, err := c.item(items[j])
				if err != nil {
					return frag{}, err
				}
				out = append(out, f)
			}
			continue
		}
		f, err := c.boundGroup(shared, items, members)
		if err != nil {
			return frag{}, err
		}
		out = append(out, f)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return cat("(", join(out, " AND "), ")"), nil
}

func (c *compiler) item(e Expr) (frag, error) {
	if cmp, ok := e.(*Comparison); ok {
		return c.comparison(cmp)
	}
	return c.expr(e)
}

// boundGroup compiles the items in members with the @collection joins in
// keys bound to one row each: EXISTS (SELECT 1 FROM a, b WHERE i1 AND i2).
func (c *compiler) boundGroup(keys []string, items []Expr, members []int) (frag, error) {
	var from []frag
	for _, k := range keys {
		name, _, _ := strings.Cut(k, ":")
		coll := c.collection(name)
		if coll == nil {
			return frag{}, invalid("unknown collection %q", name)
		}
		a := c.alias()
		c.bound[k] = joinRef{alias: a, coll: coll}
		from = append(from, frag{sql: c.q(coll.Name) + " AS " + a})
	}
	defer func() {
		for _, k := range keys {
			delete(c.bound, k)
		}
	}()
	var conds []frag
	for _, j := range members {
		f, err := c.item(items[j])
		if err != nil {
			return frag{}, err
		}
		conds = append(conds, f)
	}
	return cat("EXISTS (SELECT 1 FROM ", join(from, ", "), " WHERE ", join(conds, " AND "), ")"), nil
}

func (c *compiler) collection(nameOrID string) *galley.Collection {
	if c.env.Collection == nil {
		if c.root != nil && (c.root.Name == nameOrID || c.root.ID == nameOrID) {
			return c.root
		}
		return nil
	}
	return c.env.Collection(nameOrID)
}
