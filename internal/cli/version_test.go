package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/galleyhq/galley/internal/buildinfo"
	"github.com/galleyhq/galley/internal/store"
)

func TestVersionCommand(t *testing.T) {
	out, err := runCLI(t, nil, "version")
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^galley v\d+\.\d+\.\d+\S*\ncommit \S.*\nbuilt  \S+\ngo     go\S+ \w+/\w+\n$`)
	if !want.MatchString(out) {
		t.Fatalf("galley version printed %q", out)
	}
	if _, err := runCLI(t, nil, "version", "extra"); err == nil {
		t.Fatal("version took an argument")
	}
}

func TestWriteVersion(t *testing.T) {
	for _, c := range []struct {
		info buildinfo.Info
		want string
	}{
		{buildinfo.Info{Version: "v1.2.3", Commit: "0123abcd", Date: "2026-12-01T10:00:00Z", Go: "go1.26.8 linux/arm64"},
			"galley v1.2.3\ncommit 0123abcd\nbuilt  2026-12-01T10:00:00Z\ngo     go1.26.8 linux/arm64\n"},
		{buildinfo.Info{Version: buildinfo.DevVersion, Go: "go1.26.8 darwin/amd64"},
			"galley v0.0.0-dev\ncommit unknown\nbuilt  unknown\ngo     go1.26.8 darwin/amd64\n"},
		{buildinfo.Info{Version: "v0.0.0-20261202233105-68a01c210c9f+dirty", Commit: "68a01c2", Modified: true, Date: "2026-12-02T23:31:05Z", Go: "go1.26.8 windows/amd64"},
			"galley v0.0.0-20261202233105-68a01c210c9f+dirty\ncommit 68a01c2 (modified)\nbuilt  2026-12-02T23:31:05Z\ngo     go1.26.8 windows/amd64\n"},
	} {
		var b bytes.Buffer
		writeVersion(&b, c.info)
		if b.String() != c.want {
			t.Errorf("writeVersion(%+v) = %q, want %q", c.info, b.String(), c.want)
		}
	}
}

// TestRefusesDataOfNewerMajor: serve and the superuser commands refuse a
// database last opened by a newer major version, naming both versions.
func TestRefusesDataOfNewerMajor(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"GALLEY_DIR": dir}
	if _, err := runCLI(t, env, "superuser", "upsert", "a@example.com", "long-enough-1"); err != nil {
		t.Fatal(err)
	}
	getenv := testEnv(t, env)
	db, err := store.Open(context.Background(), store.Options{Dir: dir, DSN: getenv("GALLEY_DB")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(context.Background(), `UPDATE "_version" SET "version" = 'v99.0.0'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, args := range [][]string{
		{"serve", "--http", "127.0.0.1:0"},
		{"superuser", "upsert", "a@example.com", "long-enough-2"},
	} {
		_, err := runCLI(t, env, args...)
		if err == nil {
			t.Fatalf("%v opened a database of v99.0.0", args)
		}
		msg := err.Error()
		if !strings.Contains(msg, "last opened by Galley v99.0.0, a newer major version than this one ("+buildinfo.Get().Version+")") ||
			!strings.Contains(msg, "nothing was changed") {
			t.Fatalf("%v: %v", args, err)
		}
	}
}
