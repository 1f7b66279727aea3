package galley

import (
	"crypto/rand"
	"time"
)

// DateLayout is the wire and storage format of dates: UTC with milliseconds.
const DateLayout = "2006-01-02 15:04:05.000Z"

// FormatTime formats t in DateLayout (UTC).
func FormatTime(t time.Time) string { return t.UTC().Format(DateLayout) }

// Record is one row of a collection. Data maps field names to values in their
// canonical Go form: text-like fields string, number float64, bool bool,
// multi-valued fields []string, json any (decoded JSON), geoPoint GeoPoint.
type Record struct {
	Collection *Collection
	Data       map[string]any
	// Expand holds expanded relations: name → *Record or []*Record.
	Expand map[string]any
}

// ID returns the record id.
func (r *Record) ID() string { s, _ := r.Data["id"].(string); return s }

// GetString returns the string value of field (or "").
func (r *Record) GetString(field string) string { s, _ := r.Data[field].(string); return s }

// GeoPoint is the value of a geoPoint field.
type GeoPoint struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewID returns a random 15-character id of [a-z0-9].
func NewID() string { return RandomString(15, idAlphabet) }

// RandomString returns n characters drawn uniformly from alphabet with crypto/rand.
func RandomString(n int, alphabet string) string {
	b := make([]byte, n)
	buf := make([]byte, n*2)
	i := 0
	max := 256 - 256%len(alphabet)
	for i < n {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		for _, c := range buf {
			if int(c) < max && i < n {
				b[i] = alphabet[int(c)%len(alphabet)]
				i++
			}
		}
	}
	return string(b)
}
