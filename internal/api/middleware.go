package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/reqlog"
)

// RequestLog is one request log entry, as handed to Server.Logs. It is the
// reqlog type, so a *reqlog.Store is a RequestLogger as is.
type RequestLog = reqlog.Request

// statusRecorder captures the response status for logs and tells the panic
// handler whether the response has started.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	written bool
	bytes   int64 // body bytes written (metrics)
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.written && code >= 200 {
		// 1xx responses are informational: the final status comes later.
		w.status, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if !w.written {
		w.status, w.written = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom keeps the underlying writer's ReadFrom reachable, so that a
// file copied from an *os.File (http.ServeContent) goes out with sendfile.
func (w *statusRecorder) ReadFrom(src io.Reader) (int64, error) {
	if !w.written {
		w.status, w.written = http.StatusOK, true
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(struct{ io.Writer }{w.ResponseWriter}, src)
	}
	w.bytes += n
	return n, err
}

// Flush lets streaming handlers (SSE) flush through the recorder.
func (w *statusRecorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection (deadlines,
// hijacking) through the recorder.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recoverPanics is the outermost layer: it installs the per-request state and
// the status recorder, answers a panic that escaped every inner layer with a
// plain 500, and at the very end removes the temporary files of multipart
// forms parsed during the request (removeMultipartFiles). Panics in handlers
// are normally caught by logRequests, so that they are logged as requests
// too.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		s.lastRequest.Store(now.UnixNano())
		st := &reqState{start: now, rec: statusRecorder{ResponseWriter: w}}
		orig := r
		r = withState(r, st)
		// Registered first, so it runs last, after a panic is answered.
		defer func() { s.removeMultipartFiles(orig, r, st.routed) }()
		rec := &st.rec // one allocation for both
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler || s.answerPanic(rec, r, p) {
					panic(http.ErrAbortHandler)
				}
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// answerPanic logs a recovered panic with its stack and answers with a plain
// 500 in the PocketBase error shape. When the response has already started no
// clean answer is possible: it returns abort=true and the caller panics with
// http.ErrAbortHandler, so the server drops the connection and the client
// sees a truncated response instead of a wrong one.
func (s *Server) answerPanic(w *statusRecorder, r *http.Request, p any) (abort bool) {
	err := fmt.Errorf("panic: %v", p)
	s.log.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	setErrorForLog(r, err)
	if w.written {
		w.status = http.StatusInternalServerError
		return true
	}
	h := w.Header()
	for _, k := range []string{"Content-Length", "Content-Encoding", "Content-Disposition", "ETag", "Last-Modified", "Cache-Control"} {
		h.Del(k)
	}
	msg := galley.Internal(err).Message
	writeJSON(w, http.StatusInternalServerError, errorBody{Status: http.StatusInternalServerError, Message: msg, Data: map[string]galley.FieldError{}})
	return false
}

// logRequests hands one entry per finished request to s.Logs, honouring the
// logs settings (maxDays 0 = off, minLevel, logIP, logAuthId). It also
// recovers handler panics (answering 500) so that they are logged with the
// status the client saw. Logging happens after the response and never blocks:
// RequestLogger implementations queue the entry.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := startOf(r)
		rec, _ := w.(*statusRecorder)
		if rec == nil {
			rec = &statusRecorder{ResponseWriter: w}
		}
		defer func() {
			p := recover()
			if p != nil {
				if p == http.ErrAbortHandler || s.answerPanic(rec, r, p) {
					p = http.ErrAbortHandler
					rec.status = http.StatusInternalServerError
				} else {
					p = nil
				}
			}
			s.logRequest(r, rec, start)
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// logRequest builds the entry for r and hands it to s.Logs when the settings
// ask for it.
func (s *Server) logRequest(r *http.Request, rec *statusRecorder, start time.Time) {
	if s.Logs == nil {
		return
	}
	set, err := s.app.Settings(r.Context())
	if err != nil {
		s.log.Warn("request log skipped: settings unavailable", "err", err)
		return
	}
	if set.Logs.MaxDays <= 0 {
		return
	}
	status := rec.status
	if !rec.written {
		status = http.StatusOK // a handler that wrote nothing answered 200
	}
	st := stateOf(r)
	e := RequestLog{Time: start, Method: r.Method, URL: r.URL.RequestURI(), Status: status,
		Duration: time.Since(start), Referer: r.Referer(), UA: r.UserAgent(), Auth: "guest"}
	if e.Level() < set.Logs.MinLevel {
		return
	}
	if set.Logs.LogIP {
		e.RemoteIP = clientIP(r)
		e.UserIP = userIP(r, set.TrustedProxy)
	}
	if a := st.actor.Auth; a != nil {
		if a.Collection != nil {
			e.Auth = a.Collection.Name
		}
		if set.Logs.LogAuthID {
			e.AuthID = a.ID()
		}
	}
	if st.err != nil {
		e.Error = st.err.Error()
	}
	s.Logs.Log(e)
}

// securityHeaders sets conservative security headers on every response:
// no MIME sniffing, no framing by other origins, no referrer leaks across
// origins, and the legacy XSS auditor off (it causes more harm than good).
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Canonical keys assigned directly, with values that are never
		// modified in place (see headerValue): no allocation per request.
		h := w.Header()
		h["X-Content-Type-Options"] = hvNosniff
		h["X-Frame-Options"] = hvSameOrigin
		h["Referrer-Policy"] = hvReferrer
		h["X-Xss-Protection"] = hvZero
		next.ServeHTTP(w, r)
	})
}

// Header values set on every response. Each is a one-element slice with
// no spare capacity: Header.Set replaces the slice, Header.Add appends
// into a new array, so no response can change what another one sends.
// They are never written to.
var (
	hvNosniff    = headerValue("nosniff")
	hvSameOrigin = headerValue("SAMEORIGIN")
	hvReferrer   = headerValue("strict-origin-when-cross-origin")
	hvZero       = headerValue("0")
	hvJSON       = headerValue("application/json")
	hvNoStore    = headerValue("no-store")
)

func headerValue(v string) []string { return []string{v}[:1:1] }

// corsMethods are the methods a preflight may ask for.
const corsMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"

// cors implements CORS for cfg.AllowedOrigins (empty or containing "*"
// allows every origin with "Access-Control-Allow-Origin: *"; otherwise
// origins are compared exactly, ignoring a trailing slash in the config).
// A preflight (OPTIONS with Access-Control-Request-Method) from an allowed
// origin is answered 204 here; from another origin 403. Other requests from
// a disallowed origin are served without CORS headers, so browsers refuse to
// hand the response to the page while non-browser clients are unaffected.
// Credentials (cookies) are never allowed: the API authenticates with the
// Authorization header.
func (s *Server) cors(next http.Handler) http.Handler {
	allowAll := len(s.cfg.AllowedOrigins) == 0 || slices.Contains(s.cfg.AllowedOrigins, "*")
	allowed := map[string]bool{}
	for _, o := range s.cfg.AllowedOrigins {
		allowed[strings.TrimSuffix(strings.TrimSpace(o), "/")] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		ok := allowAll || allowed[origin]
		if !allowAll {
			h.Add("Vary", "Origin")
		}
		if preflight {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
		}
		if !ok {
			if preflight {
				writeError(w, r, s.log, galley.Errorf(galley.EForbidden, "The origin is not allowed."))
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if allowAll {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if preflight {
			h.Set("Access-Control-Allow-Methods", corsMethods)
			if reqH := r.Header.Get("Access-Control-Request-Headers"); reqH != "" {
				h.Set("Access-Control-Allow-Headers", reqH)
			}
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies at cfg.MaxBodyBytes; a multipart record
// create or update of a collection with file fields may send more: its
// file fields' maxSelect × maxSize on top (core.App.UploadLimit). A declared larger body
// is refused at once with 413 without reading it; a body that turns out
// larger while being read fails the read with a *galley.Error ETooLarge
// (wrapping the *http.MaxBytesError), which handlers return as 413.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.cfg.MaxBodyBytes
		if coll, ok := uploadCollection(r); ok {
			limit, _ = s.app.UploadLimit(coll, limit)
		} else if r.URL.Path == "/api/backups/upload" {
			limit = max(limit, s.app.BackupUploadLimit())
		} else if r.URL.Path == "/api/batch" {
			if _, _, _, max, err := s.app.BatchLimits(r.Context()); err == nil {
				limit = max
			}
		}
		if r.ContentLength > limit {
			writeError(w, r, s.log, tooLarge(limit, nil))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = limitedBody{http.MaxBytesReader(w, r.Body, limit)}
		}
		next.ServeHTTP(w, r)
	})
}

func tooLarge(limit int64, cause error) *galley.Error {
	return &galley.Error{Code: galley.ETooLarge, Message: fmt.Sprintf("The request body is too large (limit %d bytes).", limit), Err: cause}
}

// limitedBody turns the *http.MaxBytesError of a too large body into an
// ETooLarge *galley.Error that still wraps it (errors.As finds both).
type limitedBody struct{ io.ReadCloser }

func (b limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if err != nil && errors.As(err, &mbe) {
		err = tooLarge(mbe.Limit, err)
	}
	return n, err
}

// clientIP returns the request's remote IP without the port.
func clientIP(r *http.Request) string {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		if ap.Addr().Is4() {
			// netip accepts only the canonical dotted form of IPv4 (no
			// leading zeros), so the host part is the address's String:
			// return it without allocating that again.
			return r.RemoteAddr[:strings.LastIndexByte(r.RemoteAddr, ':')]
		}
		return ap.Addr().Unmap().String()
	}
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// userIP returns the client's IP: the first valid IP found in the trusted
// proxy headers, in the configured order, or the connection's address.
// Comma-separated headers (X-Forwarded-For) yield their rightmost entry —
// the one the nearest proxy appended, which a client cannot forge — or their
// leftmost with UseLeftmostIP. With no trusted headers configured the
// headers are ignored: anyone can send them.
func userIP(r *http.Request, tp core.TrustedProxySettings) string {
	for _, name := range tp.Headers {
		v := r.Header.Values(name)
		if len(v) == 0 {
			continue
		}
		parts := strings.Split(strings.Join(v, ","), ",")
		if !tp.UseLeftmostIP {
			slices.Reverse(parts)
		}
		// The first readable entry from the trusted end wins; junk such as
		// "unknown" or an empty entry is skipped.
		for _, p := range parts {
			if ip, ok := parseIPEntry(p); ok {
				return ip
			}
		}
	}
	return clientIP(r)
}

// parseIPEntry reads one proxy-header entry: a bare IPv4/IPv6 address, an
// address with a port ("203.0.113.5:4711", "[2001:db8::1]:443") or a
// bracketed IPv6 address. Zones are dropped and IPv4-mapped IPv6 unmapped.
func parseIPEntry(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().WithZone("").Unmap().String(), true
	}
	if ip, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return ip.WithZone("").Unmap().String(), true
	}
	return "", false
}

// UserIP returns the client IP of r according to the trusted proxy settings
// (see userIP); the rate limiter and logs use it. Unreadable settings fall
// back to the connection's address.
func (s *Server) UserIP(r *http.Request) string {
	set, err := s.app.Settings(r.Context())
	if err != nil {
		return clientIP(r)
	}
	return userIP(r, set.TrustedProxy)
}

// uploadCollection returns the collection of a request that may carry
// files: a multipart create (POST /api/collections/{c}/records) or update
// (PATCH /api/collections/{c}/records/{id}).
func uploadCollection(r *http.Request) (string, bool) {
	if r.Method != http.MethodPost && r.Method != http.MethodPatch {
		return "", false
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		return "", false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/collections/")
	if !ok {
		return "", false
	}
	parts := strings.Split(rest, "/")
	switch {
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "records" && parts[0] != "":
		return parts[0], true
	case r.Method == http.MethodPatch && len(parts) == 3 && parts[1] == "records" && parts[0] != "" && parts[2] != "":
		return parts[0], true
	}
	return "", false
}
