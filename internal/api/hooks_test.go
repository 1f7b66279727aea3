package api_test

import (
	"strings"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/testserver"
)

// The AuthRequest hooks can refuse a log-in; MailSend hooks can change a
// mail on its way out (through a real SMTP server).
func TestAuthAndMailHooks(t *testing.T) {
	s := testserver.New(t)
	ms := s.StartMail()
	fileCollection(t, s)
	newUser(t, s, "ok@example.com")
	newUser(t, s, "banned@example.com")
	var methods []string
	s.App.Hooks().AuthRequest.BindFor(func(e *core.AuthRequestEvent) error {
		methods = append(methods, e.Method)
		if e.Record.GetString("email") == "banned@example.com" {
			return galley.Errorf(galley.EForbidden, "This account is suspended.")
		}
		return e.Next()
	}, "users")
	s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "banned@example.com", "password": "Passw0rd!x"}).Status(403).Contains("suspended")
	tok := s.Do("POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "ok@example.com", "password": "Passw0rd!x"}).Status(200).JSON()["token"].(string)
	s.Do("POST", "/api/collections/users/auth-refresh", tok, nil).Status(200)
	if strings.Join(methods, ",") != "password,password,refresh" {
		t.Fatalf("methods seen: %v", methods)
	}

	s.App.Hooks().MailSend.Bind(func(e *core.MailEvent) error {
		e.Message.Subject = "[hooked] " + e.Message.Subject
		return e.Next()
	})
	s.Do("POST", "/api/collections/users/request-password-reset", "", map[string]any{"email": "ok@example.com"}).Status(204)
	m := ms.WaitFor(t, "ok@example.com", 10*time.Second)
	if !strings.HasPrefix(m.Subject, "[hooked] ") {
		t.Fatalf("subject %q", m.Subject)
	}
}
