package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/migrate"
	"github.com/galleyhq/galley/internal/store/storetest"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMigrateCommands: create, up, status, collections, down — and the
// errors — through the command line, with the default migrations
// directory beside --dir.
func TestMigrateCommands(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data")
	mdir := filepath.Join(root, "galley_migrations")
	cli := func(args ...string) (string, error) {
		t.Helper()
		return runCLI(t, nil, append(args, "--dir", data)...)
	}
	out, err := cli("migrate", "create", "Add things")
	if err != nil {
		t.Fatal(err)
	}
	created := regexp.MustCompile(`created (\S+_add_things\.json)`).FindStringSubmatch(out)
	if created == nil || filepath.Dir(created[1]) != mdir {
		t.Fatalf("create: %q", out)
	}
	name := filepath.Base(created[1])
	writeFile(t, created[1], `{"up": {"collections": [{"id": "pbc_things", "name": "things", "fields": [{"name": "label", "type": "text"}]}]}, "down": {"delete": ["things"]}}`)
	if out, err := cli("migrate", "status"); err != nil || !regexp.MustCompile(name+`\s+pending`).MatchString(out) {
		t.Fatalf("status before up: %q %v", out, err)
	}
	if out, err := cli("migrate", "up"); err != nil || out != "applied "+name+"\n" {
		t.Fatalf("up: %q %v", out, err)
	}
	if out, err := cli("migrate", "up"); err != nil || out != "no pending migrations\n" {
		t.Fatalf("second up: %q %v", out, err)
	}
	out, err = cli("migrate", "collections")
	snap := regexp.MustCompile(`wrote a snapshot of \d+ collections to (\S+_collections_snapshot\.json)`).FindStringSubmatch(out)
	if err != nil || snap == nil {
		t.Fatalf("collections: %q %v", out, err)
	}
	if b, _ := os.ReadFile(snap[1]); !bytes.Contains(b, []byte(`"name": "things"`)) || !bytes.Contains(b, []byte(`"_superusers"`)) {
		t.Fatalf("snapshot: %s", b)
	}
	// The snapshot describes this database: it is recorded as applied.
	if out, err := cli("migrate", "up"); err != nil || out != "no pending migrations\n" {
		t.Fatalf("up after the snapshot: %q %v", out, err)
	}
	if out, err := cli("migrate", "down", "2"); err != nil || !strings.Contains(out, "reverted "+name) || strings.Count(out, "reverted") != 2 {
		t.Fatalf("down 2: %q %v", out, err)
	}
	if out, err := cli("migrate", "status"); err != nil || !regexp.MustCompile(name+`\s+pending`).MatchString(out) {
		t.Fatalf("status after down: %q %v", out, err)
	}
	if out, err := cli("migrate", "down"); err != nil || out != "no applied migrations\n" {
		t.Fatalf("down with nothing applied: %q %v", out, err)
	}

	// A failing migration: the command fails naming it; the ones before it
	// are applied, the ones after not.
	writeFile(t, filepath.Join(mdir, "9999999998_bad.json"), `{"up": {"collections": [{"name": "bad", "fields": [{"name": "r", "type": "relation", "collectionId": "nowhere"}]}]}}`)
	writeFile(t, filepath.Join(mdir, "9999999999_after.json"), `{"up": {"collections": [{"name": "after"}]}}`)
	out, err = cli("migrate", "up")
	if err == nil || !strings.Contains(err.Error(), "migration 9999999998_bad.json (up) failed: import collections: ") || !strings.Contains(err.Error(), "collections.0.fields.1.collectionId") || !strings.Contains(out, "applied "+name) || strings.Contains(out, "after") {
		t.Fatalf("failing up: %q %v", out, err)
	}

	for _, bad := range [][]string{{"migrate"}, {"migrate", "sideways"}, {"migrate", "create"}, {"migrate", "down", "0"}, {"migrate", "down", "x"}, {"migrate", "up", "now"}} {
		if _, err := cli(bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestMigrationsDir: --migrations-dir, its PocketBase spelling
// --migrationsDir, GALLEY_MIGRATIONS_DIR, and pb_migrations beside the
// data directory when galley_migrations is not there.
func TestMigrationsDir(t *testing.T) {
	migration := `{"up": {"collections": [{"name": "things"}]}}`
	for name, tc := range map[string]struct {
		file string
		args []string
		env  map[string]string
	}{
		"pb_migrations": {file: "pb_migrations/1_a.json"},
		"flag":          {file: "elsewhere/1_a.json", args: []string{"--migrations-dir", "elsewhere"}},
		"alias":         {file: "elsewhere/1_a.json", args: []string{"--migrationsDir", "elsewhere"}},
		"env":           {file: "elsewhere/1_a.json", env: map[string]string{"GALLEY_MIGRATIONS_DIR": "elsewhere"}},
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, filepath.Join(root, tc.file), migration)
			args := []string{"migrate", "up", "--dir", filepath.Join(root, "data")}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "elsewhere", filepath.Join(root, "elsewhere")))
			}
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = filepath.Join(root, v)
			}
			if out, err := runCLI(t, env, args...); err != nil || out != "applied 1_a.json\n" {
				t.Fatalf("%q %v", out, err)
			}
		})
	}
}

// TestCustomBinaryMigrations: a custom binary's Go migrations run with the
// files, in name order, through RunWith.
func TestCustomBinaryMigrations(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "galley_migrations", "2_file.json"), `{"up": {"collections": [{"name": "from_file"}]}}`)
	var order []string
	reg := &migrate.Registry{}
	for _, n := range []string{"1_go", "3_go"} {
		if err := reg.Register(n, func(ctx context.Context, app *core.App) error { order = append(order, n); return nil }, nil); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	err := RunWith(context.Background(), []string{"migrate", "up", "--dir", filepath.Join(root, "data")}, testEnv(t, nil), &out, &out, Extensions{Migrations: reg})
	if err != nil || out.String() != "applied 1_go\napplied 2_file.json\napplied 3_go\n" || strings.Join(order, ",") != "1_go,3_go" {
		t.Fatalf("%q %v %v", out.String(), err, order)
	}
}

// TestServeMigrationsAutomigrateAndCrons: serve applies pending
// migrations before serving, refuses to start on a failing one, writes a
// migration file (recorded as applied) for a collection created through
// the API with --automigrate, and answers /api/crons.
func TestServeMigrationsAutomigrateAndCrons(t *testing.T) {
	root := t.TempDir()
	data, mdir := filepath.Join(root, "data"), filepath.Join(root, "galley_migrations")
	writeFile(t, filepath.Join(mdir, "1_things.json"), `{"up": {"collections": [{"name": "things"}]}}`)
	if _, err := runCLI(t, nil, "superuser", "upsert", "root@example.com", "long-enough-1", "--dir", data); err != nil {
		t.Fatal(err)
	}

	writeFile(t, filepath.Join(mdir, "2_bad.json"), `{"up": {"delete": ["_superusers"]}}`)
	if out, err := runCLI(t, nil, "serve", "--dir", data, "--http", freeAddr(t)); err == nil || !strings.Contains(err.Error(), "2_bad.json") {
		t.Fatalf("serve with a failing migration: %v\n%s", err, out)
	}
	os.Remove(filepath.Join(mdir, "2_bad.json"))

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	done := make(chan error, 1)
	getenv := testEnv(t, nil)
	go func() {
		done <- run(ctx, []string{"serve", "--http", addr, "--dir", data, "--automigrate", "--log-format", "json"}, getenv, &out, &out)
	}()
	for range 200 {
		if res, err := http.Get("http://" + addr + "/api/health"); err == nil {
			res.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	call := func(method, path, token, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, out.String())
		}
		defer res.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		return res.StatusCode, b.String()
	}
	code, body := call("POST", "/api/collections/_superusers/auth-with-password", "", `{"identity":"root@example.com","password":"long-enough-1"}`)
	var auth struct{ Token string }
	if code != 200 || json.Unmarshal([]byte(body), &auth) != nil {
		t.Fatalf("log-in: %d %s", code, body)
	}
	if code, body := call("GET", "/api/collections/things", auth.Token, ""); code != 200 {
		t.Fatalf("the pending migration was not applied at start: %d %s", code, body)
	}
	// The system jobs, under PocketBase's ids where it has them.
	if code, body := call("GET", "/api/crons", auth.Token, ""); code != 200 || strings.TrimSpace(body) !=
		`[{"id":"__galleyFilesSweep__","expression":"0 */6 * * *"},{"id":"__pbDBOptimize__","expression":"0 0 * * *"},{"id":"__pbLogsCleanup__","expression":"0 */6 * * *"},`+
			`{"id":"__pbMFACleanup__","expression":"0 * * * *"},{"id":"__pbOTPCleanup__","expression":"0 * * * *"}]` {
		t.Fatalf("GET /api/crons: %d %s", code, body)
	}
	if code, body := call("POST", "/api/collections", auth.Token, `{"name": "posts"}`); code != 200 {
		t.Fatalf("create posts: %d %s", code, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, out.String())
	}
	written, _ := filepath.Glob(filepath.Join(mdir, "*_created_posts.json"))
	if len(written) != 1 {
		t.Fatalf("automigrate wrote %v\n%s", written, out.String())
	}
	status, err := runCLI(t, nil, "migrate", "status", "--dir", data)
	if err != nil || strings.Contains(status, "pending") || !strings.Contains(status, filepath.Base(written[0])) {
		t.Fatalf("status: %q %v (the automigrate file is recorded as applied)", status, err)
	}
}

// TestNodesStartTogetherApplyMigrationsOnce: three serve processes on one
// PostgreSQL schema, started at once with the same migrations directory,
// apply each migration once in all.
func TestNodesStartTogetherApplyMigrationsOnce(t *testing.T) {
	base := storetest.PostgresDSN()
	if base == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvDSN)
	}
	dsn := storetest.NewSchema(t, base)
	mdir := t.TempDir()
	for i, name := range []string{"a", "b", "c", "d"} {
		writeFile(t, filepath.Join(mdir, fmt.Sprintf("%d_%s.json", i, name)), `{"up": {"collections": [{"name": "`+name+`"}]}}`)
	}
	var nodes []*node
	for _, name := range []string{"A", "B", "C"} {
		nodes = append(nodes, startNodeArgs(t, name, dsn, "--storage-shared", "--migrations-dir", mdir))
	}
	applied := 0
	for _, n := range nodes {
		eventually(t, 30*time.Second, n.name+" healthy", func() bool { code, _ := n.call(t, "GET", "/api/health", "", nil); return code == 200 })
		applied += strings.Count(n.out.String(), `"msg":"applied migration"`)
	}
	if applied != 4 {
		t.Fatalf("migrations applied %d times across the nodes, want 4 (once each)", applied)
	}
	out, err := runCLI(t, nil, "migrate", "status", "--db", dsn, "--migrations-dir", mdir)
	if err != nil || strings.Contains(out, "pending") || strings.Count(out, ".json") != 8 {
		t.Fatalf("status: %q %v", out, err)
	}
}
