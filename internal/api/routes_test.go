package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// routeCall sends one request for a route of the table and returns its
// status and, for refusals, the error message. It does not read other
// bodies, so streaming routes (realtime) answer as soon as their headers
// are out.
func (e *opsEnv) routeCall(method, path, token string) (int, string) {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var body io.Reader
	if method != http.MethodGet && method != http.MethodDelete {
		body = strings.NewReader(`{}`)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.hs.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.hs.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusForbidden {
		return res.StatusCode, ""
	}
	var out struct {
		Message string `json:"message"`
	}
	b, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		e.t.Errorf("%s %s: %d with body %q", method, path, res.StatusCode, b)
	}
	return res.StatusCode, out.Message
}

// routePath turns a route pattern into a method and a concrete path:
// {collection} becomes collection, {id} an id that does not exist, and the
// catch-all "/api/" an unknown route.
func routePath(pattern, collection string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodGet, pattern
	}
	if path == "/api/" {
		path = "/api/no-such-route"
	}
	path = strings.ReplaceAll(path, "{collection}", collection)
	path = strings.ReplaceAll(path, "{id}", "missing0000001")
	return method, path
}

// TestRouteAccess walks the route table and checks every route's declared
// access against what it answers, so a route cannot forget its check:
// superusers routes answer 401 (with PocketBase's message) to a guest and
// 403 to a user, with a body a superuser gets past the check with;
// auth-record routes answer 401 to a guest and let a user through; routes
// open to anyone never answer a guest 401.
func TestRouteAccess(t *testing.T) {
	e := newOpsEnv(t, envOpts{})
	seen := map[string]bool{}
	counts := map[access]int{}
	for _, rt := range e.srv.routeTable() {
		if seen[rt.pattern] {
			t.Errorf("%s: listed twice", rt.pattern)
		}
		seen[rt.pattern] = true
		counts[rt.access]++
		method, path := routePath(rt.pattern, "users")
		switch rt.access {
		case superusers:
			if code, msg := e.routeCall(method, path, ""); code != 401 || msg != "The request requires valid record authorization token." {
				t.Errorf("%s as guest: %d %q, want 401", rt.pattern, code, msg)
			}
			if code, msg := e.routeCall(method, path, e.user); code != 403 || msg != "The authorized record is not allowed to perform this action." {
				t.Errorf("%s as user: %d %q, want 403", rt.pattern, code, msg)
			}
			// A collection that does not exist: nothing is changed or deleted.
			method, path := routePath(rt.pattern, "no_such_collection")
			if code, msg := e.routeCall(method, path, e.super); code == 401 || code == 403 {
				t.Errorf("%s as superuser: %d %q", rt.pattern, code, msg)
			}
		case authRecord:
			if code, msg := e.routeCall(method, path, ""); code != 401 {
				t.Errorf("%s as guest: %d %q, want 401", rt.pattern, code, msg)
			}
			if code, msg := e.routeCall(method, path, e.user); code == 401 || code == 403 {
				t.Errorf("%s as user: %d %q", rt.pattern, code, msg)
			}
		case anyone:
			if code, msg := e.routeCall(method, path, ""); code == 401 {
				t.Errorf("%s as guest: %d %q, but the table says anyone may call it", rt.pattern, code, msg)
			}
		default:
			t.Errorf("%s: unknown access %d", rt.pattern, rt.access)
		}
	}
	if counts[superusers] == 0 || counts[authRecord] == 0 || counts[anyone] == 0 {
		t.Fatalf("route table access counts %v", counts)
	}
}
