package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sort"
	"sync"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/safego"
	"github.com/galleyhq/galley/internal/store"
)

// Channel limits.
const (
	MaxChannelName = 255      // bytes of a channel name
	MaxMetaBytes   = 4 << 10  // bytes of a member's metadata
	MaxSendBytes   = 32 << 10 // bytes of one broadcast payload
)

// Member is one client's presence in a channel.
type Member struct {
	ClientID string          `json:"clientId"`
	Auth     *MemberAuth     `json:"auth"`
	Meta     json.RawMessage `json:"meta"`
}

// MemberAuth names the auth record of a member (nil for guests).
type MemberAuth struct {
	CollectionName string `json:"collectionName"`
	ID             string `json:"id"`
}

// channels holds presence: channel name → client → member, and the
// members other nodes announced (channel → client id → member).
type channels struct {
	mu      sync.Mutex
	members map[string]map[*Client]*joined
	joined  map[*Client]map[string]bool
	remote  map[string]map[string]remoteMember
	// gen counts the changes that may have revoked joins (see
	// membership.go); a member checked before the current gen is stale.
	gen uint64
	// rules is the settings the channel rules' reads were worked out from.
	rules     *core.Settings
	reads     map[string]bool // collection ids the join rules read
	readsAll  bool            // a join rule reads through relations: any change counts
	recheckCh chan struct{}
	// recheckMu serialises recheck passes (the worker's and the
	// dispatcher's), so a membership is checked once per change.
	recheckMu sync.Mutex
}

// joined is a local client's membership of a channel: its member entry and
// as of when its join rule was last known to pass (the channels' gen and
// the client's auth version then).
type joined struct {
	m       *Member
	gen     uint64
	authVer uint64
	exp     int64 // when the auth checked expires (Unix ns); 0: never, or a guest
}

// remoteMember is a member of a channel connected to another node.
type remoteMember struct {
	m    *Member
	node string
}

func (ch *channels) init() {
	ch.members = map[string]map[*Client]*joined{}
	ch.gen = 1
	ch.recheckCh = make(chan struct{}, 1)
	ch.joined = map[*Client]map[string]bool{}
	ch.remote = map[string]map[string]remoteMember{}
}

// channelRule evaluates the join or send rule of channel for client c with
// the request body body. No matching rule, or a null rule for a
// non-superuser, is EForbidden.
func (b *Broker) channelRule(ctx context.Context, c *Client, channel, which string, body map[string]any) error {
	set, err := b.app.Settings(ctx)
	if err != nil {
		return err
	}
	rc, err := b.prepareRule(set, c.Auth(), channel, which, body)
	if err == nil && !rc.decided {
		rc.ok, err = store.ConditionHolds(ctx, b.db.Reader(), rc.sql, rc.args)
		if err != nil {
			err = galley.Internal(err)
		}
	}
	if err != nil {
		return err
	}
	if !rc.ok {
		return galley.Errorf(galley.EForbidden, "You are not allowed to %s channel %q.", which, channel)
	}
	return nil
}

// ruleCheck is the answer of a channel rule for one client: decided (ok),
// or the row-less SQL condition (sql, args) that decides it.
type ruleCheck struct {
	decided, ok bool
	sql         string
	args        []any
}

// prepareRule evaluates the join or send rule of channel under set for a
// client authenticated as auth with the request body body, in memory when
// it can; a rule that needs the database comes back undecided, with its
// condition. Errors are EInternal.
func (b *Broker) prepareRule(set *core.Settings, auth *galley.Record, channel, which string, body map[string]any) (ruleCheck, error) {
	no, yes := ruleCheck{decided: true}, ruleCheck{decided: true, ok: true}
	cr := set.Realtime.ChannelRule(channel)
	if cr == nil {
		return no, nil
	}
	a := core.Actor{Auth: auth, Request: &filter.RequestInfo{Method: "WS", Context: "realtime", Body: body}}
	if a.IsSuperuser() {
		return yes, nil
	}
	src := cr.JoinRule
	if which == "send to" {
		src = cr.SendRule
	}
	if src == nil {
		return no, nil
	}
	if *src == "" {
		return yes, nil
	}
	e, err := b.app.ParseRule(*src)
	if err != nil {
		return no, galley.Internal(err)
	}
	env := b.app.Env(a, true)
	row := &galley.Record{Collection: noRow, Data: map[string]any{}}
	ok, err := filter.Eval(e, noRow, row, env)
	if !errors.Is(err, filter.ErrNeedsSQL) {
		if err != nil {
			return no, galley.Internal(err)
		}
		return ruleCheck{decided: true, ok: ok}, nil
	}
	sql, args, err := filter.Where(e, noRow, "_r", env)
	if err != nil {
		return no, galley.Internal(err)
	}
	return ruleCheck{sql: sql, args: args}, nil
}

// noRow is the collection channel rules are compiled against: no fields,
// so rules can only read @request, @collection and macros.
var noRow = &galley.Collection{ID: "_realtime_channel", Name: "_realtime_channel"}

// Join adds c to channel with meta (a JSON object, or empty) after the
// join rule allowed it, announces the join to the other members and
// returns the members now present (c included).
func (b *Broker) Join(ctx context.Context, c *Client, channel string, meta json.RawMessage) ([]*Member, error) {
	if channel == "" || len(channel) > MaxChannelName {
		return nil, galley.FieldInvalid("channel", "validation_length_out_of_range", "The channel name must have 1 to 255 bytes.")
	}
	if len(meta) == 0 || string(meta) == "null" {
		meta = json.RawMessage("{}")
	}
	if len(meta) > MaxMetaBytes {
		return nil, galley.FieldInvalid("meta", "validation_length_out_of_range", "The metadata is larger than 4 KB.")
	}
	var metaMap map[string]any
	if err := json.Unmarshal(meta, &metaMap); err != nil {
		return nil, galley.FieldInvalid("meta", "validation_invalid_value", "The metadata must be a JSON object.")
	}
	body := map[string]any{"channel": channel, "meta": metaMap}
	// As of before the check: a revoke that commits while it runs leaves
	// the join stale, so it is checked again (see membership.go).
	b.channels.mu.Lock()
	gen := b.channels.gen
	b.channels.mu.Unlock()
	authVer := c.authVer.Load()
	auth, exp := c.authWithExp(time.Now())
	if err := b.channelRule(ctx, c, channel, "join", body); err != nil {
		return nil, err
	}
	if b.joinChecked != nil {
		b.joinChecked()
	}
	m := &Member{ClientID: c.ID, Meta: meta}
	if auth != nil {
		m.Auth = &MemberAuth{CollectionName: auth.Collection.Name, ID: auth.ID()}
	}
	b.channels.mu.Lock()
	if len(b.channels.joined[c]) >= b.cfg.MaxTopics && !b.channels.joined[c][channel] {
		b.channels.mu.Unlock()
		return nil, galley.FieldInvalid("channel", "validation_too_many_values", "Too many channels joined.")
	}
	if b.channels.members[channel] == nil {
		b.channels.members[channel] = map[*Client]*joined{}
	}
	j := &joined{m: m, gen: gen, authVer: authVer, exp: exp}
	b.channels.members[channel][c] = j
	stale := b.staleLocked(c, j, time.Now())
	if b.channels.joined[c] == nil {
		b.channels.joined[c] = map[string]bool{}
	}
	b.channels.joined[c][channel] = true
	list := b.listLocked(channel)
	b.channels.mu.Unlock()
	b.publishPresence(channel, "join", m)
	if stale {
		b.signalRecheck()
	}
	return list, nil
}

// Leave removes c from channel and announces it; leaving a channel not
// joined is a no-op.
func (b *Broker) Leave(c *Client, channel string) {
	b.channels.mu.Lock()
	j := b.channels.members[channel][c]
	if j != nil {
		b.removeLocked(c, channel)
	}
	b.channels.mu.Unlock()
	if j != nil {
		b.publishPresence(channel, "leave", j.m)
	}
}

// removeLocked forgets c's membership of channel; channels.mu is held.
func (b *Broker) removeLocked(c *Client, channel string) {
	delete(b.channels.members[channel], c)
	if len(b.channels.members[channel]) == 0 {
		delete(b.channels.members, channel)
	}
	delete(b.channels.joined[c], channel)
}

// leaveAll removes c from every channel it joined.
func (b *Broker) leaveAll(c *Client) {
	b.channels.mu.Lock()
	names := make([]string, 0, len(b.channels.joined[c]))
	for ch := range b.channels.joined[c] {
		names = append(names, ch)
	}
	b.channels.mu.Unlock()
	for _, ch := range names {
		b.Leave(c, ch)
	}
	b.channels.mu.Lock()
	delete(b.channels.joined, c)
	b.channels.mu.Unlock()
}

// Members returns who is in channel; c must have joined it (EForbidden
// otherwise: presence is visible to members only).
func (b *Broker) Members(c *Client, channel string) ([]*Member, error) {
	b.channels.mu.Lock()
	defer b.channels.mu.Unlock()
	if b.channels.members[channel][c] == nil {
		return nil, galley.Errorf(galley.EForbidden, "Join channel %q to see who is there.", channel)
	}
	return b.listLocked(channel), nil
}

func (b *Broker) listLocked(channel string) []*Member {
	list := make([]*Member, 0, len(b.channels.members[channel])+len(b.channels.remote[channel]))
	for _, j := range b.channels.members[channel] {
		list = append(list, j.m)
	}
	for _, rm := range b.channels.remote[channel] {
		list = append(list, rm.m)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ClientID < list[j].ClientID })
	return list
}

// Send broadcasts data (any JSON) from c to the other members of channel;
// c must have joined it and pass its send rule.
func (b *Broker) Send(ctx context.Context, c *Client, channel string, data json.RawMessage) error {
	if len(data) > MaxSendBytes {
		return galley.FieldInvalid("data", "validation_length_out_of_range", "The message is larger than 32 KB.")
	}
	b.channels.mu.Lock()
	var m *Member
	if j := b.channels.members[channel][c]; j != nil {
		m = j.m
	}
	b.channels.mu.Unlock()
	if m == nil {
		return galley.Errorf(galley.EForbidden, "Join channel %q before sending to it.", channel)
	}
	var body any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &body); err != nil {
			return galley.FieldInvalid("data", "validation_invalid_value", "Must be JSON.")
		}
	} else {
		data = json.RawMessage("null")
	}
	if err := b.channelRule(ctx, c, channel, "send to", map[string]any{"channel": channel, "data": body}); err != nil {
		return err
	}
	frame, _ := json.Marshal(map[string]any{"type": "message", "channel": channel, "from": m, "data": data})
	return b.cfg.Bus.Publish(Event{Kind: KindBroadcast, Action: "message", Channel: channel, Data: frame, Sender: c.ID})
}

func (b *Broker) publishPresence(channel, action string, m *Member) {
	frame, _ := json.Marshal(map[string]any{"type": "presence", "channel": channel, "action": action, "member": m})
	if err := b.cfg.Bus.Publish(Event{Kind: KindPresence, Action: action, Channel: channel, Data: frame, Sender: m.ClientID}); err != nil {
		b.log.Warn("realtime: publish failed", "err", err)
	}
}

// dispatchChannel delivers a presence or broadcast frame to the members of
// its channel, except its sender.
func (b *Broker) dispatchChannel(ev Event) {
	if ev.Action == "sync" { // a node re-announcing its members
		if ev.Node == "" || !b.trackRemote(ev) {
			return // our own announcement, or a member already known
		}
		ev.Data = bytes.Replace(ev.Data, []byte(`"action":"sync"`), []byte(`"action":"join"`), 1)
	} else if ev.Node != "" && ev.Kind == KindPresence {
		b.trackRemote(ev)
	}
	targets := b.channelTargets(ev.Channel, ev.Sender)
	m := &Message{Data: ev.Data, Raw: true}
	var bt batch
	for _, c := range targets {
		bt.add(c, m)
	}
	b.fanOut(&bt)
}

// trackRemote records a join or leave that happened on another node, so
// member lists here include that node's members. It reports whether a
// join (or sync) added a member not known before.
func (b *Broker) trackRemote(ev Event) bool {
	var frame struct {
		Member *Member `json:"member"`
	}
	if err := json.Unmarshal(ev.Data, &frame); err != nil || frame.Member == nil {
		return false
	}
	b.channels.mu.Lock()
	defer b.channels.mu.Unlock()
	switch ev.Action {
	case "join", "sync":
		if b.channels.remote[ev.Channel] == nil {
			b.channels.remote[ev.Channel] = map[string]remoteMember{}
		}
		_, known := b.channels.remote[ev.Channel][frame.Member.ClientID]
		b.channels.remote[ev.Channel][frame.Member.ClientID] = remoteMember{m: frame.Member, node: ev.Node}
		return !known
	case "leave":
		delete(b.channels.remote[ev.Channel], frame.Member.ClientID)
		if len(b.channels.remote[ev.Channel]) == 0 {
			delete(b.channels.remote, ev.Channel)
		}
	}
	return false
}

// announceMembers re-publishes this node's members (as "sync") so that a
// node that just appeared learns who is here.
func (b *Broker) announceMembers() {
	type pm struct {
		channel string
		m       *Member
	}
	var all []pm
	b.channels.mu.Lock()
	for channel, ms := range b.channels.members {
		for _, j := range ms {
			all = append(all, pm{channel, j.m})
		}
	}
	b.channels.mu.Unlock()
	for _, x := range all {
		b.publishPresence(x.channel, "sync", x.m)
	}
}

// nodeSeen notes that node is alive; a node
// seen for the first time is told this node's members.
func (b *Broker) nodeSeen(node string) {
	b.nodesMu.Lock()
	_, known := b.nodes[node]
	b.nodes[node] = time.Now()
	b.nodesMu.Unlock()
	if !known { // off the dispatcher: publishing feeds the dispatcher's queue
		safego.Go(b.log, "realtime announce members", b.announceMembers)
	}
}

// sweepNodes forgets the members of nodes not heard from for AliveTimeout
// (they died without announcing their members' leave) and announces their
// leave to the local members.
func (b *Broker) sweepNodes(now time.Time) {
	var silent []string
	b.nodesMu.Lock()
	for node, seen := range b.nodes {
		if now.Sub(seen) >= AliveTimeout {
			silent = append(silent, node)
			delete(b.nodes, node)
		}
	}
	b.nodesMu.Unlock()
	for _, node := range silent {
		var gone []Event
		b.channels.mu.Lock()
		for channel, ms := range b.channels.remote {
			for id, rm := range ms {
				if rm.node != node {
					continue
				}
				delete(ms, id)
				frame, _ := json.Marshal(map[string]any{"type": "presence", "channel": channel, "action": "leave", "member": rm.m})
				gone = append(gone, Event{Kind: KindPresence, Action: "leave", Channel: channel, Data: frame, Sender: id})
			}
			if len(ms) == 0 {
				delete(b.channels.remote, channel)
			}
		}
		b.channels.mu.Unlock()
		for _, ev := range gone {
			b.dispatchChannel(ev)
		}
	}
}
