package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeHooks: serve loads pb_hooks beside --dir when only it exists
// (a PocketBase layout as it is), --hooksDir is --hooks-dir, and a file
// with a syntax error stops the start naming file:line.
func TestServeHooks(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "pb_data")
	hooks := filepath.Join(root, "pb_hooks")
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hooks, "main.pb.js"), []byte(`routerAdd("GET", "/api/hello/{name}", (e) => e.json(200, {hello: e.request.pathValue("name")}));`), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(root, "elsewhere")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "x.pb.js"), []byte("// ok\nlet = ;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, nil, "serve", "--dir", data, "--http", freeAddr(t), "--hooksDir", bad); err == nil || !strings.Contains(err.Error(), "x.pb.js:2:") {
		t.Fatalf("serve with a broken hooks file: %v", err)
	}

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--http", addr, "--dir", data, "--hooks-pool", "3"}, testEnv(t, nil), &out, &out)
	}()
	var body string
	for range 200 {
		res, err := http.Get("http://" + addr + "/api/hello/ann")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body = string(b)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if body != `{"hello":"ann"}` {
		t.Fatalf("the hooks route answered %q\n%s", body, out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "hooks loaded") || !strings.Contains(out.String(), "pb_hooks") {
		t.Fatalf("no load log:\n%s", out.String())
	}
}

// TestJSMigrationsAndCronFromCLI: a pb_migrations/ .js file is applied by
// `galley migrate up`, and a cronAdd job of pb_hooks/ is registered with
// the server's scheduler (GET /api/crons).
func TestJSMigrationsAndCronFromCLI(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "pb_data")
	writeFile(t, filepath.Join(root, "pb_migrations", "1_things.js"), `migrate((app) => {
	const c = new Collection({name: "things"});
	c.fields.add(new TextField({name: "label"}));
	app.save(c);
}, (app) => app.delete(app.findCollectionByNameOrId("things")));`)
	writeFile(t, filepath.Join(root, "pb_hooks", "jobs.pb.js"), `cronAdd("tidy", "@daily", () => {});`)
	if out, err := runCLI(t, nil, "migrate", "up", "--dir", data); err != nil || out != "applied 1_things.js\n" {
		t.Fatalf("migrate up: %q %v", out, err)
	}
	if _, err := runCLI(t, nil, "superuser", "upsert", "root@example.com", "long-enough-1", "--dir", data); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--http", addr, "--dir", data, "--dev"}, testEnv(t, nil), &out, &out)
	}()
	call := func(method, path, token, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	var code int
	var body string
	for range 200 {
		if code, body = call("POST", "/api/collections/_superusers/auth-with-password", "", `{"identity":"root@example.com","password":"long-enough-1"}`); code != 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	tok := ""
	if i := strings.Index(body, `"token":"`); code == 200 && i >= 0 {
		tok = body[i+9:]
		tok = tok[:strings.IndexByte(tok, '"')]
	}
	if tok == "" {
		t.Fatalf("log-in: %d %s\n%s", code, body, out.String())
	}
	if code, body := call("GET", "/api/crons", tok, ""); code != 200 || !strings.Contains(body, `"id":"tidy"`) {
		t.Fatalf("GET /api/crons: %d %s", code, body)
	}
	if code, body := call("GET", "/api/collections/things", tok, ""); code != 200 {
		t.Fatalf("the JS migration's collection: %d %s", code, body)
	}
	// --dev turns --automigrate on
	if code, body := call("POST", "/api/collections", tok, `{"name": "posts"}`); code != 200 {
		t.Fatalf("create posts: %d %s", code, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, out.String())
	}
	if written, _ := filepath.Glob(filepath.Join(root, "pb_migrations", "*_created_posts.*")); len(written) != 1 {
		t.Fatalf("--dev did not automigrate: %v\n%s", written, out.String())
	}
}
