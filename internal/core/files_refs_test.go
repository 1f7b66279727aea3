package core

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/files"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// keepingStorage is a real local storage whose deletes fail: every file
// a change removes stays behind as an orphan, as when a delete after the
// commit fails. Whether such a file is served then depends only on what
// the server knows of the record.
type keepingStorage struct{ files.Storage }

func (keepingStorage) Delete(context.Context, string) error       { return context.DeadlineExceeded }
func (keepingStorage) DeletePrefix(context.Context, string) error { return context.DeadlineExceeded }

// TestOpenFileForgetsRemovedFiles checks that remembering which record
// holds a file (fileRefs) never serves a file its record no longer holds
// on the node that changed it, nor a file whose field became protected,
// and that another node (a second App over the same database and
// storage) stops serving it within the remembered time.
func TestOpenFileForgetsRemovedFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := storetest.Options(t)
	nodeA := openFilesApp(t, opts, dir)
	nodeB := openFilesApp(t, opts, dir)
	for _, app := range []*App{nodeA, nodeB} {
		st, err := files.NewLocal(filepath.Join(dir, "storage"))
		if err != nil {
			t.Fatal(err)
		}
		app.SetLocalStorage(keepingStorage{st}, filepath.Join(dir, "uploads"), 0)
	}
	nodeB.files.refs.ttl = 300 * time.Millisecond
	mustCreate(t, nodeA, `{"name":"docs","type":"base","createRule":"","updateRule":"","deleteRule":"","viewRule":"",
		"fields":[{"name":"doc","type":"file"},{"name":"more","type":"file","maxSelect":3}]}`)
	if err := nodeB.db.ReloadSchema(ctx); err != nil {
		t.Fatal(err)
	}
	create := func() *galley.Record {
		t.Helper()
		rec, err := nodeA.CreateRecord(ctx, Actor{}, "docs", RecordInput{Files: Files{
			"doc":  {upload(t, dir, "a.txt", []byte("a"))},
			"more": {upload(t, dir, "b.txt", []byte("b")), upload(t, dir, "c.txt", []byte("c"))},
		}}, "")
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	serves := func(app *App, rec *galley.Record, name string) bool {
		t.Helper()
		f, err := app.OpenFile(ctx, FileRequest{Collection: "docs", RecordID: rec.ID(), Filename: name})
		if galley.ErrorCodeOf(err) == galley.ENotFound {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		f.Object.Close()
		return true
	}
	// Seen twice on both nodes (the second time from what they remember).
	rec := create()
	doc, more := rec.GetString("doc"), valuesOf(rec.Data["more"])
	for _, app := range []*App{nodeA, nodeB} {
		for _, n := range []string{doc, more[0], more[1], doc, more[0], more[1]} {
			if !serves(app, rec, n) {
				t.Fatalf("%s not served", n)
			}
		}
	}

	// Removed by "-" and replaced by an upload on node A: node A serves
	// neither old file at once, though both are still stored.
	if _, err := nodeA.UpdateRecord(ctx, Actor{}, "docs", rec.ID(), RecordInput{Body: Body{"more-": []byte(`["` + more[0] + `"]`)},
		Files: Files{"doc": {upload(t, dir, "new.txt", []byte("new"))}}}, ""); err != nil {
		t.Fatal(err)
	}
	if serves(nodeA, rec, more[0]) || serves(nodeA, rec, doc) {
		t.Fatal("node A serves a file its record no longer holds")
	}
	if !serves(nodeA, rec, more[1]) {
		t.Fatal("node A no longer serves the file the record kept")
	}
	// Node B learns of it within its remembered time.
	waitUntil(t, "node B stops serving the removed files", func() bool {
		return !serves(nodeB, rec, more[0]) && !serves(nodeB, rec, doc)
	})

	// A deleted record's files: at once on node A, within the time on B.
	rec2 := create()
	for _, app := range []*App{nodeA, nodeB} {
		if !serves(app, rec2, rec2.GetString("doc")) {
			t.Fatal("not served")
		}
	}
	if err := nodeA.DeleteRecord(ctx, Actor{}, "docs", rec2.ID()); err != nil {
		t.Fatal(err)
	}
	if serves(nodeA, rec2, rec2.GetString("doc")) {
		t.Fatal("node A serves a file of a deleted record")
	}
	waitUntil(t, "node B stops serving the deleted record's file", func() bool { return !serves(nodeB, rec2, rec2.GetString("doc")) })

	// A field made protected: its files need a token at once.
	if !serves(nodeA, rec, more[1]) {
		t.Fatal("not served")
	}
	mustUpdate(t, nodeA, "docs", `{"fields":[{"name":"doc","type":"file"},{"name":"more","type":"file","maxSelect":3,"protected":true}]}`)
	if serves(nodeA, rec, more[1]) {
		t.Fatal("a file of a field made protected is served without a token")
	}
}

// waitUntil polls cond for a bounded time (well past any remembered time).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 400; i++ {
		if cond() {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%s: not reached", what)
}
