package jsvm_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/cron"
	"github.com/galleyhq/galley/internal/cron/crontest"
	"github.com/galleyhq/galley/internal/jsvm"
)

func scheduler(s *cron.Scheduler) jsvm.Scheduler {
	return jsvm.CronFuncs{AddFunc: func(id, expr string, fn func(context.Context) error) error { return s.Add(id, expr, fn) }, RemoveFunc: s.Remove}
}

// cronAdd jobs run on the scheduler's ticks (a test clock); cronRemove
// removes them; a job's error names its file and line.
func TestCron(t *testing.T) {
	clk := crontest.New(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	sched := cron.New(cron.Options{Clock: clk})
	e := setup(t, map[string]string{
		"a.pb.js": `
cronAdd("cleanup", "*/5 * * * *", () => {
	for (const r of $app.findRecordsByFilter("logs", "msg = 'old'", "", 100, 0)) {
		$app.delete(r);
	}
	$app.save(new Record("logs", {msg: "cleaned"}));
});
cronAdd("gone", "@hourly", () => {});
cronAdd("broken", "@daily", () => { throw new Error("job failed"); });
`,
		"b.pb.js": `cronRemove("gone");`,
	}, func(c *jsvm.Config) { c.Cron = scheduler(sched) })
	ids := []string{}
	for _, j := range sched.List() {
		ids = append(ids, j.ID)
	}
	if fmt.Sprint(ids) != "[broken cleanup]" {
		t.Fatalf("jobs: %v", ids)
	}
	for range 3 {
		e.s.Do("POST", "/api/collections/logs/records", e.s.SuperToken, map[string]any{"msg": "old"}).Status(200)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sched.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer sched.Stop()
	if err := clk.WaitTimers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * time.Minute)
	deadline := time.Now().Add(10 * time.Second)
	for {
		items := e.s.Do("GET", "/api/collections/logs/records", "", nil).Status(200).JSON()["items"].([]any)
		if len(items) == 1 && items[0].(map[string]any)["msg"] == "cleaned" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job did not run: %v", items)
		}
		time.Sleep(20 * time.Millisecond)
	}
	err := sched.Run(ctx, "broken")
	if err == nil || !strings.Contains(err.Error(), "job failed") || !strings.Contains(err.Error(), "a.pb.js:9:") {
		t.Fatalf("job error: %v", err)
	}
}

// A bad cron expression stops the start naming the file and line.
func TestCronBadExpression(t *testing.T) {
	s := setup(t, nil).s
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.pb.js"), []byte("\ncronAdd(\"x\", \"not cron\", () => {});"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := jsvm.Start(jsvm.Config{Dir: dir, App: s.App, Router: s.API, Cron: scheduler(cron.New(cron.Options{}))})
	if err == nil || !strings.Contains(err.Error(), "bad.pb.js:2:") {
		t.Fatalf("bad cron expression: %v", err)
	}
}
