package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/testserver"
)

func TestPasswordResetByMail(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	usersCollection(t, s, nil)
	aID, aTok := signUp(t, s, "a@example.com", "password-1")
	s.Do("POST", "/api/collections/users/request-password-reset", "", map[string]any{"email": "a@example.com"}).Status(204)
	s.Do("POST", "/api/collections/users/request-password-reset", "", map[string]any{"email": "nobody@example.com"}).Status(204)
	s.Do("POST", "/api/collections/users/request-password-reset", "", map[string]any{"email": "bad"}).Status(400)
	m := ms.WaitFor(t, "a@example.com", 5*time.Second)
	token := m.FindToken()
	if token == "" || !strings.Contains(m.Text, "http://app.example.com/_/#/auth/confirm-password-reset/") {
		t.Fatalf("no reset link in mail: %q", m.Text)
	}
	// A reset token is not an auth token.
	s.Do("GET", "/api/collections/users/records/"+aID, token, nil).Status(404)
	s.Do("POST", "/api/collections/users/confirm-password-reset", "", map[string]any{"token": token, "password": "new-password", "passwordConfirm": "other"}).Status(400)
	// 50 parallel redemptions: exactly one wins.
	if codes := race50(func(int) int {
		return s.Do("POST", "/api/collections/users/confirm-password-reset", "", map[string]any{"token": token, "password": "new-password", "passwordConfirm": "new-password"}).Code
	}); codes[204] != 1 || codes[400] != 49 {
		t.Fatalf("reset token redemptions: %v", codes)
	}
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(400)
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "new-password"}).Status(200)
	s.Do("POST", "/api/collections/users/auth-refresh", aTok, nil).Status(401) // older tokens died
	if n := len(ms.Messages()); n != 1 {
		t.Fatalf("%d mails sent; the unknown address must get none", n)
	}
}

func TestVerificationByMail(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	usersCollection(t, s, nil)
	aID, aTok := signUp(t, s, "a@example.com", "password-1")
	s.Do("POST", "/api/collections/users/request-verification", "", map[string]any{"email": "a@example.com"}).Status(204)
	token := ms.WaitFor(t, "a@example.com", 5*time.Second).FindToken()
	if codes := race50(func(int) int {
		return s.Do("POST", "/api/collections/users/confirm-verification", "", map[string]any{"token": token}).Code
	}); codes[204] != 1 || codes[400] != 49 {
		t.Fatalf("verification token redemptions: %v", codes)
	}
	s.Do("GET", "/api/collections/users/records/"+aID, aTok, nil).Status(200).Contains(`"verified":true`)
	s.Do("POST", "/api/collections/users/confirm-verification", "", map[string]any{"token": "garbage"}).Status(400)
}

func TestOTPAndMFAByMail(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	usersCollection(t, s, map[string]any{"otp": map[string]any{"enabled": true, "length": 6}})
	signUp(t, s, "a@example.com", "password-1")
	otpID := s.Do("POST", "/api/collections/users/request-otp", "", map[string]any{"email": "a@example.com"}).Status(200).JSON()["otpId"].(string)
	ghost := s.Do("POST", "/api/collections/users/request-otp", "", map[string]any{"email": "ghost@example.com"}).Status(200).JSON()["otpId"].(string)
	if len(ghost) != len(otpID) {
		t.Fatal("unknown address answered differently")
	}
	code := ms.WaitFor(t, "a@example.com", 5*time.Second).FindOTP()
	if len(code) != 6 {
		t.Fatalf("OTP code %q", code)
	}
	s.Do("POST", "/api/collections/users/auth-with-otp", "", map[string]any{"otpId": otpID, "password": "000000x"}).Status(400)
	// 50 parallel redemptions from 50 client IPs (through a trusted proxy
	// header, so the per-IP log-in guard lets them all race): exactly one wins.
	s.Super("PATCH", "/api/settings", map[string]any{"trustedProxy": map[string]any{"headers": []string{"X-Real-IP"}}}).Status(200)
	if codes := race50(func(i int) int {
		ip := map[string]string{"X-Real-IP": fmt.Sprintf("198.51.100.%d", i+1)}
		return s.DoWith("POST", "/api/collections/users/auth-with-otp", "", map[string]any{"otpId": otpID, "password": code}, ip).Code
	}); codes[200] != 1 || codes[400] != 49 {
		t.Fatalf("OTP redemptions (by status): %v", codes)
	}
}

func TestMFAByMail(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	usersCollection(t, s, map[string]any{"otp": map[string]any{"enabled": true, "length": 6}})
	signUp(t, s, "a@example.com", "password-1")
	// MFA: password first → 401 {mfaId}; then OTP with the mfaId → token; the mfaId is single-use.
	s.Super("PATCH", "/api/collections/users", map[string]any{"mfa": map[string]any{"enabled": true}}).Status(200)
	first := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}).Status(401)
	body := first.JSON()
	mfaID, _ := body["mfaId"].(string)
	if mfaID == "" || len(body) != 1 {
		t.Fatalf("first factor answer: %s", first.Body)
	}
	// The same method again is refused.
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1", "mfaId": mfaID}).Status(400)
	otp2 := s.Do("POST", "/api/collections/users/request-otp", "", map[string]any{"email": "a@example.com"}).Status(200).JSON()["otpId"].(string)
	time.Sleep(50 * time.Millisecond)
	var code2 string
	for _, m := range ms.Messages() {
		code2 = m.FindOTP()
	}
	s.Do("POST", "/api/collections/users/auth-with-otp", "", map[string]any{"otpId": otp2, "password": code2, "mfaId": mfaID}).Status(200).Contains(`"token"`)
	otp3 := s.Do("POST", "/api/collections/users/request-otp", "", map[string]any{"email": "a@example.com"}).Status(200).JSON()["otpId"].(string)
	time.Sleep(50 * time.Millisecond)
	msgs := ms.Messages()
	code3 := msgs[len(msgs)-1].FindOTP()
	s.Do("POST", "/api/collections/users/auth-with-otp", "", map[string]any{"otpId": otp3, "password": code3, "mfaId": mfaID}).Status(400)
}

func TestEmailChangeByMail(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	usersCollection(t, s, nil)
	_, aTok := signUp(t, s, "a@example.com", "password-1")
	s.Do("POST", "/api/collections/users/request-email-change", "", map[string]any{"newEmail": "new@example.com"}).Status(401)
	s.Do("POST", "/api/collections/users/request-email-change", aTok, map[string]any{"newEmail": "bad"}).Status(400)
	s.Do("POST", "/api/collections/users/request-email-change", aTok, map[string]any{"newEmail": "new@example.com"}).Status(204)
	token := ms.WaitFor(t, "new@example.com", 5*time.Second).FindToken()
	s.Do("POST", "/api/collections/users/confirm-email-change", "", map[string]any{"token": token, "password": "wrong-password"}).Status(400)
	s.Do("POST", "/api/collections/users/confirm-email-change", "", map[string]any{"token": token, "password": "password-1"}).Status(204)
	s.Do("POST", "/api/collections/users/confirm-email-change", "", map[string]any{"token": token, "password": "password-1"}).Status(400)
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "new@example.com", "password": "password-1"}).Status(200).Contains(`"verified":true`)
	s.Do("POST", "/api/collections/users/auth-refresh", aTok, nil).Status(401)
}

func TestNewDeviceLoginAlert(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	usersCollection(t, s, map[string]any{"authAlert": map[string]any{"enabled": true}})
	signUp(t, s, "a@example.com", "password-1") // first device: no alert
	login := func(ua string) {
		s.DoWith("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "a@example.com", "password": "password-1"}, map[string]string{"User-Agent": ua}).Status(200)
	}
	login("Go-http-client/1.1") // same device as at sign-up: no alert
	login("NewBrowser/1.0")     // a new device: one alert
	login("NewBrowser/1.0")     // known now: none
	m := ms.WaitFor(t, "a@example.com", 5*time.Second)
	if !strings.Contains(m.Text, "NewBrowser/1.0") {
		t.Fatalf("alert does not name the device: %q", m.Text)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(ms.Messages()); n != 1 {
		t.Fatalf("%d alerts, want 1", n)
	}
}

// TestMFAIDIsSingleUseUnderConcurrency: 50 parallel second factors with one
// mfaId → exactly one token.
func TestMFAIDIsSingleUseUnderConcurrency(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	usersCollection(t, s, map[string]any{"otp": map[string]any{"enabled": true}, "mfa": map[string]any{"enabled": true}})
	s.Do("POST", "/api/collections/users/records", "", map[string]any{"email": "a@example.com", "password": "password-1", "passwordConfirm": "password-1"}).Status(200)
	otpID := s.Do("POST", "/api/collections/users/request-otp", "", map[string]any{"email": "a@example.com"}).Status(200).JSON()["otpId"].(string)
	code := ms.WaitFor(t, "a@example.com", 5*time.Second).FindOTP()
	mfaID, _ := s.Do("POST", "/api/collections/users/auth-with-otp", "", map[string]any{"otpId": otpID, "password": code}).Status(401).JSON()["mfaId"].(string)
	if mfaID == "" {
		t.Fatal("no mfaId after the first factor")
	}
	s.Super("PATCH", "/api/settings", map[string]any{"trustedProxy": map[string]any{"headers": []string{"X-Real-IP"}}}).Status(200)
	if codes := race50(func(i int) int {
		ip := map[string]string{"X-Real-IP": fmt.Sprintf("198.51.100.%d", i+1)}
		return s.DoWith("POST", "/api/collections/users/auth-with-password?mfaId="+mfaID, "", map[string]any{"identity": "a@example.com", "password": "password-1"}, ip).Code
	}); codes[200] != 1 || codes[400] != 49 {
		t.Fatalf("mfaId redemptions (by status): %v", codes)
	}
}

// race50 runs do(0..49) in parallel and counts the answers by status code.
func race50(do func(i int) int) map[int]int {
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := do(i)
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return codes
}
