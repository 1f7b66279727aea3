// Command custom is a custom Galley binary: Galley's whole command line
// with an application's own Go hooks and routes.
//
//	go run ./examples/custom serve            # as `galley serve`, with the hooks below
//	go build -o myapp ./examples/custom
//
// It refuses posts whose title contains a banned word, stamps every new
// post with its author (when the collection has an "author" relation to
// the requester's collection), and serves GET /api/stats with the number
// of posts to signed-in users.
package main

import (
	"strings"

	"github.com/galleyhq/galley/galleyapp"
)

var banned = []string{"spam", "casino"}

func main() {
	app := galleyapp.New()

	app.OnRecordCreateRequest(func(e *galleyapp.RecordRequestEvent) error {
		title := strings.ToLower(e.Record.GetString("title"))
		for _, w := range banned {
			if strings.Contains(title, w) {
				return galleyapp.BadRequest("The title contains a banned word: " + w + ".")
			}
		}
		if e.Actor.Auth != nil && e.Collection.Field("author") != nil {
			e.Record.Data["author"] = e.Actor.Auth.ID()
		}
		return e.Next()
	}, "posts")

	app.OnServe(func(e *galleyapp.ServeEvent) error {
		return e.Router.GET("/api/stats", func(re *galleyapp.RequestEvent) error {
			posts, err := re.App.FindRecordsByFilter(re.R.Context(), "posts", "", "", 10000, 0, nil)
			if err != nil {
				return err
			}
			return re.JSON(200, map[string]any{"posts": len(posts)})
		}, galleyapp.RequireAuth())
	})

	app.Start()
}
