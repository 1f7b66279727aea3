package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/files/s3test"
	"github.com/galleyhq/galley/internal/store/storetest"
)

// TestLocalStorageOneNodeOnly: on PostgreSQL a second node with local file
// storage refuses to start (its files would be missing on the first), and
// says what to do; with --storage-shared, or once S3 is enabled in the
// settings, it starts.
func TestLocalStorageOneNodeOnly(t *testing.T) {
	base := storetest.PostgresDSN()
	if base == "" {
		t.Skip("needs PostgreSQL: set " + storetest.EnvDSN)
	}
	dsn := storetest.NewSchema(t, base)
	healthy := func(n *node) {
		t.Helper()
		eventually(t, 30*time.Second, n.name+" healthy", func() bool { code, _ := n.call(t, "GET", "/api/health", "", nil); return code == 200 })
	}
	a := startNodeArgs(t, "A", dsn)
	healthy(a)

	b := startNodeArgs(t, "B", dsn)
	eventually(t, 30*time.Second, "B exits", func() bool { return b.exited() })
	if b.cmd.ProcessState.ExitCode() == 0 || !strings.Contains(b.out.String(), "--storage-shared") || !strings.Contains(b.out.String(), "s3.enabled") {
		t.Fatalf("second node with local storage: exit %d, output:\n%s", b.cmd.ProcessState.ExitCode(), b.out.String())
	}
	c := startNodeArgs(t, "C", dsn, "--storage-shared")
	healthy(c)

	// S3 on: any number of nodes.
	cfg := s3test.Start(t)
	if out, err := runCLI(t, nil, "superuser", "upsert", "root@example.com", "storage-secret-1", "--db", dsn); err != nil {
		t.Fatalf("superuser upsert: %v %s", err, out)
	}
	_, auth := a.call(t, "POST", "/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": "root@example.com", "password": "storage-secret-1"})
	token, _ := auth["token"].(string)
	if code, body := a.call(t, "PATCH", "/api/settings", token, map[string]any{"s3": map[string]any{"enabled": true, "bucket": cfg.Bucket,
		"region": cfg.Region, "endpoint": cfg.Endpoint, "accessKey": cfg.AccessKey, "secret": cfg.Secret, "forcePathStyle": true}}); code != 200 {
		t.Fatalf("enable S3: %d %v", code, body)
	}
	d := startNodeArgs(t, "D", dsn)
	healthy(d)
}

// TestSweepDir: only regular files older than the age go.
func TestSweepDir(t *testing.T) {
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, "upload-old"), filepath.Join(dir, "upload-fresh")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if n := sweepDir(dir, staleTemp); n != 1 {
		t.Fatalf("removed %d, want 1", n)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatalf("old file: %v", err)
	}
	for _, p := range []string{fresh, filepath.Join(dir, "sub")} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
}
