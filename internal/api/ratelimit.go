package api

import (
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/ratelimit"
)

// ruleMaxKeys bounds the keys (rule × client) the settings rules track per
// server; beyond it the least recently used are forgotten.
const ruleMaxKeys = 200_000

// rateLimit enforces the settings' rate-limit rules (rateLimits.enabled and
// rateLimits.rules). Counters are per node; on a cluster each node admits
// its share of every limit (maxRequests / live nodes, at least 1; see
// ratelimit.WithNodes), so the cluster as a whole admits about the limit. For each request the single most specific
// matching rule applies (see ruleScore), counted per rule label and audience
// and per client: the record id for auth records, the client IP (IPv6 by
// /64, after trusted-proxy resolution) for guests. Over the limit the answer
// is 429 "Too Many Requests." with Retry-After in whole seconds.
//
// Superusers are exempt from these rules, so that a mis-set rule cannot
// lock the administrators out of the dashboard that fixes it; so are the
// client IPs in rateLimits.excludedIPs. The built-in
// login and mail guards (internal/ratelimit) are separate and always on.
//
// The limiter state lives in the returned handler: each call of Handler
// starts with fresh counters.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	rl := &ruleLimiter{lim: ratelimit.New(ruleMaxKeys, ratelimit.WithNodes(s.liveNodes))}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wait, limited := rl.check(s, r); limited {
			s.rulesRefused.Add(1)
			err := ratelimit.TooMany(wait)
			w.Header().Set("Retry-After", ratelimit.RetryAfterHeader(err))
			writeError(w, r, s.log, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ruleLimiter holds the counters and the rules compiled from the current
// settings (recompiled when the settings change).
type ruleLimiter struct {
	lim      *ratelimit.Limiter
	compiled atomic.Pointer[compiledRules]
}

type compiledRules struct {
	src   *core.Settings
	rules []compiledRule
}

// compiledRule is a settings rule with its label parsed.
type compiledRule struct {
	rule   core.RateLimitRule
	window time.Duration
	method string // "" for any method
	path   string // path labels: the path ("/api/" prefix, "/api/x" exact)
	prefix bool   // path ends with "/": a prefix
	coll   string // tag labels: lower-cased collection name or id, "*" for any
	action string // tag labels: the action ("create", "auth", ...)
	key    string // counter key prefix: label and audience
}

// check reports whether r is over the limit of its most specific rule, and
// the wait. It counts r when it is not.
func (rl *ruleLimiter) check(s *Server, r *http.Request) (time.Duration, bool) {
	set, err := s.app.Settings(r.Context())
	if err != nil || !set.RateLimits.Enabled || len(set.RateLimits.Rules) == 0 {
		return 0, false // unreadable settings fail open: the data path reports them
	}
	a := actorOf(r)
	if a.IsSuperuser() || core.IPListed(set.RateLimits.ExcludedIPs, a.IP) {
		return 0, false
	}
	rules := rl.rules(set)
	t := s.targetOf(r)
	best, bestScore := -1, -1
	for i := range rules {
		if sc := rules[i].score(t, a.Auth != nil); sc > bestScore {
			best, bestScore = i, sc
		}
	}
	if best < 0 {
		return 0, false
	}
	cr := &rules[best]
	who := "ip\x00" + ratelimit.IPKey(a.IP)
	if a.Auth != nil {
		who = "id\x00" + a.Auth.ID()
		if a.Auth.Collection != nil {
			who += "\x00" + a.Auth.Collection.ID
		}
	}
	ok, wait := rl.lim.Allow(cr.key+who, cr.rule.MaxRequests, cr.window)
	return wait, !ok
}

// rules returns the rules of set, compiling them on first use.
func (rl *ruleLimiter) rules(set *core.Settings) []compiledRule {
	if c := rl.compiled.Load(); c != nil && c.src == set {
		return c.rules
	}
	c := &compiledRules{src: set, rules: make([]compiledRule, 0, len(set.RateLimits.Rules))}
	for _, r := range set.RateLimits.Rules {
		if cr, ok := compileRule(r); ok {
			c.rules = append(c.rules, cr)
		}
	}
	rl.compiled.Store(c)
	return c.rules
}

// compileRule parses a rule label: "[METHOD ]/path" (a prefix when it ends
// with "/"), "collection:action" or "*:action". Other labels (plain tags)
// name no built-in route and never match.
func compileRule(r core.RateLimitRule) (compiledRule, bool) {
	cr := compiledRule{rule: r, window: time.Duration(r.Duration) * time.Second,
		key: "rule\x00" + r.Label + "\x00" + r.Audience + "\x00"}
	if r.MaxRequests < 1 || r.Duration < 1 {
		return cr, false
	}
	label := strings.TrimSpace(r.Label)
	if m, rest, ok := strings.Cut(label, " "); ok {
		if m == "" || strings.ToUpper(m) != m || !strings.HasPrefix(strings.TrimSpace(rest), "/") {
			return cr, false
		}
		cr.method, label = m, strings.TrimSpace(rest)
	}
	if strings.HasPrefix(label, "/") {
		cr.path, cr.prefix = label, strings.HasSuffix(label, "/")
		return cr, true
	}
	coll, action, ok := strings.Cut(label, ":")
	if !ok || cr.method != "" || coll == "" || action == "" {
		return cr, false
	}
	cr.coll, cr.action = strings.ToLower(coll), action
	return cr, true
}

// Rule specificity by label kind, from most to least specific. A path
// prefix scores 2×its length (+1 with a method), below every other kind
// (labels are at most 255 bytes), so longer prefixes beat shorter ones.
const (
	scoreMethodExact = 1000 // POST /api/collections/posts/records
	scoreCollExact   = 900  // posts:create, users:authWithPassword
	scoreCollAuth    = 850  // users:auth
	scoreExact       = 800  // /api/collections/posts/records
	scoreAnyExact    = 700  // *:create, *:authWithPassword
	scoreAnyAuth     = 650  // *:auth
)

// score returns how specifically the rule matches t for a guest or an auth
// record (higher is more specific; a rule for one audience beats the same
// label for all), or -1 when it does not apply.
func (cr *compiledRule) score(t target, auth bool) int {
	switch cr.rule.Audience {
	case "@guest":
		if auth {
			return -1
		}
	case "@auth":
		if !auth {
			return -1
		}
	}
	sc := cr.match(t)
	if sc < 0 {
		return -1
	}
	sc *= 2
	if cr.rule.Audience != "" {
		sc++
	}
	return sc
}

func (cr *compiledRule) match(t target) int {
	if cr.path != "" {
		if cr.method != "" && cr.method != t.method {
			return -1
		}
		switch {
		case cr.prefix && strings.HasPrefix(t.path, cr.path):
			sc := 2 * min(len(cr.path), 255)
			if cr.method != "" {
				sc++
			}
			return sc
		case !cr.prefix && t.path == cr.path:
			if cr.method != "" {
				return scoreMethodExact
			}
			return scoreExact
		}
		return -1
	}
	if t.action == "" {
		return -1
	}
	group := cr.action == "auth" && t.authWith
	if cr.action != t.action && !group {
		return -1
	}
	switch {
	case cr.coll == "*" && group:
		return scoreAnyAuth
	case cr.coll == "*":
		return scoreAnyExact
	case cr.coll != t.collName && cr.coll != t.collID:
		return -1
	case group:
		return scoreCollAuth
	}
	return scoreCollExact
}

// target is what rule labels can name about a request.
type target struct {
	method, path     string
	collName, collID string // lower-cased name (or the raw path segment) and id
	action           string // "list", "create", "authWithPassword", ... or ""
	authWith         bool   // an auth-with-* endpoint (the "auth" tag)
}

// authAction returns the tag of an auth endpoint under
// /api/collections/{c}/, or "".
func authAction(segment string) string {
	switch segment {
	case "auth-with-password":
		return "authWithPassword"
	case "auth-with-oauth2":
		return "authWithOAuth2"
	case "auth-with-otp":
		return "authWithOTP"
	case "auth-refresh":
		return "authRefresh"
	case "auth-methods":
		return "listAuthMethods"
	case "request-otp":
		return "requestOTP"
	case "request-password-reset":
		return "requestPasswordReset"
	case "confirm-password-reset":
		return "confirmPasswordReset"
	case "request-verification":
		return "requestVerification"
	case "confirm-verification":
		return "confirmVerification"
	case "request-email-change":
		return "requestEmailChange"
	case "confirm-email-change":
		return "confirmEmailChange"
	}
	return ""
}

// targetOf describes r for rule matching.
func (s *Server) targetOf(r *http.Request) target {
	t := target{method: r.Method, path: r.URL.Path}
	if t.method == http.MethodHead {
		t.method = http.MethodGet
	}
	var coll string
	var rest []string
	switch {
	case strings.HasPrefix(t.path, "/api/collections/"):
		parts := strings.Split(strings.TrimPrefix(t.path, "/api/collections/"), "/")
		coll, rest = parts[0], parts[1:]
		t.action = collectionAction(t.method, rest)
		t.authWith = len(rest) == 1 && strings.HasPrefix(rest[0], "auth-with-")
	case strings.HasPrefix(t.path, "/api/files/"):
		parts := strings.Split(strings.TrimPrefix(t.path, "/api/files/"), "/")
		if len(parts) == 3 && t.method == http.MethodGet {
			coll, t.action = parts[0], "file"
		}
	}
	if t.action == "" || coll == "" {
		t.action = ""
		return t
	}
	t.collName = strings.ToLower(coll)
	if name, id, ok := s.app.CollectionKey(coll); ok {
		t.collName, t.collID = strings.ToLower(name), strings.ToLower(id)
	}
	return t
}

// collectionAction returns the tag action of the path segments after
// /api/collections/{c}/ for method, or "".
func collectionAction(method string, rest []string) string {
	switch {
	case len(rest) == 1 && rest[0] == "records":
		switch method {
		case http.MethodGet:
			return "list"
		case http.MethodPost:
			return "create"
		}
	case len(rest) == 2 && rest[0] == "records" && rest[1] != "":
		switch method {
		case http.MethodGet:
			return "view"
		case http.MethodPatch:
			return "update"
		case http.MethodDelete:
			return "delete"
		}
	case len(rest) == 1:
		return authAction(rest[0])
	case len(rest) == 2 && rest[0] == "impersonate" && rest[1] != "":
		return "impersonate"
	}
	return ""
}
