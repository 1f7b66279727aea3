package cli

import (
	"strings"
	"testing"
)

// The realtime rule-check bounds refuse values that would switch them off,
// from flags and from the environment.
func TestServeRealtimeCheckBounds(t *testing.T) {
	for _, args := range [][]string{
		{"--realtime-check-timeout", "0s"},
		{"--realtime-check-budget", "-1s"},
		{"--realtime-max-sql-checks", "0"},
	} {
		_, err := runCLI(t, nil, append([]string{"serve", "--dir", t.TempDir(), "--http", "127.0.0.1:0"}, args...)...)
		if err == nil || !strings.Contains(err.Error(), "--realtime-max-sql-checks at least 1") {
			t.Fatalf("%v: %v, want the bounds refused", args, err)
		}
	}
	_, err := runCLI(t, map[string]string{"GALLEY_REALTIME_MAX_SQL_CHECKS": "0"}, "serve", "--dir", t.TempDir(), "--http", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "realtime-max-sql-checks") {
		t.Fatalf("GALLEY_REALTIME_MAX_SQL_CHECKS=0: %v, want refused", err)
	}
}
