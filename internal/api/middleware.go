package api

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	galley "github.com/galleyhq/galley"
)

// RequestLog is one request log entry.
type RequestLog struct {
	Time     time.Time
	Method   string
	URL      string
	Status   int
	Duration time.Duration
	RemoteIP string
	UserIP   string
	Referer  string
	UA       string
	Auth     string // "guest", "_superusers", or the auth collection name
	Error    string
}

// statusRecorder captures the response status for logs.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	written bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.written {
		w.status, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if !w.written {
		w.status, w.written = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recoverPanics answers a handler panic with a plain 500 and logs it with the
// stack; the process keeps serving. It also installs the per-request state.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &reqState{}
		r = withState(r, st)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				err := fmt.Errorf("panic: %v", p)
				s.log.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				st.err = err
				if !rec.written {
					writeError(rec, r, s.log, galley.Internal(err))
				}
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// logRequests hands one entry per request to s.Logs after the response.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec, _ := w.(*statusRecorder)
		next.ServeHTTP(w, r)
		if s.Logs == nil || rec == nil {
			return
		}
		st := stateOf(r)
		e := RequestLog{Time: start, Method: r.Method, URL: r.URL.RequestURI(), Status: rec.status,
			Duration: time.Since(start), RemoteIP: r.RemoteAddr, Referer: r.Referer(), UA: r.UserAgent(), Auth: "guest"}
		if st.actor.Auth != nil {
			e.Auth = st.actor.Auth.Collection.Name
		}
		if st.err != nil {
			e.Error = st.err.Error()
		}
		s.Logs.Log(e)
	})
}

// securityHeaders sets conservative security headers on every response.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-XSS-Protection", "0")
		next.ServeHTTP(w, r)
	})
}

// cors answers preflights and sets CORS headers for allowed origins.
func (s *Server) cors(next http.Handler) http.Handler {
	allowAll := len(s.cfg.AllowedOrigins) == 0 || slices.Contains(s.cfg.AllowedOrigins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" {
			h := w.Header()
			h.Add("Vary", "Origin")
			if allowAll || slices.Contains(s.cfg.AllowedOrigins, origin) {
				if allowAll {
					h.Set("Access-Control-Allow-Origin", "*")
				} else {
					h.Set("Access-Control-Allow-Origin", origin)
				}
				if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
					h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
					if reqH := r.Header.Get("Access-Control-Request-Headers"); reqH != "" {
						h.Set("Access-Control-Allow-Headers", reqH)
					}
					h.Set("Access-Control-Max-Age", "86400")
					w.WriteHeader(http.StatusNoContent)
					return
				}
			} else if r.Method == http.MethodOptions {
				writeError(w, r, s.log, galley.Errorf(galley.EForbidden, "Origin %q is not allowed.", origin))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies at cfg.MaxBodyBytes; a declared larger body
// is refused at once with 413.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			writeError(w, r, s.log, galley.Errorf(galley.ETooLarge, "The request body is too large (limit %d bytes).", s.cfg.MaxBodyBytes))
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP returns the request's remote IP without the port.
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}
