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
