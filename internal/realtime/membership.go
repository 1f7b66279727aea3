package realtime

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/safego"
	"github.com/galleyhq/galley/internal/store"
)

// Channel membership follows the join rules. A join rule is checked when a
// client joins, and again, with the same channel and metadata, whenever
// something it reads may have changed since:
//
//   - a record of a collection a join rule reads (@collection.name.field)
//     is created, updated or deleted, on this node or another (a rule that
//     walks relations, @collection.x.rel.field or @request.auth.rel.field,
//     counts every collection), or the settings (the rules) change: every
//     membership becomes stale (channels.gen moves on);
//   - the client's auth changes (another record, an update of its auth
//     record, a password change or the record's deletion) or its token
//     expires: that client's memberships become stale.
//
// A stale membership is checked again by the recheck worker as soon as it
// is signalled, and by the dispatcher before it delivers a channel frame to
// it (the two take turns, so one change costs one check per membership), so
// no frame published after the change that revoked a join reaches that
// member. A member whose rule no longer passes is removed from the channel,
// sent {"type":"left","channel","reason"} and announced to the others as a
// presence leave (on every node, through the bus). A check that fails or is
// cut off (Config.CheckTimeout) leaves the membership stale: it gets no
// frames until a later check (the next frame, or the worker's pass at
// least every 10 s) answers. Each node checks only its own clients.
//
// Cost: one rule evaluation per distinct (auth record, channel, metadata)
// among the stale memberships, once per change — in memory when the rule
// allows it, else as conditions sent to the database 100 to a statement
// (each bounded by Config.CheckTimeout); never per frame.

// leftReason is the reason sent to a client removed from a channel.
const leftReason = "The channel's join rule no longer lets you in."

// signalRecheck asks the recheck worker for a pass; signals coalesce.
func (b *Broker) signalRecheck() {
	select {
	case b.channels.recheckCh <- struct{}{}:
	default:
	}
}

// staleLocked reports whether c's membership j must be checked again;
// channels.mu is held.
func (b *Broker) staleLocked(c *Client, j *joined, now time.Time) bool {
	return j.gen < b.channels.gen || j.authVer != c.authVer.Load() || (j.exp != 0 && now.UnixNano() >= j.exp)
}

// noteRecordChange makes every membership stale when a record of collID
// may change a join rule's answer, or when the rules changed.
func (b *Broker) noteRecordChange(collID string) {
	b.checkRules()
	b.channels.mu.Lock()
	hit := b.channels.readsAll || b.channels.reads[collID]
	if hit {
		b.channels.gen++
	}
	b.channels.mu.Unlock()
	if hit {
		b.signalRecheck()
	}
}

// checkRules notices new settings: the collections the join rules read are
// worked out again, and every membership becomes stale.
func (b *Broker) checkRules() {
	set, err := b.app.Settings(context.Background())
	if err != nil {
		b.log.Warn("realtime: reading the channel rules", "err", err)
		return
	}
	b.channels.mu.Lock()
	same := b.channels.rules == set
	b.channels.mu.Unlock()
	if same {
		return
	}
	reads, all := b.ruleReads(set)
	b.channels.mu.Lock()
	first := b.channels.rules == nil
	b.channels.rules, b.channels.reads, b.channels.readsAll = set, reads, all
	if !first {
		b.channels.gen++
	}
	b.channels.mu.Unlock()
	if !first {
		b.signalRecheck()
	}
}

// ruleReads returns the ids of the collections set's join rules read, and
// whether one reads through relations (then any record change counts).
func (b *Broker) ruleReads(set *core.Settings) (map[string]bool, bool) {
	reads := map[string]bool{}
	all := false
	for _, cr := range set.Realtime.Channels {
		if cr.JoinRule == nil || *cr.JoinRule == "" {
			continue
		}
		e, err := b.app.ParseRule(*cr.JoinRule)
		if err != nil {
			continue // such a rule lets nobody in
		}
		for _, id := range filter.Identifiers(e) {
			segs := strings.Split(id.Name, ".")
			switch {
			case strings.HasPrefix(id.Name, "@collection."):
				if len(segs) > 3 || strings.Contains(id.Name, "_via_") {
					all = true
				}
				if c := b.db.Schema.Collection(strings.SplitN(segs[1], ":", 2)[0]); c != nil {
					reads[c.ID] = true
				}
			case strings.HasPrefix(id.Name, "@request.auth.") && len(segs) > 3:
				all = true // @request.auth.rel.field reads the related record
			}
		}
	}
	return reads, all
}

// stale is one membership to check again, with what it was as of the
// snapshot: the client's auth version.
type stale struct {
	c       *Client
	channel string
	j       *joined
	authVer uint64
}

// channelTargets returns the local members of channel a frame goes to
// (all but sender), after checking again those whose membership is stale:
// the ones removed do not get it.
func (b *Broker) channelTargets(channel, sender string) []*Client {
	b.checkRules()
	targets, recheck, _ := b.splitMembers(channel, sender, nil)
	if len(recheck) == 0 {
		return targets
	}
	// Check every stale membership (this channel's among them) in one pass
	// with the worker's, so none is checked twice; then those that went
	// stale again meanwhile, here. On the dispatcher: the leave
	// announcements must not wait for it.
	b.recheckStale(true)
	fresh, recheck, gen := b.splitMembers(channel, sender, targets[:0])
	if len(recheck) > 0 {
		fresh = append(fresh, b.recheck(recheck, gen, true)...)
	}
	return fresh
}

// splitMembers appends channel's local members but sender whose membership
// is fresh to fresh and returns them with the stale ones, and the channels'
// generation they were read at.
func (b *Broker) splitMembers(channel, sender string, fresh []*Client) ([]*Client, []stale, uint64) {
	now := time.Now()
	b.channels.mu.Lock()
	defer b.channels.mu.Unlock()
	var recheck []stale
	for c, j := range b.channels.members[channel] {
		switch {
		case c.ID == sender:
		case b.staleLocked(c, j, now):
			recheck = append(recheck, stale{c, channel, j, c.authVer.Load()})
		default:
			fresh = append(fresh, c)
		}
	}
	return fresh, recheck, b.channels.gen
}

// recheckLoop checks the stale memberships each time it is signalled.
func (b *Broker) recheckLoop() {
	for {
		select {
		case <-b.stop:
			return
		case <-b.channels.recheckCh:
		}
		_ = safego.Run(b.log, "realtime membership recheck", func() { b.recheckStale(false) })
	}
}

// recheckStale checks every stale membership of this node again (see
// recheck for onDispatcher). Passes run one at a time.
func (b *Broker) recheckStale(onDispatcher bool) {
	b.channels.recheckMu.Lock()
	defer b.channels.recheckMu.Unlock()
	b.checkRules()
	now := time.Now()
	var items []stale
	b.channels.mu.Lock()
	gen := b.channels.gen
	for channel, ms := range b.channels.members {
		for c, j := range ms {
			if b.staleLocked(c, j, now) {
				items = append(items, stale{c, channel, j, c.authVer.Load()})
			}
		}
	}
	b.channels.mu.Unlock()
	if len(items) > 0 {
		b.recheck(items, gen, onDispatcher)
	}
}

// recheckBatch bounds the memberships whose rule conditions go to the
// database in one statement.
const recheckBatch = 100

// recheck evaluates the join rule of each membership in items (as of gen
// and each client's authVer, read before) and returns the clients that
// still pass; the others are removed, told "left" and announced as leaves.
// Memberships that changed meanwhile (left, or joined again) are left alone
// and not returned. onDispatcher publishes the leaves from another
// goroutine.
func (b *Broker) recheck(items []stale, gen uint64, onDispatcher bool) []*Client {
	keys, exps, answers := b.answerJoins(items)
	var kept []*Client
	var gone []stale
	b.channels.mu.Lock()
	for i, it := range items {
		if b.channels.members[it.channel][it.c] != it.j {
			continue
		}
		switch answers[keys[i]] {
		case joinUnknown: // still stale: not sent this frame, checked again later
			continue
		case joinAllowed:
			it.j.gen, it.j.authVer, it.j.exp = gen, it.authVer, exps[i]
			kept = append(kept, it.c)
			continue
		}
		b.removeLocked(it.c, it.channel)
		gone = append(gone, it)
	}
	b.channels.mu.Unlock()
	for _, it := range gone {
		frame, _ := json.Marshal(map[string]string{"type": "left", "channel": it.channel, "reason": leftReason})
		b.deliver(it.c, &Message{Data: frame, Raw: true})
	}
	announce := func() {
		for _, it := range gone {
			b.publishPresence(it.channel, "leave", it.j.m)
		}
	}
	if len(gone) > 0 {
		if onDispatcher { // publishing feeds the dispatcher's queue
			safego.Go(b.log, "realtime announce leaves", announce)
		} else {
			announce()
		}
	}
	return kept
}

// Answers of a membership's check.
const (
	joinRefused = iota // the rule no longer lets it in: removed
	joinAllowed        // still in
	joinUnknown        // the check failed or was cut off: stays stale (not sent frames) until a later check answers
)

// answerJoins evaluates the join rules of items with the metadata they
// joined with and their clients' auth now: once per distinct (auth record,
// channel, metadata), in memory when the rule allows it, else in
// statements of up to recheckBatch conditions, each bounded by
// CheckTimeout. It returns each item's key, the expiry of the auth it was
// checked with, and the answer by key (see joinRefused).
func (b *Broker) answerJoins(items []stale) (keys []string, exps []int64, answers map[string]int) {
	now := time.Now()
	keys, exps = make([]string, len(items)), make([]int64, len(items))
	answers = map[string]int{}
	set, err := b.app.Settings(context.Background())
	if err != nil {
		b.log.Warn("realtime: checking channel memberships again", "err", err)
	}
	var sqlKeys, conds []string
	var args [][]any
	for i, it := range items {
		auth, exp := it.c.authWithExp(now)
		key := authKey(auth) + "\x00" + it.channel + "\x00" + string(it.j.m.Meta)
		keys[i], exps[i] = key, exp
		if _, seen := answers[key]; seen {
			continue
		}
		answers[key] = joinUnknown
		if err != nil {
			continue
		}
		answers[key] = joinRefused
		var meta map[string]any
		if json.Unmarshal(it.j.m.Meta, &meta) != nil {
			continue
		}
		rc, rerr := b.prepareRule(set, auth, it.channel, "join", map[string]any{"channel": it.channel, "meta": meta})
		switch {
		case rerr != nil:
			b.log.Warn("realtime: checking a channel membership again", "channel", it.channel, "err", rerr)
		case rc.decided && rc.ok:
			answers[key] = joinAllowed
		case rc.decided: // refused
		default:
			sqlKeys, conds, args = append(sqlKeys, key), append(conds, rc.sql), append(args, rc.args)
		}
	}
	for lo := 0; lo < len(conds); lo += recheckBatch {
		hi := min(lo+recheckBatch, len(conds))
		ctx, cancel := context.WithTimeout(context.Background(), b.cfg.CheckTimeout)
		res, qerr := store.ConditionsHolding(ctx, b.db.Reader(), conds[lo:hi], args[lo:hi])
		cancel()
		b.stats.sqlChecks.Add(1)
		if qerr != nil {
			for _, k := range sqlKeys[lo:hi] {
				answers[k] = joinUnknown
			}
			b.stats.checksFailed.Add(int64(hi - lo))
			b.log.Warn("realtime: checking channel memberships again", "members", hi-lo, "err", qerr)
			continue
		}
		for i, ok := range res {
			if ok {
				answers[sqlKeys[lo+i]] = joinAllowed
			}
		}
	}
	return keys, exps, answers
}
