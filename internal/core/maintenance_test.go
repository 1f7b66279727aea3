package core

import (
	"context"
	"fmt"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
)

// TestDeleteExpired: one-time passwords and MFA sessions past their
// collection's duration are deleted; fresh ones and other collections' are
// kept.
func TestDeleteExpired(t *testing.T) {
	app := collApp(t)
	users := mustCreate(t, app, `{"name":"members","type":"auth","otp":{"enabled":true,"duration":60},"mfa":{"duration":600}}`)
	if users.Auth.OTP.Duration != 60 || users.Auth.MFA.Duration != 600 {
		t.Fatalf("durations %d %d", users.Auth.OTP.Duration, users.Auth.MFA.Duration)
	}
	at := func(ago time.Duration) string { return galley.FormatTime(time.Now().Add(-ago)) }
	for _, row := range []struct{ id, coll, created string }{
		{"otp_old", users.ID, at(2 * time.Minute)},  // past 60 s
		{"otp_new", users.ID, at(10 * time.Second)}, // still valid
		{"otp_other", "pbc_unknown", at(time.Hour)}, // not an auth collection of this app
	} {
		mustExec(t, app, `INSERT INTO "_otps" ("id","collectionRef","recordRef","password","created","updated") VALUES (?,?,'r','h',?,?)`,
			row.id, row.coll, row.created, row.created)
	}
	for _, row := range []struct{ id, created string }{
		{"mfa_old", at(11 * time.Minute)}, // past 600 s
		{"mfa_new", at(5 * time.Minute)},
	} {
		mustExec(t, app, `INSERT INTO "_mfas" ("id","collectionRef","recordRef","method","created","updated") VALUES (?,?,'r','password',?,?)`,
			row.id, users.ID, row.created, row.created)
	}
	n, err := app.DeleteExpired(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("deleted %d rows, err %v; want 2", n, err)
	}
	got := rows(t, app, `SELECT "id" FROM "_otps" UNION ALL SELECT "id" FROM "_mfas" ORDER BY 1`)
	want := "[[mfa_new] [otp_new] [otp_other]]"
	if fmt.Sprint(got) != want {
		t.Fatalf("left %v, want %s", got, want)
	}
}

// TestSystemCrons: AddSystemCrons registers the system jobs under
// PocketBase's ids (and Galley's own sweep), each runs on demand, and the
// OTP and MFA clean-ups each delete only their own kind.
func TestSystemCrons(t *testing.T) {
	app := collApp(t)
	t.Cleanup(app.Cron().Stop)
	users := mustCreate(t, app, `{"name":"members","type":"auth","otp":{"enabled":true,"duration":60},"mfa":{"duration":60}}`)
	old := galley.FormatTime(time.Now().Add(-time.Hour))
	mustExec(t, app, `INSERT INTO "_otps" ("id","collectionRef","recordRef","password","created","updated") VALUES ('otp_old',?,'r','h',?,?)`, users.ID, old, old)
	mustExec(t, app, `INSERT INTO "_mfas" ("id","collectionRef","recordRef","method","created","updated") VALUES ('mfa_old',?,'r','password',?,?)`, users.ID, old, old)
	if err := app.AddSystemCrons(); err != nil {
		t.Fatal(err)
	}
	jobs, err := app.ListCrons(app.SystemActor())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(jobs) != "[{__galleyFilesSweep__ 0 */6 * * *} {__pbDBOptimize__ 0 0 * * *} {__pbLogsCleanup__ 0 */6 * * *} {__pbMFACleanup__ 0 * * * *} {__pbOTPCleanup__ 0 * * * *}]" {
		t.Fatalf("jobs = %v", jobs)
	}
	if err := app.Cron().Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	run := func(id string) {
		t.Helper()
		if err := app.RunCron(app.SystemActor(), id); err != nil {
			t.Fatalf("run %s: %v", id, err)
		}
		deadline := time.Now().Add(30 * time.Second) // a deadlock guard
		for time.Now().Before(deadline) {
			for _, j := range app.Cron().List() {
				if j.ID == id && !j.Running && !j.LastRun.IsZero() {
					if j.LastError != "" {
						t.Fatalf("%s: %s", id, j.LastError)
					}
					return
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("%s did not run", id)
	}
	run(CronOTPCleanup)
	if got := fmt.Sprint(rows(t, app, `SELECT "id" FROM "_otps" UNION ALL SELECT "id" FROM "_mfas"`)); got != "[[mfa_old]]" {
		t.Fatalf("after the OTP clean-up: %s", got)
	}
	run(CronMFACleanup)
	if got := fmt.Sprint(rows(t, app, `SELECT "id" FROM "_otps" UNION ALL SELECT "id" FROM "_mfas"`)); got != "[]" {
		t.Fatalf("after the MFA clean-up: %s", got)
	}
	run(CronDBOptimize)
	run(CronLogsCleanup) // no log store: nothing to do (the sweep needs file storage: see the API's TestSystemCronsServed)
	if err := app.RunCron(app.SystemActor(), "nope"); galley.ErrorCodeOf(err) != galley.ENotFound || err.(*galley.Error).Message != "Missing or invalid cron job." {
		t.Fatalf("missing job: %v", err)
	}
}
