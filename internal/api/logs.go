package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/galleyhq/galley/internal/reqlog"
)

// LogStore is what /api/logs reads from; *reqlog.Store implements it.
type LogStore interface {
	List(ctx context.Context, q reqlog.Query) (*reqlog.Result, error)
	View(ctx context.Context, id string) (*reqlog.Log, error)
	Stats(ctx context.Context, filter string) ([]reqlog.Stat, error)
}

// UseRequestLogs makes s hand every request to ls (see logRequests) and
// serve /api/logs from it. Call it before serving.
func (s *Server) UseRequestLogs(ls *reqlog.Store) {
	s.Logs = ls
	s.ops.logs = ls
}

// listLogs answers GET /api/logs (superusers only) with a page of logs:
// page, perPage, sort, filter (the filter language over id, created, level,
// message and data.*), skipTotal. Without a log store the list is empty.
func (s *Server) listLogs(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	q := r.URL.Query()
	lq := reqlog.Query{Page: logsQueryInt(q.Get("page"), 1), PerPage: logsQueryInt(q.Get("perPage"), 30),
		Sort: q.Get("sort"), Filter: q.Get("filter"), SkipTotal: logsQueryBool(q.Get("skipTotal"))}
	if s.ops.logs == nil {
		writeJSON(w, http.StatusOK, reqlog.Result{Page: max(lq.Page, 1), PerPage: min(max(lq.PerPage, 1), reqlog.MaxPerPage), Items: []reqlog.Log{}})
		return nil
	}
	res, err := s.ops.logs.List(r.Context(), lq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// viewLog answers GET /api/logs/{id} (superusers only); 404 when missing.
func (s *Server) viewLog(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	if s.ops.logs == nil {
		return errNotFoundRoute()
	}
	l, err := s.ops.logs.View(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// logStats answers GET /api/logs/stats (superusers only) with the number of
// logs per hour, [{"total":N,"date":"2006-01-02 15:00:00.000Z"}, ...],
// oldest first, filtered by ?filter=.
func (s *Server) logStats(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	if s.ops.logs == nil {
		writeJSON(w, http.StatusOK, []reqlog.Stat{})
		return nil
	}
	stats, err := s.ops.logs.Stats(r.Context(), r.URL.Query().Get("filter"))
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
