package core

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// totalsFilters are the filters the totals tests list with: own fields
// only (kept through writes in memory), a multi-valued field, and a
// relation path (counted again after writes).
var totalsFilters = []string{
	"",
	"num > 50",
	"num >= 10 && flag = true",
	"title ~ 'a'",
	"flag = false || num < 5",
	"tags ?= 'b'",
	"title = ''",
	"num != 3 && title !~ 'b'",
	"title > 'b' || title <= 'Apple'",
	"num = 50.5 || num >= '60'",
	"owner.name = 'u1'",
	"owner = ''",
}

// totalsFixture is a things collection (listRule with an auth-dependent
// part) related to the default users collection, and the actors that list
// it.
type totalsFixture struct {
	actors []Actor
	users  []*galley.Record
}

func newTotalsFixture(t *testing.T, app *App) *totalsFixture {
	t.Helper()
	ctx := context.Background()
	users := app.db.Schema.Collection("users")
	mustCreate(t, app, `{"name":"things","type":"base",
		"listRule":"owner = @request.auth.id || num > 80","createRule":"","updateRule":"","deleteRule":"",
		"fields":[{"name":"num","type":"number"},{"name":"title","type":"text"},{"name":"flag","type":"bool"},
		{"name":"tags","type":"select","maxSelect":3,"values":["a","b","c"]},
		{"name":"owner","type":"relation","maxSelect":1,"collectionId":"`+users.ID+`"}]}`)
	f := &totalsFixture{actors: []Actor{app.SystemActor(), {}}}
	for i := range 2 {
		b := Body{}
		for k, v := range map[string]any{"email": fmt.Sprintf("u%d@example.com", i+1), "password": "password123", "passwordConfirm": "password123", "name": fmt.Sprintf("u%d", i+1)} {
			raw, _ := json.Marshal(v)
			b[k] = raw
		}
		u, err := app.CreateRecord(ctx, app.SystemActor(), "users", RecordInput{Body: b}, "")
		if err != nil {
			t.Fatal(err)
		}
		f.users = append(f.users, u)
		f.actors = append(f.actors, Actor{Auth: u})
	}
	return f
}

// randomThing is a random body for things.
func (f *totalsFixture) randomThing(rng *rand.Rand) RecordInput {
	titles := []string{"", "apple", "banana", "cab", "zz"}
	tags := [][]string{{}, {"a"}, {"b"}, {"a", "b"}, {"c", "b"}}
	owner := ""
	if n := rng.IntN(3); n < 2 {
		owner = f.users[n].ID()
	}
	b := Body{}
	for k, v := range map[string]any{"num": rng.IntN(100), "title": titles[rng.IntN(len(titles))], "flag": rng.IntN(2) == 1, "tags": tags[rng.IntN(len(tags))], "owner": owner} {
		if rng.IntN(4) == 0 {
			continue // an update leaves some fields as they are
		}
		raw, _ := json.Marshal(v)
		b[k] = raw
	}
	return RecordInput{Body: b}
}

// checkTotals lists things on every reader app with every filter as every
// actor and compares the total with the number of records a list without
// totals returns. With several nodes, a filter through a relation is
// cached until the other nodes' change notices arrive (see store's
// totals.go), so it is compared until they have (at most 10 s).
func (f *totalsFixture) checkTotals(t *testing.T, step int, readers ...*App) {
	t.Helper()
	ctx := context.Background()
	for ri, app := range readers {
		for ai, a := range f.actors {
			for _, flt := range totalsFilters {
				deadline := time.Now().Add(10 * time.Second)
				for {
					q := RecordQuery{ListQuery: ListQuery{PerPage: 1, Filter: flt}}
					got, err := app.ListRecords(ctx, a, "things", q)
					if err != nil {
						t.Fatalf("step %d, node %d, actor %d, filter %q: %v", step, ri, ai, flt, err)
					}
					q.PerPage, q.SkipTotal = MaxPerPage, true
					all, err := app.ListRecords(ctx, a, "things", q)
					if err != nil {
						t.Fatal(err)
					}
					if got.TotalItems == len(all.Items) {
						break
					}
					if len(readers) == 1 || !strings.Contains(flt, ".") || time.Now().After(deadline) {
						t.Fatalf("step %d, node %d, actor %d, filter %q: total %d, COUNT(*) %d", step, ri, ai, flt, got.TotalItems, len(all.Items))
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
		}
	}
}

// runTotals makes random creates, updates and deletes of things (1–4 at
// once, so that they share group commits) through the writer apps, and a
// rename of a user now and then (the relation filter's other side), and
// checks the totals on every app after each step.
func (f *totalsFixture) runTotals(t *testing.T, steps int, apps ...*App) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, uint64(steps)))
	var ids []string
	var mu sync.Mutex
	for step := range steps {
		var wg sync.WaitGroup
		for range 1 + rng.IntN(4) {
			app := apps[rng.IntN(len(apps))]
			op := rng.IntN(20)
			in := f.randomThing(rng)
			u, name := f.users[rng.IntN(2)], []string{"u1", "u2"}[rng.IntN(2)]
			mu.Lock()
			id := ""
			if len(ids) > 0 {
				id = ids[rng.IntN(len(ids))]
			}
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				switch {
				case op == 0:
					_, err = app.UpdateRecord(ctx, app.SystemActor(), "users", u.ID(), RecordInput{Body: Body{"name": jsonString(name)}}, "")
				case op < 12 || id == "":
					var r *galley.Record
					if r, err = app.CreateRecord(ctx, app.SystemActor(), "things", in, ""); err == nil {
						mu.Lock()
						ids = append(ids, r.ID())
						mu.Unlock()
					}
				case op < 17:
					_, err = app.UpdateRecord(ctx, app.SystemActor(), "things", id, in, "")
				default:
					err = app.DeleteRecord(ctx, app.SystemActor(), "things", id)
				}
				if galley.ErrorCodeOf(err) == galley.ENotFound {
					err = nil // deleted by another write of the step
				}
				if err != nil {
					t.Errorf("step %d op %d: %v", step, op, err)
				}
			}()
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		f.checkTotals(t, step, apps...)
	}
}

// TestTotals is the totals differential test: after each step of random
// writes, every list's total (cached by the store, kept through writes)
// equals the number of records the same list returns without totals.
func TestTotals(t *testing.T) {
	app := collApp(t)
	f := newTotalsFixture(t, app)
	f.runTotals(t, 120, app)
}

// TestTotalsTwoNodes: two nodes on one PostgreSQL database, random writes
// on both (concurrent within a step), totals read on both with every filter
// as every actor stay exact (own-field filters and unfiltered totals at
// once; a filter through a relation once the change notice arrived). After
// the first step each node has counted every own-field total once; from
// then on each brings them up to date from its own writes and the other
// node's notices, without counting again.
func TestTotalsTwoNodes(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("needs PostgreSQL (" + storetest.EnvDSN + ")")
	}
	opts := storetest.Options(t)
	open := func() *App {
		db, err := store.Open(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return New(db, nil)
	}
	a := open()
	f := newTotalsFixture(t, a)
	b := open() // opened after the schema exists: it loads it
	f.runTotals(t, 1, a, b)
	type counters struct{ recounts, resets, timeouts, remote int64 }
	read := func(app *App) counters {
		db := app.db
		return counters{db.TotalsRecounts(), db.TotalsResets(), db.TotalsNoticeTimeouts(), db.TotalsRemoteGroups()}
	}
	before := []counters{read(a), read(b)}
	f.runTotals(t, 60, a, b)
	for i, app := range []*App{a, b} {
		now := read(app)
		recounts, resets := now.recounts-before[i].recounts, now.resets-before[i].resets
		if now.remote == before[i].remote {
			t.Errorf("node %d logged no group from the other node's notices", i)
		}
		// A schema reload (a late or reconnected listener) drops every
		// cached total: each counts once more; so does a notice given up
		// on (a loaded machine may delay one past the wait; the timing is
		// not what this test asserts: TestTotalsAcrossNodes waits for the
		// notices and allows no count).
		timeouts := now.timeouts - before[i].timeouts
		if allowed := (resets + timeouts) * int64(len(f.actors)*len(totalsFilters)); recounts > allowed {
			t.Errorf("node %d counted filtered totals again %d times (schema reloads %d, notices given up %d), want 0",
				i, recounts, resets, timeouts)
		} else if recounts > 0 {
			t.Logf("node %d counted again %d times after %d schema reloads and %d notices given up", i, recounts, resets, timeouts)
		}
	}
}

// TestTotalsKeptUnderWrites: while creates land, readers listing with an
// own-field filter never count it in the database again: the first list
// counts, every later one brings that count up to date from the writes
// (also when a reader sees a commit before its lane has logged it).
func TestTotalsKeptUnderWrites(t *testing.T) {
	app := collApp(t)
	f := newTotalsFixture(t, app)
	ctx := context.Background()
	q := RecordQuery{ListQuery: ListQuery{PerPage: 1, Filter: "num > 50"}}
	if _, err := app.ListRecords(ctx, app.SystemActor(), "things", q); err != nil {
		t.Fatal(err)
	}
	before, resetsBefore := app.db.TotalsRecounts(), app.db.TotalsResets()
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := app.ListRecords(ctx, app.SystemActor(), "things", q); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var writers sync.WaitGroup
	for w := range 4 {
		rng := rand.New(rand.NewPCG(uint64(w), 9))
		ins := make([]RecordInput, 25)
		for i := range ins {
			ins[i] = f.randomThing(rng)
		}
		writers.Go(func() {
			for _, in := range ins {
				if _, err := app.CreateRecord(ctx, app.SystemActor(), "things", in, ""); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	// A schema reload drops the caches whole (on PostgreSQL also when the
	// notification listener connected late or reconnected, as a loaded
	// machine may make it): each reader then counts once more. Writes never
	// may, also not with PostgreSQL's several writer lanes committing at
	// once (a reader waits for each lane whose commit it read).
	resets := app.db.TotalsResets() - resetsBefore
	if n := app.db.TotalsRecounts() - before; n > 4*resets {
		t.Errorf("counted again %d times under writes (%d schema reloads meanwhile), want at most %d", n, resets, 4*resets)
	} else if n > 0 {
		t.Logf("counted again %d times after %d schema reloads", n, resets)
	}
	f.checkTotals(t, 0, app)
}

// TestTotalsKeptUnderWritesTwoNodes: two nodes on one PostgreSQL database;
// while creates, updates and deletes land on both, readers on both list
// with own-field filters. No reader counts again but after a notice it
// gave up waiting for (a loaded machine may delay one past the wait) or a
// schema reload, each node logs the other's groups, and every total is
// exact after.
func TestTotalsKeptUnderWritesTwoNodes(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("needs PostgreSQL (" + storetest.EnvDSN + ")")
	}
	opts := storetest.Options(t)
	open := func() *App {
		db, err := store.Open(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return New(db, nil)
	}
	a := open()
	f := newTotalsFixture(t, a)
	b := open()
	apps := []*App{a, b}
	ctx := context.Background()
	filters := []string{"num > 50", "flag = true && title ~ 'a'", "tags ?= 'b' || num < 10"}
	list := func(app *App, flt string) error {
		_, err := app.ListRecords(ctx, app.SystemActor(), "things", RecordQuery{ListQuery: ListQuery{PerPage: 1, Filter: flt}})
		return err
	}
	type counters struct{ recounts, resets, timeouts, waits int64 }
	read := func(app *App) counters {
		db := app.db
		return counters{db.TotalsRecounts(), db.TotalsResets(), db.TotalsNoticeTimeouts(), db.TotalsNoticeWaits()}
	}
	var before []counters
	for _, app := range apps {
		for _, flt := range filters {
			if err := list(app, flt); err != nil {
				t.Fatal(err)
			}
		}
		before = append(before, read(app))
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for i := range 4 {
		app, flt := apps[i%2], filters[i%len(filters)]
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := list(app, flt); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var writers sync.WaitGroup
	for w := range 4 {
		app := apps[w%2]
		rng := rand.New(rand.NewPCG(uint64(w), 11))
		writers.Go(func() {
			var mine []string
			for range 25 {
				var err error
				switch op := rng.IntN(10); {
				case op < 6 || len(mine) == 0:
					var r *galley.Record
					if r, err = app.CreateRecord(ctx, app.SystemActor(), "things", f.randomThing(rng), ""); err == nil {
						mine = append(mine, r.ID())
					}
				case op < 9:
					_, err = app.UpdateRecord(ctx, app.SystemActor(), "things", mine[rng.IntN(len(mine))], f.randomThing(rng), "")
				default:
					i := rng.IntN(len(mine))
					err = app.DeleteRecord(ctx, app.SystemActor(), "things", mine[i])
					mine = append(mine[:i], mine[i+1:]...)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	for i, app := range apps {
		now := read(app)
		if app.db.TotalsRemoteGroups() == 0 {
			t.Errorf("node %d logged no group from the other node's notices", i)
		}
		recounts, resets, timeouts := now.recounts-before[i].recounts, now.resets-before[i].resets, now.timeouts-before[i].timeouts
		if allowed := (timeouts + resets) * int64(len(filters)); recounts > allowed {
			t.Errorf("node %d counted again %d times under writes (notices given up %d, schema reloads %d), want at most %d",
				i, recounts, timeouts, resets, allowed)
		}
		t.Logf("node %d: waited for %d notices, gave up %d, counted again %d times, schema reloads %d",
			i, now.waits-before[i].waits, timeouts, recounts, resets)
	}
	f.checkTotals(t, 0, apps...)
}
