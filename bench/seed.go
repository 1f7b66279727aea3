package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// target is one server the scenarios run against, with the ids of the rows
// seeded into it (each server assigns its own ids to the same logical data).
type target struct {
	name   string
	srv    *server
	client *http.Client
	token  string // superuser token; empty for the baseline

	authorIDs []string
	postIDs   []string

	// The auth scenarios' users (same order as dataset.users) with a token
	// each from a log-in at seeding time.
	userIDs, userEmails, userTokens []string

	seedRate     float64 // posts created per second while seeding
	signUpRate   float64 // users signed up per second (bcrypt-bound)
	noteSeedRate float64 // notes created per second
	startTimes   []time.Duration
	rssSeeded    memInfo // idle after seeding
	rssFresh     memInfo // idle after a restart
}

// dataset is the logical data both servers are seeded with.
type dataset struct {
	authors []string // names
	posts   []postSeed
	users   []string // emails (the password is userPassword for all)
	notes   []noteSeed
}

type noteSeed struct {
	Title string
	Owner int // index into users
}

// addAuth adds the users and notes of the auth scenarios: each note has a
// random owner, so users own about notes/users notes each.
func (d *dataset) addAuth(users, notes int) {
	r := rand.New(rand.NewPCG(3, 4))
	d.users = make([]string, users)
	for i := range d.users {
		d.users[i] = fmt.Sprintf("user%d@example.com", i)
	}
	d.notes = make([]noteSeed, notes)
	for i := range d.notes {
		d.notes[i] = noteSeed{
			Title: fmt.Sprintf("Note %d on %s", i, words[r.IntN(len(words))]),
			Owner: r.IntN(users),
		}
	}
}

// notesOf returns how many notes user u owns.
func (d *dataset) notesOf(u int) int {
	n := 0
	for _, x := range d.notes {
		if x.Owner == u {
			n++
		}
	}
	return n
}

type postSeed struct {
	Title  string
	Views  int
	Author int // index into authors
	Public bool
}

var words = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
	"india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"}

func newDataset(authors, posts int) *dataset {
	r := rand.New(rand.NewPCG(1, 2))
	d := &dataset{authors: make([]string, authors), posts: make([]postSeed, posts)}
	for i := range d.authors {
		d.authors[i] = fmt.Sprintf("Author %d %s", i, words[r.IntN(len(words))])
	}
	for i := range d.posts {
		d.posts[i] = postSeed{
			Title:  fmt.Sprintf("Post %d about %s and %s", i, words[r.IntN(len(words))], words[r.IntN(len(words))]),
			Views:  r.IntN(1000),
			Author: r.IntN(authors),
			Public: r.IntN(2) == 0,
		}
	}
	return d
}

// apiError is a non-2xx answer, kept with the start of its body.
type apiError struct {
	method, path string
	status       int
	body         string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.method, e.path, e.status, e.body)
}

// call sends one JSON request and decodes a 2xx JSON answer into out (if not
// nil). A non-2xx answer is an *apiError.
func (t *target) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.srv.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if t.token != "" {
		req.Header.Set("Authorization", t.token)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &apiError{method, path, resp.StatusCode, truncate(string(b), 300)}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decode %q: %w", method, path, truncate(string(b), 200), err)
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// setupGalley authenticates as the superuser and creates the collections.
func setupGalley(ctx context.Context, t *target, email, password string) error {
	var auth struct {
		Token string `json:"token"`
	}
	err := t.call(ctx, "POST", "/api/collections/_superusers/auth-with-password",
		map[string]string{"identity": email, "password": password}, &auth)
	if err != nil {
		return fmt.Errorf("superuser auth: %w", err)
	}
	if auth.Token == "" {
		return fmt.Errorf("superuser auth: no token in the answer")
	}
	t.token = auth.Token

	var authors struct {
		ID string `json:"id"`
	}
	err = t.call(ctx, "POST", "/api/collections", map[string]any{
		"name": "authors", "type": "base",
		// created and updated as the baseline has them: a base collection
		// made through the API gets only the fields sent, as PocketBase's.
		"fields": []any{map[string]any{"name": "name", "type": "text"},
			map[string]any{"name": "created", "type": "autodate", "onCreate": true},
			map[string]any{"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true},
		},
		"listRule": "", "viewRule": "", "createRule": "",
	}, &authors)
	if err != nil {
		return fmt.Errorf("create collection authors: %w", err)
	}
	if authors.ID == "" {
		return fmt.Errorf("create collection authors: no id in the answer")
	}
	err = t.call(ctx, "POST", "/api/collections", map[string]any{
		"name": "posts", "type": "base",
		"fields": []any{
			map[string]any{"name": "title", "type": "text"},
			map[string]any{"name": "views", "type": "number"},
			map[string]any{"name": "author", "type": "relation", "collectionId": authors.ID, "maxSelect": 1},
			map[string]any{"name": "public", "type": "bool"},
			map[string]any{"name": "created", "type": "autodate", "onCreate": true},
			map[string]any{"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true},
		},
		"indexes":  []string{"CREATE INDEX idx_posts_views ON posts (views)"},
		"listRule": "", "viewRule": "", "createRule": "",
	}, nil)
	if err != nil {
		return fmt.Errorf("create collection posts: %w", err)
	}
	return nil
}

// setupGalleyAuth creates the auth collection users and the notes
// collection whose listRule lets each user list only their own notes (with
// an index on owner, as the baseline has).
func setupGalleyAuth(ctx context.Context, t *target) error {
	var users struct {
		ID string `json:"id"`
	}
	// A fresh data directory starts with PocketBase's default users
	// collection: the bench's own replaces it.
	if err := t.call(ctx, "DELETE", "/api/collections/users", nil, nil); err != nil {
		var ae *apiError
		if !errors.As(err, &ae) || ae.status != http.StatusNotFound {
			return fmt.Errorf("delete the default users collection: %w", err)
		}
	}
	err := t.call(ctx, "POST", "/api/collections", map[string]any{
		"name": "users", "type": "auth",
		"fields":     []any{map[string]any{"name": "name", "type": "text"}},
		"createRule": "", "listRule": "id = @request.auth.id", "viewRule": "id = @request.auth.id",
	}, &users)
	if err != nil {
		return fmt.Errorf("create collection users: %w", err)
	}
	if users.ID == "" {
		return fmt.Errorf("create collection users: no id in the answer")
	}
	err = t.call(ctx, "POST", "/api/collections", map[string]any{
		"name": "notes", "type": "base",
		"fields": []any{
			map[string]any{"name": "owner", "type": "relation", "collectionId": users.ID, "maxSelect": 1},
			map[string]any{"name": "title", "type": "text"},
			map[string]any{"name": "created", "type": "autodate", "onCreate": true},
			map[string]any{"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true},
		},
		"indexes":    []string{"CREATE INDEX idx_notes_owner ON notes (owner)"},
		"createRule": "", "listRule": "owner = @request.auth.id", "viewRule": "owner = @request.auth.id",
	}, nil)
	if err != nil {
		return fmt.Errorf("create collection notes: %w", err)
	}
	return nil
}

// seedAuth signs up the dataset's users, creates their notes (as a guest,
// createRule ""), and logs every user in once to get a token for the
// auth_refresh and rule_list scenarios (at most loginClients at a time).
func seedAuth(ctx context.Context, t *target, d *dataset, conc int) error {
	if t.name == "galley" {
		if err := setupGalleyAuth(ctx, t); err != nil {
			return err
		}
	}
	guest := *t
	guest.token = ""

	t.userEmails = d.users
	t.userIDs = make([]string, len(d.users))
	rate, err := createAll(ctx, &guest, "users", len(d.users), conc, t.userIDs, func(i int) any {
		return map[string]any{"email": d.users[i], "password": userPassword, "passwordConfirm": userPassword,
			"name": fmt.Sprintf("User %d", i)}
	})
	if err != nil {
		return err
	}
	t.signUpRate = rate
	noteIDs := make([]string, len(d.notes))
	if t.noteSeedRate, err = createAll(ctx, &guest, "notes", len(d.notes), conc, noteIDs, func(i int) any {
		return map[string]any{"owner": t.userIDs[d.notes[i].Owner], "title": d.notes[i].Title}
	}); err != nil {
		return err
	}

	t.userTokens = make([]string, len(d.users))
	var next atomic.Int64
	errs := make(chan error, conc)
	var wg sync.WaitGroup
	for range min(conc, loginClients, len(d.users)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(d.users) || ctx.Err() != nil {
					return
				}
				var auth struct {
					Token string `json:"token"`
				}
				err := guest.call(ctx, "POST", usersPath+"/auth-with-password",
					map[string]string{"identity": d.users[i], "password": userPassword}, &auth)
				if err == nil && auth.Token == "" {
					err = fmt.Errorf("no token in the answer")
				}
				if err != nil {
					errs <- fmt.Errorf("log in %s on %s: %w", d.users[i], t.name, err)
					return
				}
				t.userTokens[i] = auth.Token
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// seed creates the dataset's records through the API with conc concurrent
// clients, as a guest (the collections' createRule is "").
func seed(ctx context.Context, t *target, d *dataset, conc int) error {
	guest := *t
	guest.token = ""

	t.authorIDs = make([]string, len(d.authors))
	if _, err := createAll(ctx, &guest, "authors", len(d.authors), conc, t.authorIDs, func(i int) any {
		return map[string]any{"name": d.authors[i]}
	}); err != nil {
		return err
	}
	t.postIDs = make([]string, len(d.posts))
	rate, err := createAll(ctx, &guest, "posts", len(d.posts), conc, t.postIDs, func(i int) any {
		p := d.posts[i]
		return map[string]any{"title": p.Title, "views": p.Views, "author": t.authorIDs[p.Author], "public": p.Public}
	})
	t.seedRate = rate
	return err
}

// createAll creates n records, storing their ids in ids, and returns the
// creation rate in records per second.
func createAll(ctx context.Context, t *target, coll string, n, conc int, ids []string, body func(int) any) (float64, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next, done atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	stopProgress := progress(t.name, coll, n, &done, start)
	defer stopProgress()
	for range min(conc, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				var rec struct {
					ID string `json:"id"`
				}
				if err := t.call(ctx, "POST", "/api/collections/"+coll+"/records", body(i), &rec); err != nil {
					cancel(fmt.Errorf("seed %s %s #%d: %w", t.name, coll, i, err))
					return
				}
				if rec.ID == "" {
					cancel(fmt.Errorf("seed %s %s #%d: the answer has no id", t.name, coll, i))
					return
				}
				ids[i] = rec.ID
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// progress prints a line to stderr every few seconds while seeding.
func progress(name, coll string, n int, done *atomic.Int64, start time.Time) func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(3 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				d := done.Load()
				el := time.Since(start)
				fmt.Fprintf(os.Stderr, "  %s: %d/%d %s in %.1fs (%.0f/s)\n", name, d, n, coll, el.Seconds(), float64(d)/el.Seconds())
				return
			case <-tick.C:
				d := done.Load()
				fmt.Fprintf(os.Stderr, "  %s: %d/%d %s (%.0f/s)\n", name, d, n, coll, float64(d)/time.Since(start).Seconds())
			}
		}
	})
	return func() { close(stop); wg.Wait() }
}
