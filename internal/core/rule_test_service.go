package core

import (
	"context"
	"fmt"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/store"
)

// RuleTest asks which records of a collection a rule lets one requester
// reach (the dashboard's rule tester).
type RuleTest struct {
	// Action is "list", "view", "update" or "delete".
	Action string `json:"action"`
	// Rule is the rule to try; nil tries the collection's saved rule of
	// Action. "" lets everyone through.
	Rule *string `json:"rule"`
	// AuthCollection and AuthID name the requester's auth record; both
	// empty is a guest.
	AuthCollection string `json:"authCollection"`
	AuthID         string `json:"authId"`
	// Filter narrows the records looked at (the superuser's filter).
	Filter string `json:"filter"`
	// PerPage bounds the records returned (default 30, at most 200).
	PerPage int `json:"perPage"`
}

// RuleTestResult is what the tried rule lets the requester reach: the
// total, the first PerPage records (as a superuser sees them), and whether
// the rule is null (superusers only: nothing reachable).
type RuleTestResult struct {
	TotalItems int              `json:"totalItems"`
	Items      []*galley.Record `json:"items"`
	Locked     bool             `json:"locked"`
	Rule       *string          `json:"rule"`
}

// TestRule runs t against the collection: the records the rule (t.Rule or
// the saved one) lets t's requester reach for t.Action, evaluated exactly
// as a request would be (the same compiled SQL, the requester's auth
// record as @request.auth). Only superusers may ask; an unknown auth
// record is EInvalid naming authId; a rule that does not compile is
// EInvalid naming rule.
func (app *App) TestRule(ctx context.Context, a Actor, collection string, t RuleTest) (*RuleTestResult, error) {
	if err := requireSuperuser(a); err != nil {
		return nil, err
	}
	c, err := app.recordCollection(collection)
	if err != nil {
		return nil, err
	}
	switch t.Action {
	case "list", "view", "update", "delete":
	default:
		return nil, galley.FieldInvalid("action", "validation_in_invalid", `Must be "list", "view", "update" or "delete".`)
	}
	if t.PerPage <= 0 {
		t.PerPage = 30
	}
	t.PerPage = min(t.PerPage, 200)
	requester := Actor{Request: a.Request}
	if t.AuthCollection != "" || t.AuthID != "" {
		ac := app.db.Schema.Collection(t.AuthCollection)
		if ac == nil || !ac.IsAuth() {
			return nil, galley.FieldInvalid("authCollection", "validation_invalid_value", "Not an auth collection.")
		}
		rec, err := findByID(ctx, app.db.Reader(), ac, t.AuthID)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, galley.FieldInvalid("authId", "validation_invalid_value", fmt.Sprintf("No record %q in %q.", t.AuthID, ac.Name))
		}
		requester.Auth = rec
	}
	rule := *c.Rule(t.Action)
	if t.Rule != nil {
		rule = t.Rule
		if *t.Rule != "" {
			if err := compileRule(*t.Rule, c, app.Env(requester, true)); err != nil {
				return nil, galley.FieldInvalid("rule", "validation_invalid_rule", err.Error())
			}
		}
	}
	out := &RuleTestResult{Items: []*galley.Record{}, Rule: rule}
	if rule == nil && !requester.IsSuperuser() {
		out.Locked = true
		return out, nil
	}
	tried := *c
	*tried.Rule(t.Action) = rule
	where, args, err := app.NewCheck(requester, &tried, t.Action, nil, "").Where()
	if err != nil {
		return nil, err
	}
	fSQL, fArgs, err := app.userFilter(a, c, t.Filter)
	if err != nil {
		return nil, err
	}
	where = and(where, fSQL)
	args = append(args, fArgs...)
	items, err := store.FindRecords(ctx, app.db.Reader(), c, store.Select{Where: where, Args: args, Order: app.db.RowOrder(c, store.Alias), Limit: t.PerPage})
	if err != nil {
		return nil, err
	}
	n, err := app.db.CountRecords(ctx, c, where, args, nil) // a rule under test: counted as it stands
	if err != nil {
		return nil, err
	}
	out.TotalItems = int(n)
	if items != nil {
		out.Items = items
	}
	return out, nil
}
