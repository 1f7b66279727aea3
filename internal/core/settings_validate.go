package core

import (
	"fmt"
	"net/mail"
	"net/url"
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

// Validate checks s and returns an EInvalid *galley.Error whose fields are
// keyed by the dotted path of each bad value ("meta.appURL",
// "rateLimits.rules.0.duration"), or nil.
func (s *Settings) Validate() error {
	v := galley.ValidationErrors{}
	required := func(key, val string) bool {
		if strings.TrimSpace(val) == "" {
			v.Add(key, "validation_required", "Cannot be blank.")
			return false
		}
		return true
	}
	maxLen := func(key, val string, n int) {
		if len(val) > n {
			v.Add(key, "validation_length_too_long", fmt.Sprintf("Must be no more than %d characters.", n))
		}
	}
	between := func(key string, val, lo, hi int) {
		if val < lo || val > hi {
			v.Add(key, "validation_out_of_range", fmt.Sprintf("Must be between %d and %d.", lo, hi))
		}
	}

	m := s.Meta
	if required("meta.appName", m.AppName) {
		maxLen("meta.appName", m.AppName, 255)
	}
	if required("meta.appURL", m.AppURL) {
		if u, err := url.Parse(m.AppURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.Add("meta.appURL", "validation_is_url", "Must be a valid absolute http(s) URL.")
		}
	}
	if required("meta.senderName", m.SenderName) {
		maxLen("meta.senderName", m.SenderName, 255)
	}
	if required("meta.senderAddress", m.SenderAddress) && !isPlainEmail(m.SenderAddress) {
		v.Add("meta.senderAddress", "validation_is_email", "Must be a valid email address.")
	}

	between("logs.maxDays", s.Logs.MaxDays, 0, maxLogDays)
	between("logs.minLevel", s.Logs.MinLevel, -100, 100)

	b := s.Batch
	if b.Enabled {
		between("batch.maxRequests", b.MaxRequests, 1, maxBatchRequests)
		between("batch.timeout", b.Timeout, 1, 3600)
	} else {
		between("batch.maxRequests", b.MaxRequests, 0, maxBatchRequests)
		between("batch.timeout", b.Timeout, 0, 3600)
	}
	if b.MaxBodySize < 0 {
		v.Add("batch.maxBodySize", "validation_min_greater_equal_than_required", "Must be no less than 0.")
	}

	if len(s.RateLimits.Rules) > maxRateLimitRules {
		v.Add("rateLimits.rules", "validation_length_too_long", fmt.Sprintf("Must have at most %d rules.", maxRateLimitRules))
	}
	seen := map[string]bool{}
	for i, r := range s.RateLimits.Rules {
		key := fmt.Sprintf("rateLimits.rules.%d.", i)
		if required(key+"label", r.Label) {
			maxLen(key+"label", r.Label, 255)
			if seen[r.Label+"\x00"+r.Audience] {
				v.Add(key+"label", "validation_duplicated_rate_limit_tag", "Rate limit label and audience must be unique.")
			}
			seen[r.Label+"\x00"+r.Audience] = true
		}
		switch r.Audience {
		case "", "@guest", "@auth":
		default:
			v.Add(key+"audience", "validation_in_invalid", `Must be "", "@guest" or "@auth".`)
		}
		between(key+"duration", r.Duration, 1, 86400*365)
		between(key+"maxRequests", r.MaxRequests, 1, 1<<30)
	}

	for i, h := range s.TrustedProxy.Headers {
		if !isHeaderName(h) {
			v.Add(fmt.Sprintf("trustedProxy.headers.%d", i), "validation_invalid_header", "Must be a valid HTTP header name.")
		}
	}

	m2 := s.SMTP
	if m2.Enabled {
		required("smtp.host", m2.Host)
		between("smtp.port", m2.Port, 1, 65535)
	} else if m2.Port != 0 {
		between("smtp.port", m2.Port, 1, 65535)
	}
	switch strings.ToUpper(m2.AuthMethod) {
	case "", "PLAIN", "LOGIN":
	default:
		v.Add("smtp.authMethod", "validation_in_invalid", `Must be "PLAIN" or "LOGIN".`)
	}
	maxLen("smtp.host", m2.Host, 255)
	maxLen("smtp.localName", m2.LocalName, 255)
	s.Realtime.validate(v)
	s.S3.validate(v, "s3")
	s.Backups.validate(v)
	if len(s.SuperuserIPs) > maxSuperuserIPs {
		v.Add("superuserIPs", "validation_length_too_long", fmt.Sprintf("Must have at most %d entries.", maxSuperuserIPs))
	}
	for i, ip := range s.SuperuserIPs {
		if _, err := parseIPRange(ip); err != nil {
			v.Add(fmt.Sprintf("superuserIPs.%d", i), "validation_invalid_ip", "Must be an IP address or a CIDR range (203.0.113.7, 10.0.0.0/8).")
		}
	}
	return v.Err()
}

// validate checks the backups settings: cron is empty or a valid cron
// expression, cronMaxKeep is 1 or more while cron is set, and the S3
// settings as for file storage.
func (b BackupsSettings) validate(v galley.ValidationErrors) {
	if b.Cron != "" {
		if msg := cronProblem(b.Cron); msg != "" {
			v.Add("backups.cron", "validation_invalid_cron", msg)
		}
	}
	lo := 0
	if b.Cron != "" {
		lo = 1
	}
	if b.CronMaxKeep < lo || b.CronMaxKeep > 10000 {
		v.Add("backups.cronMaxKeep", "validation_out_of_range", fmt.Sprintf("Must be between %d and 10000.", lo))
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
		return fmt.Sprintf("A cron expression has 5 fields (minute hour day-of-month month day-of-week), got %d.", len(fields))
	}
	for i, f := range fields {
		b := cronFields[i]
		for _, part := range strings.Split(f, ",") {
			if !cronPartOK(part, b.lo, b.hi) {
				return fmt.Sprintf("Invalid %s %q: use *, a number between %d and %d, a range a-b, a list a,b or a step */n.", b.name, part, b.lo, b.hi)
			}
		}
	}
	return ""
}

// cronPartOK reports whether part ("*", "5", "1-5", "*/15", "0-30/5") is
// valid for a field whose values lie in lo..hi.
func cronPartOK(part string, lo, hi int) bool {
	rng, step, hasStep := strings.Cut(part, "/")
	if hasStep {
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 || n > hi-lo+1 {
			return false
		}
	}
	if rng == "*" {
		return true
	}
	num := func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= lo && n <= hi && s != "" && s[0] != '+' && s[0] != '-'
	}
	a, b, isRange := strings.Cut(rng, "-")
	x, ok := num(a)
	if !ok {
		return false
	}
	if !isRange {
		return true
	}
	y, ok := num(b)
	return ok && x <= y
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
			v.Add(prefix+".endpoint", "validation_is_url", "Must be an http(s) URL or a host name, without a path.")
		}
	}
	for _, f := range fields {
		if len(f.val) > 1024 {
			v.Add(f.key, "validation_length_too_long", "Must be no more than 1024 characters.")
		}
	}
}
