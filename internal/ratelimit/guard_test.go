package ratelimit

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
)

func TestLoginGuardPerIP(t *testing.T) {
	c := newClock()
	g := &LoginGuard{Now: c.Now}
	for i := range 10 {
		if ok, _ := g.Attempt("10.0.0.1", AccountKey("users", fmt.Sprint("u", i))); !ok {
			t.Fatalf("failure %d refused", i)
		}
	}
	ok, d := g.Attempt("10.0.0.1", AccountKey("users", "fresh"))
	if ok || d <= 0 || d > time.Minute+time.Minute/Buckets {
		t.Fatalf("11th failure from one IP: ok=%v wait=%v", ok, d)
	}
	if b, d2 := g.Blocked("10.0.0.1", ""); !b || d2 != d {
		t.Fatalf("Blocked = %v %v, want true %v", b, d2, d)
	}
	// Other IPs are unaffected; the refused attempt counted for no account.
	if ok, _ := g.Attempt("10.0.0.2", AccountKey("users", "fresh")); !ok {
		t.Fatal("another IP refused")
	}
	c.Add(d)
	if ok, _ := g.Attempt("10.0.0.1", AccountKey("users", "fresh")); !ok {
		t.Fatal("refused after the wait")
	}
}

func TestLoginGuardSuccessesDoNotCount(t *testing.T) {
	g := &LoginGuard{Now: newClock().Now}
	acct := AccountKey("users", "bob@example.com")
	for i := range 50 {
		ok, _ := g.Attempt("10.0.0.1", acct)
		if !ok {
			t.Fatalf("successful log-in %d refused", i)
		}
		g.Succeeded("10.0.0.1", acct)
	}
	if b, _ := g.Blocked("10.0.0.1", acct); b {
		t.Fatal("successes blocked the IP")
	}
}

func TestLoginGuardPerAccount(t *testing.T) {
	c := newClock()
	g := &LoginGuard{Now: c.Now}
	// Known or not, the identity is only a key: normalised the same way.
	acct := AccountKey("pbc_users", "  Victim@Example.com")
	if acct != AccountKey("pbc_users", "victim@example.com") || acct == AccountKey("pbc_other", "victim@example.com") {
		t.Fatalf("AccountKey normalisation: %q", acct)
	}
	for i := range 100 {
		ip := fmt.Sprintf("10.0.%d.%d", i/10, i%10) // 10 IPs × 10 failures
		if ok, _ := g.Attempt(ip, acct); !ok {
			t.Fatalf("failure %d refused", i)
		}
	}
	ok, d := g.Attempt("192.0.2.1", acct)
	if ok || d < 50*time.Minute || d > time.Hour+time.Hour/Buckets {
		t.Fatalf("101st failure on one account: ok=%v wait=%v", ok, d)
	}
	// The refused attempt did not use up the fresh IP's budget.
	for i := range 10 {
		if ok, _ := g.Attempt("192.0.2.1", AccountKey("pbc_users", fmt.Sprint("other", i))); !ok {
			t.Fatalf("fresh IP, other account %d refused", i)
		}
	}
}

func TestLoginGuardConcurrentAttempts(t *testing.T) {
	g := &LoginGuard{Now: newClock().Now}
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if a, _ := g.Attempt("2001:db8::1", AccountKey("u", "x")); a {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 10 {
		t.Fatalf("%d concurrent attempts passed, want 10", ok.Load())
	}
	// Another address of the same /64 is the same client.
	if a, _ := g.Attempt("2001:db8::ffff:1", AccountKey("u", "y")); a {
		t.Fatal("an IPv6 neighbour in the same /64 was not limited")
	}
	if a, _ := g.Attempt("2001:db8:0:1::1", AccountKey("u", "y")); !a {
		t.Fatal("another /64 was limited")
	}
}

func TestLoginGuardCustomRulesAndEmptyKeys(t *testing.T) {
	g := &LoginGuard{PerIP: Rule{Max: 2, Window: time.Second}, PerAccount: Rule{Max: 3, Window: time.Second}, Now: newClock().Now}
	g.Attempt("1.1.1.1", "")
	g.Attempt("1.1.1.1", "")
	if ok, _ := g.Attempt("1.1.1.1", ""); ok {
		t.Fatal("custom PerIP not applied")
	}
	for range 3 {
		g.Attempt("", "acct")
	}
	if ok, _ := g.Attempt("", "acct"); ok {
		t.Fatal("custom PerAccount not applied")
	}
	if ok, _ := g.Attempt("", ""); !ok {
		t.Fatal("no ip and no account refused")
	}
}

func TestMailGuard(t *testing.T) {
	c := newClock()
	g := &MailGuard{Now: c.Now}
	for i := range 5 {
		if ok, _ := g.Allow("10.0.0.1", "Ann@example.com"); !ok {
			t.Fatalf("mail %d refused", i)
		}
	}
	ok, d := g.Allow("10.0.0.9", " ann@EXAMPLE.com ")
	if ok || d < 50*time.Minute {
		t.Fatalf("6th mail to one address: ok=%v wait=%v", ok, d)
	}
	// Per IP: 20 an hour, and the refused request above cost 10.0.0.9 nothing.
	for i := range 20 {
		if ok, _ := g.Allow("10.0.0.9", fmt.Sprint("user", i, "@example.com")); !ok {
			t.Fatalf("mail %d from 10.0.0.9 refused", i)
		}
	}
	if ok, _ := g.Allow("10.0.0.9", "new@example.com"); ok {
		t.Fatal("21st mail from one IP allowed")
	}
	c.Add(time.Hour + time.Hour/Buckets)
	if ok, _ := g.Allow("10.0.0.9", "ann@example.com"); !ok {
		t.Fatal("refused after the window")
	}
}

func TestGuardsZeroValue(t *testing.T) {
	var gs Guards
	if ok, _ := gs.Login.Attempt("127.0.0.1", "a"); !ok {
		t.Fatal("zero LoginGuard refused")
	}
	if ok, _ := gs.Mail.Allow("127.0.0.1", "a@b.c"); !ok {
		t.Fatal("zero MailGuard refused")
	}
}

func TestIPKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":            "192.0.2.7",
		"::ffff:192.0.2.7":     "192.0.2.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"[2001:db8:1:2::9]":    "2001:db8:1:2::/64",
		"fe80::1%eth0":         "fe80::/64",
		"not-an-ip":            "not-an-ip",
	} {
		if got := IPKey(in); got != want {
			t.Errorf("IPKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTooMany(t *testing.T) {
	err := TooMany(1500 * time.Millisecond)
	if err.Code != galley.ERateLimited || err.Message != "Too Many Requests." {
		t.Fatalf("TooMany = %+v", err)
	}
	wrapped := fmt.Errorf("auth: %w", err)
	if galley.ErrorCodeOf(wrapped) != galley.ERateLimited {
		t.Fatal("code lost when wrapped")
	}
	for _, c := range []struct {
		err  error
		want string
	}{{wrapped, "2"}, {TooMany(0), "1"}, {TooMany(time.Hour), "3600"}, {errors.New("x"), "1"}, {nil, "1"}} {
		if got := RetryAfterHeader(c.err); got != c.want {
			t.Errorf("RetryAfterHeader(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
