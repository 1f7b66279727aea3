package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
)

// readBody reads the request body (bounded in size and time by the
// middleware, whose errors — ETooLarge, the body read timeout — it returns
// as they are).
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var ge *galley.Error
		if errors.As(err, &ge) {
			return nil, ge
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, galley.Errorf(galley.ETooLarge, "The request body is too large (limit %d bytes).", mbe.Limit)
		}
		return nil, galley.Errorf(galley.EInvalid, "Failed to read the request body.")
	}
	return b, nil
}

// listQuery reads page, perPage, sort, filter and skipTotal. Non-numeric page
// values are a 400 naming the parameter.
func listQuery(r *http.Request) (core.ListQuery, error) {
	q := r.URL.Query()
	var lq core.ListQuery
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &lq.Page}, {"perPage", &lq.PerPage}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return lq, galley.FieldInvalid(p.name, "validation_invalid_value", "Must be an integer.")
			}
			*p.dst = n
		}
	}
	lq.Sort, lq.Filter = q.Get("sort"), q.Get("filter")
	lq.SkipTotal, _ = strconv.ParseBool(q.Get("skipTotal"))
	lq.Normalize()
	return lq, nil
}

// writeRecord writes one record, projected by the `fields` query parameter.
func (s *Server) writeRecord(w http.ResponseWriter, r *http.Request, status int, rec *galley.Record) error {
	proj, err := core.ParseFields(r.URL.Query().Get("fields"))
	if err != nil {
		return err
	}
	writeJSON(w, status, core.Project(s.app.Export(actorOf(r), rec), proj))
	return nil
}

func (s *Server) listRecords(w http.ResponseWriter, r *http.Request) error {
	lq, err := listQuery(r)
	if err != nil {
		return err
	}
	proj, err := core.ParseFields(r.URL.Query().Get("fields"))
	if err != nil {
		return err
	}
	a := actorOf(r)
	list, err := s.app.ListRecords(r.Context(), a, r.PathValue("collection"), core.RecordQuery{ListQuery: lq, Expand: r.URL.Query().Get("expand")})
	if err != nil {
		return err
	}
	items := make([]core.Object, len(list.Items))
	for i, rec := range list.Items {
		items[i] = core.Project(s.app.Export(a, rec), proj)
	}
	writeJSON(w, http.StatusOK, core.List[core.Object]{Page: list.Page, PerPage: list.PerPage,
		TotalItems: list.TotalItems, TotalPages: list.TotalPages, Items: items})
	return nil
}

func (s *Server) viewRecord(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.app.ViewRecord(r.Context(), actorOf(r), r.PathValue("collection"), r.PathValue("id"), r.URL.Query().Get("expand"))
	if err != nil {
		return err
	}
	return s.writeRecord(w, r, http.StatusOK, rec)
}

func (s *Server) createRecord(w http.ResponseWriter, r *http.Request) error {
	in, cleanup, err := s.readRecordInput(r, r.PathValue("collection"))
	defer cleanup()
	if err != nil {
		return core.RecordFailed(err, "create")
	}
	rec, err := s.app.CreateRecord(r.Context(), actorOf(r), r.PathValue("collection"), in, r.URL.Query().Get("expand"))
	if err != nil {
		return err
	}
	return s.writeRecord(w, r, http.StatusOK, rec)
}

func (s *Server) updateRecord(w http.ResponseWriter, r *http.Request) error {
	in, cleanup, err := s.readRecordInput(r, r.PathValue("collection"))
	defer cleanup()
	if err != nil {
		return core.RecordFailed(err, "update")
	}
	rec, err := s.app.UpdateRecord(r.Context(), actorOf(r), r.PathValue("collection"), r.PathValue("id"), in, r.URL.Query().Get("expand"))
	if err != nil {
		return err
	}
	return s.writeRecord(w, r, http.StatusOK, rec)
}

func (s *Server) deleteRecord(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.DeleteRecord(r.Context(), actorOf(r), r.PathValue("collection"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
