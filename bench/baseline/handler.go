package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

const timeLayout = "2006-01-02 15:04:05.000Z"

func newHandler(st backend) http.Handler {
	h := &handler{st: st}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/health", h.health)
	mux.HandleFunc("GET /api/collections/{collection}/records", h.list)
	mux.HandleFunc("GET /api/collections/{collection}/records/{id}", h.view)
	mux.HandleFunc("POST /api/collections/{collection}/records", h.create)
	mux.HandleFunc("PATCH /api/collections/{collection}", h.updateCollection)
	mux.HandleFunc("POST /api/collections/{collection}/auth-with-password", h.authWithPassword)
	mux.HandleFunc("POST /api/collections/{collection}/auth-refresh", h.authRefresh)
	mux.HandleFunc("POST /api/batch", h.batch)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "The requested resource wasn't found.")
	})
	return mux
}

type handler struct {
	st backend
}

func (h *handler) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"code": 200, "message": "API is healthy.", "data": map[string]any{}})
}

type listResult[T any] struct {
	Page       int `json:"page"`
	PerPage    int `json:"perPage"`
	TotalItems int `json:"totalItems"`
	TotalPages int `json:"totalPages"`
	Items      []T `json:"items"`
}

func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("collection") == "notes" {
		h.listNotes(w, r)
		return
	}
	if r.PathValue("collection") != "posts" {
		writeError(w, http.StatusNotFound, "Missing collection context.")
		return
	}
	q, err := parseListQuery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	items, total, err := h.st.listPosts(r.Context(), q)
	if err != nil {
		internalError(w, err)
		return
	}
	res := listResult[post]{Page: q.page, PerPage: q.perPage, TotalItems: total, TotalPages: -1, Items: items}
	if total >= 0 {
		res.TotalPages = (total + q.perPage - 1) / q.perPage
	}
	writeJSON(w, http.StatusOK, res)
}

func parseListQuery(r *http.Request) (listQuery, error) {
	v := r.URL.Query()
	q := listQuery{page: 1, perPage: 30}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 0 {
		q.page = n
	}
	if n, err := strconv.Atoi(v.Get("perPage")); err == nil && n > 0 {
		q.perPage = min(n, 1000)
	}
	switch v.Get("skipTotal") {
	case "1", "true":
		q.skipTotal = true
	}
	if f := v.Get("filter"); f != "" {
		c, err := parseComparison(f)
		if err != nil {
			return q, err
		}
		q.filter = c
	}
	switch s := v.Get("sort"); s {
	case "":
	case "views", "+views":
		q.sort = "views ASC"
	case "-views":
		q.sort = "views DESC"
	case "created", "+created":
		q.sort = "created ASC"
	case "-created":
		q.sort = "created DESC"
	default:
		return q, fmt.Errorf("unsupported sort %q", s)
	}
	switch e := v.Get("expand"); e {
	case "":
	case "author":
		q.expandAuthor = true
	default:
		return q, fmt.Errorf("unsupported expand %q", e)
	}
	return q, nil
}

func (h *handler) view(w http.ResponseWriter, r *http.Request) {
	var (
		rec any
		err error
	)
	switch r.PathValue("collection") {
	case "posts":
		var p post
		p, err = h.st.getPost(r.Context(), r.PathValue("id"))
		if err == nil && r.URL.Query().Get("expand") == "author" {
			items := []post{p}
			err = h.st.expandAuthors(r.Context(), items)
			p = items[0]
		}
		rec = p
	case "authors":
		rec, err = h.st.getAuthor(r.Context(), r.PathValue("id"))
	default:
		writeError(w, http.StatusNotFound, "Missing collection context.")
		return
	}
	if errors.Is(err, sql.ErrNoRows) {
		writeError(w, http.StatusNotFound, "The requested resource wasn't found.")
		return
	}
	if err != nil {
		internalError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (h *handler) create(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("collection") {
	case "users":
		h.createUser(w, r)
		return
	case "notes":
		h.createNote(w, r)
		return
	}
	var in struct {
		Name   string  `json:"name"`
		Title  string  `json:"title"`
		Views  float64 `json:"views"`
		Author string  `json:"author"`
		Public bool    `json:"public"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "Failed to load the submitted data due to invalid formatting.")
		return
	}
	now := time.Now().UTC().Format(timeLayout)
	switch r.PathValue("collection") {
	case "authors":
		a := newAuthor()
		a.ID, a.Name, a.Created, a.Updated = newID(), in.Name, now, now
		if err := h.st.insertAuthor(r.Context(), &a); err != nil {
			internalError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, a)
	case "posts":
		p := newPost()
		p.ID, p.Title, p.Views, p.Author, p.Public, p.Created, p.Updated =
			newID(), in.Title, in.Views, in.Author, in.Public, now, now
		if err := h.st.insertPost(r.Context(), &p); err != nil {
			if isForeignKeyViolation(err) {
				writeError(w, http.StatusBadRequest, "Failed to create record.")
				return
			}
			internalError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, p)
	default:
		writeError(w, http.StatusNotFound, "Missing collection context.")
	}
}

// updateCollection accepts {"listRule": "views > N"} for posts, the one
// collection change the bench makes.
func (h *handler) updateCollection(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("collection") != "posts" {
		writeError(w, http.StatusNotFound, "The requested resource wasn't found.")
		return
	}
	var in struct {
		ListRule *string `json:"listRule"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || in.ListRule == nil {
		writeError(w, http.StatusBadRequest, "Expected {\"listRule\": \"...\"}.")
		return
	}
	if err := h.st.setRule(r.Context(), *in.ListRule); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": postsID, "name": "posts", "listRule": *in.ListRule})
}

// comparison is the one filter shape the bench sends: a numeric comparison
// on the indexed views field.
type comparison struct {
	field string // always "views"
	op    string // SQL operator
	value float64
}

var comparisonRE = regexp.MustCompile(`^\s*\(?\s*views\s*(>=|<=|!=|>|<|=)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*\)?\s*$`)

func parseComparison(s string) (*comparison, error) {
	m := comparisonRE.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("unsupported filter %q (the baseline knows only `views <op> <number>`)", s)
	}
	v, err := strconv.ParseFloat(m[2], 64)
	if err != nil {
		return nil, err
	}
	return &comparison{field: "views", op: m[1], value: v}, nil
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// newID returns 15 random characters of [a-z0-9].
func newID() string {
	var b [15]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b[:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		internalError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"status": status, "message": msg, "data": map[string]any{}})
}

func internalError(w http.ResponseWriter, err error) {
	log.Printf("internal error: %v", err)
	writeError(w, http.StatusInternalServerError, "Something went wrong while processing your request.")
}
