package realtime

import (
	"context"
	"errors"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/store"
)

// Authorisation of events. Every (client, subscription) that matches an
// event asks one question: may this actor see this record under the
// collection's listRule (collection topics) or viewRule (record topics),
// and does the record match the subscription's filter? That question is a
// core.Check — the rule evaluator REST uses too; this file only groups the
// questions and bounds their cost. Subscribers that ask the same question
// (same rule, filter, auth record and options: the check's Key) form a
// group, and each group is answered once per event: in memory when the
// check can be (core.Check.Eval), else by one query — for creates and
// updates on the read pool after the commit, for deletes inside the
// deleting transaction before the row is gone (PrepareDelete).
//
// So the cost of an event is bounded by the number of distinct groups,
// never by the number of subscribers; and the queries are bounded too:
// each is cut off after Config.CheckTimeout, an event runs at most
// Config.MaxSQLChecks of them within Config.CheckBudget in all, and a
// question left unanswered (cut off, failed or over the budget) means the
// event is not delivered to that group. Subscription filters are user
// input (parsed with the user-filter limits, see parseTopic), so without
// these bounds one subscriber could stall every write of a collection.

// actorFor is the actor a subscription is evaluated as: the client's auth
// and the subscription's query and headers, in the "realtime" context.
func actorFor(auth *galley.Record, sub *Subscription) core.Actor {
	return core.Actor{Auth: auth, Request: &filter.RequestInfo{
		Method: "GET", Context: "realtime", Query: sub.Query, Headers: sub.Headers,
	}}
}

// checkFor returns the check of subscription sub of a client authenticated
// as auth about records of c.
func (b *Broker) checkFor(c *galley.Collection, auth *galley.Record, sub *Subscription) core.Check {
	action := "list"
	if sub.RecordID != "" {
		action = "view"
	}
	// sub.key holds the subscription's query (its filter included) and
	// headers: everything of the request that the rule and filter read.
	return b.app.NewCheck(actorFor(auth, sub), c, action, sub.Filter, sub.key)
}

// budget is what is left of one event's SQL checks.
type budget struct {
	left     int       // checks still allowed
	deadline time.Time // when the event's time for checks runs out
	skipped  int       // checks refused for want of budget
	failed   int       // checks cut off or failed
}

// newBudget returns the budget of one event.
func (b *Broker) newBudget() *budget {
	return &budget{left: b.cfg.MaxSQLChecks, deadline: time.Now().Add(b.cfg.CheckBudget)}
}

// take returns the time one more check may run, or false (counted as
// skipped) when the event's budget is spent.
func (bu *budget) take(perCheck time.Duration) (time.Duration, bool) {
	rem := time.Until(bu.deadline)
	if bu.left <= 0 || rem <= 0 {
		bu.skipped++
		return 0, false
	}
	bu.left--
	return min(perCheck, rem), true
}

// report counts and logs what the budget refused or lost.
func (b *Broker) report(bu *budget, c *galley.Collection, action string) {
	if bu.skipped == 0 && bu.failed == 0 {
		return
	}
	b.stats.checksSkipped.Add(int64(bu.skipped))
	b.stats.checksFailed.Add(int64(bu.failed))
	b.log.Warn("realtime: event not delivered to some subscribers: rule checks over the budget, cut off or failed",
		"collection", c.Name, "action", action, "overBudget", bu.skipped, "failed", bu.failed,
		"maxSQLChecks", b.cfg.MaxSQLChecks, "checkTimeout", b.cfg.CheckTimeout, "checkBudget", b.cfg.CheckBudget)
}

// query answers k about r's row through q within bu: false when the budget
// is spent or the query is cut off or fails.
func (b *Broker) query(ctx context.Context, q store.Querier, r *galley.Record, k core.Check, bu *budget) bool {
	d, ok := bu.take(b.cfg.CheckTimeout)
	if !ok {
		return false
	}
	b.stats.sqlChecks.Add(1)
	ok, err := k.Query(ctx, q, r.ID(), d)
	if err != nil {
		bu.failed++
		if !errors.Is(err, store.ErrTimedOut) {
			b.log.Warn("realtime: rule check failed", "collection", r.Collection.Name, "err", err)
		}
		return false
	}
	return ok
}

// eventChecks holds one event's answers by check key.
type eventChecks struct {
	answers map[string]bool
	// prepared holds a delete's answers from inside its transaction (a
	// missing key means "no"); nil for other actions.
	prepared map[string]bool
	delete   bool
	budget   *budget
}

// answer answers k about r for the event, once per check key.
func (b *Broker) answer(ctx context.Context, r *galley.Record, k core.Check, ec *eventChecks) bool {
	switch k.Kind() {
	case core.CheckDeny:
		return false
	case core.CheckAll:
		return true
	}
	key := k.Key()
	if ok, seen := ec.answers[key]; seen {
		return ok
	}
	ok, err := k.Eval(r)
	switch {
	case errors.Is(err, core.ErrNeedsSQL) && ec.delete:
		ok = ec.prepared[key]
	case errors.Is(err, core.ErrNeedsSQL):
		ok = b.query(ctx, b.db.Reader(), r, k, ec.budget)
	case err != nil:
		b.stats.memChecks.Add(1)
		b.log.Warn("realtime: rule check failed", "collection", r.Collection.Name, "err", err)
		ok = false
	default:
		b.stats.memChecks.Add(1)
	}
	ec.answers[key] = ok
	return ok
}

// PrepareDelete answers, inside the deleting transaction, the checks about
// r that need SQL, for the subscribers r's delete event will reach, within
// one event's budget. It implements core.RecordListener; it costs nothing
// when no subscriber of the collection needs a database check.
func (b *Broker) PrepareDelete(ctx context.Context, q store.Querier, r *galley.Record) any {
	out := map[string]bool{}
	ks := b.sqlChecks(r, b.targets(r.Collection.ID, r.ID()))
	if len(ks) > 0 {
		bu := b.newBudget()
		b.answerSQL(ctx, q, r, ks, bu, out)
		b.report(bu, r.Collection, core.ActionDelete)
	}
	return out
}

// prepareRemoteDelete is PrepareDelete for a delete made on another node:
// the row is gone, so the checks are answered in a transaction where it
// exists again and which is rolled back (store.DB.WithRestored). A failure
// answers them all "no".
func (b *Broker) prepareRemoteDelete(ctx context.Context, r *galley.Record, ts []target) map[string]bool {
	ks := b.sqlChecks(r, ts)
	out := map[string]bool{}
	if len(ks) == 0 {
		return out
	}
	bu := b.newBudget()
	ctx, cancel := context.WithTimeout(ctx, b.cfg.CheckBudget+5*time.Second)
	defer cancel()
	err := b.db.WithRestored(ctx, r, func(q store.Querier) error {
		b.answerSQL(ctx, q, r, ks, bu, out)
		return nil
	})
	if err != nil {
		b.log.Warn("realtime: checking a remote delete", "collection", r.Collection.Name, "err", err)
		clear(out)
	}
	b.report(bu, r.Collection, core.ActionDelete)
	return out
}

// sqlChecks returns the distinct checks of targets ts about r that memory
// evaluation cannot answer. Targets of one group (auth record and topic)
// ask the same question, so each group is looked at once.
func (b *Broker) sqlChecks(r *galley.Record, ts []target) []core.Check {
	c := r.Collection
	type groupKey struct {
		auth *galley.Record
		raw  string
	}
	groups := map[groupKey]bool{}
	keys := map[string]bool{}
	var out []core.Check
	for _, t := range ts {
		gk := groupKey{t.auth, t.sub.Raw}
		if groups[gk] {
			continue
		}
		groups[gk] = true
		k := b.checkFor(c, t.auth, t.sub)
		if k.Kind() != core.CheckEval || keys[k.Key()] {
			continue
		}
		keys[k.Key()] = true
		if _, err := k.Eval(r); errors.Is(err, core.ErrNeedsSQL) {
			out = append(out, k)
		}
	}
	return out
}

// answerSQL answers ks about r's row through q into out, within bu.
func (b *Broker) answerSQL(ctx context.Context, q store.Querier, r *galley.Record, ks []core.Check, bu *budget, out map[string]bool) {
	for _, k := range ks {
		out[k.Key()] = b.query(ctx, q, r, k, bu)
	}
}
