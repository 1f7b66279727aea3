package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServeBodyAndHeaderTimeouts: GALLEY_BODY_READ_TIMEOUT and
// GALLEY_HEADER_READ_TIMEOUT reach the server: a client trickling its body
// is answered 408 naming the limit, one that never finishes its headers is
// disconnected, and a normal request still works. Negative or zero values
// that would switch a bound off by mistake are refused.
func TestServeBodyAndHeaderTimeouts(t *testing.T) {
	for _, args := range [][]string{
		{"--body-read-timeout", "-1s"},
		{"--header-read-timeout", "0s"},
	} {
		_, err := runCLI(t, nil, append([]string{"serve", "--dir", t.TempDir(), "--http", "127.0.0.1:0"}, args...)...)
		if err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Fatalf("%v: %v, want refused naming the flag", args, err)
		}
	}

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out lockedBuffer
	env := map[string]string{"GALLEY_HTTP": addr, "GALLEY_DIR": t.TempDir(),
		"GALLEY_BODY_READ_TIMEOUT": "300ms", "GALLEY_HEADER_READ_TIMEOUT": "300ms"}
	getenv := testEnv(t, env)
	go func() { done <- run(ctx, []string{"serve"}, getenv, &out, &out) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	up := false
	for range 200 {
		if res, err := http.Get("http://" + addr + "/api/health"); err == nil {
			res.Body.Close()
			up = true
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !up {
		t.Fatalf("server did not come up: %s", out.String())
	}

	dial := func() (net.Conn, *bufio.Reader) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		// A safety net, not a measurement: without the bounds the server
		// would wait for ever.
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		return conn, bufio.NewReader(conn)
	}
	// A trickled body: 408.
	conn, br := dial()
	fmt.Fprintf(conn, "POST /api/collections/_superusers/auth-with-password HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", addr)
	stop := make(chan struct{})
	defer close(stop)
	go func(conn net.Conn) {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
		}
	}(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("trickled body: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), "limit 300ms") {
		t.Fatalf("trickled body: %d %s", res.StatusCode, body)
	}
	// Headers that never end: the connection is closed.
	conn2, br := dial()
	fmt.Fprintf(conn2, "GET /api/health HTTP/1.1\r\nHost: %s\r\nX-Slow: ", addr)
	if _, err := io.ReadAll(br); err != nil {
		t.Fatalf("unfinished headers: %v, want the connection closed", err)
	}
	// A normal request.
	res, err = http.Get("http://" + addr + "/api/health")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("health: %v %v", err, res)
	}
	res.Body.Close()
}
