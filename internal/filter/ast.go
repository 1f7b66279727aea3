package filter

// Op is a comparison operator: one of = != > >= < <= ~ !~ and their any-of
// forms prefixed with '?'.
type Op string

// Any reports whether o is an any-of operator (?=, ?~, ...).
func (o Op) Any() bool { return len(o) > 1 && o[0] == '?' }

// Base returns the operator without its any-of prefix.
func (o Op) Base() Op {
	if o.Any() {
		return o[1:]
	}
	return o
}

// Logical joins two expressions with "&&" or "||".
type Logical struct {
	Op          string // "&&" or "||"
	Left, Right Expr
	Position    int
}

// Comparison is "Left Op Right".
type Comparison struct {
	Left     Operand
	Op       Op
	Right    Operand
	Position int
}

func (e *Logical) Pos() int    { return e.Position }
func (e *Comparison) Pos() int { return e.Position }
func (*Logical) expr()         {}
func (*Comparison) expr()      {}

// Operand is one side of a comparison: *Literal, *Identifier or *Call.
type Operand interface {
	// Pos returns the byte offset of the operand in the source.
	Pos() int
	operand()
}

// LiteralKind is the kind of a literal.
type LiteralKind int

// Literal kinds.
const (
	LitString LiteralKind = iota
	LitNumber
	LitBool
	LitNull
)

// Literal is a constant. Value is a string (LitString), float64 (LitNumber),
// bool (LitBool) or nil (LitNull).
type Literal struct {
	Kind     LiteralKind
	Value    any
	Position int
}

// Identifier is a field path or macro as written, e.g. "author.name",
// "tags:each", "@request.auth.id", "@collection.users:u.email", "@now".
type Identifier struct {
	Name     string
	Position int
}

// Call is a function call: strftime(format, value) or
// geoDistance(lonA, latA, lonB, latB).
type Call struct {
	Name     string
	Args     []Operand
	Position int
}

func (o *Literal) Pos() int    { return o.Position }
func (o *Identifier) Pos() int { return o.Position }
func (o *Call) Pos() int       { return o.Position }
func (*Literal) operand()      {}
func (*Identifier) operand()   {}
func (*Call) operand()         {}

// Walk calls fn for every comparison in e, depth first, left to right.
func Walk(e Expr, fn func(*Comparison)) {
	switch n := e.(type) {
	case *Logical:
		Walk(n.Left, fn)
		Walk(n.Right, fn)
	case *Comparison:
		fn(n)
	}
}

// Identifiers returns every identifier of e (including those inside function
// calls), in source order. Callers use it for quick checks such as "does this
// rule read @request.body".
func Identifiers(e Expr) []*Identifier {
	var out []*Identifier
	var visit func(o Operand)
	visit = func(o Operand) {
		switch n := o.(type) {
		case *Identifier:
			out = append(out, n)
		case *Call:
			for _, a := range n.Args {
				visit(a)
			}
		}
	}
	Walk(e, func(c *Comparison) { visit(c.Left); visit(c.Right) })
	return out
}
