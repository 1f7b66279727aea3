package galley

import (
	"bytes"
	"encoding/json"
	"strings"
)

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

// AuthOptions are the options of an auth collection, in PocketBase's JSON
// shape. Secrets (token secrets, OAuth2 client secrets) are stored but never
// serialised to API responses: see PublicJSON.
type AuthOptions struct {
	AuthRule   *string `json:"authRule"`
	ManageRule *string `json:"manageRule"`

	AuthAlert    AuthAlertOptions    `json:"authAlert"`
	OAuth2       OAuth2Options       `json:"oauth2"`
	PasswordAuth PasswordAuthOptions `json:"passwordAuth"`
	MFA          MFAOptions          `json:"mfa"`
	OTP          OTPOptions          `json:"otp"`

	AuthToken          TokenOptions `json:"authToken"`
	PasswordResetToken TokenOptions `json:"passwordResetToken"`
	EmailChangeToken   TokenOptions `json:"emailChangeToken"`
	VerificationToken  TokenOptions `json:"verificationToken"`
	FileToken          TokenOptions `json:"fileToken"`

	VerificationTemplate       EmailTemplate `json:"verificationTemplate"`
	ResetPasswordTemplate      EmailTemplate `json:"resetPasswordTemplate"`
	ConfirmEmailChangeTemplate EmailTemplate `json:"confirmEmailChangeTemplate"`
}

// TokenOptions configure one kind of token: its lifetime in seconds and the
// collection-wide secret that signs it (with each record's tokenKey).
type TokenOptions struct {
	Duration int64  `json:"duration"`
	Secret   string `json:"secret,omitempty"`
}

// EmailTemplate is a mail subject and HTML body with {PLACEHOLDERS}:
// {APP_NAME}, {APP_URL}, {TOKEN}, {OTP}, {RECORD:field}, {ACTION_URL}.
type EmailTemplate struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// AuthAlertOptions configure the new-device log-in alert mail.
type AuthAlertOptions struct {
	Enabled       bool          `json:"enabled"`
	EmailTemplate EmailTemplate `json:"emailTemplate"`
}

// PasswordAuthOptions enable auth-with-password on the identity fields.
type PasswordAuthOptions struct {
	Enabled        bool     `json:"enabled"`
	IdentityFields []string `json:"identityFields"`
}

// MFAOptions require a second, different auth method within Duration
// seconds for records matching Rule ("" = every record).
type MFAOptions struct {
	Enabled  bool   `json:"enabled"`
	Duration int64  `json:"duration"`
	Rule     string `json:"rule"`
}

// OTPOptions enable one-time passwords sent by mail.
type OTPOptions struct {
	Enabled       bool          `json:"enabled"`
	Duration      int64         `json:"duration"`
	Length        int           `json:"length"`
	EmailTemplate EmailTemplate `json:"emailTemplate"`
}

// OAuth2Options enable OAuth2 log-in with the configured providers.
// MappedFields maps provider user data (id, name, username, avatarURL) to
// field names of the collection.
type OAuth2Options struct {
	Enabled      bool              `json:"enabled"`
	MappedFields map[string]string `json:"mappedFields"`
	Providers    []OAuth2Provider  `json:"providers"`
}

// OAuth2Provider is one configured provider. ClientSecret is never returned.
type OAuth2Provider struct {
	Name         string         `json:"name"`
	ClientID     string         `json:"clientId"`
	ClientSecret string         `json:"clientSecret,omitempty"`
	DisplayName  string         `json:"displayName"`
	AuthURL      string         `json:"authURL"`
	TokenURL     string         `json:"tokenURL"`
	UserInfoURL  string         `json:"userInfoURL"`
	PKCE         *bool          `json:"pkce"`
	Extra        map[string]any `json:"extra"`
}

// DefaultAuthOptions returns the options of a new auth collection, with
// fresh secrets: PocketBase's defaults (durations, the new-device alert on,
// the default mail templates).
func DefaultAuthOptions() *AuthOptions {
	secret := func() string {
		return RandomString(50, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
	}
	empty := ""
	return &AuthOptions{
		AuthRule:     &empty,
		AuthAlert:    AuthAlertOptions{Enabled: true, EmailTemplate: DefaultAuthAlertTemplate},
		PasswordAuth: PasswordAuthOptions{Enabled: true, IdentityFields: []string{"email"}},
		MFA:          MFAOptions{Duration: 600},
		OTP:          OTPOptions{Duration: 180, Length: 8, EmailTemplate: DefaultOTPTemplate},
		OAuth2: OAuth2Options{MappedFields: map[string]string{"id": "", "name": "", "username": "", "avatarURL": ""},
			Providers: []OAuth2Provider{}},
		AuthToken:                  TokenOptions{Duration: 432000, Secret: secret()},
		PasswordResetToken:         TokenOptions{Duration: 1800, Secret: secret()},
		EmailChangeToken:           TokenOptions{Duration: 1800, Secret: secret()},
		VerificationToken:          TokenOptions{Duration: 86400, Secret: secret()},
		FileToken:                  TokenOptions{Duration: 180, Secret: secret()},
		VerificationTemplate:       DefaultVerificationTemplate,
		ResetPasswordTemplate:      DefaultResetPasswordTemplate,
		ConfirmEmailChangeTemplate: DefaultConfirmEmailChangeTemplate,
	}
}

// clone returns a deep copy of o.
func (o *AuthOptions) clone() *AuthOptions {
	b, _ := json.Marshal(o)
	var c AuthOptions
	_ = json.Unmarshal(b, &c)
	return &c
}

// Public returns a copy of o without secrets, for API responses.
func (o *AuthOptions) Public() *AuthOptions {
	p := *o
	for _, t := range []*TokenOptions{&p.AuthToken, &p.PasswordResetToken, &p.EmailChangeToken, &p.VerificationToken, &p.FileToken} {
		t.Secret = ""
	}
	p.OAuth2.Providers = make([]OAuth2Provider, len(o.OAuth2.Providers))
	for i, pr := range o.OAuth2.Providers {
		pr.ClientSecret = ""
		p.OAuth2.Providers[i] = pr
	}
	return &p
}

// MarshalJSON writes the collection in PocketBase's shape (indexes and
// fields as arrays, never null); auth collections include their options
// without secrets.
func (c *Collection) MarshalJSON() ([]byte, error) {
	type plain Collection
	if c.Indexes == nil || c.Fields == nil { // [] as PocketBase answers, never null: the JSON imports back
		cp := *c
		if cp.Indexes == nil {
			cp.Indexes = []string{}
		}
		if cp.Fields == nil {
			cp.Fields = []*Field{}
		}
		c = &cp
	}
	if c.IsView() && c.ViewQuery == "" { // a view always has the key, as in PocketBase
		cp := *c
		cp.ViewQuery = " "
		b, err := json.Marshal((*plain)(&cp))
		if err != nil {
			return nil, err
		}
		return bytes.Replace(b, []byte(`"viewQuery":" "`), []byte(`"viewQuery":""`), 1), nil
	}
	if c.Auth == nil {
		return json.Marshal((*plain)(c))
	}
	base, err := json.Marshal((*plain)(c))
	if err != nil {
		return nil, err
	}
	opts, err := json.Marshal(c.Auth.Public())
	if err != nil {
		return nil, err
	}
	// Merge the two objects: base ends with '}', opts starts with '{'.
	out := append(base[:len(base)-1:len(base)-1], ',')
	return append(out, opts[1:]...), nil
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
		n.Auth = c.Auth.clone()
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
