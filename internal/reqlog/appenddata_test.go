package reqlog

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	galley "github.com/galleyhq/galley"
)

// TestAppendDataMatchesEncodingJSON keeps the hand-written encoder honest.
func TestAppendDataMatchesEncodingJSON(t *testing.T) {
	for _, r := range []Request{
		{Method: "GET", URL: "/api/x?a=1&b=<2>", Status: 200, Duration: 1500 * time.Microsecond, Auth: "guest"},
		{Method: "POST", URL: "/\"quoted\"\\", Status: 500, RemoteIP: "127.0.0.1", UserIP: "10.0.0.1", Referer: "r\n\t\r", UA: "ua\x01\x1f é 🚀 \u2028", Auth: "_superusers", AuthID: "abc", Error: "bad \xff utf8"},
	} {
		want, err := json.Marshal(dataOf(r, ""))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendData(nil, r, ""); string(got) != string(want) {
			t.Errorf("appendData:\n got %s\nwant %s", got, want)
		}
	}
}

func FuzzAppendData(f *testing.F) {
	f.Add("GET", "/a", "ua", "err", 200)
	f.Fuzz(func(t *testing.T, method, url, ua, errText string, status int) {
		r := Request{Method: method, URL: url, UA: ua, Error: errText, Status: status}
		want, _ := json.Marshal(dataOf(r, ""))
		if got := appendData(nil, r, ""); string(got) != string(want) {
			t.Fatalf("appendData:\n got %s\nwant %s", got, want)
		}
	})
}

func TestLogIDSortsByTime(t *testing.T) {
	a := logID(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	b := logID(time.Date(2026, 1, 1, 0, 0, 0, int(time.Millisecond), time.UTC))
	c := logID(time.Date(2090, 6, 1, 0, 0, 0, 0, time.UTC))
	if len(a) != 15 || len(c) != 15 || !(a < b && b < c) {
		t.Fatalf("ids not 15 chars or not time-ordered: %s %s %s", a, b, c)
	}
}

// TestAppendDataNode: the node is stored on PostgreSQL (data.node) and
// left out when empty (SQLite), as json.Marshal would.
func TestAppendDataNode(t *testing.T) {
	r := Request{Method: "GET", URL: "/x", Status: 200}
	want, _ := json.Marshal(dataOf(r, "n1"))
	if got := appendData(nil, r, "n1"); string(got) != string(want) || !strings.Contains(string(got), `"node":"n1"`) {
		t.Fatalf("appendData with node:\n got %s\nwant %s", got, want)
	}
	if got := appendData(nil, r, ""); strings.Contains(string(got), "node") {
		t.Fatalf("appendData without node: %s", got)
	}
}

// TestAppendCreatedMatchesFormatTime: the hand-written created column is
// galley.FormatTime's, in and out of the years it formats itself.
func TestAppendCreatedMatchesFormatTime(t *testing.T) {
	est := time.FixedZone("EST", -5*3600)
	for _, tm := range []time.Time{
		time.Date(2026, 12, 3, 6, 18, 58, 999_999_999, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 1_000_000, est), // another zone: stored in UTC
		time.Date(1, 2, 3, 4, 5, 6, 7, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Now(),
	} {
		if got, want := string(appendCreated([]byte("x"), tm)), "x"+galley.FormatTime(tm); got != want {
			t.Errorf("appendCreated(%v) = %q, want %q", tm, got, want)
		}
	}
}

// TestAppendArgs: the five column values, the strings cut from one buffer
// at the right places, whatever the buffer held before.
func TestAppendArgs(t *testing.T) {
	r := Request{Time: time.Date(2026, 3, 1, 10, 15, 0, 123_456_789, time.UTC), Method: "POST", URL: "/api/x?a=1", Status: 404}
	args, buf := appendArgs([]any{"kept"}, []byte("stale bytes that must not leak"), r, "n1")
	if len(args) != 6 || args[0] != "kept" {
		t.Fatalf("args = %q", args)
	}
	id, _ := args[1].(string)
	if len(id) != 15 || strings.Trim(id, "0123456789abcdefghijklmnopqrstuvwxyz") != "" || id[:9] != logID(r.Time)[:9] {
		t.Fatalf("id = %q", id)
	}
	want := []any{"2026-03-01 10:15:00.123Z", LevelWarn, "POST /api/x?a=1", string(appendData(nil, r, "n1"))}
	for i, w := range want {
		if args[2+i] != w {
			t.Errorf("args[%d] = %#v, want %#v", 2+i, args[2+i], w)
		}
	}
	if len(buf) == 0 {
		t.Fatal("buf not returned")
	}
}

func TestLogIDBefore1970(t *testing.T) {
	if id := logID(time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)); id[:9] != "000000000" {
		t.Fatalf("id = %q", id)
	}
}
