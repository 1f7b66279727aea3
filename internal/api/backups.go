package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"

	galley "github.com/galleyhq/galley"
)

// The backup handlers decode, call one core service and encode; the
// services decide access (superusers only; the download checks its file
// token).

// listBackups answers GET /api/backups with [{"key","size","modified"}],
// newest first.
func (s *Server) listBackups(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.ListBackups(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// createBackup answers POST /api/backups {"name"} (name optional) with 204
// once the backup is stored.
func (s *Server) createBackup(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.CanManageBackups(actorOf(r)); err != nil {
		return err
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var in struct {
		Name string `json:"name"`
	}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &in); err != nil {
			return &galley.Error{Code: galley.EInvalid, Message: loadFailed, Err: err}
		}
	}
	if err := s.app.CreateBackup(r.Context(), actorOf(r), in.Name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// uploadBackup answers POST /api/backups/upload (multipart, the archive in
// the part "file", kept under its file name) with 204 once the archive
// has been checked and stored. The part is spooled to a temporary file
// as it arrives (bounded by the body limit).
func (s *Server) uploadBackup(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.CanManageBackups(actorOf(r)); err != nil {
		return err
	}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" || params["boundary"] == "" {
		return galley.FieldInvalid("file", "validation_required", "Cannot be blank.")
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for parts := 0; ; parts++ {
		if parts >= maxFormParts {
			return galley.Errorf(galley.EInvalid, "Too many form parts.")
		}
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return galley.FieldInvalid("file", "validation_required", "Cannot be blank.")
		}
		if err != nil {
			return bodyErr(err)
		}
		if p.FormName() != "file" || p.FileName() == "" {
			continue
		}
		tmp, err := os.CreateTemp(s.app.UploadDir(), "backup-upload-*.zip")
		if err != nil {
			return galley.Internal(err)
		}
		defer os.Remove(tmp.Name())
		_, err = io.Copy(tmp, p)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return bodyErr(err)
		}
		if err := s.app.UploadBackup(r.Context(), actorOf(r), p.FileName(), tmp.Name()); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// bodyErr maps an error reading the body: the middleware's (too large,
// too slow) as they are, anything else a 400.
func bodyErr(err error) error {
	var ge *galley.Error
	if errors.As(err, &ge) {
		return ge
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(mbe.Limit, err)
	}
	return &galley.Error{Code: galley.EInvalid, Message: "Failed to read the multipart body.", Err: err}
}

// downloadBackup answers GET /api/backups/{key}?token= (a superuser's file
// token) with the archive as an attachment.
func (s *Server) downloadBackup(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	obj, err := s.app.OpenBackup(r.Context(), key, r.URL.Query().Get("token"))
	if err != nil {
		return err
	}
	defer obj.Close()
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": key}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", obj.ModTime, obj.Content)
	return nil
}

// deleteBackup answers DELETE /api/backups/{key} with 204.
func (s *Server) deleteBackup(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.DeleteBackup(r.Context(), actorOf(r), r.PathValue("key")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// restoreBackup answers POST /api/backups/{key}/restore with 204 once the
// data has been replaced and verified (PocketBase answers before it
// restarts; Galley restores in place and needs no restart).
func (s *Server) restoreBackup(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.RestoreBackup(r.Context(), actorOf(r), r.PathValue("key")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
