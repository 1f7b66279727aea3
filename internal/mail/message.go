package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/galleyhq/galley/internal/core"
)

// message is a mail ready for the SMTP exchange: the envelope and the
// RFC 5322 data with CRLF line endings.
type message struct {
	from string
	to   []string
	data []byte
}

// buildMessage validates m and the sender and renders the MIME message:
// multipart/alternative with a text and an HTML part (text only when HTML is
// empty), both UTF-8 and quoted-printable, with Date and Message-ID.
// Headers can never be injected: CR and LF are refused in every address,
// name and subject, and non-ASCII text is RFC 2047 encoded.
func buildMessage(senderName, senderAddress string, m core.Message, now time.Time) (*message, error) {
	if hasNewline(senderName) {
		return nil, fmt.Errorf("mail: the sender name contains a line break")
	}
	from, err := parseAddress(senderAddress)
	if err != nil {
		return nil, fmt.Errorf("mail: sender address: %w", err)
	}
	from.Name = senderName
	if len(m.To) == 0 {
		return nil, fmt.Errorf("mail: no recipient")
	}
	if hasNewline(m.Subject) {
		return nil, fmt.Errorf("mail: the subject contains a line break")
	}
	out := &message{from: from.Address}
	toHeader := make([]string, 0, len(m.To))
	for _, raw := range m.To {
		a, err := parseAddress(raw)
		if err != nil {
			return nil, fmt.Errorf("mail: recipient %q: %w", raw, err)
		}
		out.to = append(out.to, a.Address)
		toHeader = append(toHeader, a.String())
	}

	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", strings.Join(toHeader, ", "))
	header("Subject", encodeHeader(m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(from.Address))
	header("MIME-Version", "1.0")
	if m.HTML == "" {
		header("Content-Type", "text/plain; charset=UTF-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		out.data = b.Bytes()
		return out, nil
	}
	mw := multipart.NewWriter(&b)
	header("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	b.WriteString("\r\n")
	for _, p := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, p.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	out.data = b.Bytes()
	return out, nil
}

// parseAddress accepts one address ("a@b.c" or "Name <a@b.c>") without CR
// or LF.
func parseAddress(s string) (*mail.Address, error) {
	if hasNewline(s) {
		return nil, fmt.Errorf("the address contains a line break")
	}
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("invalid address: %w", err)
	}
	return a, nil
}

func hasNewline(s string) bool { return strings.ContainsAny(s, "\r\n") }

// encodeHeader encodes a header value with RFC 2047 Q-encoding when it is
// not plain ASCII, folding between encoded words to keep lines short.
func encodeHeader(s string) string {
	enc := mime.QEncoding.Encode("UTF-8", s)
	if enc == s {
		return s
	}
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}

// messageID returns a unique Message-ID in the sender's domain.
func messageID(from string) string {
	var r [16]byte
	_, _ = rand.Read(r[:])
	domain := "galley.localhost"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">"
}

// writeQP writes s quoted-printable with CRLF line breaks.
func writeQP(w io.Writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, strings.ReplaceAll(s, "\r\n", "\n")); err != nil {
		return err
	}
	return qp.Close()
}
