package reqlog

import (
	"net/url"
	"strings"
)

// Redacted replaces the value of a sensitive query parameter in a logged
// URL.
const Redacted = "***"

// sensitiveParams are the query parameters whose values are never stored
// in request logs (compared case-insensitively): tokens (the WebSocket
// transport's ?token=, OAuth2 access, refresh and id tokens), the OAuth2
// authorization code, state and PKCE verifier, passwords, one-time
// passwords, MFA session ids and secrets.
var sensitiveParams = map[string]bool{
	"token": true, "access_token": true, "refresh_token": true, "id_token": true,
	"code": true, "state": true, "code_verifier": true,
	"password": true, "passwordconfirm": true, "oldpassword": true,
	"otp": true, "mfaid": true,
	"secret": true, "client_secret": true,
}

// RedactURL returns u (a request URI or an absolute URL, as in a Referer)
// with the value of every sensitive query parameter replaced by Redacted
// ("/api/realtime/ws?token=***"). Parameter names are matched
// case-insensitively after percent-decoding, and both "&" and ";" count as
// separators, so no spelling of a name carries its value into the log. The
// rest of u is returned byte for byte; u without a sensitive parameter is
// returned as is.
func RedactURL(u string) string {
	q := strings.IndexByte(u, '?')
	if q < 0 {
		return u
	}
	end := len(u)
	if h := strings.IndexByte(u[q:], '#'); h >= 0 {
		end = q + h
	}
	var b strings.Builder
	changed := false
	start := q + 1
	for i := start; i <= end; i++ {
		if i < end && u[i] != '&' && u[i] != ';' {
			continue
		}
		pair := u[start:i]
		key, _, hasValue := strings.Cut(pair, "=")
		if hasValue && pair[len(key)+1:] != Redacted && isSensitive(key) {
			if !changed {
				b.Grow(len(u))
				b.WriteString(u[:start])
				changed = true
			}
			b.WriteString(key)
			b.WriteString("=" + Redacted)
		} else if changed {
			b.WriteString(pair)
		}
		if changed && i < end {
			b.WriteByte(u[i])
		}
		start = i + 1
	}
	if !changed {
		return u
	}
	b.WriteString(u[end:])
	return b.String()
}

// isSensitive reports whether the raw (percent-encoded) query key names a
// sensitive parameter.
func isSensitive(rawKey string) bool {
	k, err := url.QueryUnescape(rawKey)
	if err != nil {
		k = rawKey
	}
	return sensitiveParams[strings.ToLower(strings.TrimSpace(k))]
}
