package core

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/jsonw"
)

// KV is one member of an Object.
type KV struct {
	Key   string
	Value any
}

// Object is a JSON object that keeps its member order.
type Object []KV

// MarshalJSON writes the members in order.
func (o Object) MarshalJSON() ([]byte, error) { return o.AppendJSON(nil) }

// AppendJSON appends the JSON of o to dst without reflection for the value
// types records hold.
func (o Object) AppendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, '{')
	var err error
	for i, kv := range o {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonw.AppendString(dst, kv.Key)
		dst = append(dst, ':')
		if dst, err = appendValue(dst, kv.Value); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func appendValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return jsonw.AppendString(dst, x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(dst, '0'), nil
		}
		return strconv.AppendFloat(dst, x, 'f', -1, 64), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case nil:
		return append(dst, "null"...), nil
	case json.RawMessage:
		if len(x) == 0 {
			return append(dst, "null"...), nil
		}
		return append(dst, x...), nil
	case []string:
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonw.AppendString(dst, s)
		}
		return append(dst, ']'), nil
	case Object:
		return x.AppendJSON(dst)
	case []Object:
		dst = append(dst, '[')
		var err error
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = e.AppendJSON(dst); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

// Export returns the API representation of r as seen by a: system keys
// first, fields in schema order, hidden fields only for superusers (password
// and tokenKey never), an auth record's email only when visible, then expand.
func (app *App) Export(a Actor, r *galley.Record) Object {
	c := r.Collection
	super := a.IsSuperuser()
	o := make(Object, 0, len(c.Fields)+3)
	o = append(o, KV{"collectionId", c.ID}, KV{"collectionName", c.Name})
	for _, f := range c.Fields {
		if f.Type == galley.FieldPassword || (c.IsAuth() && f.Name == "tokenKey") {
			continue
		}
		if f.Hidden && !super {
			continue
		}
		if c.IsAuth() && f.Name == "email" && !super && !emailVisible(a, r) {
			continue
		}
		o = append(o, KV{f.Name, r.Data[f.Name]})
	}
	if len(r.Expand) > 0 {
		exp := make(Object, 0, len(r.Expand))
		for k, v := range r.Expand {
			switch x := v.(type) {
			case *galley.Record:
				exp = append(exp, KV{k, app.Export(a, x)})
			case []*galley.Record:
				list := make([]Object, len(x))
				for i, e := range x {
					list[i] = app.Export(a, e)
				}
				exp = append(exp, KV{k, list})
			}
		}
		o = append(o, KV{"expand", exp})
	}
	return o
}

func emailVisible(a Actor, r *galley.Record) bool {
	if v, _ := r.Data["emailVisibility"].(bool); v {
		return true
	}
	return a.Auth != nil && a.Auth.Collection.ID == r.Collection.ID && a.Auth.ID() == r.ID()
}

// FieldsProjection is the parsed `fields` query parameter.
type FieldsProjection struct {
	all      bool
	children map[string]*FieldsProjection
	excerpt  *excerpt
}

type excerpt struct {
	max      int
	ellipsis bool
}

var excerptRe = regexp.MustCompile(`^(.+):excerpt\(\s*(\d+)\s*(?:,\s*(true|false)\s*)?\)$`)

// ParseFields parses "id,title,expand.author.name,*,body:excerpt(200,true)".
// An empty string returns nil (no projection).
func ParseFields(s string) (*FieldsProjection, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	root := &FieldsProjection{children: map[string]*FieldsProjection{}}
	for _, p := range splitTopLevel(s) {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		var ex *excerpt
		if m := excerptRe.FindStringSubmatch(p); m != nil {
			n, err := strconv.Atoi(m[2])
			if err != nil || n <= 0 || n > 1<<20 {
				return nil, galley.FieldInvalid("fields", "validation_invalid_value", fmt.Sprintf("Invalid excerpt length in %q.", p))
			}
			ex = &excerpt{max: n, ellipsis: m[3] == "true"}
			p = m[1]
		} else if strings.Contains(p, ":") {
			return nil, galley.FieldInvalid("fields", "validation_invalid_value", fmt.Sprintf("Unknown modifier in %q.", p))
		}
		segs := strings.Split(p, ".")
		if len(segs) > MaxExpandDepth*2+2 {
			return nil, galley.FieldInvalid("fields", "validation_max_depth", fmt.Sprintf("Path %q is too deep.", p))
		}
		n := root
		for _, seg := range segs {
			if seg == "*" {
				n.all = true
				break
			}
			child, ok := n.children[seg]
			if !ok {
				child = &FieldsProjection{children: map[string]*FieldsProjection{}}
				n.children[seg] = child
			}
			n = child
		}
		if ex != nil {
			n.excerpt = ex
		}
	}
	return root, nil
}

// Project returns o restricted to the paths in n. A nil n returns o.
func Project(o Object, n *FieldsProjection) Object {
	if n == nil {
		return o
	}
	out := make(Object, 0, len(o))
	for _, kv := range o {
		child, ok := n.children[kv.Key]
		if !ok && !n.all {
			continue
		}
		v := kv.Value
		if ok {
			v = projectValue(v, child)
		}
		out = append(out, KV{kv.Key, v})
	}
	return out
}

func projectValue(v any, n *FieldsProjection) any {
	if n.excerpt != nil {
		if s, ok := v.(string); ok {
			return makeExcerpt(s, n.excerpt)
		}
	}
	if len(n.children) == 0 && !n.all {
		return v
	}
	switch x := v.(type) {
	case Object:
		return Project(x, n)
	case []Object:
		out := make([]Object, len(x))
		for i, e := range x {
			out[i] = Project(e, n)
		}
		return out
	}
	return v
}

// splitTopLevel splits s at commas outside parentheses.
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}
