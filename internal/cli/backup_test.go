package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupCLI: galley backup create|list|restore on the database of
// --dir (and GALLEY_DB when the suite runs on PostgreSQL): create prints
// the key and progress, a bad name is refused before anything is
// written, restore by key and by path brings the data back as it was at
// the backup, and an archive that is not one is refused with the reason.
func TestBackupCLI(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCLI(t, nil, "superuser", "upsert", "root@example.com", "root-password-1", "--dir", dir); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, nil, "backup", "create", "../evil.zip", "--dir", dir); err == nil || !strings.Contains(err.Error(), "must match") {
		t.Fatalf("bad name: %v %s", err, out)
	}
	out, err := runCLI(t, nil, "backup", "create", "first.zip", "--dir", dir)
	if err != nil || !strings.Contains(out, "first.zip") || !strings.Contains(out, "table _params") {
		t.Fatalf("create: %v\n%s", err, out)
	}
	if out, err := runCLI(t, nil, "backup", "list", "--dir", dir); err != nil || !strings.HasPrefix(out, "first.zip\t") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	// A second superuser after the backup is gone after a restore.
	if _, err := runCLI(t, nil, "superuser", "upsert", "second@example.com", "second-password-1", "--dir", dir); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, nil, "backup", "restore", "first.zip", "--dir", dir); err != nil || !strings.Contains(out, "restored and verified") {
		t.Fatalf("restore by key: %v\n%s", err, out)
	}
	if _, err := runCLI(t, nil, "superuser", "delete", "second@example.com", "--dir", dir); err == nil || !strings.Contains(err.Error(), "No superuser with email") {
		t.Fatalf("the superuser made after the backup survived the restore: %v", err)
	}
	path := filepath.Join(dir, "backups", "first.zip")
	if out, err := runCLI(t, nil, "backup", "restore", path, "--dir", dir); err != nil {
		t.Fatalf("restore by path: %v\n%s", err, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.zip")
	os.WriteFile(bad, []byte("not a zip"), 0o600)
	if _, err := runCLI(t, nil, "backup", "restore", bad, "--dir", dir); err == nil || !strings.Contains(err.Error(), "not a readable zip") {
		t.Fatalf("restore of garbage: %v", err)
	}
}

// TestBackupLimitFlags: the serve flags bounding backup archives refuse
// values that would switch a bound off, naming the flag.
func TestBackupLimitFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--backup-max-uncompressed", "0"},
		{"--backup-max-ratio", "-1"},
		{"--backup-max-upload", "0"},
	} {
		_, err := runCLI(t, nil, append([]string{"serve", "--dir", t.TempDir(), "--http", "127.0.0.1:0"}, args...)...)
		if err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Fatalf("%v: %v, want refused naming the flag", args, err)
		}
	}
	l := backupLimits{maxUncompressed: 10, maxRatio: 3, maxUpload: 5}
	if got := l.limits(); got.MaxUncompressed != 10 || got.MaxRatio != 3 {
		t.Fatalf("limits: %+v", got)
	}
}
