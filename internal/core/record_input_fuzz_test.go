package core

import (
	"errors"
	"testing"

	galley "github.com/galleyhq/galley"
)

func fuzzCollection() *galley.Collection {
	return &galley.Collection{ID: "c", Name: "things", Type: galley.CollectionBase, Fields: []*galley.Field{
		{Name: "id", Type: galley.FieldText, PrimaryKey: true, Min: 15, Max: 15, Pattern: "^[a-z0-9]+$", AutogeneratePattern: "[a-z0-9]{15}"},
		{Name: "t", Type: galley.FieldText, Max: 10},
		{Name: "n", Type: galley.FieldNumber},
		{Name: "b", Type: galley.FieldBool},
		{Name: "j", Type: galley.FieldJSON},
		{Name: "tags", Type: galley.FieldSelect, Values: []string{"a", "b"}, MaxSelect: 2},
		{Name: "one", Type: galley.FieldSelect, Values: []string{"a", "b"}, MaxSelect: 1},
		{Name: "g", Type: galley.FieldGeoPoint},
		{Name: "d", Type: galley.FieldDate},
		{Name: "e", Type: galley.FieldEmail},
		{Name: "u", Type: galley.FieldURL},
		{Name: "h", Type: galley.FieldText, Hidden: true},
	}}
}

// FuzzDecodeBody feeds arbitrary bytes through body decoding, modifiers and
// value coercion: no input may panic, and every failure is a *galley.Error
// with a 4xx code.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{`{}`, `{"t":"x","n":"42","b":"true"}`, `{"n+":1,"tags+":["a"],"+tags":"b","tags-":"a"}`,
		`{"j":{"a":[1,2,{"b":null}]}}`, `{"g":{"lon":1,"lat":2}}`, `{"d":"2024-01-01"}`, `{"t":"a","t":"b"}`, `{"T":1}`,
		`[1]`, `null`, `"x"`, `{"n":1e400}`, `{"one":["a","b"]}`, `{"id":"abc"}`} {
		f.Add([]byte(s))
	}
	c := fuzzCollection()
	f.Fuzz(func(t *testing.T, data []byte) {
		body, err := DecodeBody(data)
		if err != nil {
			checkClientError(t, err)
			return
		}
		r := newRecord(c)
		if _, err := applyBody(Actor{}, r, RecordInput{Body: body}, true); err != nil {
			checkClientError(t, err)
			return
		}
		normalizeSingle(r)
	})
}

func checkClientError(t *testing.T, err error) {
	t.Helper()
	var ge *galley.Error
	if !errors.As(err, &ge) || (ge.Code != galley.EInvalid && ge.Code != galley.ETooLarge) {
		t.Fatalf("error is not a client error: %#v", err)
	}
}
