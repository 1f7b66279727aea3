package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/reqlog"
	"github.com/go-json-experiment/json/jsontext"
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
// skipTotal, and fields, which projects each item as for records
// ("id,message,data.url"). core.App.ListLogs decides access (superusers
// only).
func (s *Server) listLogs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page, err := logsQueryInt(q, "page", 1)
	if err != nil {
		return err
	}
	perPage, err := logsQueryInt(q, "perPage", 30)
	if err != nil {
		return err
	}
	lq := reqlog.Query{Page: page, PerPage: perPage, Sort: q.Get("sort"), Filter: q.Get("filter"), SkipTotal: logsQueryBool(q.Get("skipTotal"))}
	res, err := s.app.ListLogs(r.Context(), actorOf(r), lq)
	if err != nil {
		return err
	}
	proj, err := core.ParseFields(q.Get("fields"))
	if err != nil {
		return err
	}
	if proj == nil {
		writeJSON(w, http.StatusOK, res)
		return nil
	}
	items := make([]core.Object, len(res.Items))
	for i, l := range res.Items {
		items[i] = core.Project(logObject(l), proj)
	}
	writeJSON(w, http.StatusOK, core.Object{{Key: "page", Value: res.Page}, {Key: "perPage", Value: res.PerPage},
		{Key: "totalItems", Value: res.TotalItems}, {Key: "totalPages", Value: res.TotalPages}, {Key: "items", Value: items}})
	return nil
}

// logObject is l as an Object a fields projection can walk, its data as
// an Object of its top-level keys (their values stay raw JSON).
func logObject(l reqlog.Log) core.Object {
	var data any = l.Data
	if o, ok := rawObject(l.Data); ok {
		data = o
	}
	return core.Object{{Key: "id", Value: l.ID}, {Key: "created", Value: l.Created}, {Key: "data", Value: data},
		{Key: "message", Value: l.Message}, {Key: "level", Value: l.Level}}
}

// rawObject splits a JSON object into its members, in order; false when
// raw is not an object.
func rawObject(raw []byte) (core.Object, bool) {
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, false
	}
	o := core.Object{}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, false
		}
		k := tok.String() // before the next read voids tok
		v, err := dec.ReadValue()
		if err != nil {
			return nil, false
		}
		o = append(o, core.KV{Key: k, Value: json.RawMessage(v.Clone())})
	}
	return o, true
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
// filtered by ?filter= (a bad one is PocketBase's 400 "Invalid filter
// format."). core.App.LogStats decides access (superusers only).
func (s *Server) logStats(w http.ResponseWriter, r *http.Request) error {
	stats, err := s.app.LogStats(r.Context(), actorOf(r), r.URL.Query().Get("filter"))
	if ge, ok := err.(*galley.Error); ok && ge.Code == galley.EInvalid {
		return &galley.Error{Code: galley.EInvalid, Message: "Invalid filter format.", Err: err}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, stats)
	return nil
}

// logsQueryInt parses the query integer name: def when missing, a 400
// naming it when not an integer (PocketBase refuses it too), as for
// records.
func logsQueryInt(q url.Values, name string, def int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, galley.FieldInvalid(name, "validation_invalid_value", "Must be an integer.")
	}
	return n, nil
}

func logsQueryBool(s string) bool {
	b, _ := strconv.ParseBool(s)
	return b
}
