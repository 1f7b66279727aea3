package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/ratelimit"
	"github.com/galleyhq/galley/internal/safego"
	"github.com/galleyhq/galley/internal/store"
)

// Event kinds of forwarded subscription requests: an SSE client's
// POST /api/realtime that reached another node than the one holding its
// stream (behind a round-robin load balancer) is sent over the bus to the
// node that holds it, which applies it and answers.
const (
	KindSubscribe = "subscribe"
	KindReply     = "reply"
)

// DefaultForwardTimeout is how long a node waits for the node holding a
// client to answer a forwarded subscription request before answering 404.
const DefaultForwardTimeout = 3 * time.Second

// Peers is implemented by buses that connect several nodes: it reports
// whether another node has been heard from lately.
type Peers interface {
	Peers() bool
}

// subscribeCmd is a forwarded subscription request. The auth is sent as
// ids and read from the database by the node holding the client.
type subscribeCmd struct {
	Req      string   `json:"req"`
	Client   string   `json:"client"`
	AuthColl string   `json:"ac,omitempty"`
	AuthID   string   `json:"ar,omitempty"`
	Expires  int64    `json:"exp,omitempty"` // Unix ns; 0 = no expiry known
	Topics   []string `json:"topics"`
}

// forwardReply answers a subscribeCmd: Code "" means done.
type forwardReply struct {
	Req     string                       `json:"req"`
	Code    galley.ErrorCode             `json:"code,omitempty"`
	Message string                       `json:"message,omitempty"`
	Fields  map[string]galley.FieldError `json:"fields,omitempty"`
	Nested  bool                         `json:"nested,omitempty"`
}

// forwardSubscribe sends a subscription request for a client this node
// does not hold to the other nodes and waits for the holder's answer. With
// no other node, or no answer within the forward timeout, the client id is
// unknown (ENotFound). Forwarded requests are limited per IP like a
// client's own requests.
func (b *Broker) forwardSubscribe(id string, a core.Actor, topics []string) error {
	notFound := galley.Errorf(galley.ENotFound, "Missing or invalid client id.")
	p, ok := b.cfg.Bus.(Peers)
	if !ok || !p.Peers() {
		return notFound
	}
	if err := b.allow("forward:" + ratelimit.IPKey(a.IP)); err != nil {
		return err
	}
	if len(topics) > b.cfg.MaxTopics {
		return tooManyTopics(b.cfg.MaxTopics)
	}
	cmd := subscribeCmd{Req: galley.NewID() + galley.NewID(), Client: id, Topics: topics}
	if a.Auth != nil && a.Auth.Collection != nil {
		cmd.AuthColl, cmd.AuthID = a.Auth.Collection.ID, a.Auth.ID()
		if !a.Expires.IsZero() {
			cmd.Expires = a.Expires.UnixNano()
		}
	}
	data, err := json.Marshal(cmd)
	if err != nil {
		return err
	}
	answer := make(chan forwardReply, 1)
	b.pending.Store(cmd.Req, answer)
	defer b.pending.Delete(cmd.Req)
	if err := b.cfg.Bus.Publish(Event{Kind: KindSubscribe, Data: data}); err != nil {
		return err
	}
	t := time.NewTimer(b.cfg.ForwardTimeout)
	defer t.Stop()
	select {
	case r := <-answer:
		if r.Code == "" {
			return nil
		}
		return &galley.Error{Code: r.Code, Message: r.Message, Fields: r.Fields, Nested: r.Nested}
	case <-t.C:
		return notFound
	case <-b.stop:
		return galley.Errorf(galley.EUnavailable, "The server is shutting down.")
	}
}

// dispatchForward handles forwarded subscription requests and their
// answers. A request for a client held here is applied off the dispatcher
// (it reads the auth record) and answered; others are ignored.
func (b *Broker) dispatchForward(ev Event) {
	if ev.Node == "" {
		return // this node's own request or answer
	}
	switch ev.Kind {
	case KindReply:
		var r forwardReply
		if json.Unmarshal(ev.Data, &r) != nil {
			return
		}
		if ch, ok := b.pending.LoadAndDelete(r.Req); ok {
			ch.(chan forwardReply) <- r
		}
	case KindSubscribe:
		var cmd subscribeCmd
		if json.Unmarshal(ev.Data, &cmd) != nil || b.Client(cmd.Client) == nil {
			return
		}
		safego.Go(b.log, "realtime forwarded subscribe", func() { b.applyForwarded(cmd) })
	}
}

// applyForwarded applies cmd here and publishes the answer.
func (b *Broker) applyForwarded(cmd subscribeCmd) {
	reply := forwardReply{Req: cmd.Req}
	err := func() error {
		var a core.Actor
		if cmd.AuthID != "" {
			c := b.db.Schema.Collection(cmd.AuthColl)
			if c == nil || !c.IsAuth() {
				return galley.Errorf(galley.EUnauthenticated, "The token's collection no longer exists.")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			recs, err := store.FindRecords(ctx, b.db.Reader(), c, store.Select{ID: cmd.AuthID, Limit: 1})
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				return galley.Errorf(galley.EUnauthenticated, "The token's record no longer exists.")
			}
			a.Auth = recs[0]
			if cmd.Expires != 0 {
				a.Expires = time.Unix(0, cmd.Expires)
			}
		}
		return b.setSubscriptions(cmd.Client, a, cmd.Topics)
	}()
	if err != nil {
		var ge *galley.Error
		if !errors.As(err, &ge) {
			b.log.Error("realtime: forwarded subscribe failed", "err", err)
			ge = galley.Internal(err)
		}
		reply.Code, reply.Message, reply.Fields, reply.Nested = ge.Code, ge.Message, ge.Fields, ge.Nested
	}
	data, _ := json.Marshal(reply)
	if err := b.cfg.Bus.Publish(Event{Kind: KindReply, Data: data}); err != nil {
		b.log.Warn("realtime: publish a forwarded answer", "err", err)
	}
}
