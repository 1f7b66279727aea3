package core

import (
	"encoding/json"
	"reflect"
	"testing"

	galley "github.com/galleyhq/galley"
)

// TestObjectJSONMatchesEncodingJSON checks the reflection-free encoder
// against encoding/json for every value type a record holds.
func TestObjectJSONMatchesEncodingJSON(t *testing.T) {
	o := Object{
		{"s", "a \"quoted\" <b>html</b> & \u2028 é 🚀 \x01"}, {"n", 42.0}, {"f", -0.125}, {"big", 1e20}, {"b", true},
		{"nil", nil}, {"raw", json.RawMessage(`{"a":[1,2,{"b":null}]}`)}, {"emptyRaw", json.RawMessage(nil)},
		{"list", []string{"x", "y\n"}}, {"empty", []string{}}, {"geo", galley.GeoPoint{Lon: 1.5, Lat: -2}},
		{"nested", Object{{"k", "v"}}}, {"objs", []Object{{{"a", 1.0}}, {{"b", false}}}},
	}
	got, err := o.AppendJSON(nil)
	if err != nil || !json.Valid(got) {
		t.Fatalf("invalid JSON %s: %v", got, err)
	}
	var gotV, wantV any
	_ = json.Unmarshal(got, &gotV)
	m := map[string]any{}
	for _, kv := range o {
		m[kv.Key] = kv.Value
	}
	want, _ := json.Marshal(m)
	_ = json.Unmarshal(want, &wantV)
	if !reflect.DeepEqual(gotV, wantV) {
		t.Fatalf("decoded values differ:\n got %s\nwant %s", got, want)
	}
}
