package ratelimit

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
)

// Rule allows Max events per Window.
type Rule struct {
	Max    int
	Window time.Duration
}

// Defaults of the built-in guards (functions, so that no package state can
// be changed). The guards are on whether or not the settings' rateLimits
// are enabled.
func defaultLoginPerIP() Rule      { return Rule{Max: 10, Window: time.Minute} }
func defaultLoginPerAccount() Rule { return Rule{Max: 100, Window: time.Hour} }
func defaultMailPerAddress() Rule  { return Rule{Max: 5, Window: time.Hour} }
func defaultMailPerIP() Rule       { return Rule{Max: 20, Window: time.Hour} }

// DefaultMaxKeys is how many keys a guard keeps when MaxKeys is 0 (a few
// tens of MB at most).
const DefaultMaxKeys = 100_000

// Guards are the built-in protections of one App. The zero value is ready
// to use with the defaults.
type Guards struct {
	Login LoginGuard
	Mail  MailGuard
}

// LoginGuard limits failed log-ins per client IP (default 10 a minute) and
// per account (default 100 an hour). Unknown identities are limited exactly
// like known ones, so its answers reveal nothing about which accounts exist.
//
// Use it around every password (or OTP) check:
//
//	if ok, d := g.Attempt(ip, ratelimit.AccountKey(col.ID, identity)); !ok {
//		return ratelimit.TooMany(d) // before looking at the password
//	}
//	... verify; on success: g.Succeeded(ip, account)
//
// Attempt counts the attempt as a failure at once, so that concurrent
// attempts cannot all pass the check while a slow password hash runs;
// Succeeded takes the count back. A failure needs no call.
//
// The per-account limit lets anyone who knows an identity lock its owner
// out of password log-ins for up to the account window (100 failures
// needs 10 minutes from one IP); that is the accepted price of stopping
// distributed guessing. The zero value uses the defaults; set the fields
// before first use.
type LoginGuard struct {
	PerIP      Rule             // zero: 10 per minute
	PerAccount Rule             // zero: 100 per hour
	MaxKeys    int              // zero: DefaultMaxKeys
	Now        func() time.Time // nil: time.Now (tests inject a clock)
	// Nodes, when set, returns the live nodes of the cluster: each node
	// enforces its share of the limits (see WithNodes).
	Nodes func() int

	once    sync.Once
	lim     *Limiter
	refused atomic.Int64
}

// Refused returns how many attempts Attempt has refused (metrics).
func (g *LoginGuard) Refused() int64 { return g.refused.Load() }

func (g *LoginGuard) init() {
	g.once.Do(func() {
		g.PerIP = orDefault(g.PerIP, defaultLoginPerIP())
		g.PerAccount = orDefault(g.PerAccount, defaultLoginPerAccount())
		g.lim = newLimiter(g.MaxKeys, g.Now, g.Nodes)
	})
}

// Attempt reports whether a log-in attempt from ip for account may proceed
// and, when it may, counts it as a failure until Succeeded is called. When
// it may not, nothing is counted and retryAfter (> 0) says when to retry;
// answer TooMany(retryAfter) without checking the password. An empty ip or
// account skips that limit. account should come from AccountKey.
func (g *LoginGuard) Attempt(ip, account string) (ok bool, retryAfter time.Duration) {
	g.init()
	ok, retryAfter = allowBoth(g.lim, ipKey(ip), g.PerIP, accountKey(account), g.PerAccount)
	if !ok {
		g.refused.Add(1)
	}
	return ok, retryAfter
}

// Succeeded takes back the failure Attempt counted for a log-in that turned
// out right.
func (g *LoginGuard) Succeeded(ip, account string) {
	g.init()
	if k := ipKey(ip); k != "" {
		g.lim.Undo(k)
	}
	if k := accountKey(account); k != "" {
		g.lim.Undo(k)
	}
}

// Blocked reports, without counting anything, whether an attempt from ip
// for account would be refused now, and for how long.
func (g *LoginGuard) Blocked(ip, account string) (bool, time.Duration) {
	g.init()
	var d time.Duration
	if k := ipKey(ip); k != "" {
		if b, r := g.lim.Check(k, g.PerIP.Max, g.PerIP.Window); b {
			d = r
		}
	}
	if k := accountKey(account); k != "" {
		if b, r := g.lim.Check(k, g.PerAccount.Max, g.PerAccount.Window); b {
			d = max(d, r)
		}
	}
	return d > 0, d
}

// MailGuard limits requests that send mail (verification, password reset,
// OTP, email change) per recipient address (default 5 an hour) and per
// client IP (default 20 an hour). Apply it before looking the address up, so
// that known and unknown addresses are limited alike. The zero value uses
// the defaults; set the fields before first use.
type MailGuard struct {
	PerAddress Rule             // zero: 5 per hour
	PerIP      Rule             // zero: 20 per hour
	MaxKeys    int              // zero: DefaultMaxKeys
	Now        func() time.Time // nil: time.Now
	Nodes      func() int       // nil: one node (see LoginGuard.Nodes)

	once    sync.Once
	lim     *Limiter
	refused atomic.Int64
}

// Refused returns how many requests Allow has refused (metrics).
func (g *MailGuard) Refused() int64 { return g.refused.Load() }

func (g *MailGuard) init() {
	g.once.Do(func() {
		g.PerAddress = orDefault(g.PerAddress, defaultMailPerAddress())
		g.PerIP = orDefault(g.PerIP, defaultMailPerIP())
		g.lim = newLimiter(g.MaxKeys, g.Now, g.Nodes)
	})
}

// Allow counts one mail request from ip to address and reports whether it
// is within both limits; when it is not, nothing is counted and retryAfter
// (> 0) says when to retry. The address is compared trimmed and
// lower-cased; an empty ip or address skips that limit.
func (g *MailGuard) Allow(ip, address string) (ok bool, retryAfter time.Duration) {
	g.init()
	ok, retryAfter = allowBoth(g.lim, ipKey(ip), g.PerIP, accountKey(address), g.PerAddress)
	if !ok {
		g.refused.Add(1)
	}
	return ok, retryAfter
}

// allowBoth records a hit on k1 and k2 when both allow it; otherwise it
// records nothing and returns the wait of the one that refused.
func allowBoth(l *Limiter, k1 string, r1 Rule, k2 string, r2 Rule) (bool, time.Duration) {
	if k1 != "" {
		if ok, d := l.Allow(k1, r1.Max, r1.Window); !ok {
			return false, d
		}
	}
	if k2 != "" {
		if ok, d := l.Allow(k2, r2.Max, r2.Window); !ok {
			if k1 != "" {
				l.Undo(k1)
			}
			return false, d
		}
	}
	return true, 0
}

func orDefault(r, def Rule) Rule {
	if r.Max <= 0 || r.Window <= 0 {
		return def
	}
	return r
}

func newLimiter(maxKeys int, now func() time.Time, nodes func() int) *Limiter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	var opts []Option
	if now != nil {
		opts = append(opts, WithClock(now))
	}
	if nodes != nil {
		opts = append(opts, WithNodes(nodes))
	}
	return New(maxKeys, opts...)
}

func ipKey(ip string) string {
	if ip == "" {
		return ""
	}
	return "ip\x00" + IPKey(ip)
}

func accountKey(account string) string {
	account = strings.ToLower(strings.TrimSpace(account))
	if account == "" {
		return ""
	}
	return "acct\x00" + account
}

// AccountKey returns the LoginGuard account of identity in the collection
// with id collectionID: the identity trimmed and lower-cased, so "Bob@x" and
// "bob@x " are one account whether or not it exists.
func AccountKey(collectionID, identity string) string {
	return collectionID + "\x00" + strings.ToLower(strings.TrimSpace(identity))
}

// IPKey returns the rate-limit key of a client IP: IPv4 addresses as they
// are, IPv6 addresses as their /64 network (one subscriber usually holds a
// whole /64, so per-address keys would be free to multiply). Unparsable
// input is returned as is.
func IPKey(ip string) string {
	a, err := netip.ParseAddr(strings.Trim(strings.TrimSpace(ip), "[]"))
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// RetryAfterError is the cause carried by TooMany errors: how long the
// client should wait.
type RetryAfterError struct {
	After time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited: retry after %s", e.After)
}

// TooMany returns the ERateLimited error answered as 429 "Too Many
// Requests." with a Retry-After of retryAfter (see RetryAfterHeader).
func TooMany(retryAfter time.Duration) *galley.Error {
	return &galley.Error{Code: galley.ERateLimited, Message: "Too Many Requests.", Err: &RetryAfterError{After: retryAfter}}
}

// RetryAfterHeader returns the Retry-After header value for err: the wait
// of its RetryAfterError in whole seconds, rounded up and at least 1 ("1"
// when err carries none).
func RetryAfterHeader(err error) string {
	var ra *RetryAfterError
	if errors.As(err, &ra) {
		return strconv.FormatInt(RetrySeconds(ra.After), 10)
	}
	return "1"
}

// RetrySeconds returns d in whole seconds, rounded up and at least 1.
func RetrySeconds(d time.Duration) int64 {
	return max(int64((d+time.Second-1)/time.Second), 1)
}
