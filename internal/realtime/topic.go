package realtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/filter"
)

// TopicOAuth2 is the topic of OAuth2 popup redirects.
const TopicOAuth2 = "@oauth2"

// Subscription is one parsed topic of a client. Raw is the topic as the
// client sent it; events for the subscription carry Raw as their name, so
// the SDK finds its listener (options included).
type Subscription struct {
	Raw string
	// CollectionID is the collection of a record topic; "" for @oauth2 and
	// for custom topics (any other name: PB_CONNECT, "chat:room1",
	// "orders"), which no record event reaches.
	CollectionID string
	// RecordID is set for "collection/id" topics; "" means every record
	// ("collection" and "collection/*"), checked against the listRule.
	RecordID string

	// From ?options=: query.filter/expand/fields and the request values
	// that @request.query.* and @request.headers.* read.
	Filter  filter.Expr
	Expand  string
	Fields  *core.FieldsProjection
	Query   map[string]string
	Headers map[string]string
	// key identifies the options for grouping (same options, same result).
	key string
}

// topicError is a 400 naming the subscription.
func topicError(i int, code, format string, args ...any) error {
	return topicErrorParams(i, code, fmt.Sprintf(format, args...), nil)
}

// topicErrorParams is the error of topic i, answered as PocketBase nests
// it: {"subscriptions": {"<i>": {"code", "message", "params"}}}.
func topicErrorParams(i int, code, message string, params map[string]any) error {
	e := galley.FieldInvalidParams(fmt.Sprintf("subscriptions.%d", i), code, message, params)
	e.Nested = true
	return e
}

// tooManyTopics is PocketBase's error for more than max topics.
func tooManyTopics(max int) error {
	return galley.FieldInvalidParams("subscriptions", "validation_length_too_long", fmt.Sprintf("The length must be no more than %d.", max),
		map[string]any{"max": max, "min": 0})
}

// parseTopic parses topic i of a subscription request for collections
// looked up with lookup; check validates an options filter for the
// subscriber. A topic whose first path segment names no collection is a
// custom topic, accepted as PocketBase accepts any name (the SDK's own
// PB_CONNECT listener, "chat:room1", "orders"): record events never reach
// it, and its ?options are not read. The collection is looked up once,
// when the subscription is set. An empty or over-long topic, one with
// control characters or invalid UTF-8, and for a collection's topic a
// malformed record id, malformed options, filters the subscriber may not
// use and bad expand/fields are EInvalid naming the topic.
func parseTopic(i int, raw string, lookup func(string) *galley.Collection, check func(*galley.Collection, filter.Expr) error, maxLen int) (*Subscription, error) {
	if raw == "" {
		return nil, topicError(i, "validation_required", "The topic cannot be empty.")
	}
	if len(raw) > maxLen {
		return nil, topicErrorParams(i, "validation_length_too_long", fmt.Sprintf("The length must be no more than %d.", maxLen),
			map[string]any{"max": maxLen, "min": 0})
	}
	if !utf8.ValidString(raw) {
		return nil, topicError(i, "validation_invalid_value", "The topic must be valid UTF-8.")
	}
	if strings.IndexFunc(raw, unicode.IsControl) >= 0 {
		return nil, topicError(i, "validation_invalid_value", "The topic cannot contain control characters (line breaks, tabs, NUL).")
	}
	s := &Subscription{Raw: raw}
	path, rawQuery, _ := strings.Cut(raw, "?")
	if path == TopicOAuth2 {
		return s, nil
	}
	coll, id, hasID := strings.Cut(path, "/")
	c := lookup(coll)
	if c == nil {
		return s, nil // a custom topic
	}
	s.CollectionID = c.ID
	if hasID && id != "*" {
		if id == "" || strings.Contains(id, "/") {
			return nil, topicError(i, "validation_invalid_topic", "Invalid topic %q: expected collection, collection/* or collection/recordId.", path)
		}
		s.RecordID = id
	}
	if rawQuery == "" {
		return s, nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, topicError(i, "validation_invalid_value", "Invalid topic query: %v.", err)
	}
	if opts := q.Get("options"); opts != "" {
		if err := s.parseOptions(i, opts, c, check); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// parseOptions reads {"query": {...}, "headers": {...}}.
func (s *Subscription) parseOptions(i int, raw string, c *galley.Collection, check func(*galley.Collection, filter.Expr) error) error {
	var o struct {
		Query   map[string]any `json:"query"`
		Headers map[string]any `json:"headers"`
	}
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		return topicError(i, "validation_invalid_value", "Invalid options JSON: %v.", err)
	}
	s.Query = stringMap(o.Query, false)
	s.Headers = stringMap(o.Headers, true)
	if src := s.Query["filter"]; src != "" {
		e, err := filter.Parse(src, filter.Limits{})
		if err == nil && e != nil {
			err = check(c, e)
		}
		if err != nil {
			return topicError(i, "validation_invalid_filter", "%s", errMessage(err))
		}
		s.Filter = e
	}
	if s.Query["expand"] != "" {
		s.Expand = s.Query["expand"]
	}
	if f := s.Query["fields"]; f != "" {
		p, err := core.ParseFields(f)
		if err != nil {
			return topicError(i, "validation_invalid_value", "fields: %s", errMessage(err))
		}
		s.Fields = p
	}
	s.key = canonical(s.Query) + "\x00" + canonical(s.Headers)
	return nil
}

// stringMap turns JSON option values into strings; header keys are
// lower-cased with '-' as '_' (as @request.headers reads them).
func stringMap(m map[string]any, header bool) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if header {
			k = strings.ReplaceAll(strings.ToLower(k), "-", "_")
		}
		switch x := v.(type) {
		case string:
			out[k] = x
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			out[k] = strconv.FormatBool(x)
		case nil:
		default:
			b, _ := json.Marshal(x)
			out[k] = string(b)
		}
	}
	return out
}

func canonical(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(strconv.Quote(k))
		b.WriteByte('=')
		b.WriteString(strconv.Quote(m[k]))
		b.WriteByte(';')
	}
	return b.String()
}

// errMessage is the user-facing text of err (field details included).
func errMessage(err error) string {
	var ge *galley.Error
	if !errors.As(err, &ge) {
		return err.Error()
	}
	msg := ge.Message
	for _, f := range ge.Fields {
		msg += " " + f.Message
	}
	return msg
}
