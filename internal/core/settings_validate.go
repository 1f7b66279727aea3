package core

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	galley "github.com/galleyhq/galley"
)

// Settings limits.
const (
	maxLogDays        = 100000
	maxBatchRequests  = 10000
	maxRateLimitRules = 100
	maxSuperuserIPs   = 1000
)

// rateLimitLabel is the form of a rate limit rule's label PocketBase
// accepts: "[METHOD ]/path", "collection:action", "*:action" or a tag.
var rateLimitLabel = regexp.MustCompile(`^(?:\w+ )?/[\w/-]*$|^(?:\*|\w+):\w+$|^\w+$`)

// hexColor is a "#rrggbb" colour.
var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Validate checks s and returns an EInvalid *galley.Error whose fields are
// keyed by the dotted path of each bad value ("meta.appURL",
// "rateLimits.rules.0.duration"), or nil. Codes, messages and params are
// PocketBase's ("validation_min_greater_equal_than_required", "Must be no
// less than 0.", {"threshold": 0}); the upper bounds PocketBase does not
// have (logs.maxDays, batch sizes, smtp.port, ...) are Galley's own, with
// the matching "Must be no greater than N." error.
func (s *Settings) Validate() error {
	v := galley.ValidationErrors{}
	required := func(key, val string) bool {
		if strings.TrimSpace(val) == "" {
			v.Add(key, "validation_required", "Cannot be blank.")
			return false
		}
		return true
	}
	length := func(key, val string, lo, hi int) {
		if n := len(val); n < lo || n > hi {
			v.AddParams(key, "validation_length_out_of_range", fmt.Sprintf("The length must be between %d and %d.", lo, hi),
				map[string]any{"min": lo, "max": hi})
		}
	}
	maxLen := func(key, val string, n int) {
		if len(val) > n {
			v.AddParams(key, "validation_length_too_long", fmt.Sprintf("The length must be no more than %d.", n), map[string]any{"max": n})
		}
	}
	// atLeast and atMost are PocketBase's Min and Max rules.
	atLeast := func(key string, val, lo int64) {
		if val < lo {
			v.AddParams(key, "validation_min_greater_equal_than_required", fmt.Sprintf("Must be no less than %d.", lo), map[string]any{"threshold": lo})
		}
	}
	atMost := func(key string, val, hi int64) {
		if val > hi {
			v.AddParams(key, "validation_max_less_equal_than_required", fmt.Sprintf("Must be no greater than %d.", hi), map[string]any{"threshold": hi})
		}
	}
	// requiredNum: a number that must be set (0 is blank) and at least lo.
	requiredNum := func(key string, val, lo, hi int64) {
		if val == 0 {
			v.Add(key, "validation_required", "Cannot be blank.")
		}
		atLeast(key, val, lo)
		atMost(key, val, hi)
	}
	between := func(key string, val, lo, hi int64) {
		atLeast(key, val, lo)
		atMost(key, val, hi)
	}
	ipList := func(key string, ips []string) {
		if len(ips) > maxSuperuserIPs {
			v.AddParams(key, "validation_length_too_long", fmt.Sprintf("The length must be no more than %d.", maxSuperuserIPs), map[string]any{"max": maxSuperuserIPs})
		}
		for i, ip := range ips {
			if _, err := parseIPRange(ip); err != nil {
				// PocketBase's code, its spelling included.
				v.Add(fmt.Sprintf("%s.%d", key, i), "validation_invlaid_ip_or_subnet", "Invalid IP or CIDR subnet.")
			}
		}
	}

	m := s.Meta
	if required("meta.appName", m.AppName) {
		length("meta.appName", m.AppName, 1, 255)
	}
	if required("meta.appURL", m.AppURL) {
		if u, err := url.Parse(m.AppURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.Add("meta.appURL", "validation_is_url", "Must be a valid URL.")
		}
	}
	if required("meta.senderName", m.SenderName) {
		length("meta.senderName", m.SenderName, 1, 255)
	}
	if required("meta.senderAddress", m.SenderAddress) && !isPlainEmail(m.SenderAddress) {
		v.Add("meta.senderAddress", "validation_is_email", "Must be a valid email address.")
	}
	if c := m.AccentColor; c != "" {
		if len(c) != 7 {
			v.AddParams("meta.accentColor", "validation_length_invalid", "The length must be exactly 7.", map[string]any{"min": 7, "max": 7})
		} else if !hexColor.MatchString(c) {
			v.Add("meta.accentColor", "validation_is_hex_color", "Must be a valid hexadecimal color code.")
		}
	}

	between("logs.maxDays", int64(s.Logs.MaxDays), 0, maxLogDays)
	atLeast("logs.maxDataSize", int64(s.Logs.MaxDataSize), 0)
	between("logs.minLevel", int64(s.Logs.MinLevel), -100, 100)

	b := s.Batch
	if b.Enabled {
		requiredNum("batch.maxRequests", int64(b.MaxRequests), 0, maxBatchRequests)
		requiredNum("batch.timeout", int64(b.Timeout), 0, 3600)
	} else {
		between("batch.maxRequests", int64(b.MaxRequests), 0, maxBatchRequests)
		between("batch.timeout", int64(b.Timeout), 0, 3600)
	}
	atLeast("batch.maxBodySize", b.MaxBodySize, 0)

	if len(s.RateLimits.Rules) > maxRateLimitRules {
		v.AddParams("rateLimits.rules", "validation_length_too_long", fmt.Sprintf("The length must be no more than %d.", maxRateLimitRules), map[string]any{"max": maxRateLimitRules})
	}
	conflict := false
	for i, r := range s.RateLimits.Rules {
		key := fmt.Sprintf("rateLimits.rules.%d.", i)
		if required(key+"label", r.Label) {
			if !rateLimitLabel.MatchString(r.Label) {
				v.Add(key+"label", "validation_match_invalid", "Must be in a valid format.")
			} else {
				maxLen(key+"label", r.Label, 255)
			}
		}
		switch r.Audience {
		case "", "@guest", "@auth":
		default:
			v.Add(key+"audience", "validation_in_invalid", "Must be a valid value.")
		}
		requiredNum(key+"duration", int64(r.Duration), 1, 86400*365)
		requiredNum(key+"maxRequests", int64(r.MaxRequests), 1, 1<<30)
		// A rule conflicts with an earlier one of the same label whose
		// audience is the same or either is for everyone; like
		// PocketBase, only the first conflict is reported.
		for _, o := range s.RateLimits.Rules[:i] {
			if !conflict && o.Label == r.Label && (o.Audience == r.Audience || o.Audience == "" || r.Audience == "") {
				conflict = true
				v.AddParams(key+"label", "validation_conflicting_rate_limit_rule",
					fmt.Sprintf("Rate limit rule configuration with label %s already exists or conflicts with another rule.", r.Label),
					map[string]any{"label": r.Label})
			}
		}
	}
	ipList("rateLimits.excludedIPs", s.RateLimits.ExcludedIPs)

	for i, h := range s.TrustedProxy.Headers {
		if !isHeaderName(h) {
			v.Add(fmt.Sprintf("trustedProxy.headers.%d", i), "validation_invalid_header", "Must be a valid HTTP header name.")
		}
	}

	m2 := s.SMTP
	if m2.Enabled {
		required("smtp.host", m2.Host)
		requiredNum("smtp.port", int64(m2.Port), 0, 65535)
	} else {
		between("smtp.port", int64(m2.Port), 0, 65535)
	}
	switch m2.AuthMethod {
	case "", "PLAIN", "LOGIN":
	default:
		v.Add("smtp.authMethod", "validation_in_invalid", "Must be a valid value.")
	}
	maxLen("smtp.host", m2.Host, 255)
	maxLen("smtp.localName", m2.LocalName, 255)
	s.Realtime.validate(v)
	s.S3.validate(v, "s3")
	s.Backups.validate(v)
	ipList("superuserIPs", s.SuperuserIPs)
	return v.Err()
}

// validate checks the backups settings: cron is empty or a valid cron
// expression, cronMaxKeep is 1 or more (required while cron is set), and
// the S3 settings as for file storage.
func (b BackupsSettings) validate(v galley.ValidationErrors) {
	if b.Cron != "" {
		if msg := cronProblem(b.Cron); msg != "" {
			v.Add("backups.cron", "validation_invalid_cron", msg)
		}
		if b.CronMaxKeep == 0 {
			v.Add("backups.cronMaxKeep", "validation_required", "Cannot be blank.")
		}
	}
	if b.CronMaxKeep < 1 && (b.Cron != "" || b.CronMaxKeep != 0) {
		v.AddParams("backups.cronMaxKeep", "validation_min_greater_equal_than_required", "Must be no less than 1.", map[string]any{"threshold": 1})
	}
	if b.CronMaxKeep > 10000 {
		v.AddParams("backups.cronMaxKeep", "validation_max_less_equal_than_required", "Must be no greater than 10000.", map[string]any{"threshold": 10000})
	}
	b.S3.validate(v, "backups.s3")
}

// cronMacros are the named schedules a cron expression may be.
var cronMacros = []string{"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}

// cronFields are the bounds of the five fields of a cron expression:
// minute, hour, day of month, month, day of week (0-6, Sunday 0).
var cronFields = []struct {
	name   string
	lo, hi int
}{{"minute", 0, 59}, {"hour", 0, 23}, {"day of month", 1, 31}, {"month", 1, 12}, {"day of week", 0, 6}}

// cronProblem checks the syntax of a cron expression: one of cronMacros,
// or five space-separated fields, each a comma-separated list of "*", "n"
// or "a-b", each optionally followed by "/step". It returns "" for a valid
// expression, else a message naming the bad field.
func cronProblem(expr string) string {
	if len(expr) > 255 {
		return "The cron expression is too long."
	}
	if slices.Contains(cronMacros, expr) {
		return ""
	}
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return "Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments."
	}
	for i, f := range fields {
		b := cronFields[i]
		for _, part := range strings.Split(f, ",") {
			if msg := cronPartProblem(part, b.lo, b.hi); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// cronPartProblem checks part ("*", "5", "1-5", "*/15", "0-30/5") of a
// field whose values lie in lo..hi and returns PocketBase's message for
// what is wrong with it, or "".
func cronPartProblem(part string, lo, hi int) string {
	const badValue = "Invalid segment value - must be between the min and max of the segment."
	rng, step, hasStep := strings.Cut(part, "/")
	if hasStep {
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 || n > hi {
			return fmt.Sprintf("Invalid segment step boundary - the step must be between 1 and the %d.", hi)
		}
	}
	if rng == "*" {
		return ""
	}
	num := func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= lo && n <= hi && s != "" && s[0] != '+' && s[0] != '-'
	}
	a, b, isRange := strings.Cut(rng, "-")
	x, ok := num(a)
	if !ok {
		return badValue
	}
	if !isRange {
		return ""
	}
	if y, ok := num(b); !ok || x > y {
		return fmt.Sprintf("Invalid segment range maximum - must be between %d and %d.", x, hi)
	}
	return ""
}

// isPlainEmail reports whether s is a bare address (no display name).
func isPlainEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// isHeaderName reports whether h is a non-empty RFC 9110 token.
func isHeaderName(h string) bool {
	if h == "" || len(h) > 100 {
		return false
	}
	for _, c := range h {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.ContainsRune("!#$%&'*+-.^_`|~", c):
		default:
			return false
		}
	}
	return true
}

// validate checks the S3 settings under key prefix ("s3", "backups.s3"):
// bucket, region, endpoint, access key and secret are required while
// enabled; the endpoint is an http(s) URL or a bare host.
func (s S3Settings) validate(v galley.ValidationErrors, prefix string) {
	fields := []struct{ key, val string }{{prefix + ".bucket", s.Bucket}, {prefix + ".region", s.Region},
		{prefix + ".endpoint", s.Endpoint}, {prefix + ".accessKey", s.AccessKey}, {prefix + ".secret", s.Secret}}
	if s.Enabled {
		for _, f := range fields {
			if strings.TrimSpace(f.val) == "" {
				v.Add(f.key, "validation_required", "Cannot be blank.")
			}
		}
	}
	if s.Endpoint != "" {
		e := s.Endpoint
		if !strings.Contains(e, "://") {
			e = "https://" + e
		}
		if u, err := url.Parse(e); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			v.Add(prefix+".endpoint", "validation_is_url", "Must be a valid URL.")
		}
	}
	for _, f := range fields {
		if len(f.val) > 1024 {
			v.Add(f.key, "validation_length_too_long", "Must be no more than 1024 characters.")
		}
	}
}
