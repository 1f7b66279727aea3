package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coder/websocket"
	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/safego"
)

// MaxWSMessage bounds one message a WebSocket client sends.
const MaxWSMessage = 64 << 10

// Authenticator turns a token into its auth record and the token's expiry; errors are
// EUnauthenticated for bad tokens.
type Authenticator func(ctx context.Context, token string) (*galley.Record, time.Time, error)

// wsIn is a client → server message. See the README's Realtime section.
type wsIn struct {
	Type    string          `json:"type"`
	ID      json.RawMessage `json:"id"`
	Token   *string         `json:"token"`
	Topics  []string        `json:"topics"`
	Channel string          `json:"channel"`
	Meta    json.RawMessage `json:"meta"`
	Data    json.RawMessage `json:"data"`
}

// OriginAllowed reports whether a browser Origin may open a WebSocket:
// no Origin header (not a browser), an empty list or "*" allows all,
// otherwise the origin must be listed (a trailing slash ignored).
func OriginAllowed(origin string, allowed []string) bool {
	if origin == "" || len(allowed) == 0 || slices.Contains(allowed, "*") {
		return true
	}
	for _, a := range allowed {
		if strings.TrimSuffix(strings.TrimSpace(a), "/") == origin {
			return true
		}
	}
	return false
}

// ServeWS upgrades r to a WebSocket for client c and serves it until
// either side closes; it then disconnects c. The caller has checked the
// Origin. token (from ?token=, may be "") authenticates the connection at
// once; an invalid one refuses the upgrade with EUnauthenticated.
func (b *Broker) ServeWS(w http.ResponseWriter, r *http.Request, c *Client, authn Authenticator, token string) error {
	b.streamStarted()
	defer b.streamEnded()
	if token != "" {
		rec, exp, err := authn(r.Context(), token)
		if err != nil {
			b.Disconnect(c, "bad token")
			return err
		}
		_ = b.Authorize(c, rec, exp)
	}
	cw := &corkingWriter{ResponseWriter: w, timeout: b.cfg.WriteTimeout}
	conn, err := websocket.Accept(cw, r, &websocket.AcceptOptions{InsecureSkipVerify: true}) // Origin checked by the caller
	if err != nil {
		b.Disconnect(c, "upgrade failed")
		return nil // Accept has answered
	}
	cc := cw.conn // every network write has its own deadline there
	defer b.Disconnect(c, "connection closed")
	conn.SetReadLimit(MaxWSMessage)
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	activity := make(chan struct{}, 1)
	safego.Go(b.log, "realtime ws reader", func() {
		defer cancel()
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				c.close("read: " + websocket.CloseStatus(err).String())
				return
			}
			select {
			case activity <- struct{}{}:
			default:
			}
			b.handleWS(ctx, c, authn, data)
		}
	})
	// Writes need no context deadline: cc puts one on every network write.
	// Messages already queued go out corked, one system call per batch.
	write := func(data []byte) bool {
		return conn.Write(context.Background(), websocket.MessageText, data) == nil
	}
	writeBatch := func(m *Message) bool {
		cc.cork()
		ok := write(wsFrame(m))
		for n := 1; ok && n < maxWSBatch; n++ {
			select {
			case next := <-c.out:
				ok = write(wsFrame(next))
				continue
			default:
			}
			break
		}
		return cc.uncork() == nil && ok
	}
	hello, _ := json.Marshal(map[string]string{"type": "connect", "clientId": c.ID})
	if !write(hello) {
		return nil
	}
	idle := time.NewTimer(b.cfg.IdleTimeout)
	defer idle.Stop()
	age := time.NewTimer(b.cfg.MaxAge)
	defer age.Stop()
	for {
		select {
		case m := <-c.out:
			if !writeBatch(m) {
				c.close("write failed")
				conn.CloseNow()
				return nil
			}
			idle.Reset(b.cfg.IdleTimeout)
		case <-activity:
			idle.Reset(b.cfg.IdleTimeout)
		case <-idle.C:
			conn.Close(websocket.StatusGoingAway, "idle timeout")
			return nil
		case <-age.C:
			conn.Close(websocket.StatusGoingAway, "maximum connection age reached")
			return nil
		case <-c.done:
			reason := c.Reason()
			if len(reason) > 100 {
				reason = reason[:100]
			}
			code := websocket.StatusPolicyViolation
			if reason == ReasonShutdown {
				code = websocket.StatusServiceRestart // reconnect: the node is going away
			}
			conn.Close(code, reason)
			return nil
		case <-ctx.Done():
			conn.CloseNow()
			return nil
		}
	}
}

// maxWSBatch bounds the messages written in one corked batch.
const maxWSBatch = 64

// wsFrame renders m as a WebSocket frame.
func wsFrame(m *Message) []byte {
	if m.Raw {
		return m.Data
	}
	topic, _ := json.Marshal(m.Name)
	out := make([]byte, 0, len(m.Data)+len(topic)+40)
	out = append(out, `{"type":"event","topic":`...)
	out = append(out, topic...)
	out = append(out, `,"data":`...)
	out = append(out, m.Data...)
	return append(out, '}')
}

// handleWS runs one client message and queues the reply.
func (b *Broker) handleWS(ctx context.Context, c *Client, authn Authenticator, data []byte) {
	var in wsIn
	if err := json.Unmarshal(data, &in); err != nil {
		b.reply(c, nil, galley.Errorf(galley.EInvalid, "Invalid message: it must be a JSON object."), nil)
		return
	}
	if err := b.allowOp(c); err != nil {
		b.reply(c, in.ID, err, nil)
		return
	}
	var extra map[string]any
	var err error
	switch in.Type {
	case "auth":
		err = b.wsAuth(ctx, c, authn, in.Token)
	case "subscribe":
		err = b.SetSubscriptions(c.ID, core.Actor{Auth: c.Auth()}, in.Topics)
	case "join":
		var list []*Member
		if list, err = b.Join(ctx, c, in.Channel, in.Meta); err == nil {
			extra = map[string]any{"members": list}
		}
	case "leave":
		b.Leave(c, in.Channel)
	case "presence":
		var list []*Member
		if list, err = b.Members(c, in.Channel); err == nil {
			extra = map[string]any{"members": list}
		}
	case "send":
		err = b.Send(ctx, c, in.Channel, in.Data)
	default:
		err = galley.FieldInvalid("type", "validation_invalid_value", `Must be one of "auth", "subscribe", "join", "leave", "presence", "send".`)
	}
	b.reply(c, in.ID, err, extra)
}

// wsAuth replaces the connection's auth with token's record (a null or
// empty token makes it a guest). An invalid token is EUnauthenticated and
// leaves the auth unchanged. Any change of auth leaves every channel, as
// joins were allowed for the previous auth.
func (b *Broker) wsAuth(ctx context.Context, c *Client, authn Authenticator, token *string) error {
	var rec *galley.Record
	var exp time.Time
	if token != nil && *token != "" {
		r, e, err := authn(ctx, *token)
		if err != nil {
			return err
		}
		rec, exp = r, e
	}
	cur := c.auth.Load()
	if authKey(rec) == authKey(cur) {
		if rec != nil {
			c.setAuth(rec, exp)
		}
		return nil
	}
	b.swapAuth(c, cur, rec, exp)
	b.leaveAll(c)
	return nil
}

// reply queues {"type":"ok", "id", ...extra} or the error as {"type":
// "error", "id", "status", "message", "data"}.
func (b *Broker) reply(c *Client, id json.RawMessage, err error, extra map[string]any) {
	m := map[string]any{"type": "ok"}
	if err != nil {
		var ge *galley.Error
		if !errors.As(err, &ge) {
			b.log.Error("realtime: ws request failed", "err", err)
			ge = galley.Internal(err)
		}
		var data any = ge.Fields
		if ge.Nested {
			data = galley.Nest(ge.Fields)
		} else if ge.Fields == nil {
			data = map[string]galley.FieldError{}
		}
		m = map[string]any{"type": "error", "status": status(ge.Code), "message": ge.Message, "data": data}
	}
	for k, v := range extra {
		m[k] = v
	}
	if len(id) > 0 {
		m["id"] = id
	}
	frame, _ := json.Marshal(m)
	b.deliver(c, &Message{Data: frame, Raw: true})
}

// status mirrors the HTTP status of an error code for WebSocket replies.
func status(code galley.ErrorCode) int {
	switch code {
	case galley.EInvalid, galley.EConflict:
		return 400
	case galley.EUnauthenticated:
		return 401
	case galley.EForbidden:
		return 403
	case galley.ENotFound:
		return 404
	case galley.ETooLarge:
		return 413
	case galley.ERateLimited:
		return 429
	case galley.EUnavailable:
		return 503
	}
	return 500
}
