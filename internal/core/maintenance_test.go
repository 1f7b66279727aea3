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
