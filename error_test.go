package galley

import (
	"encoding/json"
	"testing"
)

func TestNest(t *testing.T) {
	got := Nest(map[string]string{
		"meta.appURL":                "a",
		"rateLimits.rules":           "shorter key kept",
		"rateLimits.rules.0.label":   "dropped",
		"rateLimits.rules.1":         "dropped too",
		"fields.1.name":              "b",
		"fields.1.values":            "c",
		"name":                       "d",
		"subscriptions.0":            "e",
		"subscriptions.1.deep.value": "f",
	})
	b, _ := json.Marshal(got)
	want := `{"fields":{"1":{"name":"b","values":"c"}},"meta":{"appURL":"a"},"name":"d","rateLimits":{"rules":"shorter key kept"},"subscriptions":{"0":"e","1":{"deep":{"value":"f"}}}}`
	if string(b) != want {
		t.Fatalf("Nest = %s\nwant   %s", b, want)
	}
}
