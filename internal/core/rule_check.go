package core

import (
	"strings"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/filter"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// RuleCheck is a rule or filter to check against a collection definition
// that may not be saved yet (the dashboard's editors check as you type).
type RuleCheck struct {
	// Collection is the collection as an editor holds it: the body of
	// POST /api/collections, or of PATCH for an existing one (with its id).
	Collection jsontext.Value `json:"collection"`
	// Rule is the text to check.
	Rule string `json:"rule"`
	// Kind is "rule" (an API rule: @request and @collection allowed,
	// rule limits) or "filter" (a superuser's list filter); "" is "rule".
	Kind string `json:"kind"`
}

// CheckRule reports whether in.Rule compiles against in.Collection (merged
// over the saved collection with its id, as an update would be) and the
// rest of the schema: nil when it does, EInvalid with data.rule
// (validation_invalid_rule) saying what is wrong when not. An invalid
// collection definition is EInvalid naming "collection.<key>". Nothing is
// saved. Superusers only.
func (app *App) CheckRule(a Actor, body []byte) error {
	if err := requireSuperuser(a); err != nil {
		return err
	}
	var in RuleCheck
	if err := jsonv2.Unmarshal(body, &in, jsonv2.RejectUnknownMembers(true)); err != nil {
		return galley.Errorf(galley.EInvalid, "Failed to load the submitted data due to invalid formatting: %s", jsonErrMessage(err))
	}
	switch in.Kind {
	case "", "rule", "filter":
	default:
		return galley.FieldInvalid("kind", "validation_in_invalid", `Must be "rule" or "filter".`)
	}
	if len(in.Collection) == 0 {
		return galley.FieldInvalid("collection", "validation_required", "Cannot be blank.")
	}
	ci, err := decodeCollection(in.Collection, "collection.")
	if err != nil {
		return err
	}
	var old *galley.Collection
	if ci.ID != "" {
		old = app.db.Schema.Collection(ci.ID)
	}
	ws := newWorkingSchema(app.db.Schema.Collections())
	c, err := buildCollection(ci, old, ws, "collection.")
	if err != nil {
		return err
	}
	ws.byIDs[c.ID] = c
	env := filter.Env{Collection: ws.get, Collections: ws.all, Trusted: true, Dialect: app.db.Dialect(),
		Request: &filter.RequestInfo{Context: "default"}}
	if strings.TrimSpace(in.Rule) == "" {
		return nil // an empty rule (or filter) lets everyone through
	}
	if err := filter.Validate(in.Rule, c, env, ruleLimits); err != nil {
		msg := err.Error()
		if ge, ok := err.(*galley.Error); ok {
			msg = ge.Message
		}
		return galley.FieldInvalid("rule", "validation_invalid_rule", msg)
	}
	return nil
}
