package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/testserver"
)

// TestCrons: GET /api/crons lists the registered jobs as PocketBase does
// ([{"id","expression"}], sorted by id, [] when none); POST
// /api/crons/{id} starts one now (204) and answers 404 for an unknown id;
// both are for superusers only.
func TestCrons(t *testing.T) {
	s := testserver.New(t)
	t.Cleanup(s.App.Cron().Stop)
	usersCollection(t, s, nil)
	_, utok := signUp(t, s, "u@example.com", "Passw0rd!x")

	if got := strings.TrimSpace(string(s.Super("GET", "/api/crons", nil).Status(200).Body)); got != "[]" {
		t.Fatalf("no jobs: %s", got)
	}
	ran := make(chan context.Context, 1)
	cron := s.App.Cron()
	if err := cron.Add("nightly_cleanup", "0 3 * * *", func(ctx context.Context) error { ran <- ctx; return errors.New("nothing to clean") }); err != nil {
		t.Fatal(err)
	}
	if err := cron.Add("a_hourly", "@hourly", func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	var jobs []map[string]any
	if err := json.Unmarshal(s.Super("GET", "/api/crons", nil).Status(200).Body, &jobs); err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || len(jobs[0]) != 2 || jobs[0]["id"] != "a_hourly" || jobs[0]["expression"] != "@hourly" ||
		jobs[1]["id"] != "nightly_cleanup" || jobs[1]["expression"] != "0 3 * * *" {
		t.Fatalf("GET /api/crons = %v", jobs)
	}

	s.Do("GET", "/api/crons", "", nil).Status(401)
	s.Do("GET", "/api/crons", utok, nil).Status(403)
	s.Do("POST", "/api/crons/nightly_cleanup", "", nil).Status(401)
	s.Do("POST", "/api/crons/nightly_cleanup", utok, nil).Status(403)
	s.Super("POST", "/api/crons/nope", nil).Status(404).Contains(`"message":"Missing or invalid cron job."`)
	select {
	case <-ran:
		t.Fatal("a refused request ran the job")
	default:
	}

	s.Super("POST", "/api/crons/nightly_cleanup", nil).Status(204)
	select {
	case ctx := <-ran:
		// The run outlives the request: its context is the scheduler's.
		if ctx.Err() != nil {
			t.Fatal("the run's context is already done")
		}
	case <-time.After(30 * time.Second): // a deadlock guard, not a timing
		t.Fatal("POST /api/crons/{id} did not run the job")
	}
	waitJob(t, s, "nightly_cleanup", "nothing to clean")
}

// waitJob waits until the job's last run has ended with lastError.
func waitJob(t *testing.T, s *testserver.Server, id, lastError string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, j := range s.App.Cron().List() {
			if j.ID == id && !j.Running && !j.LastRun.IsZero() {
				if j.LastError != lastError {
					t.Fatalf("%s: LastError %q, want %q", id, j.LastError, lastError)
				}
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%s never finished", id)
}

// TestSystemCronsServed: the system jobs of a served app are listed and
// run from the API; the logs clean-up and the file sweep finish without
// error on a server with request logs and file storage.
func TestSystemCronsServed(t *testing.T) {
	s := testserver.New(t)
	t.Cleanup(s.App.Cron().Stop)
	if err := s.App.AddSystemCrons(); err != nil {
		t.Fatal(err)
	}
	if err := s.App.Cron().Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var jobs []struct{ ID, Expression string }
	if err := json.Unmarshal(s.Super("GET", "/api/crons", nil).Status(200).Body, &jobs); err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 5 {
		t.Fatalf("jobs = %v", jobs)
	}
	for _, id := range []string{"__pbDBOptimize__", "__pbLogsCleanup__", "__galleyFilesSweep__", "__pbOTPCleanup__", "__pbMFACleanup__"} {
		s.Super("POST", "/api/crons/"+id, nil).Status(204)
		waitJob(t, s, id, "")
	}
}
