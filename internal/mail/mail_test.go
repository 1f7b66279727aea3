package mail

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/smtp"
	"strings"
	"sync"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/mail/mailtest"
)

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// settingsFor returns settings that send to srv (TLS mode, auth as given).
func settingsFor(srv *mailtest.Server, mod func(*core.Settings)) func(context.Context) (*core.Settings, error) {
	s := core.DefaultSettings()
	s.Meta.AppName = "Acme"
	s.Meta.SenderName = "Acme Support"
	s.Meta.SenderAddress = "support@acme.test"
	if srv != nil {
		host, port := srv.Addr()
		s.SMTP = core.SMTPSettings{Enabled: true, Host: host, Port: port}
	}
	if mod != nil {
		mod(s)
	}
	return func(context.Context) (*core.Settings, error) { return s, nil }
}

func testMessage(to string) core.Message {
	link := "http://127.0.0.1:8090/_/#/auth/confirm-verification/eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IngifQ.c2lnbmF0dXJl"
	return core.Message{
		To:      []string{to},
		Subject: "Vérifiez votre adresse ✓",
		HTML:    `<p>Héllo,</p><p><a href="` + link + `">Verify</a></p>`,
		Text:    "Héllo,\n\nVerify (" + link + ")",
	}
}

func TestSendAuth(t *testing.T) {
	for _, method := range []string{"PLAIN", "LOGIN"} {
		t.Run(method, func(t *testing.T) {
			srv := mailtest.Start(t, mailtest.WithAuth("mailer", "s3cret"))
			s := New(settingsFor(srv, func(s *core.Settings) {
				s.SMTP.Username, s.SMTP.Password, s.SMTP.AuthMethod = "mailer", "s3cret", method
				s.SMTP.LocalName = "galley.test"
			}), nil)
			if err := s.Send(t.Context(), testMessage("Bob <bob@example.com>")); err != nil {
				t.Fatalf("Send: %v", err)
			}
			r := srv.WaitFor(t, "bob@example.com", 5*time.Second)
			if r.ParseErr != nil {
				t.Fatalf("parse: %v\n%s", r.ParseErr, r.Raw)
			}
			if r.User != "mailer" || r.Helo != "galley.test" || r.From != "support@acme.test" {
				t.Errorf("user %q helo %q from %q", r.User, r.Helo, r.From)
			}
			if r.Subject != "Vérifiez votre adresse ✓" {
				t.Errorf("subject = %q", r.Subject)
			}
			if raw := string(r.Raw); strings.Contains(raw, "Vérifiez") {
				t.Errorf("subject not encoded in the raw message:\n%s", raw)
			}
			for _, h := range []string{"Date", "Message-Id", "Mime-Version", "From", "To"} {
				if r.Header.Get(h) == "" {
					t.Errorf("header %s missing:\n%s", h, r.Raw)
				}
			}
			from, err := r.Header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != "Acme Support" || from[0].Address != "support@acme.test" {
				t.Errorf("From = %v, %v", from, err)
			}
			to, err := r.Header.AddressList("To")
			if err != nil || len(to) != 1 || to[0].Name != "Bob" || to[0].Address != "bob@example.com" {
				t.Errorf("To = %v, %v", to, err)
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/alternative;") {
				t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
			}
			if !strings.Contains(r.Text, "Héllo,") || !strings.Contains(r.HTML, "<p>Héllo,</p>") {
				t.Errorf("bodies:\ntext %q\nhtml %q", r.Text, r.HTML)
			}
			if tok := r.FindToken(); tok != "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IngifQ.c2lnbmF0dXJl" {
				t.Errorf("FindToken = %q in %q", tok, r.Text)
			}
		})
	}
}

func TestSendTLSModes(t *testing.T) {
	t.Run("starttls", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.WithStartTLS(), mailtest.WithAuth("u", "p"))
		s := New(settingsFor(srv, func(s *core.Settings) { s.SMTP.Username, s.SMTP.Password = "u", "p" }),
			nil, Options{RootCAs: srv.RootCAs()})
		if err := s.Send(t.Context(), testMessage("a@example.com")); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if r := srv.WaitFor(t, "a@example.com", 5*time.Second); !r.TLS || r.User != "u" {
			t.Errorf("TLS %v user %q", r.TLS, r.User)
		}
	})
	t.Run("implicit", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.WithImplicitTLS())
		s := New(settingsFor(srv, func(s *core.Settings) { s.SMTP.TLS = true }), nil, Options{RootCAs: srv.RootCAs()})
		if err := s.Send(t.Context(), testMessage("a@example.com")); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if r := srv.WaitFor(t, "a@example.com", 5*time.Second); !r.TLS {
			t.Error("not over TLS")
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.WithStartTLS())
		s := New(settingsFor(srv, nil), nil) // system roots: the self-signed cert is refused
		err := s.Send(t.Context(), testMessage("a@example.com"))
		if err == nil || !strings.Contains(Cause(err).Error(), "STARTTLS") {
			t.Fatalf("err = %v, want a STARTTLS failure", err)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%d mails delivered over an unverified connection", n)
		}
	})
}

func TestSendRefusesHeaderInjection(t *testing.T) {
	srv := mailtest.Start(t)
	s := New(settingsFor(srv, nil), nil)
	bad := []core.Message{
		{To: []string{"a@example.com"}, Subject: "Hi\r\nBcc: evil@example.com", Text: "x"},
		{To: []string{"a@example.com"}, Subject: "Hi\nBcc: evil@example.com", Text: "x"},
		{To: []string{"a@example.com\r\nBcc: evil@example.com"}, Subject: "Hi", Text: "x"},
		{To: []string{"not an address"}, Subject: "Hi", Text: "x"},
		{To: nil, Subject: "Hi", Text: "x"},
	}
	for _, m := range bad {
		err := s.Send(t.Context(), m)
		if galley.ErrorCodeOf(err) != galley.EInvalid {
			t.Errorf("%q / %q: err = %v, want EInvalid", m.To, m.Subject, err)
		}
	}
	sender := New(settingsFor(srv, func(s *core.Settings) { s.Meta.SenderName = "Acme\r\nBcc: evil@example.com" }), nil)
	if err := sender.Send(t.Context(), testMessage("a@example.com")); galley.ErrorCodeOf(err) != galley.EInvalid {
		t.Errorf("sender name with CRLF: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d mails delivered", n)
	}
}

func TestSendDisabledLogsTheMail(t *testing.T) {
	for name, mod := range map[string]func(*core.Settings){
		"disabled":   func(s *core.Settings) { s.SMTP.Enabled = false },
		"empty host": func(s *core.Settings) { s.SMTP = core.SMTPSettings{Enabled: true} },
	} {
		t.Run(name, func(t *testing.T) {
			var buf lockedBuffer
			s := New(settingsFor(nil, mod), slog.New(slog.NewTextHandler(&buf, nil)))
			m := testMessage("dev@example.com")
			m.Text = "" // derived from the HTML
			if err := s.Send(t.Context(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			out := buf.String()
			for _, want := range []string{"level=INFO", "dev@example.com", "/_/#/auth/confirm-verification/eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IngifQ.c2lnbmF0dXJl", "Vérifiez"} {
				if !strings.Contains(out, want) {
					t.Errorf("log lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().(*net.TCPAddr)
		ln.Close()
		s := New(settingsFor(nil, func(s *core.Settings) {
			s.SMTP = core.SMTPSettings{Enabled: true, Host: "127.0.0.1", Port: addr.Port}
		}), nil)
		err = s.Send(t.Context(), testMessage("a@example.com"))
		if galley.ErrorCodeOf(err) != galley.EUnavailable || !strings.Contains(Cause(err).Error(), "connect") {
			t.Fatalf("err = %v", err)
		}
		var op *net.OpError
		if !errors.As(err, &op) {
			t.Errorf("cause is not a *net.OpError: %v", err)
		}
	})
	t.Run("wrong credentials", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.WithAuth("u", "right"))
		s := New(settingsFor(srv, func(s *core.Settings) { s.SMTP.Username, s.SMTP.Password = "u", "wrong" }), nil)
		err := s.Send(t.Context(), testMessage("a@example.com"))
		if err == nil || !strings.Contains(err.Error(), "authentication failed") || !strings.Contains(err.Error(), "535") {
			t.Fatalf("err = %v", err)
		}
		if srv.AuthFailures() != 1 || len(srv.Messages()) != 0 {
			t.Errorf("auth failures %d, mails %d", srv.AuthFailures(), len(srv.Messages()))
		}
	})
	t.Run("no auth configured but required", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.WithAuth("u", "p"))
		s := New(settingsFor(srv, nil), nil)
		if err := s.Send(t.Context(), testMessage("a@example.com")); err == nil || !strings.Contains(err.Error(), "530") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("silent server honours ctx", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close() // never greets
			}
		}()
		s := New(settingsFor(nil, func(s *core.Settings) {
			s.SMTP = core.SMTPSettings{Enabled: true, Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port}
		}), nil)
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err = s.Send(ctx, testMessage("a@example.com"))
		if err == nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("Send took %v after its deadline", d)
		}
	})
}

func TestAuthRefusesPlaintextToRemoteHosts(t *testing.T) {
	for _, a := range []smtp.Auth{&plainAuth{user: "u", pass: "p"}, &loginAuth{user: "u", pass: "p"}} {
		if _, _, err := a.Start(&smtp.ServerInfo{Name: "mail.example.com"}); !errors.Is(err, errInsecureAuth) {
			t.Errorf("%T remote plaintext: %v", a, err)
		}
		for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
			if _, _, err := a.Start(&smtp.ServerInfo{Name: host}); err != nil {
				t.Errorf("%T %s: %v", a, host, err)
			}
		}
		if _, _, err := a.Start(&smtp.ServerInfo{Name: "mail.example.com", TLS: true}); err != nil {
			t.Errorf("%T over TLS: %v", a, err)
		}
	}
}

func TestSendAsync(t *testing.T) {
	srv := mailtest.Start(t)
	var buf lockedBuffer
	s := New(settingsFor(srv, nil), slog.New(slog.NewTextHandler(&buf, nil)))
	s.SendAsync(core.Message{To: []string{"otp@example.com"}, Subject: "OTP", Text: "Your code: 12345678"})
	s.SendAsync(core.Message{To: []string{"bad\r\naddress"}, Subject: "x", Text: "secret-body"})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := s.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if r := srv.WaitFor(t, "otp@example.com", time.Second); r.FindOTP() != "12345678" {
		t.Errorf("FindOTP = %q in %q", r.FindOTP(), r.Text)
	}
	out := buf.String()
	if !strings.Contains(out, "mail send failed") || strings.Contains(out, "secret-body") {
		t.Errorf("log:\n%s", out)
	}
}
