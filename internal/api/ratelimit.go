package api

import "net/http"

// rateLimit enforces the rate-limit rules (being implemented).
func (s *Server) rateLimit(next http.Handler) http.Handler { return next }
