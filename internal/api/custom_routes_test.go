package api_test

import (
	"net/http"
	"testing"

	"github.com/galleyhq/galley/internal/api"
	"github.com/galleyhq/galley/internal/testserver"
)

func TestAddRoute(t *testing.T) {
	s := testserver.New(t)
	fileCollection(t, s)
	_, utok := newUser(t, s, "u@example.com")
	err := s.API.AddRoute("POST", "/api/hello/{name}", func(e *api.RequestEvent) error {
		var in struct {
			Greeting string `json:"greeting"`
		}
		if err := e.BindBody(&in); err != nil {
			return err
		}
		return e.JSON(http.StatusOK, map[string]any{"msg": in.Greeting + " " + e.R.PathValue("name"), "user": e.Actor.Auth.GetString("email")})
	}, api.RequireAuth("users"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.API.AddRoute("GET", "/api/admin-only", func(e *api.RequestEvent) error { return e.String(200, "ok") }, api.RequireSuperuser()); err != nil {
		t.Fatal(err)
	}
	res := s.Do("POST", "/api/hello/ann", utok, map[string]any{"greeting": "hi"}).Status(200).JSON()
	if res["msg"] != "hi ann" || res["user"] != "u@example.com" {
		t.Fatalf("%v", res)
	}
	s.Do("POST", "/api/hello/ann", "", map[string]any{"greeting": "hi"}).Status(401)
	s.Do("POST", "/api/hello/ann", s.SuperToken, map[string]any{"greeting": "hi"}).Status(403)
	s.Do("POST", "/api/hello/ann", utok, "{bad").Status(400)
	s.Do("GET", "/api/admin-only", utok, nil).Status(403)
	s.Do("GET", "/api/admin-only", s.SuperToken, nil).Status(200)
	// A route of Galley's own cannot be replaced.
	if err := s.API.AddRoute("GET", "/api/collections/{collection}/records", func(e *api.RequestEvent) error { return nil }); err == nil {
		t.Fatal("a clashing route was accepted")
	}
	if err := s.API.AddRoute("GET", "/_/evil", func(e *api.RequestEvent) error { return nil }); err == nil {
		t.Fatal("a dashboard route was accepted")
	}
}

// TestAddCatchAllRoute: an app may add a route for every path (a
// single-page app's fallback); paths without any route answer
// PocketBase's JSON 404 ("File not found." for GET, "The requested
// resource wasn't found." otherwise) without a "/" pattern that would
// clash with it.
func TestAddCatchAllRoute(t *testing.T) {
	s := testserver.New(t)
	s.Do("GET", "/nowhere", "", nil).Status(404).Contains(`"message":"File not found."`)
	s.Do("PUT", "/nowhere", "", nil).Status(404).Contains(`"message":"The requested resource wasn't found."`)
	s.Do("GET", "/api", "", nil).Status(404).Contains(`"message":"File not found."`)
	if err := s.API.AddRoute("", "/{path...}", func(e *api.RequestEvent) error { return e.String(200, "app") }); err != nil {
		t.Fatal(err)
	}
	s.Do("GET", "/nowhere", "", nil).Status(200).Contains("app")
	s.Do("GET", "/api/nowhere", "", nil).Status(404).Contains(`"message":"File not found."`)
}
