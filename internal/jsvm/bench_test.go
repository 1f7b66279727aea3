package jsvm_test

import (
	"context"
	"testing"

	"github.com/galleyhq/galley/internal/core"
	"github.com/go-json-experiment/json/jsontext"
)

// BenchmarkCreate: record creates through the App's service with no hook,
// an empty JavaScript request hook, and one that sets a field (the cost a
// hook adds: a runtime from the pool, the event object, the call).
func BenchmarkCreate(b *testing.B) {
	for _, c := range []struct{ name, src string }{
		{"none", ""},
		{"empty", `onRecordCreateRequest((e) => e.next(), "posts");`},
		{"goset", "go"},
		{"set", `onRecordCreateRequest((e) => { e.record.set("slug", e.record.get("title") + "!"); e.next(); }, "posts");`},
		{"write-empty", `onRecordCreate((e) => e.next(), "posts");`},
		{"write-set", `onRecordCreate((e) => { e.record.set("slug", e.record.get("title") + "!"); e.next(); }, "posts");`},
	} {
		b.Run(c.name, func(b *testing.B) {
			e := setup(b, nil)
			if c.src == "go" {
				e.s.App.Hooks().RecordCreateRequest.BindFor(func(e *core.RecordRequestEvent) error {
					e.Record.Data["slug"] = e.Record.GetString("title") + "!"
					return e.Next()
				}, "posts")
			} else if c.src != "" {
				e.write(b, "b.pb.js", c.src)
				if err := e.vm.Reload(); err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			in := core.RecordInput{Body: core.Body{"title": jsontext.Value(`"hello"`)}}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.s.App.CreateRecord(ctx, core.Actor{}, "posts", in, ""); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
