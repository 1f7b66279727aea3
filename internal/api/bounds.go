package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	galley "github.com/galleyhq/galley"
)

// Defaults of the HTTP-level time bounds (Config.BodyReadTimeout,
// Config.ReadHeaderTimeout; flags --body-read-timeout and
// --header-read-timeout).
const (
	DefaultBodyReadTimeout   = 60 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultUploadMinRate is the slowest upload that is not cut off by
	// the body read timeout (Config.UploadMinRate): 64 KiB/s.
	DefaultUploadMinRate = 64 << 10
)

// Form body bounds (readForm): a urlencoded or multipart form body is read
// into memory only, never spilled to temporary files. These are not flags:
// the forms Galley reads (realtime subscriptions, the OAuth2 form_post
// redirect) are small, and larger bodies have JSON.
const (
	// maxFormBytes bounds a form body: a urlencoded body as a whole, a
	// multipart body as the sum of its values.
	maxFormBytes = 1 << 20
	// maxFormParts bounds the parts of a multipart form body.
	maxFormParts = 100
)

// errBodyReadTimeout is the cause of the error a request body read fails
// with once Config.BodyReadTimeout has passed; writeError answers it 408.
var errBodyReadTimeout = errors.New("request body read timeout")

// bodyTimeout returns the error of a body that did not arrive within d.
func bodyTimeout(d time.Duration) *galley.Error {
	return &galley.Error{Code: galley.EInvalid, Err: errBodyReadTimeout,
		Message: fmt.Sprintf("The request body was not received in time (limit %s).", d)}
}

// bodyDeadline bounds the time a client may take to send a request body:
// from the end of the headers, the whole body must arrive within
// cfg.BodyReadTimeout (a slowloris client trickling a body byte by byte is
// cut off). A read past the deadline fails with bodyTimeout, answered 408
// (and the connection is closed).
//
// The deadline is a connection read deadline set through
// http.ResponseController, and it is lifted as soon as the body has been
// read to its end: net/http then reads the idle connection in the
// background to notice a client that goes away, and a deadline passing
// there would cancel the request's context while the handler still works.
// Requests without a body (GET /api/realtime, the SSE stream; WebSocket
// upgrades) get no deadline at all, and a hijacked connection (WebSocket)
// has its deadlines cleared by net/http, so long-lived realtime connections
// are unaffected. A zero or negative timeout disables the bound.
func (s *Server) bodyDeadline(next http.Handler) http.Handler {
	d := s.cfg.BodyReadTimeout
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || hasUpgrade(r) {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Now().Add(d)); err != nil {
			// Not a net/http connection (a recorder in a test): no bound.
			next.ServeHTTP(w, r)
			return
		}
		db := &deadlineBody{ReadCloser: r.Body, rc: rc, timeout: d}
		if coll, ok := uploadCollection(r); ok {
			if limit, files := s.app.UploadLimit(coll, s.cfg.MaxBodyBytes); files && limit > s.cfg.MaxBodyBytes && s.cfg.UploadMinRate > 0 {
				db.minRate, db.start, db.set = s.cfg.UploadMinRate, time.Now(), time.Now().Add(d)
			}
		} else if r.URL.Path == "/api/backups/upload" && s.cfg.UploadMinRate > 0 {
			// A backup archive is a large file too.
			db.minRate, db.start, db.set = s.cfg.UploadMinRate, time.Now(), time.Now().Add(d)
		}
		r.Body = db
		next.ServeHTTP(w, r)
	})
}

// deadlineBody is a request body read under a connection read deadline; it
// lifts the deadline at the end of the body and turns a timeout into
// bodyTimeout.
//
// A body that may carry files (minRate > 0) gets more time as it arrives:
// the deadline is start + timeout + received/minRate, so a large upload at
// a reasonable rate completes and a trickle is still cut off.
type deadlineBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
	once    sync.Once

	minRate  int64     // bytes per second; 0: a fixed deadline
	start    time.Time // when the body started
	set      time.Time // the deadline set last
	received int64
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.minRate > 0 && n > 0 && err == nil {
		b.received += int64(n)
		next := b.start.Add(b.timeout + time.Duration(float64(b.received)/float64(b.minRate)*float64(time.Second)))
		if next.Sub(b.set) > time.Second {
			b.set = next
			_ = b.rc.SetReadDeadline(next)
		}
	}
	switch {
	case err == io.EOF:
		b.once.Do(func() { _ = b.rc.SetReadDeadline(time.Time{}) })
	case err != nil && errors.Is(err, os.ErrDeadlineExceeded):
		err = bodyTimeout(b.timeout)
	}
	return n, err
}

// removeMultipartFiles deletes the temporary files of multipart forms
// parsed during a request. net/http removes only those of the request it
// created, but the middleware hands handlers a clone (withState), so a
// handler's r.ParseMultipartForm would leave its files behind for ever.
// recoverPanics calls it after the handler, panics included, with the
// original request, its clone and the request the router saw (reqState).
// A handler that clones the request again and parses the clone must remove
// that form's files itself; Galley's own handlers read forms with readForm,
// which writes no files.
func (s *Server) removeMultipartFiles(reqs ...*http.Request) {
	seen := make(map[*multipart.Form]bool, len(reqs))
	for _, r := range reqs {
		if r == nil || r.MultipartForm == nil || seen[r.MultipartForm] {
			continue
		}
		seen[r.MultipartForm] = true
		if err := r.MultipartForm.RemoveAll(); err != nil {
			s.log.Warn("removing multipart temporary files failed", "path", r.URL.Path, "err", err)
		}
	}
}

// trackRouted records the request the router and the handlers see, so
// that removeMultipartFiles can reach a form parsed on it.
func trackRouted(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stateOf(r).routed = r
		next.ServeHTTP(w, r)
	})
}

// readForm reads a application/x-www-form-urlencoded or multipart/form-data
// body into memory, never into temporary files. A body of another type
// yields empty values. A body larger than maxFormBytes (urlencoded) or with
// values summing to more (multipart), or with more than maxFormParts parts,
// is ETooLarge; a file part is EInvalid naming it (no route that reads
// forms takes files); an unreadable body is EInvalid. Errors of the body
// itself (too large, read timeout) are returned as they are.
func readForm(r *http.Request) (url.Values, error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		b, err := io.ReadAll(io.LimitReader(r.Body, maxFormBytes+1))
		if err != nil {
			return nil, formReadError(err)
		}
		if len(b) > maxFormBytes {
			return nil, formTooLarge()
		}
		v, err := url.ParseQuery(string(b))
		if err != nil {
			return nil, galley.Errorf(galley.EInvalid, "Failed to read the form data.")
		}
		return v, nil
	case "multipart/form-data":
		return readMultipart(r.Body, params["boundary"])
	}
	return url.Values{}, nil
}

// readMultipart reads the values of a multipart body within the form
// bounds (see readForm).
func readMultipart(body io.Reader, boundary string) (url.Values, error) {
	if boundary == "" {
		return nil, galley.Errorf(galley.EInvalid, "Failed to read the form data: the multipart boundary is missing.")
	}
	mr := multipart.NewReader(body, boundary)
	v := url.Values{}
	left := int64(maxFormBytes)
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			return v, nil
		}
		if err != nil {
			return nil, formReadError(err)
		}
		if parts == maxFormParts {
			return nil, galley.Errorf(galley.ETooLarge, "The form data has too many parts (limit %d).", maxFormParts)
		}
		name := p.FormName()
		if p.FileName() != "" {
			field := name
			if field == "" {
				field = "file"
			}
			return nil, galley.FieldInvalid(field, "validation_invalid_value", "File uploads are not accepted here.")
		}
		b, err := io.ReadAll(io.LimitReader(p, left+1))
		if err != nil {
			return nil, formReadError(err)
		}
		if left -= int64(len(b)); left < 0 {
			return nil, formTooLarge()
		}
		if name != "" {
			v.Add(name, string(b))
		}
	}
}

func formTooLarge() *galley.Error {
	return galley.Errorf(galley.ETooLarge, "The form data is too large (limit %d bytes).", maxFormBytes)
}

// formReadError returns the body's own error (too large, timeout) when it
// is one, and a plain EInvalid otherwise.
func formReadError(err error) error {
	var ge *galley.Error
	if errors.As(err, &ge) {
		return ge
	}
	return galley.Errorf(galley.EInvalid, "Failed to read the form data.")
}

// isBodyTimeout reports whether err is a body read past BodyReadTimeout.
func isBodyTimeout(err error) bool { return errors.Is(err, errBodyReadTimeout) }

// hasUpgrade reports whether r asks for a protocol upgrade (WebSocket).
func hasUpgrade(r *http.Request) bool {
	return strings.TrimSpace(r.Header.Get("Upgrade")) != ""
}
