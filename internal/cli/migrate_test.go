package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/core"
	"github.com/galleyhq/galley/internal/store"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// noDB keeps the suite's GALLEY_DB (set when it runs on PostgreSQL) away
// from migrate-data, whose source is always SQLite in --dir.
var noDB = map[string]string{"GALLEY_DB": ""}

// seedDir creates a SQLite Galley in a temp dir: a superuser, a users auth
// collection with one user, and posts with n records.
func seedDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := runCLI(t, noDB, "superuser", "upsert", "root@example.com", "root-password-1", "--dir", dir); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	app := core.New(db, nil)
	// Records go into the default users collection (createRule ""), and posts.
	for _, body := range []string{
		`{"name":"posts","createRule":"","listRule":"","fields":[{"name":"title","type":"text"},{"name":"meta","type":"json"}]}`,
	} {
		if _, err := app.CreateCollection(ctx, app.SystemActor(), []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	bodies := []string{`{"email":"ann@example.com","password":"ann-password-1","passwordConfirm":"ann-password-1"}`}
	for i := 0; i < n; i++ {
		bodies = append(bodies, fmt.Sprintf(`{"title":"post %d","meta":{"n":%d,"b":[true],"a":"x"}}`, i, i))
	}
	for i, body := range bodies {
		b, err := core.DecodeBody([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		coll := "posts"
		if i == 0 {
			coll = "users"
		}
		if _, err := app.CreateRecord(ctx, core.Actor{}, coll, core.RecordInput{Body: b}, ""); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestMigrateData(t *testing.T) {
	base := storetest.PostgresDSN()
	if base == "" {
		t.Skip("GALLEY_TEST_POSTGRES is unset: migrate-data needs a PostgreSQL target")
	}
	dir := seedDir(t, 10) // 2.5 batches of 4
	dsn := storetest.NewSchema(t, base)
	out, err := runCLI(t, noDB, "migrate-data", "--dir", dir, "--to", dsn, "--batch", "4")
	if err != nil {
		t.Fatalf("migrate-data: %v\n%s", err, out)
	}
	for _, want := range []string{"copy posts: 0/10 rows", "copy posts: 10/10 rows", "verify posts",
		"TABLE", "posts", "base", "ok ", "_superusers", "_params", "every table verified"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "posts ") || !lineHas(out, "posts", "10", "ok") || !lineHas(out, "users", "1", "ok") {
		t.Errorf("summary rows:\n%s", out)
	}

	// The target now has tables: refused, even with GALLEY_FORCE set.
	env := map[string]string{"GALLEY_DB": "", "GALLEY_FORCE": "true"}
	out, err = runCLI(t, env, "migrate-data", "--dir", dir, "--to", dsn)
	if err == nil || !strings.Contains(err.Error(), "is not empty") || !strings.Contains(err.Error(), "--force") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	// --force drops what is there (and says so), then copies again; the
	// DSN may come from GALLEY_MIGRATE_TO.
	env = map[string]string{"GALLEY_DB": "", "GALLEY_MIGRATE_TO": dsn}
	out, err = runCLI(t, env, "migrate-data", "--dir", dir, "--force")
	if err != nil || !strings.Contains(out, "--force: dropping") || !strings.Contains(out, "every table verified") {
		t.Fatalf("--force: %v\n%s", err, out)
	}

	// The target serves the users with their original passwords.
	db, err := store.Open(context.Background(), store.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	app := core.New(db, nil)
	for _, login := range [][3]string{{"users", "ann@example.com", "ann-password-1"}, {"_superusers", "root@example.com", "root-password-1"}} {
		if _, _, err := app.AuthWithPassword(context.Background(), core.Actor{IP: "192.0.2.1"}, login[0], login[1], login[2], "", ""); err != nil {
			t.Errorf("log-in %s on the target: %v", login[1], err)
		}
	}
}

// lineHas reports whether some line of out holds all words as fields.
func lineHas(out string, words ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		ok := len(fields) > 0 && fields[0] == words[0]
		for _, w := range words[1:] {
			ok = ok && strings.Contains(" "+line+" ", " "+w+" ")
		}
		if ok {
			return true
		}
	}
	return false
}

func TestMigrateDataRefusals(t *testing.T) {
	dir := seedDir(t, 1)
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "other.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	pg := "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{noDB, []string{"--dir", dir}, "--to is required"},
		{noDB, []string{"--dir", dir, "--to", "mysql://x"}, "want a PostgreSQL DSN"},
		{map[string]string{"GALLEY_DB": pg}, []string{"--dir", dir, "--to", pg}, "do not give --db"},
		{noDB, []string{"--dir", empty, "--to", pg}, "holds no Galley database (no data.db)"},
		{noDB, []string{"--dir", dir, "--to", pg, "--batch", "0"}, "--batch"},
		{noDB, []string{"--dir", dir, "--to", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"}, "connect to PostgreSQL at 127.0.0.1:1/none"},
	} {
		out, err := runCLI(t, tc.env, append([]string{"migrate-data"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v (want %q)\n%s", tc.args, err, tc.want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(empty, "data.db")); err == nil {
		t.Error("a refused run created data.db in --dir")
	}
}
