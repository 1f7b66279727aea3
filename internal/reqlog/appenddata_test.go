package reqlog

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
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
