package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/galleyhq/galley/internal/core"
)

// deliver runs one SMTP exchange for msg with the settings cfg. With
// cfg.TLS the connection is TLS from the start (port 465 style); otherwise
// it is upgraded with STARTTLS whenever the server offers it. Credentials
// are only sent over TLS, or in the clear to a loopback host.
func (s *Sender) deliver(ctx context.Context, cfg *core.SMTPSettings, msg *message) error {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	host := strings.TrimSpace(cfg.Host)
	port := cfg.Port
	if port == 0 {
		port = 587
		if cfg.TLS {
			port = 465
		}
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	tlsConfig := &tls.Config{ServerName: host, RootCAs: s.opts.RootCAs, MinVersion: tls.VersionTLS12}

	dialCtx, cancelDial := context.WithTimeout(ctx, DialTimeout)
	defer cancelDial()
	var conn net.Conn
	var err error
	if cfg.TLS {
		d := tls.Dialer{Config: tlsConfig}
		conn, err = d.DialContext(dialCtx, "tcp", addr)
	} else {
		var d net.Dialer
		conn, err = d.DialContext(dialCtx, "tcp", addr)
	}
	if err != nil {
		return errorf("connect to %s: %w", addr, err)
	}
	defer conn.Close()
	// The conversation ends at the earliest of ctx's deadline and
	// SendTimeout; a cancelled ctx closes the connection at once.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if err := converse(conn, host, cfg, tlsConfig, msg); err != nil {
		if cerr := ctxErr(ctx); cerr != nil {
			return errorf("%s: %w (%w)", addr, cerr, err)
		}
		return errorf("%s: %w", addr, err)
	}
	return nil
}

// ctxErr is ctx.Err, also reporting DeadlineExceeded once the deadline has
// passed: the connection deadline can fire before ctx notices.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

// converse speaks SMTP on conn: greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT,
// DATA, QUIT.
func converse(conn net.Conn, host string, cfg *core.SMTPSettings, tlsConfig *tls.Config, msg *message) error {
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if name := strings.TrimSpace(cfg.LocalName); name != "" {
		if err := c.Hello(name); err != nil {
			return err
		}
	}
	if !cfg.TLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return errors.Join(errors.New("STARTTLS failed"), err)
			}
		}
	}
	if cfg.Username != "" || cfg.Password != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("the server does not support authentication (no AUTH extension)")
		}
		var a smtp.Auth
		if strings.EqualFold(cfg.AuthMethod, "LOGIN") {
			a = &loginAuth{user: cfg.Username, pass: cfg.Password}
		} else {
			a = &plainAuth{user: cfg.Username, pass: cfg.Password}
		}
		if err := c.Auth(a); err != nil {
			return errors.Join(errors.New("authentication failed"), err)
		}
	}
	if err := c.Mail(msg.from); err != nil {
		return err
	}
	for _, to := range msg.to {
		if err := c.Rcpt(to); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg.data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// errInsecureAuth refuses to send credentials in the clear.
var errInsecureAuth = errors.New("refusing to send credentials over an unencrypted connection (enable TLS, or use a server that offers STARTTLS)")

// mayAuth reports whether credentials may be sent to server: over TLS, or
// in the clear only to a loopback host.
func mayAuth(server *smtp.ServerInfo) bool {
	return server.TLS || isLoopback(server.Name)
}

// isLoopback reports whether host names the local machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// plainAuth is SASL PLAIN (RFC 4616) with an empty authorisation identity.
type plainAuth struct{ user, pass string }

func (a *plainAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !mayAuth(server) {
		return "", nil, errInsecureAuth
	}
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a *plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge for PLAIN")
	}
	return nil, nil
}

// loginAuth is the LOGIN mechanism: the server asks for the user name, then
// the password.
type loginAuth struct {
	user, pass string
	step       int
}

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !mayAuth(server) {
		return "", nil, errInsecureAuth
	}
	a.step = 0
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(challenge []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	a.step++
	prompt := strings.ToLower(string(bytes.TrimSpace(challenge)))
	switch {
	case strings.HasPrefix(prompt, "user"):
		return []byte(a.user), nil
	case strings.HasPrefix(prompt, "pass"):
		return []byte(a.pass), nil
	case a.step == 1:
		return []byte(a.user), nil
	case a.step == 2:
		return []byte(a.pass), nil
	}
	return nil, errors.New("unexpected server challenge for LOGIN")
}
