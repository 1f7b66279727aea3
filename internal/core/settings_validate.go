package core

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	galley "github.com/galleyhq/galley"
)

// Settings limits.
const (
	maxLogDays        = 100000
	maxBatchRequests  = 10000
	maxRateLimitRules = 100
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
	s.S3.validate(v)
	return v.Err()
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

// validate checks the S3 settings: bucket, region and endpoint are
// required while enabled; the endpoint is an http(s) URL or a bare host.
func (s S3Settings) validate(v galley.ValidationErrors) {
	if s.Enabled {
		for _, f := range []struct{ key, val string }{{"s3.bucket", s.Bucket}, {"s3.region", s.Region}, {"s3.endpoint", s.Endpoint},
			{"s3.accessKey", s.AccessKey}, {"s3.secret", s.Secret}} {
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
			v.Add("s3.endpoint", "validation_is_url", "Must be an http(s) URL or a host name, without a path.")
		}
	}
	for _, f := range []struct{ key, val string }{{"s3.bucket", s.Bucket}, {"s3.region", s.Region}, {"s3.endpoint", s.Endpoint}, {"s3.accessKey", s.AccessKey}, {"s3.secret", s.Secret}} {
		if len(f.val) > 1024 {
			v.Add(f.key, "validation_length_too_long", "Must be no more than 1024 characters.")
		}
	}
}
