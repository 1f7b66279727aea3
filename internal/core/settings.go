package core

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/store"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Settings are the runtime settings edited through /api/settings, persisted
// as JSON in the _params row "settings". JSON names follow PocketBase.
// A *Settings returned by App.Settings is shared: treat it as read-only.
type Settings struct {
	Meta         MetaSettings         `json:"meta"`
	Logs         LogsSettings         `json:"logs"`
	SMTP         SMTPSettings         `json:"smtp"`
	S3           S3Settings           `json:"s3"`
	Backups      BackupsSettings      `json:"backups"`
	Batch        BatchSettings        `json:"batch"`
	RateLimits   RateLimitsSettings   `json:"rateLimits"`
	TrustedProxy TrustedProxySettings `json:"trustedProxy"`
	// SuperuserIPs, when not empty, lists the IPs and CIDR ranges
	// ("203.0.113.7", "10.0.0.0/8", "2001:db8::/32") superusers may log in
	// from and use their tokens from; see App.SuperuserIPAllowed.
	SuperuserIPs []string         `json:"superuserIPs"`
	Realtime     RealtimeSettings `json:"realtime"`
}

// BackupsSettings are PocketBase's automatic-backup settings: Cron is a
// five-field cron expression ("" = no automatic backups), CronMaxKeep how
// many automatic backups to keep, S3 where to store them (off: the data
// directory). Galley stores and validates them; it does not make backups
// yet.
type BackupsSettings struct {
	Cron        string     `json:"cron"`
	CronMaxKeep int        `json:"cronMaxKeep"`
	S3          S3Settings `json:"s3"`
}

// S3Settings move file storage to an S3-compatible bucket while Enabled
// (files already stored locally stay where they are: they are not copied).
// Secret is a secret: Redacted removes it, and an update that sends it
// empty or masked keeps the old one. Endpoint is the server's URL
// ("https://s3.example.com"; a bare host means https).
type S3Settings struct {
	Enabled        bool   `json:"enabled"`
	Bucket         string `json:"bucket"`
	Region         string `json:"region"`
	Endpoint       string `json:"endpoint"`
	AccessKey      string `json:"accessKey"`
	Secret         string `json:"secret,omitzero"`
	ForcePathStyle bool   `json:"forcePathStyle"`
}

// config returns the storage configuration of s.
func (s S3Settings) config() files.S3Config {
	return files.S3Config{Bucket: s.Bucket, Region: s.Region, Endpoint: s.Endpoint,
		AccessKey: s.AccessKey, Secret: s.Secret, ForcePathStyle: s.ForcePathStyle}
}

// MetaSettings describe the application. AccentColor ("#rrggbb", or
// empty) is the dashboard's accent colour, stored and answered as
// PocketBase does.
type MetaSettings struct {
	AccentColor   string `json:"accentColor"`
	AppName       string `json:"appName"`
	AppURL        string `json:"appURL"`
	SenderName    string `json:"senderName"`
	SenderAddress string `json:"senderAddress"`
	HideControls  bool   `json:"hideControls"`
}

// LogsSettings control request logging. MaxDays is the retention in days;
// 0 turns request logging off. Entries below MinLevel are not stored. LogIP
// stores the client IPs; LogAuthID stores the actor's record id.
// MaxDataSize (0 or more) is PocketBase's setting of the same name: Galley
// validates, stores and answers it, and does not use it.
type LogsSettings struct {
	MaxDays     int  `json:"maxDays"`
	MaxDataSize int  `json:"maxDataSize"`
	MinLevel    int  `json:"minLevel"`
	LogIP       bool `json:"logIP"`
	LogAuthID   bool `json:"logAuthId"`
}

// BatchSettings control /api/batch. Timeout is in seconds; MaxBodySize in
// bytes (0 = the server default).
type BatchSettings struct {
	Enabled     bool  `json:"enabled"`
	MaxRequests int   `json:"maxRequests"`
	Timeout     int   `json:"timeout"`
	MaxBodySize int64 `json:"maxBodySize"`
}

// RateLimitsSettings hold the rate limit rules (enforced by the API's
// rate limiter while Enabled). ExcludedIPs lists the client IPs and CIDR
// ranges ("203.0.113.7", "10.0.0.0/8") the rules never count.
type RateLimitsSettings struct {
	Enabled     bool            `json:"enabled"`
	Rules       []RateLimitRule `json:"rules"`
	ExcludedIPs []string        `json:"excludedIPs"`
}

// RateLimitRule allows MaxRequests per Duration seconds for the requests
// matching Label ("/api/x" path prefix, "collection:action", "*:action").
// Audience is "" (everyone), "@guest" or "@auth".
type RateLimitRule struct {
	Label       string `json:"label"`
	Audience    string `json:"audience"`
	Duration    int    `json:"duration"`
	MaxRequests int    `json:"maxRequests"`
}

// TrustedProxySettings name the headers (e.g. X-Forwarded-For, X-Real-IP)
// that carry the client IP when Galley runs behind a proxy. Empty means the
// connection's address is the client IP.
type TrustedProxySettings struct {
	Headers       []string `json:"headers"`
	UseLeftmostIP bool     `json:"useLeftmostIP"`
}

// SMTPSettings configure outgoing mail. Password is a secret: Redacted
// removes it, and an update that sends it empty or masked keeps the old one.
type SMTPSettings struct {
	Enabled    bool   `json:"enabled"`
	Host       string `json:"host"`
	Port       int    `json:"port"`
	Username   string `json:"username"`
	Password   string `json:"password,omitzero"`
	AuthMethod string `json:"authMethod"`
	TLS        bool   `json:"tls"`
	LocalName  string `json:"localName"`
}

// SecretMask is what clients may send back in place of a secret they were
// never shown; it keeps the stored value.
const SecretMask = "******"

// DefaultSettings returns the settings of a new installation.
func DefaultSettings() *Settings {
	return &Settings{
		Meta: MetaSettings{AccentColor: "#1055c9", AppName: "Galley", AppURL: "http://localhost:8090",
			SenderName: "Support", SenderAddress: "no-reply@example.com"},
		Logs:  LogsSettings{MaxDays: 5, LogIP: true},
		Batch: BatchSettings{Enabled: false, MaxRequests: 50, Timeout: 3},
		RateLimits: RateLimitsSettings{Rules: []RateLimitRule{
			{Label: "*:auth", Duration: 3, MaxRequests: 2},
			{Label: "*:create", Duration: 5, MaxRequests: 20},
			{Label: "/api/batch", Duration: 1, MaxRequests: 3},
			{Label: "/api/", Duration: 10, MaxRequests: 300},
		}, ExcludedIPs: []string{}},
		TrustedProxy: TrustedProxySettings{Headers: []string{}},
		SMTP:         SMTPSettings{Host: "smtp.example.com", Port: 587, TLS: false},
		Backups:      BackupsSettings{CronMaxKeep: 3},
		SuperuserIPs: []string{},
		Realtime:     RealtimeSettings{Channels: []ChannelRule{}},
	}
}

// Clone returns a deep copy of s.
func (s *Settings) Clone() *Settings {
	n := *s
	// Decoding an update into the copy reuses its slices' arrays: they
	// must not be shared with s.
	n.RateLimits.Rules = append([]RateLimitRule{}, s.RateLimits.Rules...)
	n.RateLimits.ExcludedIPs = append([]string{}, s.RateLimits.ExcludedIPs...)
	n.TrustedProxy.Headers = append([]string{}, s.TrustedProxy.Headers...)
	n.SuperuserIPs = append([]string{}, s.SuperuserIPs...)
	n.Realtime.Channels = slices.Clone(s.Realtime.Channels)
	return &n
}

// secrets returns pointers to the secret values of s: each is never
// answered (Redacted) and kept when an update sends it empty or masked.
func (s *Settings) secrets() []*string {
	return []*string{&s.SMTP.Password, &s.S3.Secret, &s.Backups.S3.Secret}
}

// Redacted returns a copy of s without secrets, fit for API responses.
func (s *Settings) Redacted() *Settings {
	n := s.Clone()
	for _, p := range n.secrets() {
		*p = ""
	}
	return n
}

// settingsCache holds the current settings of one App. The zero value is
// ready: nothing cached. seq orders writers: it is taken inside the write
// transaction, so a later commit always has a larger seq, and a slower
// AfterCommit of an older update cannot overwrite a newer one. A cold load
// caches its result only if no update started while it read.
type settingsCache struct {
	cur     atomic.Pointer[Settings]
	seq     atomic.Uint64
	mu      sync.Mutex // guards applied; serialises cold loads
	applied uint64
}

// publish caches s, written by the update numbered seq, unless a newer
// update has already been published.
func (c *settingsCache) publish(s *Settings, seq uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if seq > c.applied {
		c.applied = seq
		c.cur.Store(s)
	}
}

func (app *App) settingsState() *settingsCache { return &app.settings }

const settingsParam = "settings"

// ViewSettings returns the current settings (see Settings) to a superuser:
// EUnauthenticated for guests, EForbidden for other auth records. The result
// is unredacted and shared: callers that answer clients must use Redacted.
func (app *App) ViewSettings(ctx context.Context, a Actor) (*Settings, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	return app.Settings(ctx)
}

// Settings returns the current settings: read once from the database, then
// from memory until UpdateSettings or ReloadSettings replaces them. A missing
// row means DefaultSettings. The result is shared: do not modify it. Errors
// are EInternal (unreadable database or stored JSON). It checks no access:
// it is Galley's own read (middleware, mail, realtime); work done for an
// actor goes through ViewSettings.
func (app *App) Settings(ctx context.Context) (*Settings, error) {
	c := app.settingsState()
	if s := c.cur.Load(); s != nil {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.cur.Load(); s != nil {
		return s, nil
	}
	start := c.seq.Load()
	s, err := loadSettings(ctx, app.db.Reader())
	if err != nil {
		return nil, err
	}
	if c.seq.Load() == start {
		c.cur.Store(s)
	}
	return s, nil
}

// ReloadSettings drops the cached settings so the next Settings call reads
// the database (e.g. after another node changed them).
func (app *App) ReloadSettings() {
	c := app.settingsState()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.applied = c.seq.Add(1)
	c.cur.Store(nil)
}

// loadSettings reads the stored settings over the defaults, so that keys
// added in later versions get their default values.
func loadSettings(ctx context.Context, q store.Querier) (*Settings, error) {
	raw, err := store.Param(ctx, q, settingsParam)
	s := DefaultSettings()
	if galley.ErrorCodeOf(err) == galley.ENotFound {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := jsonv2.Unmarshal([]byte(raw), s); err != nil {
		return nil, galley.Internal(err)
	}
	return s, nil
}

// UpdateSettings applies a partial JSON body (the keys present replace the
// stored values; arrays are replaced whole) to the current settings,
// validates and stores the result, and returns it (unredacted: callers that
// answer clients must use Redacted). Decoding is strict: unknown,
// duplicate and case-variant keys and wrong types are EInvalid naming the
// key. Validation failures are EInvalid with per-field errors keyed like
// "logs.maxDays" and Nested set (the API answers them as nested objects,
// as PocketBase does). An empty or masked secret (smtp.password,
// s3.secret, backups.s3.secret) keeps the stored one. A non-empty
// superuserIPs that would refuse the very request making the change is
// EInvalid (no locking oneself out).
// Superusers only: EUnauthenticated for guests, EForbidden for other auth
// records, checked before the body is read.
func (app *App) UpdateSettings(ctx context.Context, a Actor, body []byte) (*Settings, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	var out *Settings
	c := app.settingsState()
	err := app.db.WithTx(ctx, func(tx *store.Tx) error {
		// One settings update at a time (PostgreSQL: across writer
		// connections and nodes), so seq follows the commit order.
		if err := tx.Lock(ctx, "settings"); err != nil {
			return err
		}
		seq := c.seq.Add(1) // inside the transaction: commit order
		cur, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		next := cur.Clone()
		for _, p := range next.secrets() {
			*p = ""
		}
		if err := decodeSettings(body, next); err != nil {
			return settingsError(err, settingsLoadFailed)
		}
		old := cur.secrets()
		for i, p := range next.secrets() {
			if *p == "" || *p == SecretMask {
				*p = *old[i]
			}
		}
		if err := next.Validate(); err != nil {
			return settingsError(err, settingsSaveFailed)
		}
		if err := checkSuperuserLockout(a, next); err != nil {
			return settingsError(err, settingsSaveFailed)
		}
		raw, err := jsonv2.Marshal(next)
		if err != nil {
			return galley.Internal(err)
		}
		if err := tx.PutParam(ctx, settingsParam, string(raw), time.Now()); err != nil {
			return err
		}
		if err := tx.Notify(ctx, store.TopicSettings); err != nil { // other nodes drop their cached copy
			return err
		}
		out = next
		tx.AfterCommit(func() { c.publish(next, seq) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	app.SyncBackupCron(ctx)
	return out, nil
}

// PocketBase's top-level messages of a refused settings update: a body
// that does not decode (bad JSON, a wrong type; Galley also names the
// key in data) and settings that do not validate.
const (
	settingsLoadFailed = "An error occurred while loading the submitted data."
	settingsSaveFailed = "An error occurred while saving the new settings."
)

// settingsError gives an EInvalid error of a settings update the message
// msg and, when it names fields, PocketBase's nested error shape
// ({"meta": {"appURL": {...}}}).
func settingsError(err error, msg string) error {
	var ge *galley.Error
	if !errors.As(err, &ge) || ge.Code != galley.EInvalid {
		return err
	}
	n := *ge
	n.Message, n.Nested = msg, len(ge.Fields) > 0
	return &n
}

// decodeSettings merges body into s strictly, mapping decode errors to
// EInvalid with the offending key in dotted form.
func decodeSettings(body []byte, s *Settings) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	err := jsonv2.Unmarshal(body, s, jsonv2.RejectUnknownMembers(true))
	if err == nil {
		return nil
	}
	key, msg := "", "Invalid value."
	var se *jsonv2.SemanticError
	var sy *jsontext.SyntacticError
	switch {
	case errors.As(err, &se):
		key = pointerKey(string(se.JSONPointer))
		if errors.Is(err, jsonv2.ErrUnknownName) {
			msg = "Unknown setting."
		} else if se.GoType != nil {
			msg = "Invalid value: expected " + goKind(se.GoType.Kind().String()) + "."
		}
	case errors.As(err, &sy):
		key = pointerKey(string(sy.JSONPointer))
		msg = "Invalid JSON: " + strings.TrimPrefix(sy.Err.Error(), "jsontext: ")
		if errors.Is(err, jsontext.ErrDuplicateName) {
			msg = "Duplicate key."
		}
	}
	if key == "" {
		return galley.Errorf(galley.EInvalid, settingsLoadFailed)
	}
	return galley.FieldInvalid(key, "validation_invalid_value", msg)
}

// pointerKey turns a JSON pointer ("/logs/maxDays") into "logs.maxDays".
func pointerKey(p string) string {
	p = strings.TrimPrefix(p, "/")
	p = strings.ReplaceAll(p, "~1", "/")
	p = strings.ReplaceAll(p, "~0", "~")
	return strings.ReplaceAll(p, "/", ".")
}

func goKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "a number"
	case k == "bool":
		return "a boolean"
	case k == "string":
		return "a string"
	case k == "slice":
		return "an array"
	case k == "struct", k == "map":
		return "an object"
	}
	return k
}
