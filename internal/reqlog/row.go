package reqlog

import (
	"math/rand/v2"
	"strconv"
	"time"

	galley "github.com/galleyhq/galley"
	"github.com/galleyhq/galley/internal/jsonw"
)

// appendArgs appends the five column values of r (id, created, level,
// message, data) to args and returns args and buf, the scratch buffer it
// encoded them in. The four strings are slices of one allocation: the writer
// builds hundreds of thousands of these a minute.
func appendArgs(args []any, buf []byte, r Request, node string) ([]any, []byte) {
	buf = appendLogID(buf[:0], r.Time)
	buf = appendCreated(buf, r.Time)
	created := len(buf)
	buf = append(buf, r.Method...)
	buf = append(buf, ' ')
	buf = append(buf, r.URL...)
	message := len(buf)
	buf = appendData(buf, r, node)
	row := string(buf)
	return append(args, row[:logIDLen], row[logIDLen:created], r.Level(), row[created:message], row[message:]), buf
}

// logIDLen is the length of a log id.
const logIDLen = 15

// logID returns a 15-character [a-z0-9] id that sorts by time: 9 base-36
// digits of milliseconds since the Unix epoch, then 6 random characters.
// Time-ordered ids append to the primary-key index instead of splitting
// pages at random, which makes the log writer much cheaper.
// The random part need not be unpredictable (only superusers see log ids),
// only unlikely to repeat within a millisecond: 36^6 values. Times before
// 1970 get the time part of 1970.
func logID(t time.Time) string { return string(appendLogID(nil, t)) }

// appendLogID appends logID(t) to dst.
func appendLogID(dst []byte, t time.Time) []byte {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var id [logIDLen]byte
	ms := max(t.UnixMilli(), 0)
	for i := 8; i >= 0; i-- {
		id[i] = digits[ms%36]
		ms /= 36
	}
	n := rand.Uint64()
	for i := 9; i < logIDLen; i++ {
		id[i] = digits[n%36]
		n /= 36
	}
	return append(dst, id[:]...)
}

// appendCreated appends galley.FormatTime(t) to dst ("2006-01-02
// 15:04:05.000Z", milliseconds truncated), without the layout parsing of
// time.Format for the years 0–9999.
func appendCreated(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return append(dst, galley.FormatTime(t)...)
	}
	hour, minute, sec := t.Clock()
	dst = appendDigits(dst, year, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, day, 2)
	dst = append(dst, ' ')
	dst = appendDigits(dst, hour, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, minute, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, sec, 2)
	dst = append(dst, '.')
	dst = appendDigits(dst, t.Nanosecond()/int(time.Millisecond), 3)
	return append(dst, 'Z')
}

// appendDigits appends the n last decimal digits of v >= 0, zero-padded.
func appendDigits(dst []byte, v, n int) []byte {
	var b [4]byte
	for i := n - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[:n]...)
}

// requestData is the stored "data" object, in PocketBase's log shape.
type requestData struct {
	Type      string  `json:"type"`
	Method    string  `json:"method"`
	URL       string  `json:"url"`
	Status    int     `json:"status"`
	ExecTime  float64 `json:"execTime"` // milliseconds
	RemoteIP  string  `json:"remoteIP,omitempty"`
	UserIP    string  `json:"userIP,omitempty"`
	Referer   string  `json:"referer"`
	UserAgent string  `json:"userAgent"`
	Auth      string  `json:"auth"`
	AuthID    string  `json:"authId,omitempty"`
	Error     string  `json:"error,omitempty"`
	Node      string  `json:"node,omitempty"`
}

// appendData appends the JSON of dataOf(r, node) to dst without
// reflection; it produces the same document as json.Marshal(dataOf(r, node)).
func appendData(dst []byte, r Request, node string) []byte {
	d := dataOf(r, node)
	dst = append(dst, `{"type":`...)
	dst = jsonw.AppendString(dst, d.Type)
	dst = append(dst, `,"method":`...)
	dst = jsonw.AppendString(dst, d.Method)
	dst = append(dst, `,"url":`...)
	dst = jsonw.AppendString(dst, d.URL)
	dst = append(dst, `,"status":`...)
	dst = strconv.AppendInt(dst, int64(d.Status), 10)
	dst = append(dst, `,"execTime":`...)
	dst = strconv.AppendFloat(dst, d.ExecTime, 'f', -1, 64)
	for _, kv := range [...]struct {
		key, val  string
		omitEmpty bool
	}{{"remoteIP", d.RemoteIP, true}, {"userIP", d.UserIP, true}, {"referer", d.Referer, false},
		{"userAgent", d.UserAgent, false}, {"auth", d.Auth, false}, {"authId", d.AuthID, true}, {"error", d.Error, true}, {"node", d.Node, true}} {
		if kv.omitEmpty && kv.val == "" {
			continue
		}
		dst = append(dst, ',', '"')
		dst = append(dst, kv.key...)
		dst = append(dst, '"', ':')
		dst = jsonw.AppendString(dst, kv.val)
	}
	return append(dst, '}')
}

func dataOf(r Request, node string) requestData {
	return requestData{Type: "request", Method: r.Method, URL: r.URL, Status: r.Status,
		ExecTime: float64(r.Duration.Microseconds()) / 1000, RemoteIP: r.RemoteIP, UserIP: r.UserIP,
		Referer: r.Referer, UserAgent: r.UA, Auth: r.Auth, AuthID: r.AuthID, Error: r.Error, Node: node}
}
