package ociimage

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// buildGalley builds ./cmd/galley as the image needs it: static,
// linux/amd64, without cgo.
func buildGalley(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the galley binary")
	}
	out := filepath.Join(t.TempDir(), "galley")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "github.com/galleyhq/galley/cmd/galley")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/galley: %v\n%s", err, b)
	}
	return out
}

// TestImage builds the image from a freshly built binary, writes the OCI
// layout, reads it back and checks the config (platform, non-root user,
// entrypoint, /data volume, port) and the layer (the binary byte for byte,
// executable and root-owned; /data owned by the user; /tmp), runs the
// binary taken out of the layer, and checks that the same inputs give the
// same digest.
func TestImage(t *testing.T) {
	bin := buildGalley(t)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	img, err := Build(Options{Binary: bin, CABundle: ca, Version: "1.2.3", Created: created})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "oci")
	if err := WriteLayout(out, img, "galley:1.2.3"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"oci-layout", "index.json", "blobs/sha256"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Fatalf("the layout lacks %s: %v", f, err)
		}
	}
	back, err := Read(out, "galley:1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	if bad := Check(back); len(bad) > 0 {
		t.Fatalf("image:\n%s", strings.Join(bad, "\n"))
	}
	want, _ := os.ReadFile(bin)
	if !bytes.Equal(back.Binary, want) {
		t.Fatal("the binary in the layer differs from the one built")
	}
	if got := back.Files[CABundlePath]; string(got.Data) != "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n" || got.Mode != 0o644 {
		t.Fatalf("CA bundle: %+v", got)
	}
	c := back.Config
	if c.Config.Labels["org.opencontainers.image.version"] != "1.2.3" || !c.Created.Time.Equal(created) {
		t.Fatalf("labels %v, created %v", c.Config.Labels, c.Created)
	}
	if c.Config.User == "" || strings.HasPrefix(c.Config.User, "0") || c.Config.User == "root" {
		t.Fatalf("runs as %q", c.Config.User)
	}

	// The binary out of the layer is Galley, and it starts.
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		exe := filepath.Join(dir, "galley-from-layer")
		if err := os.WriteFile(exe, back.Binary, 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := exec.Command(exe, "version").CombinedOutput()
		if err != nil || !strings.HasPrefix(string(b), "galley ") {
			t.Fatalf("galley version from the layer: %v %s", err, b)
		}
	}

	// Reproducible: the same inputs, the same digest.
	img2, err := Build(Options{Binary: bin, CABundle: ca, Version: "1.2.3", Created: created})
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := img.Digest()
	d2, _ := img2.Digest()
	if d1 != d2 || d1 != back.Digest {
		t.Fatalf("digests %s, %s, read back %s", d1, d2, back.Digest)
	}
}

// TestReadRefuses: a corrupt blob, a missing name and a missing layout
// are errors, never a wrong image.
func TestReadRefuses(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.WriteFile(bin, bytes.Repeat([]byte("galley"), 1000), 0o755); err != nil {
		t.Fatal(err)
	}
	img, err := Build(Options{Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "oci")
	if err := WriteLayout(out, img, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(out, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(out, "other"); err == nil {
		t.Fatal("a name not in the layout was read")
	}
	if _, err := Read(filepath.Join(dir, "none"), "t"); err == nil {
		t.Fatal("a missing layout was read")
	}
	layers, _ := img.Layers()
	h, _ := layers[0].Digest()
	blob := filepath.Join(out, "blobs", h.Algorithm, h.Hex)
	b, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(blob, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(out, "t"); err == nil {
		t.Fatal("a corrupt layer was read")
	}
	if _, err := Build(Options{Binary: filepath.Join(dir, "missing")}); err == nil {
		t.Fatal("built without a binary")
	}
}
