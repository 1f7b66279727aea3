// Package mail sends Galley's mails over SMTP, configured at run time by the
// smtp and meta sections of the settings. With SMTP disabled, mails are
// written to the log instead, so local development (verification links,
// OTP codes) works without a mail server.
package mail

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/safego"
)

// Timeouts of one send. DialTimeout bounds connecting (and the TLS
// handshake of implicit TLS); SendTimeout bounds the whole conversation.
// Both are further bounded by the caller's context.
const (
	DialTimeout  = 10 * time.Second
	SendTimeout  = 30 * time.Second
	asyncTimeout = 60 * time.Second
)

// Options tune a Sender; the zero value is right for production.
type Options struct {
	// RootCAs, when set, replaces the system roots for verifying the SMTP
	// server's certificate (tests use a self-signed one).
	RootCAs *x509.CertPool
	// Now returns the current time for the Date header (nil: time.Now).
	Now func() time.Time
}

// Sender sends mail per the current settings. It implements core.Mailer and
// is safe for concurrent use.
type Sender struct {
	settings func(context.Context) (*core.Settings, error)
	log      *slog.Logger
	opts     Options
	wg       sync.WaitGroup
	// Outcomes of Send, for metrics (see Counts).
	sent, failed, logged atomic.Int64
}

// Counts returns how many mails Send delivered over SMTP, how many it
// failed to send (any error), and how many it wrote to the log because
// SMTP is disabled, since the Sender was made.
func (s *Sender) Counts() (sent, failed, logged int64) {
	return s.sent.Load(), s.failed.Load(), s.logged.Load()
}

var _ core.Mailer = (*Sender)(nil)

// New returns a Sender that reads the settings through settings (typically
// core.App.Settings) on every send, so SMTP changes apply at once. log (nil
// discards) receives logged mails and background failures. At most one
// Options value is used.
func New(settings func(context.Context) (*core.Settings, error), log *slog.Logger, opts ...Options) *Sender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Sender{settings: settings, log: log}
	if len(opts) > 0 {
		s.opts = opts[0]
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	return s
}

// Send delivers m. With smtp.enabled false or an empty smtp.host, it logs
// the mail at info level (recipients, subject and the text part, which
// holds the links and codes) and returns nil. Otherwise it sends m over SMTP
// from meta.senderName <meta.senderAddress>, bounded by ctx, DialTimeout and
// SendTimeout.
//
// Errors are *galley.Error with the cause attached (errors.Unwrap): EInvalid
// when m cannot be sent as given (no recipient, an invalid address, CR or LF
// in an address or the subject, a bad sender address) and EUnavailable when
// the settings cannot be read or the SMTP exchange fails (connection,
// TLS, authentication, or a refusal by the server).
func (s *Sender) Send(ctx context.Context, m core.Message) error {
	err := s.send(ctx, m)
	if err != nil {
		s.failed.Add(1)
	}
	return err
}

func (s *Sender) send(ctx context.Context, m core.Message) error {
	set, err := s.settings(ctx)
	if err != nil {
		return &galley.Error{Code: galley.EUnavailable, Message: "Failed to read the mail settings.", Err: err}
	}
	if m.Text == "" && m.HTML != "" {
		m.Text = core.HTMLToText(m.HTML)
	}
	msg, err := buildMessage(set.Meta.SenderName, set.Meta.SenderAddress, m, s.opts.Now())
	if err != nil {
		return &galley.Error{Code: galley.EInvalid, Message: "Invalid mail.", Err: err}
	}
	if !set.SMTP.Enabled || strings.TrimSpace(set.SMTP.Host) == "" {
		s.log.Info("mail not sent: SMTP is disabled; logged instead",
			"to", strings.Join(m.To, ", "), "subject", m.Subject, "text", m.Text)
		s.logged.Add(1)
		return nil
	}
	if err := s.deliver(ctx, &set.SMTP, msg); err != nil {
		return &galley.Error{Code: galley.EUnavailable, Message: "Failed to send the mail.", Err: err}
	}
	s.sent.Add(1)
	return nil
}

// SendAsync sends m in the background (through safego, with its own
// timeout, detached from any request) and logs a failure at error level
// with the recipients and the subject, never the body. Auth flows use it so
// a request neither waits for SMTP nor reveals, by its timing or its answer,
// whether the address is known.
func (s *Sender) SendAsync(m core.Message) {
	s.wg.Add(1)
	safego.Go(s.log, "mail.SendAsync", func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), asyncTimeout)
		defer cancel()
		if err := s.Send(ctx, m); err != nil {
			s.log.Error("mail send failed", "to", strings.Join(m.To, ", "), "subject", m.Subject, "err", err)
		}
	})
}

// Wait blocks until every SendAsync started so far has finished, or ctx
// ends (then it returns ctx's error). Shutdown calls it to drain pending
// mails; tests call it to observe background sends.
func (s *Sender) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Cause returns the underlying cause of a Send error for diagnostics (the
// error itself when it carries none).
func Cause(err error) error {
	var ge *galley.Error
	if errors.As(err, &ge) && ge.Err != nil {
		return ge.Err
	}
	return err
}

// errorf builds an error with the "smtp" prefix used by every SMTP failure.
func errorf(format string, args ...any) error {
	return fmt.Errorf("smtp: "+format, args...)
}
