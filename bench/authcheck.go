package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

var (
	authRecordKeys = []string{"collectionId", "collectionName", "id", "name", "email", "emailVisibility", "verified", "created", "updated"}
	noteKeys       = []string{"collectionId", "collectionName", "id", "owner", "title", "created", "updated"}
)

// probeAuth checks one request of an auth scenario (login, auth_refresh,
// rule_list) against the contract and the seeded data, plus the guest
// variant of it: a refresh without a token is 401, a guest list of notes is
// empty. It returns the problems and the sorted keys of the auth record (or
// of the first note) for comparing the servers.
func probeAuth(ctx context.Context, t *target, sc scenario, q req, d *dataset) (problems []string, keys []string) {
	fail := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s %s: ", q.method, q.path)+fmt.Sprintf(format, args...))
	}
	m, err := fetchJSON(ctx, t, q, http.StatusOK)
	if err != nil {
		fail("%v", err)
		return
	}
	switch sc.name {
	case "login", "auth_refresh":
		token, _ := m["token"].(string)
		for _, p := range checkToken(token, t.userIDs[q.user]) {
			fail("%s", p)
		}
		rec, _ := m["record"].(map[string]any)
		if rec == nil {
			fail("no record in the answer")
			return
		}
		for _, p := range checkUser(rec, t.userIDs[q.user], t.userEmails[q.user]) {
			fail("%s", p)
		}
		keys = sortedKeys(rec)
		// The new token must work: list the user's notes with it.
		list := req{method: "GET", path: notesListPath, token: token, user: q.user}
		lm, err := fetchJSON(ctx, t, list, http.StatusOK)
		if err != nil {
			fail("using the new token: GET %s: %v", list.path, err)
		} else if want := d.notesOf(q.user); num(lm["totalItems"]) != float64(want) {
			fail("using the new token: GET %s: totalItems %v, want %d", list.path, lm["totalItems"], want)
		}
		if sc.name == "auth_refresh" {
			guest := req{method: "POST", path: q.path, user: -1}
			if _, err := fetchJSON(ctx, t, guest, http.StatusUnauthorized); err != nil {
				fail("without a token: %v", err)
			}
		}
	case "rule_list":
		keys = checkNotes(fail, m, t.userIDs[q.user], d.notesOf(q.user))
		guest := req{method: "GET", path: q.path, user: -1}
		gm, err := fetchJSON(ctx, t, guest, http.StatusOK)
		if err != nil {
			fail("as a guest: %v", err)
		} else {
			checkNotes(func(format string, args ...any) { fail("as a guest: "+format, args...) }, gm, "", 0)
		}
	}
	return problems, keys
}

// checkNotes checks a first page of 20 notes that should hold owner's
// total notes; it returns the sorted keys of the first item.
func checkNotes(fail func(string, ...any), m map[string]any, owner string, total int) (keys []string) {
	for _, k := range []string{"page", "perPage", "totalItems", "totalPages", "items"} {
		if _, ok := m[k]; !ok {
			fail("list answer has no %q", k)
		}
	}
	if num(m["page"]) != 1 || num(m["perPage"]) != 20 {
		fail("page/perPage = %v/%v, want 1/20", m["page"], m["perPage"])
	}
	if num(m["totalItems"]) != float64(total) || num(m["totalPages"]) != float64((total+19)/20) {
		fail("totalItems/totalPages = %v/%v, want %d/%d", m["totalItems"], m["totalPages"], total, (total+19)/20)
	}
	items, ok := m["items"].([]any)
	if !ok {
		fail("items is not an array: %v", m["items"])
	}
	if len(items) != min(20, total) {
		fail("%d items, want %d", len(items), min(20, total))
	}
	for i, it := range items {
		rec, _ := it.(map[string]any)
		if rec == nil {
			fail("item %d is not an object", i)
			continue
		}
		for _, k := range noteKeys {
			if _, ok := rec[k]; !ok {
				fail("item %d has no %q", i, k)
			}
		}
		if rec["owner"] != owner {
			fail("item %d has owner %v, the listRule wants %q", i, rec["owner"], owner)
		}
		if rec["collectionName"] != "notes" {
			fail("item %d: collectionName = %v, want notes", i, rec["collectionName"])
		}
		if id, _ := rec["id"].(string); !idRE.MatchString(id) {
			fail("item %d: id %q is not 15 [a-z0-9]", i, id)
		}
		if i == 0 {
			keys = sortedKeys(rec)
		}
	}
	return keys
}

// checkToken decodes (without verifying) an auth token's claims.
func checkToken(token, userID string) (problems []string) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return []string{fmt.Sprintf("token %q is not a JWT", truncate(token, 40))}
	}
	var head struct {
		Alg string `json:"alg"`
	}
	if b, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil || json.Unmarshal(b, &head) != nil || head.Alg != "HS256" {
		problems = append(problems, fmt.Sprintf("token header alg %q, want HS256", head.Alg))
	}
	var c struct {
		ID           string  `json:"id"`
		CollectionID string  `json:"collectionId"`
		Type         string  `json:"type"`
		Refreshable  bool    `json:"refreshable"`
		Exp          float64 `json:"exp"`
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return append(problems, fmt.Sprintf("token claims: %v", err))
	}
	if c.ID != userID || c.CollectionID == "" || c.Type != "auth" || !c.Refreshable {
		problems = append(problems, fmt.Sprintf("token claims id=%q collectionId=%q type=%q refreshable=%v, want id=%q, a collectionId, type auth, refreshable",
			c.ID, c.CollectionID, c.Type, c.Refreshable, userID))
	}
	if exp := time.Unix(int64(c.Exp), 0); time.Until(exp) < 24*time.Hour {
		problems = append(problems, fmt.Sprintf("token exp %s is less than a day away", exp.UTC().Format(time.RFC3339)))
	}
	return problems
}

// checkUser checks the auth record of an auth answer: the user's own
// record, email shown, no secrets.
func checkUser(rec map[string]any, id, email string) (problems []string) {
	for _, k := range authRecordKeys {
		if _, ok := rec[k]; !ok {
			problems = append(problems, fmt.Sprintf("record has no %q", k))
		}
	}
	for _, k := range []string{"password", "tokenKey", "passwordConfirm"} {
		if _, ok := rec[k]; ok {
			problems = append(problems, fmt.Sprintf("record shows %q", k))
		}
	}
	if rec["id"] != id || rec["email"] != email || rec["collectionName"] != "users" {
		problems = append(problems, fmt.Sprintf("record id/email/collectionName = %v/%v/%v, want %s/%s/users",
			rec["id"], rec["email"], rec["collectionName"], id, email))
	}
	if c, _ := rec["created"].(string); c != "" {
		if _, err := time.Parse("2006-01-02 15:04:05.000Z", c); err != nil {
			problems = append(problems, fmt.Sprintf("created %q is not 2006-01-02 15:04:05.000Z", c))
		}
	}
	return problems
}
