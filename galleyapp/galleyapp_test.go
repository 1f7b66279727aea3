package galleyapp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/galleyhq/galley/galleyapp"
	"github.com/galleyhq/galley/internal/store/storetest"
)

func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// A custom binary's hooks and routes run in its `serve`, on the real
// command line (SQLite, or PostgreSQL when GALLEY_TEST_POSTGRES is set).
func TestCustomApp(t *testing.T) {
	opts := storetest.Options(t)
	db := []string{"--dir", opts.Dir}
	if opts.DSN != "" {
		db = append(db, "--db", opts.DSN)
	}
	app := galleyapp.New()
	if err := app.Migration("1700000000_posts", func(ctx context.Context, c *galleyapp.Core) error {
		_, err := c.CreateCollection(ctx, c.SystemActor(), []byte(`{"name":"posts","createRule":"","fields":[{"name":"title","type":"text"}]}`))
		return err
	}, nil); err != nil {
		t.Fatal(err)
	}
	if err := app.Migration("bad name!", nil, nil); err == nil {
		t.Fatal("a bad migration was registered")
	}
	var created atomic.Int32
	app.OnRecordCreateRequest(func(e *galleyapp.RecordRequestEvent) error {
		if strings.Contains(e.Record.GetString("title"), "spam") {
			return galleyapp.BadRequest("No spam, please.")
		}
		return e.Next()
	}, "posts")
	app.OnRecordAfterCreateSuccess(func(e *galleyapp.RecordSuccessEvent) error { created.Add(1); return e.Next() }, "posts")
	app.OnServe(func(e *galleyapp.ServeEvent) error {
		return e.Router.GET("/api/hello", func(re *galleyapp.RequestEvent) error {
			return re.JSON(200, map[string]any{"hello": re.Actor.Auth.GetString("email")})
		}, galleyapp.RequireSuperuser())
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	if err := app.Run(ctx, append([]string{"superuser", "upsert", "root@example.com", "Root-secret-1"}, db...), &out, &out); err != nil {
		t.Fatalf("superuser upsert: %v %s", err, out.String())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, append([]string{"serve", "--http", addr}, db...), io.Discard, io.Discard) }()
	base := "http://" + addr
	for i := 0; ; i++ {
		if code, _ := call(t, "GET", base+"/api/health", "", nil); code == 200 {
			break
		}
		if i == 300 {
			t.Fatal("serve did not become healthy")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, auth := call(t, "POST", base+"/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": "root@example.com", "password": "Root-secret-1"})
	tok, _ := auth["token"].(string)
	if code, body := call(t, "GET", base+"/api/collections/posts", tok, nil); code != 200 {
		t.Fatalf("the Go migration's collection: %d %v", code, body)
	}
	if code, body := call(t, "POST", base+"/api/collections/posts/records", "", map[string]any{"title": "buy spam"}); code != 400 || body["message"] != "No spam, please." {
		t.Fatalf("hooked create: %d %v", code, body)
	}
	if code, body := call(t, "POST", base+"/api/collections/posts/records", "", map[string]any{"title": "hello"}); code != 200 {
		t.Fatalf("create: %d %v", code, body)
	}
	if code, body := call(t, "GET", base+"/api/hello", tok, nil); code != 200 || body["hello"] != "root@example.com" {
		t.Fatalf("custom route: %d %v", code, body)
	}
	if code, _ := call(t, "GET", base+"/api/hello", "", nil); code != 401 {
		t.Fatalf("custom route as a guest: %d", code)
	}
	for i := 0; created.Load() != 1; i++ {
		if i == 200 {
			t.Fatalf("after-create hook ran %d times", created.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}
