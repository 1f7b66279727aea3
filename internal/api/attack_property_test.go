package api_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/testserver"
)

var bodyRuleTrials = flag.Int("body-rule-trials", 80, "trials of TestStoredValueSatisfiesTheRuleItSaw (longer runs: -body-rule-trials=5000 -body-rule-seed=N)")
var bodyRuleSeed = flag.Uint64("body-rule-seed", 1, "seed of TestStoredValueSatisfiesTheRuleItSaw")

// TestStoredValueSatisfiesTheRuleItSaw is a property test: for random
// updateRules over @request.body and random bodies mixing plain keys and
// modifiers, an update the rule lets through stores values on which the
// rule holds, and an update the rule refuses would have stored values on
// which it does not (what it would have stored is found by sending the same
// body as a superuser). The rule is evaluated on the stored values with the
// in-memory evaluator, so the REST path (SQL) and the memory path must agree
// too. Fixed seed; see the flags for longer runs.
func TestStoredValueSatisfiesTheRuleItSaw(t *testing.T) {
	s := testserver.New(t)
	usersCollection(t, s, nil)
	_, tok := signUp(t, s, "p@example.com", "password-1")
	s.Super("POST", "/api/collections", map[string]any{"name": "items", "type": "base",
		"listRule": "", "viewRule": "", "createRule": "", "updateRule": "",
		"fields": []map[string]any{{"name": "title", "type": "text"}, {"name": "n", "type": "number"},
			{"name": "tags", "type": "select", "values": []string{"a", "b", "c", "d"}, "maxSelect": 4},
			{"name": "s", "type": "select", "values": []string{"a", "b", "c"}, "maxSelect": 1}}}).Status(200)
	base := map[string]any{"title": "t", "n": 5, "tags": []string{"a", "b"}, "s": "a"}
	id := s.Super("POST", "/api/collections/items/records", base).Status(200).JSON()["id"].(string)
	url := "/api/collections/items/records/" + id
	rng := rand.New(rand.NewPCG(*bodyRuleSeed, 2))
	var passed, refused int
	for trial := 0; trial < *bodyRuleTrials; trial++ {
		rule := randomBodyRule(rng)
		body := randomModBody(rng)
		s.Super("PATCH", "/api/collections/items", map[string]any{"updateRule": rule}).Status(200)
		s.Super("PATCH", url, base).Status(200)
		r := s.Do("PATCH", url, tok, body)
		if r.Code == 400 {
			continue // invalid body (e.g. too many tags): nothing stored
		}
		var stored map[string]any
		switch r.Code {
		case 200:
			stored = r.JSON()
			passed++
		case 404:
			s.Super("PATCH", url, base).Status(200)
			stored = s.Super("PATCH", url, body).Status(200).JSON()
			refused++
		default:
			t.Fatalf("trial %d: rule %q body %v: status %d: %s", trial, rule, body, r.Code, r.Body)
		}
		saw := map[string]any{}
		for k := range body {
			name := strings.Trim(k, "+-")
			saw[name] = stored[name]
		}
		holds := evalBodyRule(t, s, rule, saw)
		if holds != (r.Code == 200) {
			t.Fatalf("trial %d: rule %q body %v: status %d, but the rule on the stored values %v is %v", trial, rule, body, r.Code, saw, holds)
		}
	}
	if passed == 0 || refused == 0 {
		t.Fatalf("the trials did not exercise both outcomes: %d passed, %d refused", passed, refused)
	}
	t.Logf("%d passed, %d refused", passed, refused)
}

func evalBodyRule(t *testing.T, s *testserver.Server, rule string, body map[string]any) bool {
	t.Helper()
	c := s.DB.Schema.Collection("items")
	e, err := filter.Parse(rule, filter.Limits{})
	if err != nil {
		t.Fatalf("parse %q: %v", rule, err)
	}
	a := core.Actor{Request: &filter.RequestInfo{Method: "PATCH", Body: body}}
	// The rules read only @request.body: the record itself does not matter.
	rec := &galley.Record{Collection: c, Data: map[string]any{"id": "x"}}
	ok, err := filter.Eval(e, c, rec, s.App.Env(a, true))
	if err != nil {
		t.Fatalf("eval %q on %v: %v", rule, body, err)
	}
	return ok
}

func randomBodyRule(rng *rand.Rand) string {
	ops := []string{"<", "<=", ">", ">=", "=", "!="}
	atom := func() string {
		switch rng.IntN(7) {
		case 0, 1:
			return fmt.Sprintf("@request.body.n %s %d", ops[rng.IntN(len(ops))], rng.IntN(12))
		case 2:
			return fmt.Sprintf("@request.body.tags:length %s %d", ops[rng.IntN(len(ops))], rng.IntN(4))
		case 3:
			return fmt.Sprintf("@request.body.tags ?= %q", string(rune('a'+rng.IntN(4))))
		case 4:
			return fmt.Sprintf("@request.body.s %s %q", ops[4+rng.IntN(2)], string(rune('a'+rng.IntN(3))))
		case 5:
			return fmt.Sprintf("@request.body.%s:isset = %v", []string{"n", "tags", "s"}[rng.IntN(3)], rng.IntN(2) == 0)
		}
		return `@request.body.title != ""`
	}
	rule := atom()
	for i := rng.IntN(3); i > 0; i-- {
		rule += []string{" && ", " || "}[rng.IntN(2)] + atom()
	}
	return rule
}

func randomModBody(rng *rand.Rand) map[string]any {
	keys := []string{"n", "n+", "n-", "tags", "tags+", "+tags", "tags-", "s", "s+", "s-", "title"}
	body := map[string]any{}
	for i := 1 + rng.IntN(3); i > 0; i-- {
		k := keys[rng.IntN(len(keys))]
		switch strings.Trim(k, "+-") {
		case "n":
			if rng.IntN(8) == 0 {
				body[k] = nil
			} else {
				body[k] = rng.IntN(10)
			}
		case "tags":
			var v []string
			for j := rng.IntN(3); j > 0; j-- {
				v = append(v, string(rune('a'+rng.IntN(4))))
			}
			if rng.IntN(3) == 0 && len(v) > 0 {
				body[k] = v[0]
			} else {
				body[k] = v
			}
		case "s":
			body[k] = string(rune('a' + rng.IntN(3)))
		default:
			body[k] = []string{"", "x"}[rng.IntN(2)]
		}
	}
	return body
}
