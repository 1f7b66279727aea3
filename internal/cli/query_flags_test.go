package cli

import (
	"strings"
	"testing"
)

// TestQueryBoundFlags: the filter and expand bounds refuse values below 1,
// from flags and from GALLEY_* variables, before serving.
func TestQueryBoundFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--dir", t.TempDir(), "--filter-max-hops", "0"},
		{"serve", "--dir", t.TempDir(), "--filter-max-joins", "0"},
		{"serve", "--dir", t.TempDir(), "--expand-max-records", "-1"},
	} {
		_, err := runCLI(t, nil, args...)
		if err == nil || !strings.Contains(err.Error(), "--filter-max-hops, --filter-max-joins and --expand-max-records must be at least 1") {
			t.Errorf("%v: got %v", args, err)
		}
	}
	_, err := runCLI(t, map[string]string{"GALLEY_FILTER_MAX_HOPS": "0"}, "serve", "--dir", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "must be at least 1") {
		t.Errorf("GALLEY_FILTER_MAX_HOPS=0: got %v", err)
	}
}
