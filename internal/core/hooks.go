package core

import (
	"context"
	"errors"
	"slices"
	"sync"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

// Event is embedded by every hook event: Next runs the rest of the chain
// (the next handler, and after the last one the operation itself). A
// handler that returns without calling Next stops the operation — with
// nil the operation is skipped silently (rarely what you want), with an
// error it fails with that error (a *galley.Error keeps its status; any
// other error is a 400 with its text).
type Event struct {
	next func() error
}

// Next continues the chain.
func (e *Event) Next() error {
	if e.next == nil {
		return nil
	}
	n := e.next
	e.next = nil // a second call does nothing
	return n()
}

func (e *Event) setNext(fn func() error) { e.next = fn }

// event is what Hook needs of an event type.
type event interface {
	setNext(func() error)
}

// Hook is an ordered list of handlers of one event type. Handlers run in
// the order they were bound; each continues the chain with e.Next(). A
// Hook is safe for concurrent use; binding while events fire affects later
// events only.
type Hook[T event] struct {
	mu       sync.RWMutex
	handlers []hookHandler[T]
	seq      int
}

type hookHandler[T event] struct {
	id   string
	fn   func(T) error
	tags []string // collection names or ids; none = every collection
}

// Bind adds fn for every event and returns its id (for Unbind).
func (h *Hook[T]) Bind(fn func(e T) error) string { return h.BindFor(fn) }

// BindFor adds fn for the events of the named collections (names or ids;
// none means every event) and returns its id.
func (h *Hook[T]) BindFor(fn func(e T) error, collections ...string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	id := "h" + itoa(h.seq)
	h.handlers = append(h.handlers, hookHandler[T]{id: id, fn: fn, tags: collections})
	return id
}

// Unbind removes the handler with id.
func (h *Hook[T]) Unbind(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.handlers = slices.DeleteFunc(h.handlers, func(x hookHandler[T]) bool { return x.id == id })
}

// Len reports how many handlers are bound.
func (h *Hook[T]) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.handlers)
}

// trigger runs the handlers that apply to collection c (nil: untagged
// handlers only... and every handler when c is nil and they are untagged)
// around final, and returns the chain's error as a *galley.Error.
func (h *Hook[T]) trigger(e T, c *galley.Collection, final func() error) error {
	h.mu.RLock()
	var chain []hookHandler[T]
	for _, x := range h.handlers {
		if len(x.tags) == 0 || (c != nil && (slices.Contains(x.tags, c.Name) || slices.Contains(x.tags, c.ID))) {
			chain = append(chain, x)
		}
	}
	h.mu.RUnlock()
	if len(chain) == 0 {
		return final()
	}
	var run func(i int) error
	run = func(i int) error {
		if i == len(chain) {
			return final()
		}
		e.setNext(func() error { return run(i + 1) })
		return chain[i].fn(e)
	}
	return hookError(run(0))
}

// hookError maps a handler's error: *galley.Error (also wrapped) as it
// is, any other as EInvalid with its text.
func hookError(err error) error {
	if err == nil {
		return nil
	}
	var ge *galley.Error
	if errors.As(err, &ge) {
		return err
	}
	return &galley.Error{Code: galley.EInvalid, Message: err.Error(), Err: err}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// RecordRequestEvent is a record create, update or delete asked by a
// request (REST or batch), after the body is resolved and the rule that
// needs no row has passed, before the write. Record is the record to be
// written (create: new, not yet saved; update: with the changes applied;
// delete: as stored); a handler may change it before calling Next, and the
// change is validated and written like the request's own values. Next
// performs the write (and its row-level rule checks).
type RecordRequestEvent struct {
	Event
	Context    context.Context
	App        *App
	Actor      Actor
	Collection *galley.Collection
	Record     *galley.Record
}

// RecordWriteEvent is a record written by anyone — a request, a hook, a
// cascade — inside the write's transaction, before the row is written.
// Next writes it; code after Next runs after the write but before the
// commit, and an error then rolls the whole transaction back. Tx gives
// the same transaction to further reads and writes.
type RecordWriteEvent struct {
	Event
	Context    context.Context
	App        *App
	Collection *galley.Collection
	Record     *galley.Record
	Tx         *TxApp
}

// RecordSuccessEvent follows a committed record write. Its error is
// logged, never returned to the client: the write has happened.
type RecordSuccessEvent struct {
	Event
	Context    context.Context
	App        *App
	Collection *galley.Collection
	Record     *galley.Record
}

// AuthRequestEvent is a successful authentication (password, OTP,
// OAuth2, refresh) about to be answered: Record is the auth record, Token
// the token, Method "password", "otp", "oauth2" or "refresh". A handler
// may refuse it by returning an error.
type AuthRequestEvent struct {
	Event
	Context    context.Context
	App        *App
	Collection *galley.Collection
	Record     *galley.Record
	Token      string
	Method     string
}

// MailEvent is a mail about to be sent; a handler may change Message, or
// stop it by not calling Next.
type MailEvent struct {
	Event
	Context context.Context
	App     *App
	Message *Message
}

// Hooks are the App's hook points. The zero value has no handlers.
type Hooks struct {
	RecordCreateRequest, RecordUpdateRequest, RecordDeleteRequest Hook[*RecordRequestEvent]
	RecordCreate, RecordUpdate, RecordDelete                      Hook[*RecordWriteEvent]
	RecordAfterCreate, RecordAfterUpdate, RecordAfterDelete       Hook[*RecordSuccessEvent]
	AuthRequest                                                   Hook[*AuthRequestEvent]
	MailSend                                                      Hook[*MailEvent]
}

// Hooks returns the App's hook points, for binding handlers.
func (app *App) Hooks() *Hooks { return &app.hooks }

// afterSuccess schedules the after-commit hook of r's write once tx
// commits; a handler's error is logged.
func (app *App) afterSuccess(tx *store.Tx, h *Hook[*RecordSuccessEvent], r *galley.Record) {
	if h.Len() == 0 {
		return
	}
	snap := snapshot(r)
	tx.AfterCommit(func() {
		e := &RecordSuccessEvent{Context: context.Background(), App: app, Collection: snap.Collection, Record: snap}
		if err := h.trigger(e, snap.Collection, func() error { return nil }); err != nil {
			app.Log.Warn("hook after a committed write failed", "collection", snap.Collection.Name, "id", snap.ID(), "err", err)
		}
	})
}

// SendMail sends m now (for application code: hooks, routes), through the
// MailSend hooks; without a mailer it is EInvalid "Mail is not
// configured.".
func (app *App) SendMail(ctx context.Context, m Message) error {
	if app.Mailer == nil {
		return galley.Errorf(galley.EInvalid, "Mail is not configured.")
	}
	e := &MailEvent{Context: ctx, App: app, Message: &m}
	return app.hooks.MailSend.trigger(e, nil, func() error { return app.Mailer.Send(ctx, *e.Message) })
}

// AuthSucceeded runs the AuthRequest hooks for a successful
// authentication about to be answered (method "password", "otp",
// "oauth2", "refresh", "impersonate"); an error refuses it.
func (app *App) AuthSucceeded(ctx context.Context, rec *galley.Record, token, method string) error {
	if app.hooks.AuthRequest.Len() == 0 {
		return nil
	}
	e := &AuthRequestEvent{Context: ctx, App: app, Collection: rec.Collection, Record: rec, Token: token, Method: method}
	return app.hooks.AuthRequest.trigger(e, rec.Collection, func() error { return nil })
}
