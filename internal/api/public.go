package api

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// PublicDir serves an app's static files (PocketBase's pb_public) from a
// directory, for GET and HEAD requests that no route matches: /api/ and /_/
// stay Galley's, and a custom route wins over a file of the same path.
type PublicDir struct {
	// Dir is the directory served at /. Names are resolved inside it only
	// (os.Root): "..", absolute paths and symbolic links that leave it are
	// not followed.
	Dir string
	// IndexFallback serves Dir/index.html for a path with no file, so a
	// single-page app's own routes load it (PocketBase's --indexFallback).
	IndexFallback bool
}

// publicHandler serves p, or nil when p.Dir is empty. Directories are never
// listed: a directory is its index.html or a 404. Hidden names (a segment
// starting with ".") are 404, so a .git or .env left in the directory is not
// published.
func publicHandler(p PublicDir) (http.Handler, error) {
	if p.Dir == "" {
		return nil, nil
	}
	root, err := os.OpenRoot(p.Dir)
	if err != nil {
		return nil, err
	}
	fsys := root.FS()
	files := http.FileServerFS(fsys)
	// serve hands name to the file server, a directory with its trailing
	// slash (the file server then serves its index.html).
	serve := func(w http.ResponseWriter, r *http.Request, name string, dir bool) {
		r2 := r.Clone(r.Context())
		switch {
		case name == ".":
			r2.URL.Path = "/"
		case dir:
			r2.URL.Path = "/" + name + "/"
		default:
			r2.URL.Path = "/" + name
		}
		r2.URL.RawPath = ""
		files.ServeHTTP(w, r2)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		for _, seg := range strings.Split(name, "/") {
			if strings.HasPrefix(seg, ".") {
				writeError(w, r, nil, errNotFoundFor(r))
				return
			}
		}
		if name == "" {
			name = "."
		}
		st, err := fs.Stat(fsys, name)
		if err == nil && st.IsDir() {
			idx := path.Join(name, "index.html")
			if ist, err := fs.Stat(fsys, idx); err == nil && !ist.IsDir() {
				if name != "." && !strings.HasSuffix(r.URL.Path, "/") {
					// Relative links in the index resolve against the directory.
					http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
					return
				}
				serve(w, r, name, true)
				return
			}
			err = fs.ErrNotExist
		}
		if err == nil {
			serve(w, r, name, false)
			return
		}
		if errors.Is(err, fs.ErrNotExist) && p.IndexFallback && path.Ext(name) == "" {
			if ist, err := fs.Stat(fsys, "index.html"); err == nil && !ist.IsDir() {
				serve(w, r, ".", true)
				return
			}
		}
		writeError(w, r, nil, errNotFoundFor(r))
	}), nil
}

// withPublic answers the requests no route pattern matches: GET and HEAD
// from public when there is one (which answers a missing file with the
// same 404), anything else with PocketBase's JSON 404 (see
// errNotFoundFor) instead of the mux's text 404 or 405. A path the mux
// redirects to its clean form ("/a//b") is then left to the mux. (No "/" pattern: an app's own catch-all
// route, "/{path...}", would conflict with it.)
func (s *Server) withPublic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := s.mux.Handler(r); pattern == "" {
			if s.public != nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
				s.public.ServeHTTP(w, r) // it cleans the path itself
				return
			}
			if cleanPath(r.URL.Path) == r.URL.Path {
				writeError(w, r, nil, errNotFoundFor(r))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// cleanPath is p as the mux serves it: rooted, without "." and ".." and
// double slashes, a trailing slash kept.
func cleanPath(p string) string {
	c := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}
