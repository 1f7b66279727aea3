// Package mailtest runs a real SMTP server inside a test (built on
// github.com/emersion/go-smtp) and parses what it receives, so tests can
// read the links and codes out of the mails Galley sends.
package mailtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is an SMTP server on 127.0.0.1 that keeps every mail it accepts.
type Server struct {
	srv     *smtp.Server
	ln      net.Listener
	user    string
	pass    string
	roots   *x509.CertPool
	mu      sync.Mutex
	msgs    []Received
	authErr int
}

// Option configures Start.
type Option func(*config)

type config struct {
	user, pass string
	startTLS   bool
	implicit   bool
}

// WithAuth requires AUTH (PLAIN or LOGIN) with user and pass before MAIL.
func WithAuth(user, pass string) Option {
	return func(c *config) { c.user, c.pass = user, pass }
}

// WithStartTLS offers STARTTLS with a self-signed certificate for
// 127.0.0.1 and localhost (see RootCAs).
func WithStartTLS() Option { return func(c *config) { c.startTLS = true } }

// WithImplicitTLS makes the listener TLS from the first byte (port 465
// style), with the same self-signed certificate.
func WithImplicitTLS() Option { return func(c *config) { c.implicit = true } }

// Start starts a server on 127.0.0.1:0; it is stopped at t's cleanup.
// Without TLS options, AUTH is allowed over plaintext.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{user: cfg.user, pass: cfg.pass}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	srv.Domain = "mailtest.localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 10 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.startTLS || cfg.implicit {
		cert, pool, err := selfSigned()
		if err != nil {
			t.Fatal(err)
		}
		s.roots = pool
		tc := &tls.Config{Certificates: []tls.Certificate{cert}}
		if cfg.implicit {
			ln = tls.NewListener(ln, tc)
		} else {
			srv.TLSConfig = tc
		}
	}
	s.srv, s.ln = srv, ln
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
	})
	return s
}

// Addr returns the host and port the server listens on.
func (s *Server) Addr() (host string, port int) {
	h, p, _ := net.SplitHostPort(s.ln.Addr().String())
	port, _ = strconv.Atoi(p)
	return h, port
}

// RootCAs returns a pool that trusts the server's certificate (nil without
// TLS).
func (s *Server) RootCAs() *x509.CertPool { return s.roots }

// Messages returns a copy of the mails received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// AuthFailures returns how many AUTH attempts were refused.
func (s *Server) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authErr
}

// WaitFor polls until a mail to the address to has arrived and returns the
// latest one; it fails t after timeout.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) Received {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		for i := len(msgs) - 1; i >= 0; i-- {
			for _, r := range msgs[i].To {
				if strings.EqualFold(r, to) {
					return msgs[i]
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailtest: no mail to %s within %v (%d received)", to, timeout, len(msgs))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// session is one SMTP connection.
type session struct {
	s    *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (ss *session) AuthMechanisms() []string {
	if ss.s.user == "" && ss.s.pass == "" {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != ss.s.user || pass != ss.s.pass {
			ss.s.mu.Lock()
			ss.s.authErr++
			ss.s.mu.Unlock()
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Invalid credentials"}
		}
		ss.user = user
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if identity != "" && identity != user {
				return errors.New("identity mismatch")
			}
			return check(user, pass)
		}), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if (ss.s.user != "" || ss.s.pass != "") && ss.user == "" {
		return errAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	rec := Received{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw,
		Helo: ss.conn.Hostname(), User: ss.user, TLS: isTLS}
	if err := rec.parse(); err != nil {
		rec.ParseErr = err
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, rec)
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// loginServer is the server side of the LOGIN mechanism (go-sasl has only
// the client).
type loginServer struct {
	check func(user, pass string) error
	user  string
	step  int
}

func (l *loginServer) Next(resp []byte) (challenge []byte, done bool, err error) {
	switch l.step {
	case 0:
		l.step++
		if len(resp) > 0 { // initial response: the user name
			l.user = string(resp)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user = string(resp)
		l.step++
		return []byte("Password:"), false, nil
	case 2:
		l.step++
		return nil, true, l.check(l.user, string(resp))
	}
	return nil, false, errors.New("unexpected LOGIN response")
}

// selfSigned returns a certificate for 127.0.0.1, ::1 and localhost, and a
// pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
