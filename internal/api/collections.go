package api

import (
	"encoding/json"
	"errors"
	"net/http"

	galley "github.com/galleyhq/galley"

	"github.com/galleyhq/galley/internal/core"
)

// The collections handlers decode, call one core service and encode; the
// services decide access (superusers only: 401 for guests, 403 for other
// auth records).

func (s *Server) listCollections(w http.ResponseWriter, r *http.Request) error {
	lq, err := listQuery(r)
	if err != nil {
		return err
	}
	list, err := s.app.ListCollections(r.Context(), actorOf(r), lq)
	if err != nil {
		return err
	}
	proj, err := core.ParseFields(r.URL.Query().Get("fields"))
	if err != nil || proj == nil {
		if err == nil {
			writeJSON(w, http.StatusOK, list)
		}
		return err
	}
	items := make([]core.Object, len(list.Items))
	for i, c := range list.Items {
		if items[i], err = projectCollection(c, proj); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, core.Object{{Key: "page", Value: list.Page}, {Key: "perPage", Value: list.PerPage},
		{Key: "totalItems", Value: list.TotalItems}, {Key: "totalPages", Value: list.TotalPages}, {Key: "items", Value: items}})
	return nil
}

// projectCollection is c reduced to the ?fields= of the request, as
// PocketBase projects collections (top-level keys; nested values whole).
func projectCollection(c *galley.Collection, proj *core.FieldsProjection) (core.Object, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	o, _ := rawObject(b)
	return core.Project(o, proj), nil
}

func (s *Server) viewCollection(w http.ResponseWriter, r *http.Request) error {
	c, err := s.app.ViewCollection(r.Context(), actorOf(r), r.PathValue("collection"))
	if err != nil {
		return err
	}
	proj, err := core.ParseFields(r.URL.Query().Get("fields"))
	if err != nil || proj == nil {
		if err == nil {
			writeJSON(w, http.StatusOK, c)
		}
		return err
	}
	o, err := projectCollection(c, proj)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) createCollection(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	c, err := s.app.CreateCollection(r.Context(), actorOf(r), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) updateCollection(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	c, err := s.app.UpdateCollection(r.Context(), actorOf(r), r.PathValue("collection"), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) deleteCollection(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.DeleteCollection(r.Context(), actorOf(r), r.PathValue("collection")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) truncateCollection(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.TruncateCollection(r.Context(), actorOf(r), r.PathValue("collection")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) importCollections(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if err := s.app.ImportCollections(r.Context(), actorOf(r), body); err != nil {
		var ie *core.ImportError
		if errors.As(err, &ie) {
			return ie.PocketBase()
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) collectionScaffolds(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.app.CollectionScaffolds(actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

// checkRule answers POST /api/collections/meta/check-rule: 204 when the
// rule compiles against the (unsaved) collection, 400 naming "rule" when not.
func (s *Server) checkRule(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if err := s.app.CheckRule(actorOf(r), b); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// testRule answers POST /api/collections/{collection}/rule-test: the
// records a rule lets a chosen requester reach (see core.RuleTest).
func (s *Server) testRule(w http.ResponseWriter, r *http.Request) error {
	var in core.RuleTest
	if err := decodeStrict(r, &in); err != nil {
		return err
	}
	a := actorOf(r)
	res, err := s.app.TestRule(r.Context(), a, r.PathValue("collection"), in)
	if err != nil {
		return err
	}
	items := make([]core.Object, len(res.Items))
	for i, rec := range res.Items {
		items[i] = s.app.Export(a, rec)
	}
	writeJSON(w, http.StatusOK, map[string]any{"totalItems": res.TotalItems, "items": items, "locked": res.Locked, "rule": res.Rule})
	return nil
}
