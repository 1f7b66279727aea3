package core

import (
	"context"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/auth"
	"github.com/galleyhq/galley/internal/filter"
	"github.com/galleyhq/galley/internal/store"
	jsonv2 "github.com/go-json-experiment/json"
)

// canManage reports whether a may manage record id of the auth collection c:
// superusers always; others when the record matches c's manageRule.
func (app *App) canManage(ctx context.Context, q store.Querier, a Actor, c *galley.Collection, id string) (bool, error) {
	if a.IsSuperuser() {
		return true, nil
	}
	if c.Auth == nil || c.Auth.ManageRule == nil || a.Auth == nil {
		return false, nil
	}
	return app.recordMatches(ctx, q, a, c, id, *c.Auth.ManageRule)
}

// recordMatches reports whether record id of c matches the rule expression
// (trusted compilation; "" matches every record).
func (app *App) recordMatches(ctx context.Context, q store.Querier, a Actor, c *galley.Collection, id, rule string) (bool, error) {
	var where string
	var args []any
	if rule != "" {
		e, err := app.rules.parse(rule)
		if err != nil {
			return false, galley.Internal(err)
		}
		sql, rargs, err := filter.Where(e, c, store.Alias, app.Env(a, true))
		if err != nil {
			return false, galley.Internal(err)
		}
		where, args = sql, rargs
	}
	recs, err := store.FindRecords(ctx, q, c, store.Select{ID: id, Where: where, Args: args, Limit: 1})
	return len(recs) == 1, err
}

// checkAuthBody enforces who may set the protected fields of an auth record:
// tokenKey never; id only at creation; verified only managers; email and
// password of an existing record only managers, or the owner changing the
// password with a correct oldPassword (email changes go through
// request-email-change). A protected field counts as sent whatever key
// spelling carries it: "password+", "+email" and "verified-" are the
// fields they name (and are refused as modifiers by applyBody as well).
// Violations are 400 naming the field.
func checkAuthBody(a Actor, old *galley.Record, body Body, manage bool) error {
	errs := galley.ValidationErrors{}
	has := func(k string) bool {
		for key := range body {
			if name, _ := modifier(key); name == k {
				return true
			}
		}
		return false
	}
	if has("tokenKey") {
		errs.Add("tokenKey", "validation_forbidden", "tokenKey cannot be set.")
	}
	if old != nil && has("id") {
		var id string
		if jsonv2.Unmarshal(body["id"], &id) != nil || id != old.ID() {
			errs.Add("id", "validation_pk_change", "The record primary key cannot be changed.")
		}
	}
	if has("verified") && !manage {
		// PocketBase's code and message; only superusers and records
		// matching the manageRule may change verified.
		errs.Add("verified", "validation_values_mismatch", "Values don't match.")
	}
	if old != nil && !manage {
		if has("email") {
			var email string
			if jsonv2.Unmarshal(body["email"], &email) != nil || email != old.GetString("email") {
				// As PocketBase answers it; the way to change an email is
				// request-email-change.
				errs.Add("email", "validation_values_mismatch", "Values don't match.")
			}
		}
		if has("password") {
			var oldPw string
			if v, ok := body["oldPassword"]; ok {
				_ = jsonv2.Unmarshal(v, &oldPw)
			}
			if oldPw == "" {
				errs.Add("oldPassword", "validation_required", "Cannot be blank.")
			} else if !auth.CheckPassword(old.GetString("password"), oldPw) {
				errs.Add("oldPassword", "validation_invalid_old_password", "Missing or invalid old password.")
			}
		}
	}
	return errs.Err()
}
