// Package testserver runs the full Galley stack (real SQLite in a temp dir,
// real HTTP server) for tests, with a superuser ready to act.
package testserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/mail"
	"github.com/galleyhq/galley/internal/mail/mailtest"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// Superuser credentials of every test server.
const (
	SuperuserEmail    = "root@example.com"
	SuperuserPassword = "Sup3r-secret!"
)

// Server is a running test stack.
type Server struct {
	t    testing.TB
	URL  string
	DB   *store.DB
	App  *core.App
	API  *api.Server
	HTTP *httptest.Server
	// FilesDir holds the local file storage ("storage") and the upload
	// spool ("uploads").
	FilesDir string
	// SuperToken is a superuser auth token.
	SuperToken string
}

// New starts a server on a fresh database; it stops when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	return NewConfig(t, api.Config{})
}

// NewConfig is New with the transport configuration cfg.
func NewConfig(t testing.TB, cfg api.Config) *Server {
	t.Helper()
	return NewOn(t, storetest.Options(t), cfg)
}

// NewOn starts a server on the database opts describe. Two servers on the
// same PostgreSQL options are two nodes of one app.
func NewOn(t testing.TB, opts store.Options, cfg api.Config) *Server {
	t.Helper()
	return NewOnPrepared(t, opts, cfg, nil)
}

// NewOnPrepared is NewOn with prepare called on the server before it
// serves (its URL, HTTP and SuperToken are not set yet): for wiring that
// galley serve does before listening, such as request logs. A prepare that
// starts something must stop it with t.Cleanup.
func NewOnPrepared(t testing.TB, opts store.Options, cfg api.Config, prepare func(s *Server)) *Server {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	app := core.New(db, nil)
	app.Mailer = mail.New(app.Settings, nil)
	fdir := t.TempDir()
	st, err := files.NewLocal(filepath.Join(fdir, "storage"))
	if err != nil {
		t.Fatalf("local storage: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(fdir, "uploads"), 0o700); err != nil {
		t.Fatal(err)
	}
	app.SetLocalStorage(st, filepath.Join(fdir, "uploads"), 0)
	srv := api.New(app, db, nil, cfg)
	if prepare != nil {
		prepare(&Server{t: t, DB: db, App: app, API: srv, FilesDir: fdir})
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		srv.CloseRealtime()
		hs.Close()
		db.Close()
	})
	// A second node on the same database finds the superuser there (an
	// upsert would rotate its tokenKey and void the first node's token).
	has, err := app.HasSuperusers(ctx)
	if err != nil {
		t.Fatalf("look for a superuser: %v", err)
	}
	if !has {
		if _, err := app.UpsertSuperuser(ctx, SuperuserEmail, SuperuserPassword); err != nil {
			t.Fatalf("create superuser: %v", err)
		}
	}
	s := &Server{t: t, URL: hs.URL, DB: db, App: app, API: srv, HTTP: hs, FilesDir: fdir}
	res := s.Do("POST", "/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": SuperuserEmail, "password": SuperuserPassword})
	res.Status(200)
	s.SuperToken = res.JSON()["token"].(string)
	return s
}

// Response is a finished request.
type Response struct {
	t      testing.TB
	Code   int
	Header http.Header
	Body   []byte
	desc   string
}

// Do sends method url with body (a string or []byte is sent as is, anything
// else as JSON) and Authorization token (none when "").
func (s *Server) Do(method, url, token string, body any) *Response {
	s.t.Helper()
	return s.DoWith(method, url, token, body, nil)
}

// DoWith is Do with extra request headers.
func (s *Server) DoWith(method, url, token string, body any, headers map[string]string) *Response {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			s.t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, s.URL+url, rd)
	if err != nil {
		s.t.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return &Response{t: s.t, Code: res.StatusCode, Header: res.Header, Body: data, desc: method + " " + url}
}

// Super sends a request as the superuser.
func (s *Server) Super(method, url string, body any) *Response {
	s.t.Helper()
	return s.Do(method, url, s.SuperToken, body)
}

// Status fails the test unless the response has status code.
func (r *Response) Status(code int) *Response {
	r.t.Helper()
	if r.Code != code {
		r.t.Fatalf("%s: status %d, want %d; body: %s", r.desc, r.Code, code, r.Body)
	}
	return r
}

// JSON decodes the body as an object.
func (r *Response) JSON() map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		r.t.Fatalf("%s: decode %q: %v", r.desc, r.Body, err)
	}
	return m
}

// Items returns the ids of the items of a list response, in order.
func (r *Response) Items() []string {
	r.t.Helper()
	items, _ := r.JSON()["items"].([]any)
	ids := make([]string, 0, len(items))
	for _, it := range items {
		m, _ := it.(map[string]any)
		id, _ := m["id"].(string)
		ids = append(ids, id)
	}
	return ids
}

// FieldCode returns data.<field>.code of an error response ("" when absent).
func (r *Response) FieldCode(field string) string {
	r.t.Helper()
	data, _ := r.JSON()["data"].(map[string]any)
	f, _ := data[field].(map[string]any)
	code, _ := f["code"].(string)
	return code
}

// Contains fails the test unless the body contains each fragment.
func (r *Response) Contains(fragments ...string) *Response {
	r.t.Helper()
	for _, f := range fragments {
		if !bytes.Contains(r.Body, []byte(f)) {
			r.t.Fatalf("%s: body %s does not contain %q", r.desc, r.Body, f)
		}
	}
	return r
}

// StartMail starts a real SMTP server for the test and points the app's SMTP
// settings at it, so auth mails can be read back.
func (s *Server) StartMail() *mailtest.Server {
	s.t.Helper()
	ms := mailtest.Start(s.t)
	host, port := ms.Addr()
	s.Super("PATCH", "/api/settings", map[string]any{
		"meta": map[string]any{"appURL": "http://app.example.com", "senderAddress": "noreply@example.com", "senderName": "Galley"},
		"smtp": map[string]any{"enabled": true, "host": host, "port": port, "tls": false},
	}).Status(200)
	return ms
}

// Part is one part of a multipart/form-data body: a value (File == "")
// or a file named File holding Data.
type Part struct {
	Name, Value string
	File        string
	Data        []byte
}

// Multipart sends method url with a multipart/form-data body of parts and
// Authorization token (none when "").
func (s *Server) Multipart(method, url, token string, parts ...Part) *Response {
	s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var err error
		if p.File == "" {
			err = mw.WriteField(p.Name, p.Value)
		} else {
			var w io.Writer
			if w, err = mw.CreateFormFile(p.Name, p.File); err == nil {
				_, err = w.Write(p.Data)
			}
		}
		if err != nil {
			s.t.Fatalf("multipart: %v", err)
		}
	}
	if err := mw.Close(); err != nil {
		s.t.Fatal(err)
	}
	return s.DoWith(method, url, token, buf.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType()})
}

// Users makes the default "users" auth collection every new database has
// into the one body describes — a POST /api/collections body (its name and
// type are ignored) — and returns the PATCH's response (check its Status).
// Rules the body leaves out become null, as they would on a new
// collection; body fields replace the default fields of the same name
// (matched by name, so they keep their ids) and the other default fields
// (name, avatar...) stay. Tests that need an
// auth collection called "users" reuse the default this way instead of
// creating one.
func (s *Server) Users(body map[string]any) *Response {
	s.t.Helper()
	cur := s.Super("GET", "/api/collections/users", nil).Status(200).JSON()
	patch := map[string]any{}
	for _, k := range []string{"listRule", "viewRule", "createRule", "updateRule", "deleteRule"} {
		patch[k] = nil
	}
	for k, v := range body {
		if k != "name" && k != "type" && k != "fields" {
			patch[k] = v
		}
	}
	var given []map[string]any
	if b, err := json.Marshal(body["fields"]); err == nil {
		_ = json.Unmarshal(b, &given)
	}
	redefined := map[string]bool{}
	for _, f := range given {
		if n, _ := f["name"].(string); n != "" {
			redefined[n] = true
		}
	}
	var fields []any
	for _, f := range cur["fields"].([]any) {
		if m := f.(map[string]any); !redefined[m["name"].(string)] {
			fields = append(fields, m)
		}
	}
	for _, f := range given {
		fields = append(fields, f)
	}
	patch["fields"] = fields
	return s.Super("PATCH", "/api/collections/users", patch)
}
