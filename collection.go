package galley

import "strings"

// Collection types.
const (
	CollectionBase = "base"
	CollectionAuth = "auth"
	CollectionView = "view"
)

// SuperusersName is the name of the system auth collection of superusers.
const SuperusersName = "_superusers"

// Collection is a collection definition: a real table (or, for views, a
// read-only SELECT) plus its fields, indexes and API rules. A nil rule means
// "superusers only"; an empty rule means "everyone"; otherwise the rule is a
// filter expression.
type Collection struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	System     bool     `json:"system"`
	Fields     []*Field `json:"fields"`
	Indexes    []string `json:"indexes"`
	ListRule   *string  `json:"listRule"`
	ViewRule   *string  `json:"viewRule"`
	CreateRule *string  `json:"createRule"`
	UpdateRule *string  `json:"updateRule"`
	DeleteRule *string  `json:"deleteRule"`
	// ViewQuery is the SELECT of a view collection ("" for other types).
	ViewQuery string `json:"viewQuery,omitempty"`
	// Auth holds the options of auth collections (nil for other types).
	Auth    *AuthOptions `json:"-"`
	Created string       `json:"created"`
	Updated string       `json:"updated"`
}

// AuthOptions are the options of an auth collection. Secrets are never
// serialised to API responses.
type AuthOptions struct {
	AuthRule   *string `json:"authRule"`
	ManageRule *string `json:"manageRule"`
	// TokenSecret signs auth tokens together with each record's tokenKey.
	TokenSecret string `json:"tokenSecret"`
	// TokenDuration is the auth token lifetime in seconds.
	TokenDuration int64 `json:"tokenDuration"`
	// IdentityFields are the fields auth-with-password accepts as identity.
	IdentityFields []string `json:"identityFields"`
}

// Field returns the field named name (case-sensitive), or nil.
func (c *Collection) Field(name string) *Field {
	for _, f := range c.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// FieldByID returns the field with the given id, or nil.
func (c *Collection) FieldByID(id string) *Field {
	for _, f := range c.Fields {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// IsAuth reports whether c is an auth collection.
func (c *Collection) IsAuth() bool { return c.Type == CollectionAuth }

// IsView reports whether c is a view collection.
func (c *Collection) IsView() bool { return c.Type == CollectionView }

// IsSystemName reports whether name is reserved for system tables (leading underscore).
func IsSystemName(name string) bool { return strings.HasPrefix(name, "_") }

// Clone returns a deep copy of c.
func (c *Collection) Clone() *Collection {
	n := *c
	n.Fields = make([]*Field, len(c.Fields))
	for i, f := range c.Fields {
		ff := *f
		n.Fields[i] = &ff
	}
	n.Indexes = append([]string(nil), c.Indexes...)
	if c.Auth != nil {
		a := *c.Auth
		n.Auth = &a
	}
	return &n
}

// Rule returns a pointer to the rule for action ("list", "view", "create",
// "update", "delete", "auth", "manage"); nil when the action has no rule slot.
func (c *Collection) Rule(action string) **string {
	switch action {
	case "list":
		return &c.ListRule
	case "view":
		return &c.ViewRule
	case "create":
		return &c.CreateRule
	case "update":
		return &c.UpdateRule
	case "delete":
		return &c.DeleteRule
	}
	if c.Auth != nil {
		switch action {
		case "auth":
			return &c.Auth.AuthRule
		case "manage":
			return &c.Auth.ManageRule
		}
	}
	return nil
}
