package core

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	galley "github.com/galleyhq/galley"
)

func hookApp(t *testing.T) *App {
	t.Helper()
	app := collApp(t)
	mustCreate(t, app, `{"name":"posts","type":"base","listRule":"","viewRule":"","createRule":"","updateRule":"","deleteRule":"","fields":[{"name":"title","type":"text","required":true},{"name":"views","type":"number"}]}`)
	mustCreate(t, app, `{"name":"other","type":"base","createRule":"","fields":[{"name":"title","type":"text"}]}`)
	return app
}

func body(kv ...string) RecordInput {
	b := Body{}
	for i := 0; i+1 < len(kv); i += 2 {
		b[kv[i]] = jsonString(kv[i+1])
	}
	return RecordInput{Body: b}
}

func countPosts(t *testing.T, app *App) int {
	t.Helper()
	recs, err := app.FindRecordsByFilter(context.Background(), "posts", "", "", 0, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

func TestRecordRequestHooks(t *testing.T) {
	app := hookApp(t)
	ctx := context.Background()
	h := app.Hooks()
	// A handler changes the record before the write; the change is stored.
	h.RecordCreateRequest.BindFor(func(e *RecordRequestEvent) error {
		e.Record.Data["title"] = strings.ToUpper(e.Record.GetString("title"))
		return e.Next()
	}, "posts")
	// One refuses banned words with a 400, another forbids with a 403.
	h.RecordCreateRequest.BindFor(func(e *RecordRequestEvent) error {
		if strings.Contains(e.Record.GetString("title"), "SPAM") {
			return errors.New("no spam, please")
		}
		if e.Record.GetString("title") == "SECRET" {
			return galley.Errorf(galley.EForbidden, "Not you.")
		}
		return e.Next()
	}, "posts")
	var otherCalls atomic.Int32
	h.RecordCreateRequest.BindFor(func(e *RecordRequestEvent) error { otherCalls.Add(1); return e.Next() }, "other")

	r, err := app.CreateRecord(ctx, Actor{}, "posts", body("title", "hello"), "")
	if err != nil || r.GetString("title") != "HELLO" {
		t.Fatalf("create: %v, %v", r, err)
	}
	if got, _ := app.FindRecordByID(ctx, "posts", r.ID()); got.GetString("title") != "HELLO" {
		t.Fatalf("stored title %q", got.GetString("title"))
	}
	_, err = app.CreateRecord(ctx, Actor{}, "posts", body("title", "buy spam"), "")
	if galley.ErrorCodeOf(err) != galley.EInvalid || !strings.Contains(err.Error(), "no spam") {
		t.Fatalf("refused create: %v", err)
	}
	if _, err = app.CreateRecord(ctx, Actor{}, "posts", body("title", "secret"), ""); galley.ErrorCodeOf(err) != galley.EForbidden {
		t.Fatalf("forbidden create: %v", err)
	}
	if n := countPosts(t, app); n != 1 {
		t.Fatalf("%d posts, want 1", n)
	}
	if otherCalls.Load() != 0 {
		t.Fatal("a hook bound to another collection ran")
	}
	// A change made by a hook is validated like the request's own values.
	id := h.RecordCreateRequest.BindFor(func(e *RecordRequestEvent) error { e.Record.Data["title"] = ""; return e.Next() }, "posts")
	if _, err := app.CreateRecord(ctx, Actor{}, "posts", body("title", "x"), ""); galley.ErrorCodeOf(err) != galley.EInvalid {
		t.Fatalf("hook emptied a required field: %v", err)
	}
	h.RecordCreateRequest.Unbind(id)

	// Update and delete request hooks.
	h.RecordUpdateRequest.Bind(func(e *RecordRequestEvent) error {
		if v, _ := e.Record.Data["views"].(float64); v > 100 {
			return galley.Errorf(galley.EInvalid, "Too many views.")
		}
		return e.Next()
	})
	if _, err := app.UpdateRecord(ctx, Actor{}, "posts", r.ID(), RecordInput{Body: Body{"views": []byte("101")}}, ""); err == nil {
		t.Fatal("update hook did not refuse")
	}
	h.RecordDeleteRequest.Bind(func(e *RecordRequestEvent) error { return galley.Errorf(galley.EForbidden, "Kept.") })
	if err := app.DeleteRecord(ctx, Actor{}, "posts", r.ID()); galley.ErrorCodeOf(err) != galley.EForbidden {
		t.Fatalf("delete hook: %v", err)
	}
	if n := countPosts(t, app); n != 1 {
		t.Fatalf("%d posts after refused delete", n)
	}
}

func TestRecordWriteHooksAndTransactions(t *testing.T) {
	app := hookApp(t)
	ctx := context.Background()
	h := app.Hooks()
	var after atomic.Int32
	h.RecordAfterCreate.BindFor(func(e *RecordSuccessEvent) error { after.Add(1); return e.Next() }, "posts")
	// Code after Next runs inside the transaction: writing a second record
	// through e.Tx commits with the first; an error after Next rolls both back.
	h.RecordCreate.BindFor(func(e *RecordWriteEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if e.Record.GetString("title") == "fail after" {
			return errors.New("changed my mind")
		}
		o, err := e.App.NewRecord("other")
		if err != nil {
			return err
		}
		o.Data["title"] = "log: " + e.Record.GetString("title")
		return e.Tx.Save(o)
	}, "posts")
	if _, err := app.CreateRecord(ctx, Actor{}, "posts", body("title", "one"), ""); err != nil {
		t.Fatal(err)
	}
	logs, _ := app.FindRecordsByFilter(ctx, "other", `title = {:t}`, "", 0, 0, map[string]any{"t": "log: one"})
	if len(logs) != 1 {
		t.Fatalf("the hook's own write: %d records", len(logs))
	}
	if _, err := app.CreateRecord(ctx, Actor{}, "posts", body("title", "fail after"), ""); err == nil {
		t.Fatal("an error after Next did not fail the create")
	}
	if n := countPosts(t, app); n != 1 {
		t.Fatalf("%d posts: the failed create was not rolled back", n)
	}
	// Model hooks also run for the application's own writes.
	err := app.RunInTransaction(ctx, func(tx *TxApp) error {
		for _, title := range []string{"a", "b"} {
			r, _ := app.NewRecord("posts")
			r.Data["title"] = title
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		return errors.New("roll back")
	})
	if err == nil || countPosts(t, app) != 1 {
		t.Fatalf("RunInTransaction error: %v; %d posts", err, countPosts(t, app))
	}
	r, _ := app.NewRecord("posts")
	r.Data["title"] = "saved"
	if err := app.Save(ctx, r); err != nil {
		t.Fatal(err)
	}
	if after.Load() != 2 {
		t.Fatalf("after-create ran %d times, want 2 (two commits)", after.Load())
	}
	// Bound parameters are literals: a quote cannot change the filter.
	got, err := app.FindRecordsByFilter(ctx, "posts", "title = {:t}", "", 0, 0, map[string]any{"t": `x" || title != "`})
	if err != nil || len(got) != 0 {
		t.Fatalf("injection through a parameter: %d records, %v", len(got), err)
	}
	if _, err := app.FindRecordsByFilter(ctx, "posts", "title = {:missing}", "", 0, 0, nil); galley.ErrorCodeOf(err) != galley.EInvalid {
		t.Fatalf("missing parameter: %v", err)
	}
	if err := app.Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := app.FindRecordByID(ctx, "posts", r.ID()); galley.ErrorCodeOf(err) != galley.ENotFound {
		t.Fatalf("deleted record: %v", err)
	}
}
