package api

import (
	"net/http"
)

// routesCollections registers the collections API.
func (s *Server) routesCollections() {
	m := s.mux
	// Collections (superusers only).
	m.Handle("GET /api/collections", s.handle(s.listCollections))
	m.Handle("POST /api/collections", s.handle(s.createCollection))
	m.Handle("PUT /api/collections/import", s.handle(s.importCollections))
	m.Handle("GET /api/collections/meta/scaffolds", s.handle(s.collectionScaffolds))
	m.Handle("GET /api/collections/{collection}", s.handle(s.viewCollection))
	m.Handle("PATCH /api/collections/{collection}", s.handle(s.updateCollection))
	m.Handle("DELETE /api/collections/{collection}", s.handle(s.deleteCollection))
	m.Handle("DELETE /api/collections/{collection}/truncate", s.handle(s.truncateCollection))
}

func (s *Server) listCollections(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	lq, err := listQuery(r)
	if err != nil {
		return err
	}
	list, err := s.app.ListCollections(r.Context(), lq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) viewCollection(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	c, err := s.app.Collection(r.Context(), r.PathValue("collection"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) createCollection(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	c, err := s.app.CreateCollection(r.Context(), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) updateCollection(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	c, err := s.app.UpdateCollection(r.Context(), r.PathValue("collection"), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) deleteCollection(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	if err := s.app.DeleteCollection(r.Context(), r.PathValue("collection")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) truncateCollection(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	if err := s.app.TruncateCollection(r.Context(), r.PathValue("collection")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) importCollections(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if err := s.app.ImportCollections(r.Context(), body); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) collectionScaffolds(w http.ResponseWriter, r *http.Request) error {
	if err := requireSuperuser(r); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.app.CollectionScaffolds())
	return nil
}
