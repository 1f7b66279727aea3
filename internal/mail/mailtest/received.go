package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
)

// Received is one mail as the server got it.
type Received struct {
	// From and To are the SMTP envelope (MAIL FROM, RCPT TO).
	From string
	To   []string
	// Raw is the message data as sent after DATA.
	Raw []byte
	// Helo is the name the client gave in EHLO/HELO; User the
	// authenticated user ("" without AUTH); TLS whether the session was
	// encrypted (implicit TLS or STARTTLS).
	Helo string
	User string
	TLS  bool

	// Header holds the parsed headers; Subject is decoded (RFC 2047).
	Header  mail.Header
	Subject string
	// Text and HTML are the decoded bodies of the text/plain and text/html
	// parts ("" when absent).
	Text string
	HTML string
	// ParseErr is set when Raw is not a well-formed MIME message.
	ParseErr error
}

// parse fills the parsed fields from Raw.
func (r *Received) parse() error {
	msg, err := mail.ReadMessage(bytes.NewReader(r.Raw))
	if err != nil {
		return err
	}
	r.Header = msg.Header
	dec := new(mime.WordDecoder)
	if r.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	return r.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

// walk decodes one entity, descending into multipart ones.
func (r *Received) walk(contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain; charset=us-ascii"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content-type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := r.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("%s body: %w", mt, err)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	switch mt {
	case "text/plain":
		if r.Text == "" {
			r.Text = s
		}
	case "text/html":
		if r.HTML == "" {
			r.HTML = s
		}
	}
	return nil
}

var (
	actionTokenRE = regexp.MustCompile(`/confirm-[a-z-]+/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)`)
	jwtRE         = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)
	otpRE         = regexp.MustCompile(`(?:^|[^0-9A-Za-z])([0-9]{4,12})(?:[^0-9A-Za-z]|$)`)
)

// FindToken returns the JWT-like token of the mail's action link (".../
// confirm-verification/<token>" and the like), else the first JWT-like
// string of the text (then HTML) part; "" when there is none.
func (r Received) FindToken() string {
	for _, s := range []string{r.Text, r.HTML} {
		if m := actionTokenRE.FindStringSubmatch(s); m != nil {
			return m[1]
		}
	}
	for _, s := range []string{r.Text, r.HTML} {
		if m := jwtRE.FindString(s); m != "" {
			return m
		}
	}
	return ""
}

// FindOTP returns the first standalone run of 4 to 12 digits in the text
// part (then the HTML part): the one-time password of an OTP mail; "" when
// there is none.
func (r Received) FindOTP() string {
	for _, s := range []string{r.Text, r.HTML} {
		if m := otpRE.FindStringSubmatch(s); m != nil {
			return m[1]
		}
	}
	return ""
}
