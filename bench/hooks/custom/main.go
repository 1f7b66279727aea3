// Command custom is the custom Galley binary bench/hooks loads: Galley's
// whole command line with one Go route (GET /api/bench/go, answering
// {"ok":true}) and one Go hook that sets a field (OnRecordCreate on the
// collection "gostamped": stamp = "go"), the Go counterparts of the
// JavaScript route and hook in bench/hooks's hooks directory.
package main

import "github.com/galleyhq/galley/galleyapp"

func main() {
	app := galleyapp.New()
	app.OnRecordCreate(func(e *galleyapp.RecordWriteEvent) error {
		e.Record.Data["stamp"] = "go"
		return e.Next()
	}, "gostamped")
	app.OnServe(func(e *galleyapp.ServeEvent) error {
		return e.Router.GET("/api/bench/go", func(re *galleyapp.RequestEvent) error {
			return re.JSON(200, map[string]bool{"ok": true})
		})
	})
	app.Start()
}
