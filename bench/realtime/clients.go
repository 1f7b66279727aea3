package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// target is a server under test: how its clients connect and subscribe.
type target struct {
	name    string
	addr    string // host:port
	ssePath string
	wsPath  string
	// subscribe, when set, subscribes an SSE client (by its PB_CONNECT id)
	// and returns the WebSocket message that subscribes a WebSocket client.
	subscribeSSE func(ctx context.Context, clientID string) error
	subscribeWS  []byte
}

// stats counts what the clients received; latencies go to a histogram of
// 1 ms buckets (enough for p50/p99 against a 500 ms target).
type stats struct {
	deliveries atomic.Int64
	lastRecv   atomic.Int64 // unix ns of the latest delivery
	closed     atomic.Int64 // connections the server closed during the run
	buckets    [maxBucket + 1]atomic.Int64
	// since is when the current phase began (Unix ns): messages sent
	// earlier (late deliveries of a previous phase) are not counted.
	since atomic.Int64
}

// reset starts a phase at since: the counters go back to zero.
func (s *stats) reset(since int64) {
	s.since.Store(since)
	s.deliveries.Store(0)
	s.lastRecv.Store(0)
	s.closed.Store(0)
	for i := range s.buckets {
		s.buckets[i].Store(0)
	}
}

const maxBucket = 60_000 // ms

func (s *stats) record(msg []byte) {
	now := time.Now().UnixNano()
	i := bytes.Index(msg, []byte(`"sent":"`))
	if i < 0 {
		return // not a bench record (connect, ok, …)
	}
	rest := msg[i+len(`"sent":"`):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return
	}
	sent, err := strconv.ParseInt(string(rest[:j]), 10, 64)
	if err != nil || sent < s.since.Load() {
		return
	}
	ms := (now - sent) / int64(time.Millisecond)
	if ms < 0 {
		ms = 0
	}
	if ms > maxBucket {
		ms = maxBucket
	}
	s.buckets[ms].Add(1)
	s.deliveries.Add(1)
	for {
		last := s.lastRecv.Load()
		if now <= last || s.lastRecv.CompareAndSwap(last, now) {
			break
		}
	}
}

// percentile returns the p-th percentile latency in ms (bucket upper bound).
func (s *stats) percentile(p float64) int {
	var total int64
	for i := range s.buckets {
		total += s.buckets[i].Load()
	}
	if total == 0 {
		return -1
	}
	want := int64(float64(total) * p)
	var seen int64
	for i := range s.buckets {
		seen += s.buckets[i].Load()
		if seen > want {
			return i + 1
		}
	}
	return maxBucket
}

// dialSSE opens an SSE stream on a raw TCP connection (cheaper than
// net/http's client: one goroutine per stream) and returns the reader
// positioned after the first event, and that event's data.
func dialSSE(ctx context.Context, addr, path string) (net.Conn, *bufio.Reader, []byte, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, nil, err
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n", path, addr)
	res, err := http.ReadResponse(bufio.NewReaderSize(conn, 2048), nil)
	if err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	if res.StatusCode != http.StatusOK {
		conn.Close()
		return nil, nil, nil, fmt.Errorf("GET %s: %s", path, res.Status)
	}
	br := bufio.NewReaderSize(res.Body, 4096)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			conn.Close()
			return nil, nil, nil, err
		}
		if data, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			return conn, br, bytes.Clone(bytes.TrimSpace(data)), nil
		}
	}
}

// connectSSE connects one SSE client, subscribes it and reads it in a
// goroutine until ctx ends; ready is called once it is subscribed.
func connectSSE(ctx context.Context, t *target, st *stats, wg *sync.WaitGroup) error {
	conn, br, first, err := dialSSE(ctx, t.addr, t.ssePath)
	if err != nil {
		return err
	}
	if t.subscribeSSE != nil {
		var hello struct {
			ClientID string `json:"clientId"`
		}
		if err := json.Unmarshal(first, &hello); err != nil || hello.ClientID == "" {
			conn.Close()
			return fmt.Errorf("PB_CONNECT: %q", first)
		}
		if err := t.subscribeSSE(ctx, hello.ClientID); err != nil {
			conn.Close()
			return err
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		defer stop()
		for {
			line, err := br.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				continue // a line longer than the buffer: not a bench event
			}
			if err != nil {
				if ctx.Err() == nil {
					st.closed.Add(1)
				}
				return
			}
			if bytes.HasPrefix(line, []byte("data:")) {
				st.record(line)
			}
		}
	}()
	return nil
}

// connectWS connects one WebSocket client, subscribes it when the target
// needs it and reads it in a goroutine until ctx ends.
func connectWS(ctx context.Context, t *target, hc *http.Client, st *stats, wg *sync.WaitGroup) error {
	conn, _, err := websocket.Dial(ctx, "ws://"+t.addr+t.wsPath, &websocket.DialOptions{HTTPClient: hc})
	if err != nil {
		return err
	}
	conn.SetReadLimit(1 << 20)
	if t.subscribeWS != nil {
		if _, _, err := conn.Read(ctx); err != nil { // {"type":"connect"}
			conn.CloseNow()
			return err
		}
		if err := conn.Write(ctx, websocket.MessageText, t.subscribeWS); err != nil {
			conn.CloseNow()
			return err
		}
		_, reply, err := conn.Read(ctx)
		if err != nil {
			conn.CloseNow()
			return err
		}
		if !strings.Contains(string(reply), `"type":"ok"`) {
			conn.CloseNow()
			return fmt.Errorf("subscribe: %s", reply)
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer conn.CloseNow()
		for {
			_, r, err := conn.Reader(ctx)
			if err != nil {
				if ctx.Err() == nil {
					st.closed.Add(1)
				}
				return
			}
			msg, err := io.ReadAll(r)
			if err != nil {
				continue
			}
			st.record(msg)
		}
	}()
	return nil
}

// connectAll connects n clients to t, the first half over SSE and the
// rest over WebSocket, at most conc at a time.
func connectAll(ctx context.Context, t *target, n, conc int, st *stats, wg *sync.WaitGroup) error {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}}
	sem := make(chan struct{}, conc)
	var errOnce sync.Once
	var firstErr error
	var failed atomic.Int64
	var cw sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		cw.Add(1)
		go func() {
			defer cw.Done()
			defer func() { <-sem }()
			var err error
			for try := 0; try < 3; try++ {
				if i < n/2 {
					err = connectSSE(ctx, t, st, wg)
				} else {
					err = connectWS(ctx, t, hc, st, wg)
				}
				if err == nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
			failed.Add(1)
			errOnce.Do(func() { firstErr = err })
		}()
	}
	cw.Wait()
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("%d of %d clients failed to connect, first: %w", f, n, firstErr)
	}
	return nil
}
