package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
)

// The auth part of the baseline: a users auth collection (bcrypt password
// hashes at cost 10, a per-user token key), log-in, auth-refresh, and a notes
// collection whose list is filtered by owner = the token's user, the
// hand-written equivalent of Galley's listRule `owner = @request.auth.id`.

const (
	usersID = "pbc_users000001"
	notesID = "pbc_notes000001"

	bcryptCost = 10 // Galley's default cost
	authTTL    = 7 * 24 * time.Hour
)

// claims are Galley's (and PocketBase's) auth token claims.
type claims struct {
	ID           string `json:"id"`
	CollectionID string `json:"collectionId"`
	Type         string `json:"type"`
	Refreshable  bool   `json:"refreshable"`
	jwt.RegisteredClaims
}

type user struct {
	CollectionID    string  `json:"collectionId"`
	CollectionName  string  `json:"collectionName"`
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	Email           *string `json:"email,omitempty"` // shown to the user itself
	EmailVisibility bool    `json:"emailVisibility"`
	Verified        bool    `json:"verified"`
	Created         string  `json:"created"`
	Updated         string  `json:"updated"`
	email           string
	password        string // bcrypt hash
	tokenKey        string
}

type note struct {
	CollectionID   string `json:"collectionId"`
	CollectionName string `json:"collectionName"`
	ID             string `json:"id"`
	Owner          string `json:"owner"`
	Title          string `json:"title"`
	Created        string `json:"created"`
	Updated        string `json:"updated"`
}

func newUser() user { return user{CollectionID: usersID, CollectionName: "users"} }
func newNote() note { return note{CollectionID: notesID, CollectionName: "notes"} }

type authAnswer struct {
	Token  string `json:"token"`
	Record user   `json:"record"`
}

// loadSecret reads the users' token secret, creating it on first start.
func loadSecret(w *sql.DB) (string, error) {
	var s string
	err := w.QueryRow(`SELECT value FROM params WHERE key = 'usersSecret'`).Scan(&s)
	if err == nil {
		return s, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	s = randomString(50)
	_, err = w.Exec(`INSERT INTO params (key, value) VALUES ('usersSecret', ?)`, s)
	return s, err
}

const keyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = keyAlphabet[int(b[i])%len(keyAlphabet)]
	}
	return string(b)
}

// dummyHash is compared against for an unknown email, so that both failures
// cost one bcrypt comparison, as in Galley.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("baseline-dummy-password"), bcryptCost)

const userCols = `id, email, password, tokenKey, name, emailVisibility, verified, created, updated`

func (u *user) scan(sc interface{ Scan(...any) error }) error {
	return sc.Scan(&u.ID, &u.email, &u.password, &u.tokenKey, &u.Name, &u.EmailVisibility, &u.Verified, &u.Created, &u.Updated)
}

func (s *store) userByEmail(ctx context.Context, email string) (user, error) {
	u := newUser()
	st, err := s.read(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`)
	if err != nil {
		return u, err
	}
	return u, u.scan(st.QueryRowContext(ctx, email))
}

func (s *store) userByID(ctx context.Context, id string) (user, error) {
	u := newUser()
	st, err := s.read(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`)
	if err != nil {
		return u, err
	}
	return u, u.scan(st.QueryRowContext(ctx, id))
}

func (s *store) insertUser(ctx context.Context, u *user) error {
	st, err := s.write(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, u.ID, u.email, u.password, u.tokenKey, u.Name, u.EmailVisibility, u.Verified, u.Created, u.Updated)
	return err
}

func (s *store) insertNote(ctx context.Context, n *note) error {
	st, err := s.write(ctx, `INSERT INTO notes (id, owner, title, created, updated) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	var owner any
	if n.Owner != "" {
		owner = n.Owner
	}
	_, err = st.ExecContext(ctx, n.ID, owner, n.Title, n.Created, n.Updated)
	return err
}

// listNotes returns one page of owner's notes and, unless skipTotal, their
// count (-1 otherwise).
func (s *store) listNotes(ctx context.Context, owner string, q listQuery) ([]note, int, error) {
	st, err := s.read(ctx, `SELECT id, owner, title, created, updated FROM notes WHERE owner = ? LIMIT ? OFFSET ?`)
	if err != nil {
		return nil, 0, err
	}
	rows, err := st.QueryContext(ctx, owner, q.perPage, (q.page-1)*q.perPage)
	if err != nil {
		return nil, 0, err
	}
	items := make([]note, 0, q.perPage)
	for rows.Next() {
		n := newNote()
		var o sql.Null[string]
		if err := rows.Scan(&n.ID, &o, &n.Title, &n.Created, &n.Updated); err != nil {
			rows.Close()
			return nil, 0, err
		}
		n.Owner = o.V
		items = append(items, n)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, 0, err
	}
	total := -1
	if !q.skipTotal {
		st, err := s.read(ctx, `SELECT COUNT(*) FROM notes WHERE owner = ?`)
		if err != nil {
			return nil, 0, err
		}
		if err := st.QueryRowContext(ctx, owner).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	return items, total, nil
}

func signToken(secret string, u *user) (string, error) {
	c := claims{ID: u.ID, CollectionID: usersID, Type: "auth", Refreshable: true,
		RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(time.Now().Add(authTTL))}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(u.tokenKey + secret))
}

var errUnauthenticated = errors.New("invalid token")

// authenticate resolves a request's token to its user: read the claims to
// find the user, then verify the signature with the user's token key (so a
// changed key revokes the user's tokens), the expiry and the type. No
// Authorization header is a guest (ok false, nil error).
func authenticate(s backend, r *http.Request) (u user, c *claims, ok bool, err error) {
	token := strings.TrimSpace(r.Header.Get("Authorization"))
	if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	if token == "" {
		return u, nil, false, nil
	}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
	c = &claims{}
	if _, _, err := parser.ParseUnverified(token, c); err != nil || c.Type != "auth" || c.CollectionID != usersID || c.ID == "" {
		return u, nil, false, errUnauthenticated
	}
	u, err = s.userByID(r.Context(), c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return u, nil, false, errUnauthenticated
	}
	if err != nil {
		return u, nil, false, err
	}
	c = &claims{}
	if _, err := parser.ParseWithClaims(token, c, func(*jwt.Token) (any, error) {
		return []byte(u.tokenKey + s.tokenSecret()), nil
	}); err != nil || c.Type != "auth" {
		return u, nil, false, errUnauthenticated
	}
	return u, c, true, nil
}

func (h *handler) createUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email           string `json:"email"`
		Password        string `json:"password"`
		PasswordConfirm string `json:"passwordConfirm"`
		Name            string `json:"name"`
		EmailVisibility bool   `json:"emailVisibility"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "Failed to load the submitted data due to invalid formatting.")
		return
	}
	if !strings.Contains(in.Email, "@") || len(in.Password) < 8 || len(in.Password) > 72 || in.Password != in.PasswordConfirm {
		writeError(w, http.StatusBadRequest, "Failed to create record.")
		return
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcryptCost)
	if err != nil {
		internalError(w, err)
		return
	}
	now := time.Now().UTC().Format(timeLayout)
	u := newUser()
	u.ID, u.email, u.password, u.tokenKey, u.Name, u.EmailVisibility, u.Created, u.Updated =
		newID(), in.Email, string(hash), randomString(50), in.Name, in.EmailVisibility, now, now
	if err := h.st.insertUser(r.Context(), &u); err != nil {
		if isUniqueViolation(err) {
			writeError(w, http.StatusBadRequest, "Failed to create record.")
			return
		}
		internalError(w, err)
		return
	}
	if u.EmailVisibility {
		u.Email = &u.email
	}
	writeJSON(w, http.StatusOK, u)
}

func (h *handler) createNote(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Owner string `json:"owner"`
		Title string `json:"title"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "Failed to load the submitted data due to invalid formatting.")
		return
	}
	now := time.Now().UTC().Format(timeLayout)
	n := newNote()
	n.ID, n.Owner, n.Title, n.Created, n.Updated = newID(), in.Owner, in.Title, now, now
	if err := h.st.insertNote(r.Context(), &n); err != nil {
		if isForeignKeyViolation(err) {
			writeError(w, http.StatusBadRequest, "Failed to create record.")
			return
		}
		internalError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, n)
}

// listNotes is the notes list with the rule `owner = @request.auth.id`: a
// guest (or another collection's token) matches nothing.
func (h *handler) listNotes(w http.ResponseWriter, r *http.Request) {
	q, err := parseListQuery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if q.filter != nil || q.sort != "" || q.expandAuthor {
		writeError(w, http.StatusBadRequest, "The baseline lists notes without filter, sort or expand.")
		return
	}
	u, _, ok, err := authenticate(h.st, r)
	if err != nil && !errors.Is(err, errUnauthenticated) {
		internalError(w, err)
		return
	}
	items, total := []note{}, 0
	if ok {
		if items, total, err = h.st.listNotes(r.Context(), u.ID, q); err != nil {
			internalError(w, err)
			return
		}
	} else if q.skipTotal {
		total = -1
	}
	res := listResult[note]{Page: q.page, PerPage: q.perPage, TotalItems: total, TotalPages: -1, Items: items}
	if total >= 0 {
		res.TotalPages = (total + q.perPage - 1) / q.perPage
	}
	writeJSON(w, http.StatusOK, res)
}

func (h *handler) authWithPassword(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("collection") != "users" {
		writeError(w, http.StatusNotFound, "Missing or invalid collection context.")
		return
	}
	var in struct {
		Identity string `json:"identity"`
		Password string `json:"password"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || in.Identity == "" || in.Password == "" {
		writeError(w, http.StatusBadRequest, "Failed to authenticate.")
		return
	}
	u, err := h.st.userByEmail(r.Context(), in.Identity)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		internalError(w, err)
		return
	}
	hash := dummyHash
	if err == nil {
		hash = []byte(u.password)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(in.Password)) != nil || err != nil {
		writeError(w, http.StatusBadRequest, "Failed to authenticate.")
		return
	}
	h.writeAuth(w, &u)
}

func (h *handler) authRefresh(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("collection") != "users" {
		writeError(w, http.StatusNotFound, "Missing or invalid collection context.")
		return
	}
	u, c, ok, err := authenticate(h.st, r)
	if err != nil && !errors.Is(err, errUnauthenticated) {
		internalError(w, err)
		return
	}
	if !ok {
		writeError(w, http.StatusUnauthorized, "The request requires valid record authorization token.")
		return
	}
	if !c.Refreshable {
		writeError(w, http.StatusForbidden, "The token is not refreshable.")
		return
	}
	h.writeAuth(w, &u)
}

// writeAuth answers {token, record} with a new token; the record shows the
// email, since the requester is its owner.
func (h *handler) writeAuth(w http.ResponseWriter, u *user) {
	token, err := signToken(h.st.tokenSecret(), u)
	if err != nil {
		internalError(w, err)
		return
	}
	u.Email = &u.email
	writeJSON(w, http.StatusOK, authAnswer{Token: token, Record: *u})
}
