package api_test

import (
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/testserver"
)

// TestNoEnumerationOnRequestEndpoints: the mail-sending endpoints and the
// password log-in answer the same for known and unknown addresses.
func TestNoEnumerationOnRequestEndpoints(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	usersCollection(t, s, map[string]any{"otp": map[string]any{"enabled": true}})
	signUp(t, s, "known@example.com", "password-1")
	for _, ep := range []string{"request-verification", "request-password-reset"} {
		known := s.Do("POST", "/api/collections/users/"+ep, "", map[string]any{"email": "known@example.com"})
		unknown := s.Do("POST", "/api/collections/users/"+ep, "", map[string]any{"email": "unknown@example.com"})
		if known.Code != unknown.Code || string(known.Body) != string(unknown.Body) {
			t.Fatalf("%s: known %d %s, unknown %d %s", ep, known.Code, known.Body, unknown.Code, unknown.Body)
		}
	}
	known := s.Do("POST", "/api/collections/users/request-otp", "", map[string]any{"email": "known@example.com"}).Status(200).JSON()
	unknown := s.Do("POST", "/api/collections/users/request-otp", "", map[string]any{"email": "unknown@example.com"}).Status(200).JSON()
	if len(known) != len(unknown) || len(known["otpId"].(string)) != len(unknown["otpId"].(string)) {
		t.Fatalf("request-otp answers differ: %v vs %v", known, unknown)
	}
	// An email change to an address that is taken answers like a free one.
	_, tok := signUp(t, s, "other@example.com", "password-1")
	taken := s.Do("POST", "/api/collections/users/request-email-change", tok, map[string]any{"newEmail": "known@example.com"})
	free := s.Do("POST", "/api/collections/users/request-email-change", tok, map[string]any{"newEmail": "free@example.com"})
	if taken.Code != free.Code || string(taken.Body) != string(free.Body) {
		t.Fatalf("email change: taken %d %s, free %d %s", taken.Code, taken.Body, free.Code, free.Body)
	}
	wrong := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "known@example.com", "password": "wrong-password"})
	nobody := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "unknown@example.com", "password": "wrong-password"})
	if wrong.Code != 400 || wrong.Code != nobody.Code || string(wrong.Body) != string(nobody.Body) {
		t.Fatalf("log-in: wrong password %d %s, unknown %d %s", wrong.Code, wrong.Body, nobody.Code, nobody.Body)
	}
	// The known address got its mails (verification, reset, OTP); the
	// unknown ones got none.
	ms.WaitFor(t, "known@example.com", 5*time.Second)
	time.Sleep(200 * time.Millisecond) // let background sends finish
	toKnown := 0
	for _, m := range ms.Messages() {
		for _, to := range m.To {
			switch to {
			case "unknown@example.com":
				t.Fatalf("mail sent to an unknown address: %+v", m.To)
			case "known@example.com":
				toKnown++
			}
		}
	}
	if toKnown != 3 {
		t.Fatalf("%d mails to the known address, want 3 (verification, reset, OTP)", toKnown)
	}
}

// TestResetTokenIsNotAnAuthToken: token types never cross.
func TestResetTokenIsNotAnAuthToken(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	usersCollection(t, s, nil)
	signUp(t, s, "a@example.com", "password-1")
	s.Do("POST", "/api/collections/users/request-verification", "", map[string]any{"email": "a@example.com"}).Status(204)
	vtok := ms.WaitFor(t, "a@example.com", 5*time.Second).FindToken()
	s.Do("POST", "/api/collections/users/auth-refresh", vtok, nil).Status(401)
	s.Do("POST", "/api/collections/users/confirm-password-reset", "", map[string]any{"token": vtok, "password": "new-password", "passwordConfirm": "new-password"}).Status(400)
	s.Do("POST", "/api/collections/users/confirm-email-change", "", map[string]any{"token": vtok, "password": "password-1"}).Status(400)
}

// TestBruteForceLoginLimitedPerIP: the 11th failed log-in within a minute
// from one IP is refused with 429 and Retry-After, without checking the
// password — even when it is right.
func TestBruteForceLoginLimitedPerIP(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	signUp(t, s, "a@example.com", "password-1")
	for i := range 10 {
		s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "wrong-" + string(rune('a'+i))}).Status(400)
	}
	r := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(429)
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// Unknown identities count the same (no enumeration through the limiter).
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "ghost@example.com", "password": "x"}).Status(429)
}

// TestMailEndpointsLimitedPerAddress: a mailbox gets at most 5 auth mails an
// hour however many IPs ask.
func TestMailEndpointsLimitedPerAddress(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	signUp(t, s, "a@example.com", "password-1")
	s.Super("PATCH", "/api/settings", map[string]any{"trustedProxy": map[string]any{"headers": []string{"X-Real-IP"}}}).Status(200)
	for i := range 5 {
		ip := map[string]string{"X-Real-IP": "203.0.113." + string(rune('1'+i))}
		s.DoWith("POST", "/api/collections/users/request-password-reset", "", map[string]any{"email": "a@example.com"}, ip).Status(204)
	}
	s.DoWith("POST", "/api/collections/users/request-password-reset", "", map[string]any{"email": "a@example.com"}, map[string]string{"X-Real-IP": "203.0.113.99"}).Status(429)
}
