package mailtest

import (
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const rawMail = "From: a@example.com\r\n" +
	"To: b@example.com\r\n" +
	"Subject: =?utf-8?b?Q29kZSDinJM=?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=outer\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: multipart/alternative; boundary=inner\r\n" +
	"\r\n" +
	"--inner\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"WW91ciBjb2RlIGlzIDAwNDI0Mi4K\r\n" +
	"--inner\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"<a href=3D\"https://x.test/_/#/auth/confirm-password-reset/aa.bb.cc\">Reset</a>\r\n" +
	"--inner--\r\n" +
	"--outer--\r\n"

func TestParseAndFind(t *testing.T) {
	r := Received{Raw: []byte(rawMail)}
	if err := r.parse(); err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Code ✓" || r.Text != "Your code is 004242.\n" {
		t.Errorf("subject %q text %q", r.Subject, r.Text)
	}
	if r.FindOTP() != "004242" || r.FindToken() != "aa.bb.cc" {
		t.Errorf("otp %q token %q", r.FindOTP(), r.FindToken())
	}
	if (Received{Text: "no code in 2 words"}).FindOTP() != "" || (Received{}).FindToken() != "" {
		t.Error("found something in nothing")
	}
}

func TestServerRequiresAuth(t *testing.T) {
	s := Start(t, WithAuth("u", "p"))
	host, port := s.Addr()
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	send := func(a smtp.Auth) error {
		return smtp.SendMail(addr, a, "a@example.com", []string{"b@example.com"}, []byte(rawMail))
	}
	if err := send(nil); err == nil || !strings.Contains(err.Error(), "530") {
		t.Errorf("no auth: %v", err)
	}
	if err := send(smtp.PlainAuth("", "u", "wrong", host)); err == nil {
		t.Error("wrong password accepted")
	}
	if err := send(smtp.PlainAuth("", "u", "p", host)); err != nil {
		t.Fatalf("good credentials: %v", err)
	}
	r := s.WaitFor(t, "b@example.com", time.Second)
	if r.User != "u" || r.From != "a@example.com" || r.ParseErr != nil || s.AuthFailures() != 1 {
		t.Errorf("received %+v, auth failures %d", r, s.AuthFailures())
	}
}
