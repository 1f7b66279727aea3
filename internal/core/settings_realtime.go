package core

import (
	"fmt"
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
)

// RealtimeSettings configure the WebSocket channels (presence and
// broadcast). A channel is usable only when a ChannelRule matches its name;
// the first matching rule applies.
type RealtimeSettings struct {
	Channels []ChannelRule `json:"channels"`
}

// ChannelRule decides who may join a channel (be listed in its presence,
// see joins and leaves, receive its messages) and who may send to it.
// Pattern is an exact channel name, or a prefix ending in "*" ("room:*",
// "*"). The rules are filter expressions as API rules are: nil (JSON null)
// allows superusers only, "" everyone, anything else is evaluated with
// @request.auth.* (the client's auth record), @request.context
// ("realtime"), @request.body.channel (the channel name) and
// @request.body.meta.* (the join metadata) or @request.body.data (the sent
// message); there is no row, so only @request, @collection and macros can
// be used.
type ChannelRule struct {
	Pattern  string  `json:"pattern"`
	JoinRule *string `json:"joinRule"`
	SendRule *string `json:"sendRule"`
}

// Matches reports whether channel matches r.Pattern.
func (r ChannelRule) Matches(channel string) bool {
	if p, ok := strings.CutSuffix(r.Pattern, "*"); ok {
		return strings.HasPrefix(channel, p)
	}
	return r.Pattern == channel
}

// ChannelRule returns the first rule matching channel, nil when none does.
func (s RealtimeSettings) ChannelRule(channel string) *ChannelRule {
	for i := range s.Channels {
		if s.Channels[i].Matches(channel) {
			return &s.Channels[i]
		}
	}
	return nil
}

func (s RealtimeSettings) validate(v galley.ValidationErrors) {
	if len(s.Channels) > 100 {
		v.Add("realtime.channels", "validation_too_many_values", "At most 100 channel rules are allowed.")
	}
	for i, c := range s.Channels {
		key := fmt.Sprintf("realtime.channels.%d", i)
		if strings.TrimSpace(c.Pattern) == "" || len(c.Pattern) > 255 || strings.Contains(strings.TrimSuffix(c.Pattern, "*"), "*") {
			v.Add(key+".pattern", "validation_invalid_value", `Must be a channel name, or a prefix ending in "*" (at most 255 characters).`)
		}
		for name, r := range map[string]*string{"joinRule": c.JoinRule, "sendRule": c.SendRule} {
			if r == nil {
				continue
			}
			if _, err := filter.Parse(*r, ruleLimits); err != nil {
				v.Add(key+"."+name, "validation_invalid_rule", err.Error())
			}
		}
	}
}
