package filter

import (
	"strconv"
	"strings"

	galley "github.com/galleyhq/galley"
)

type parser struct {
	toks  []token
	i     int
	lim   Limits
	depth int
	exprs int
}

// Parse parses a filter or rule. Errors are *galley.Error with Code
// galley.EInvalid and a message naming the byte position (0-based), e.g.
// `invalid filter at position 12: expected operator, got "foo"`. A source
// over lim.MaxLength bytes, with more than lim.MaxExprs comparisons or
// parentheses nested deeper than lim.MaxDepth is EInvalid too. An empty or
// comment-only source returns a nil Expr and no error.
func Parse(src string, lim Limits) (Expr, error) {
	lim = lim.withDefaults()
	if len(src) > lim.MaxLength {
		return nil, galley.Errorf(galley.EInvalid, "invalid filter: longer than %d bytes", lim.MaxLength)
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, lim: lim}
	if p.peek().kind == tokEOF {
		return nil, nil
	}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, syntaxError(t.pos, "expected && or ||, got %s", describe(t))
	}
	return e, nil
}

func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokString:
		return "string " + strconv.Quote(t.text)
	}
	return strconv.Quote(t.text)
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// parseOr: and ( "||" and )*. && binds tighter than ||, as in SQL.
func (p *parser) parseOr() (Expr, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tokOr {
		t := p.next()
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = &Logical{Op: "||", Left: left, Right: right, Position: t.pos}
	}
	return left, nil
}

func (p *parser) parseAnd() (Expr, error) {
	left, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tokAnd {
		t := p.next()
		right, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		left = &Logical{Op: "&&", Left: left, Right: right, Position: t.pos}
	}
	return left, nil
}

func (p *parser) parsePrimary() (Expr, error) {
	t := p.peek()
	if t.kind == tokLParen {
		p.next()
		p.depth++
		if p.depth > p.lim.MaxDepth {
			return nil, syntaxError(t.pos, "parentheses nested deeper than %d", p.lim.MaxDepth)
		}
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, syntaxError(c.pos, "expected ), got %s", describe(c))
		}
		p.depth--
		return e, nil
	}
	left, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	op := p.next()
	if op.kind != tokOp {
		return nil, syntaxError(op.pos, "expected operator, got %s", describe(op))
	}
	right, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	p.exprs++
	if p.exprs > p.lim.MaxExprs {
		return nil, syntaxError(t.pos, "more than %d comparisons", p.lim.MaxExprs)
	}
	return &Comparison{Left: left, Op: Op(op.text), Right: right, Position: t.pos}, nil
}

func (p *parser) parseOperand() (Operand, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return &Literal{Kind: LitString, Value: t.text, Position: t.pos}, nil
	case tokNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, syntaxError(t.pos, "invalid number %q", t.text)
		}
		return &Literal{Kind: LitNumber, Value: f, Position: t.pos}, nil
	case tokIdent:
		switch t.text {
		case "true", "false":
			return &Literal{Kind: LitBool, Value: t.text == "true", Position: t.pos}, nil
		case "null":
			return &Literal{Kind: LitNull, Position: t.pos}, nil
		}
		if p.peek().kind == tokLParen {
			return p.parseCall(t)
		}
		if strings.HasSuffix(t.text, ".") || strings.Contains(t.text, "..") {
			return nil, syntaxError(t.pos, "invalid identifier %q", t.text)
		}
		return &Identifier{Name: t.text, Position: t.pos}, nil
	}
	return nil, syntaxError(t.pos, "expected a value or field, got %s", describe(t))
}

// functions maps the known function names to their number of arguments.
var functions = map[string]int{"strftime": 2, "geoDistance": 4}

func (p *parser) parseCall(name token) (Operand, error) {
	n, ok := functions[name.text]
	if !ok {
		return nil, syntaxError(name.pos, "unknown function %q", name.text)
	}
	p.next() // (
	p.depth++
	if p.depth > p.lim.MaxDepth {
		return nil, syntaxError(name.pos, "parentheses nested deeper than %d", p.lim.MaxDepth)
	}
	call := &Call{Name: name.text, Position: name.pos}
	for {
		if len(call.Args) > 0 {
			t := p.next()
			if t.kind == tokRParen {
				break
			}
			if t.kind != tokComma {
				return nil, syntaxError(t.pos, "expected , or ), got %s", describe(t))
			}
		}
		a, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		if _, nested := a.(*Call); nested {
			return nil, syntaxError(a.Pos(), "function calls cannot be nested")
		}
		call.Args = append(call.Args, a)
	}
	p.depth--
	if len(call.Args) != n {
		return nil, syntaxError(name.pos, "%s expects %d arguments, got %d", name.text, n, len(call.Args))
	}
	return call, nil
}
