package realtime

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/store"
)

// Authorisation of events. Every (client, subscription) that matches an
// event asks one question: may this actor see this record under the
// collection's listRule (collection topics) or viewRule (record topics),
// and does the record match the subscription's filter? Subscribers that
// ask the same question — same rule, same filter, same auth record, same
// options (@request.query/headers) — form a group, and each group is
// answered once per event:
//
//   - superusers pass the rule; a null rule refuses everyone else; an empty
//     rule and no filter pass at once;
//   - rules and filters that touch only the record's own fields,
//     @request.auth.* and constants are evaluated in memory (filter.Eval,
//     the same semantics as the SQL);
//   - the rest cost one query per group: for creates and updates a
//     "SELECT ... WHERE id = ? AND rule AND filter" after the commit; for
//     deletes the same query inside the deleting transaction, before the
//     row is gone (PrepareDelete), since afterwards there is nothing to
//     query.
//
// So the cost of an event is bounded by the number of distinct groups,
// never by the number of subscribers.

// question is one authorisation question.
type question struct {
	key    string
	deny   bool        // answered no without evaluation (null rule)
	rule   filter.Expr // nil: no rule to check
	filter filter.Expr // nil: no filter
	actor  core.Actor
}

// parseCache keeps parsed rules by source.
type parseCache struct {
	mu sync.Mutex
	m  map[string]filter.Expr
}

var ruleLimits = filter.Limits{MaxLength: 20000, MaxExprs: 1000, MaxDepth: 50}

func (p *parseCache) parse(src string) (filter.Expr, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.m[src]; ok {
		return e, nil
	}
	e, err := filter.Parse(src, ruleLimits)
	if err != nil {
		return nil, err
	}
	if p.m == nil || len(p.m) > 4096 {
		p.m = map[string]filter.Expr{}
	}
	p.m[src] = e
	return e, nil
}

// actorFor is the actor a subscription is evaluated as: the client's auth
// and the subscription's query and headers, in the "realtime" context.
func actorFor(auth *galley.Record, sub *Subscription) core.Actor {
	return core.Actor{Auth: auth, Request: &filter.RequestInfo{
		Method: "GET", Context: "realtime", Query: sub.Query, Headers: sub.Headers,
	}}
}

// questionFor builds the question of subscription sub of a client
// authenticated as auth about a record of c.
func (b *Broker) questionFor(c *galley.Collection, auth *galley.Record, sub *Subscription) question {
	a := actorFor(auth, sub)
	super := a.IsSuperuser()
	q := question{actor: a, filter: sub.Filter}
	ruleSrc := ""
	if !super {
		p := c.ListRule
		if sub.RecordID != "" {
			p = c.ViewRule
		}
		if p == nil {
			q.deny = true
			return q
		}
		ruleSrc = *p
	}
	if ruleSrc != "" {
		e, err := b.rules.parse(ruleSrc)
		if err != nil {
			b.log.Warn("realtime: rule does not parse", "collection", c.Name, "err", err)
			q.deny = true
			return q
		}
		q.rule = e
	}
	if q.rule == nil && q.filter == nil {
		return q
	}
	var k strings.Builder
	k.WriteString(ruleSrc)
	k.WriteByte(0)
	if sub.Query != nil {
		k.WriteString(sub.Query["filter"])
	}
	k.WriteByte(0)
	if super {
		k.WriteString("super:")
	}
	k.WriteString(authKey(auth))
	k.WriteByte(0)
	k.WriteString(sub.key)
	q.key = k.String()
	return q
}

// errNeedsSQL marks a question that memory evaluation cannot answer.
var errNeedsSQL = filter.ErrNeedsSQL

// evalMemory answers q about r in memory; errNeedsSQL when it cannot.
func (b *Broker) evalMemory(c *galley.Collection, r *galley.Record, q question) (bool, error) {
	for i, e := range []filter.Expr{q.rule, q.filter} {
		if e == nil {
			continue
		}
		ok, err := filter.Eval(e, c, r, b.app.Env(q.actor, i == 0))
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// evalSQL answers q about the row of r's id through db (the read pool after
// a commit, or the deleting transaction).
func (b *Broker) evalSQL(ctx context.Context, db store.Querier, c *galley.Collection, id string, q question) (bool, error) {
	where := store.Quote(store.Alias) + `."id" = ?`
	args := []any{id}
	for i, e := range []filter.Expr{q.rule, q.filter} {
		if e == nil {
			continue
		}
		sql, a, err := filter.Where(e, c, store.Alias, b.app.Env(q.actor, i == 0))
		if err != nil {
			return false, err
		}
		where += " AND (" + sql + ")"
		args = append(args, a...)
	}
	recs, err := store.FindRecords(ctx, db, c, store.Select{Where: where, Args: args, Limit: 1})
	if err != nil {
		return false, err
	}
	return len(recs) == 1, nil
}

// answer answers q about r for action, caching by group key in answers.
// prepared holds the in-transaction answers of a delete.
func (b *Broker) answer(ctx context.Context, c *galley.Collection, r *galley.Record, action string, q question, answers map[string]bool, prepared map[string]bool) bool {
	if q.deny {
		return false
	}
	if q.key == "" {
		return true
	}
	if ok, seen := answers[q.key]; seen {
		return ok
	}
	ok, err := b.evalMemory(c, r, q)
	if errors.Is(err, errNeedsSQL) {
		b.stats.sqlChecks.Add(1)
		if action == core.ActionDelete {
			ok, err = prepared[q.key], nil
		} else {
			ok, err = b.evalSQL(ctx, b.app.DB.Reader(), c, r.ID(), q)
		}
	} else {
		b.stats.memChecks.Add(1)
	}
	if err != nil {
		b.log.Warn("realtime: rule check failed", "collection", c.Name, "err", err)
		ok = false
	}
	answers[q.key] = ok
	return ok
}

// PrepareDelete answers, inside the deleting transaction, the questions
// about r that need SQL, for the subscribers r's delete event will reach.
// It implements core.RecordListener; it costs nothing when no subscriber
// of the collection needs a database check.
func (b *Broker) PrepareDelete(ctx context.Context, q store.Querier, r *galley.Record) any {
	out := map[string]bool{}
	b.answerSQL(ctx, q, r, b.sqlQuestions(r, b.targets(r.Collection.ID, r.ID())), out)
	return out
}

// prepareRemoteDelete is PrepareDelete for a delete made on another node:
// the row is gone, so the questions are answered in a transaction where
// it exists again and which is rolled back (store.DB.WithRestored). A
// failure answers them all "no".
func (b *Broker) prepareRemoteDelete(ctx context.Context, r *galley.Record, ts []target) map[string]bool {
	qs := b.sqlQuestions(r, ts)
	out := map[string]bool{}
	if len(qs) == 0 {
		return out
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := b.app.DB.WithRestored(ctx, r, func(q store.Querier) error {
		b.answerSQL(ctx, q, r, qs, out)
		return nil
	})
	if err != nil {
		b.log.Warn("realtime: checking a remote delete", "collection", r.Collection.Name, "err", err)
		clear(out)
	}
	return out
}

// sqlQuestions returns the distinct questions of targets ts about r that
// memory evaluation cannot answer.
func (b *Broker) sqlQuestions(r *galley.Record, ts []target) []question {
	c := r.Collection
	var out []question
	seen := map[string]bool{}
	for _, t := range ts {
		qu := b.questionFor(c, t.auth, t.sub)
		if qu.deny || qu.key == "" || seen[qu.key] {
			continue
		}
		seen[qu.key] = true
		if _, err := b.evalMemory(c, r, qu); errors.Is(err, errNeedsSQL) {
			out = append(out, qu)
		}
	}
	return out
}

// answerSQL answers qs about r's row through q into out.
func (b *Broker) answerSQL(ctx context.Context, q store.Querier, r *galley.Record, qs []question, out map[string]bool) {
	for _, qu := range qs {
		ok, err := b.evalSQL(ctx, q, r.Collection, r.ID(), qu)
		if err != nil {
			b.log.Warn("realtime: rule check failed", "collection", r.Collection.Name, "err", err)
		}
		out[qu.key] = ok && err == nil
	}
}
