package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// The baseline's POST /api/batch, for the bench's batch_100 scenario: what
// a competent engineer writes by hand for "create these posts at once" in
// PocketBase's batch shape. It decodes the whole body, checks every request
// (POST /api/collections/posts/records with a post body; nothing else is
// supported), then runs the inserts in one transaction through one prepared
// INSERT, commits, and answers [{status, body}] in request order. The first
// insert that fails rolls everything back and answers 400 "Batch
// transaction failed." with data.requests.<index>, as Galley does.

// maxBatchRequests is the most requests one batch may hold (Galley's
// batch.maxRequests as the bench sets it).
const maxBatchRequests = 1000

// maxBatchBody bounds the size of a batch body.
const maxBatchBody = 32 << 20

type batchRequest struct {
	Method string          `json:"method"`
	URL    string          `json:"url"`
	Body   json.RawMessage `json:"body"`
}

type batchResult struct {
	Status int  `json:"status"`
	Body   post `json:"body"`
}

// batchItemError is the failure of the batch's request Index.
type batchItemError struct {
	Index  int
	Status int
	Msg    string
	Err    error // an insert's error, if that is what failed
}

func (e *batchItemError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("batch request %d: %v", e.Index, e.Err)
	}
	return fmt.Sprintf("batch request %d: %s", e.Index, e.Msg)
}

func (h *handler) batch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Requests []batchRequest `json:"requests"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBatchBody)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "Failed to load the submitted data due to invalid formatting.")
		return
	}
	if len(in.Requests) == 0 || len(in.Requests) > maxBatchRequests {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("A batch holds 1 to %d requests.", maxBatchRequests))
		return
	}
	now := time.Now().UTC().Format(timeLayout)
	posts := make([]post, len(in.Requests))
	for i, br := range in.Requests {
		if br.Method != http.MethodPost || br.URL != "/api/collections/posts/records" {
			batchFailed(w, &batchItemError{Index: i, Status: http.StatusNotFound,
				Msg: "The baseline's batch supports only POST /api/collections/posts/records."})
			return
		}
		var body postInput
		if err := json.Unmarshal(br.Body, &body); err != nil {
			batchFailed(w, &batchItemError{Index: i, Status: http.StatusBadRequest,
				Msg: "Failed to load the submitted data due to invalid formatting."})
			return
		}
		p := newPost()
		p.ID, p.Title, p.Views, p.Author, p.Public, p.Created, p.Updated =
			newID(), body.Title, body.Views, body.Author, body.Public, now, now
		posts[i] = p
	}
	if err := h.st.insertPosts(r.Context(), posts); err != nil {
		var be *batchItemError
		if errors.As(err, &be) && isForeignKeyViolation(be.Err) {
			be.Status, be.Msg = http.StatusBadRequest, "Failed to create record."
			batchFailed(w, be)
			return
		}
		internalError(w, err)
		return
	}
	out := make([]batchResult, len(posts))
	for i, p := range posts {
		out[i] = batchResult{Status: http.StatusOK, Body: p}
	}
	writeJSON(w, http.StatusOK, out)
}

// postInput is the body of a post create.
type postInput struct {
	Title  string  `json:"title"`
	Views  float64 `json:"views"`
	Author string  `json:"author"`
	Public bool    `json:"public"`
}

// batchFailed answers a batch whose request be.Index failed.
func batchFailed(w http.ResponseWriter, be *batchItemError) {
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"status":  http.StatusBadRequest,
		"message": "Batch transaction failed.",
		"data": map[string]any{"requests": map[string]any{strconv.Itoa(be.Index): map[string]any{
			"code":     "batch_request_failed",
			"message":  "Batch request failed.",
			"response": map[string]any{"status": be.Status, "message": be.Msg, "data": map[string]any{}},
		}}},
	})
}

// insertPosts inserts posts in one transaction on the writer connection,
// through the cached prepared INSERT bound to the transaction. A failing
// insert is a *batchItemError with its index; nothing is kept.
func (s *store) insertPosts(ctx context.Context, posts []post) error {
	ins, err := s.write(ctx, `INSERT INTO posts (`+postCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st := tx.StmtContext(ctx, ins)
	for i := range posts {
		p := &posts[i]
		var authorID any
		if p.Author != "" {
			authorID = p.Author
		}
		if _, err := st.ExecContext(ctx, p.ID, p.Title, p.Views, authorID, p.Public, p.Created, p.Updated); err != nil {
			return &batchItemError{Index: i, Err: err}
		}
	}
	return tx.Commit()
}

// insertPosts inserts posts in one transaction on one pooled connection:
// one prepared INSERT (pgx prepares the text once per connection), bound
// and executed once per post, then COMMIT.
func (s *pgStore) insertPosts(ctx context.Context, posts []post) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	for i := range posts {
		p := &posts[i]
		var authorID *string
		if p.Author != "" {
			authorID = &p.Author
		}
		_, err := tx.Exec(ctx, `INSERT INTO posts (`+postCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			p.ID, p.Title, p.Views, authorID, p.Public, p.Created, p.Updated)
		if err != nil {
			return &batchItemError{Index: i, Err: err}
		}
	}
	return tx.Commit(ctx)
}
