package filter

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// comparison compiles one comparison. When an operand is multi-valued the
// comparison becomes EXISTS (any-of operators) or NOT EXISTS ... NOT
// (plain operators) over the cross product of the operands' sets, each of
// which yields one NULL element when empty.
func (c *compiler) comparison(cmp *Comparison) (frag, error) {
	l, err := c.operand(cmp.Left)
	if err != nil {
		return frag{}, err
	}
	r, err := c.operand(cmp.Right)
	if err != nil {
		return frag{}, err
	}
	coerce(&l, r)
	coerce(&r, l)
	pred, err := c.predicate(l, cmp.Op.Base(), r)
	if err != nil {
		return frag{}, err
	}
	sets := append(append([]*set(nil), l.sets...), r.sets...)
	if len(sets) == 0 {
		return pred, nil
	}
	parts := []any{"(SELECT 1) AS " + c.alias()}
	for _, s := range sets {
		parts = append(parts, " LEFT JOIN ", s.frag, " ON 1=1")
	}
	from := cat(parts...)
	if cmp.Op.Any() {
		return cat("EXISTS (SELECT 1 FROM ", from, " WHERE ", pred, ")"), nil
	}
	return cat("NOT EXISTS (SELECT 1 FROM ", from, " WHERE NOT COALESCE(", pred, ", FALSE))"), nil
}

// coerce converts the constant v to the static type of other when other is
// a typed non-constant (a column): "42" becomes 42 against a number field,
// "true" becomes true against a bool field, 5 becomes "5" against text.
func coerce(v *value, other value) {
	if !v.konst || other.konst || v.typ == tNull || other.typ == v.typ {
		return
	}
	x := v.args[0]
	switch other.typ {
	case tNumber:
		switch t := x.(type) {
		case string:
			if f, err := strconv.ParseFloat(strings.TrimSpace(t), 64); err == nil {
				*v = konst(f)
			}
		case bool:
			*v = konst(map[bool]float64{false: 0, true: 1}[t])
		}
	case tBool:
		switch t := x.(type) {
		case string:
			if b, err := strconv.ParseBool(t); err == nil {
				*v = konst(b)
			}
		case float64:
			*v = konst(t != 0)
		}
	case tText:
		switch t := x.(type) {
		case float64:
			*v = konst(strconv.FormatFloat(t, 'f', -1, 64))
		case bool:
			*v = konst(strconv.FormatBool(t))
		}
	}
}

// zeroOf returns the SQL zero value that NULL stands for when comparing a
// and b: 0 when either is a number, FALSE for bools, ” otherwise.
func zeroOf(a, b value) string {
	switch {
	case a.typ == tNumber || b.typ == tNumber:
		return "0"
	case a.typ == tBool || b.typ == tBool:
		return "FALSE"
	}
	return "''"
}

// orZero returns v's SQL with NULL replaced by zero (the null literal
// becomes zero itself).
func orZero(v value, zero string) frag {
	if v.typ == tNull {
		return frag{sql: zero}
	}
	if v.nullable {
		return cat("COALESCE(", v.frag, ", "+zero+")")
	}
	return v.frag
}

func (c *compiler) predicate(l value, op Op, r value) (frag, error) {
	if isOrdering(op) && (l.absent || r.absent) {
		return frag{sql: "FALSE"}, nil
	}
	zero := zeroOf(l, r)
	sd, strict := c.d.(strictDialect)
	switch op {
	case "=", "!=", ">", ">=", "<", "<=":
		if strict {
			return sd.compare(l, op, r, zero), nil
		}
		return cat(orZero(l, zero), " "+string(op)+" ", orZero(r, zero)), nil
	case "~", "!~":
		if strict {
			l = c.textValue(l)
			if !r.konst {
				r = c.textValue(r)
			}
		}
		left := orZero(l, "''")
		var pat frag
		if r.konst {
			p := likePattern(r.args[0])
			if danglingEscape(p) {
				// LIKE never matches a pattern ending in a lone escape on
				// SQLite; PostgreSQL would fail the query.
				if op == "!~" {
					return frag{sql: "TRUE"}, nil
				}
				return frag{sql: "FALSE"}, nil
			}
			pat = frag{"?", []any{p}}
		} else {
			pat = likeWrap(c, orZero(r, "''"))
		}
		like := frag{c.d.Like(left.sql, pat.sql), append(append([]any(nil), left.args...), pat.args...)}
		if op == "!~" {
			return cat("NOT (", like, ")"), nil
		}
		return like, nil
	}
	return frag{}, invalid("invalid filter: unknown operator %q", op)
}

// isOrdering reports whether op is one of < <= > >= (without ?).
func isOrdering(op Op) bool {
	switch op {
	case "<", "<=", ">", ">=":
		return true
	}
	return false
}

// danglingEscape reports whether the LIKE pattern p ends in an escape
// character that escapes nothing.
func danglingEscape(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' {
			if i == len(p)-1 {
				return true
			}
			i++
		}
	}
	return false
}

// textValue converts v to text as SQLite would see it (strict dialects).
func (c *compiler) textValue(v value) value {
	sd, ok := c.d.(strictDialect)
	if !ok || v.typ == tText || v.typ == tNull {
		return v
	}
	v.frag = sd.toText(v)
	v.typ = tText
	v.nullable = true
	v.konst = false
	return v
}

// likeWrap returns '%' || x || '%' for a non-constant right operand of ~.
func likeWrap(c *compiler, x frag) frag {
	return frag{sql: c.d.Concat(c.d.Concat("'%'", x.sql), "'%'"), args: x.args}
}

// likePattern turns the right operand of ~ into a LIKE pattern (escape
// character '\'). Without an unescaped % the value is matched as a
// substring: it is wrapped in %...% and its _ and \ are literal (\% stays
// an escaped, literal %). With an unescaped % the value is the pattern.
func likePattern(x any) string {
	s := stringOf(x)
	raw := false
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '%' {
			raw = true
			break
		}
	}
	if raw {
		return s
	}
	var b strings.Builder
	b.WriteByte('%')
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '%':
			b.WriteString(`\%`)
			i++
		case s[i] == '\\' || s[i] == '_':
			b.WriteByte('\\')
			b.WriteByte(s[i])
		default:
			b.WriteByte(s[i])
		}
	}
	b.WriteByte('%')
	return b.String()
}

// stringOf renders a bound constant as text.
func stringOf(x any) string {
	switch t := x.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	return jsonText(x)
}

// jsonText marshals v as JSON; values that cannot be marshalled become
// "null". A NUL character in a string is written as U+FFFD: PostgreSQL's
// jsonb cannot hold \u0000 (the query would fail), and the text must be
// the same on both databases.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	if !bytes.Contains(b, []byte(`\u0000`)) {
		return string(b)
	}
	var out strings.Builder
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out.WriteByte(b[i])
			continue
		}
		if b[i+1] == 'u' && bytes.HasPrefix(b[i:], []byte(`\u0000`)) {
			out.WriteString(`\ufffd`)
			i += 5
			continue
		}
		out.Write(b[i : i+2]) // any other escape, \\ included
		i++
	}
	return out.String()
}
