package api

import (
	"net/http"
	"strconv"

	"github.com/galleyhq/galley/internal/reqlog"
)

// UseRequestLogs makes s hand every request to ls (see logRequests) and
// makes the app's request-log services (core.App.ListLogs, ViewLog,
// LogStats), which serve /api/logs, read from it. Call it before serving.
func (s *Server) UseRequestLogs(ls *reqlog.Store) {
	s.Logs = ls
	s.app.RequestLogs = ls
}

// listLogs answers GET /api/logs with a page of logs: page, perPage, sort,
// filter (the filter language over id, created, level, message and data.*),
// skipTotal. core.App.ListLogs decides access (superusers only).
func (s *Server) listLogs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	lq := reqlog.Query{Page: logsQueryInt(q.Get("page"), 1), PerPage: logsQueryInt(q.Get("perPage"), 30),
		Sort: q.Get("sort"), Filter: q.Get("filter"), SkipTotal: logsQueryBool(q.Get("skipTotal"))}
	res, err := s.app.ListLogs(r.Context(), actorOf(r), lq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// viewLog answers GET /api/logs/{id}; 404 when missing. core.App.ViewLog
// decides access (superusers only).
func (s *Server) viewLog(w http.ResponseWriter, r *http.Request) error {
	l, err := s.app.ViewLog(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// logStats answers GET /api/logs/stats with the number of logs per hour,
// [{"total":N,"date":"2006-01-02 15:00:00.000Z"}, ...], oldest first,
// filtered by ?filter=. core.App.LogStats decides access (superusers only).
func (s *Server) logStats(w http.ResponseWriter, r *http.Request) error {
	stats, err := s.app.LogStats(r.Context(), actorOf(r), r.URL.Query().Get("filter"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, stats)
	return nil
}

// logsQueryInt parses a query integer; missing or malformed values give def (the
// list endpoints fall back rather than fail, as PocketBase does).
func logsQueryInt(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

func logsQueryBool(s string) bool {
	b, _ := strconv.ParseBool(s)
	return b
}
