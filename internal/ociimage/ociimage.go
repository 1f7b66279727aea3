// Package ociimage builds Galley's container image without Docker: an
// empty base plus one layer holding the static galley binary (at
// /galley), the /data volume's directory owned by the non-root user, /tmp
// and, when given, a CA bundle; written as an OCI image layout directory
// (which skopeo, crane, podman, containerd's ctr and registries' tools
// read) with github.com/google/go-containerregistry. Read checks such a
// layout back.
//
// The same inputs give the same image digest: every file has a fixed
// modification time (Options.Created) and owner, and the layer is
// compressed deterministically.
//
// An OCI image configuration cannot express a health check (Docker's
// HEALTHCHECK is an extension of Docker's own format), and the image has
// no shell or wget to run one: orchestrators probe GET /api/health
// themselves (Kubernetes' httpGet probes; see deploy/).
package ociimage

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Image facts; Read checks them.
const (
	// BinaryPath is where the galley binary is in the image.
	BinaryPath = "/galley"
	// DataDir is the data directory and volume.
	DataDir = "/data"
	// UID and GID of the user the container runs as (not root; the same
	// as deploy/Dockerfile's and the Kubernetes example's).
	UID, GID = 10001, 10001
	// Port is the port the entrypoint listens on.
	Port = "8090"
	// CABundlePath is where a CA bundle goes (Go reads it there).
	CABundlePath = "/etc/ssl/certs/ca-certificates.crt"
)

// Entrypoint is the image's entrypoint: arguments given to the container
// are added after it (say --db DSN, or --metrics).
func Entrypoint() []string {
	return []string{BinaryPath, "serve", "--http", "0.0.0.0:" + Port, "--dir", DataDir}
}

// Options describe the image.
type Options struct {
	// Binary is the static linux/amd64 galley binary (CGO_ENABLED=0).
	Binary string
	// CABundle is a PEM bundle of root certificates put at CABundlePath,
	// for the TLS connections Galley makes (SMTP, S3, OAuth2, ACME);
	// empty leaves it out (then those connections cannot verify servers).
	CABundle string
	// Version labels the image (org.opencontainers.image.version).
	Version string
	// Created is the image's creation time and every file's modification
	// time (zero: the Unix epoch), so that builds are reproducible
	// (SOURCE_DATE_EPOCH).
	Created time.Time
}

// Build returns the image opts describe. A missing or empty binary is an
// error.
func Build(opts Options) (v1.Image, error) {
	created := opts.Created
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	created = created.UTC()
	bin, err := os.ReadFile(opts.Binary)
	if err != nil {
		return nil, fmt.Errorf("oci image: the binary: %w", err)
	}
	if len(bin) == 0 {
		return nil, fmt.Errorf("oci image: the binary %s is empty", opts.Binary)
	}
	var ca []byte
	if opts.CABundle != "" {
		if ca, err = os.ReadFile(opts.CABundle); err != nil {
			return nil, fmt.Errorf("oci image: the CA bundle: %w", err)
		}
	}
	tarBytes, err := layerTar(bin, ca, created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(tarBytes)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("oci image: layer: %w", err)
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: layer, History: v1.History{
		Created: v1.Time{Time: created}, CreatedBy: "galley internal/ociimage", Comment: "the galley binary, /data, /tmp"}})
	if err != nil {
		return nil, fmt.Errorf("oci image: %w", err)
	}
	img = mutate.MediaType(img, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = "amd64", "linux"
	cf.Created = v1.Time{Time: created}
	cf.Config = v1.Config{
		User:         fmt.Sprintf("%d:%d", UID, GID),
		Entrypoint:   Entrypoint(),
		Env:          []string{"GALLEY_LOG_FORMAT=json"},
		WorkingDir:   DataDir,
		Volumes:      map[string]struct{}{DataDir: {}},
		ExposedPorts: map[string]struct{}{Port + "/tcp": {}},
		StopSignal:   "SIGTERM",
		Labels: map[string]string{
			"org.opencontainers.image.title":  "galley",
			"org.opencontainers.image.source": "https://github.com/galleyhq/galley",
		},
	}
	if opts.Version != "" {
		cf.Config.Labels["org.opencontainers.image.version"] = opts.Version
	}
	return mutate.ConfigFile(img, cf)
}

// layerTar is the one layer: /galley (0755, root-owned: the user cannot
// change it), /data and /data/storage (0750, owned by UID:GID, so a fresh
// volume mounted there is writable), /tmp (1777) and the CA bundle.
func layerTar(bin, ca []byte, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dir := func(name string, mode int64, uid, gid int) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: mode, Uid: uid, Gid: gid, ModTime: mtime, Format: tar.FormatPAX})
	}
	file := func(name string, mode int64, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(b)), ModTime: mtime, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	errs := []error{
		file(BinaryPath[1:], 0o755, bin),
		dir(DataDir[1:]+"/", 0o750, UID, GID),
		dir(DataDir[1:]+"/storage/", 0o750, UID, GID),
		dir("tmp/", 0o1777, 0, 0),
	}
	if ca != nil {
		errs = append(errs, dir("etc/", 0o755, 0, 0), dir("etc/ssl/", 0o755, 0, 0), dir("etc/ssl/certs/", 0o755, 0, 0),
			file(CABundlePath[1:], 0o644, ca))
	}
	errs = append(errs, tw.Close())
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("oci image: layer: %w", err)
	}
	return buf.Bytes(), nil
}

// RefName is the annotation that names an image in a layout's index.
const RefName = "org.opencontainers.image.ref.name"

// WriteLayout writes img as an OCI image layout in dir (created when
// missing; an existing layout there gets the image added), named tag.
func WriteLayout(dir string, img v1.Image, tag string) error {
	p, err := layout.FromPath(dir)
	if err != nil {
		if p, err = layout.Write(dir, empty.Index); err != nil {
			return fmt.Errorf("oci layout %s: %w", dir, err)
		}
	}
	// The image's blobs, then its descriptor in the index, named tag
	// (written by hand: AppendImage also sets an artifactType, which
	// marks artifacts rather than images).
	if err := p.WriteImage(img); err != nil {
		return fmt.Errorf("oci layout %s: %w", dir, err)
	}
	desc, err := partial.Descriptor(img)
	if err != nil {
		return err
	}
	desc.ArtifactType = ""
	desc.Annotations = map[string]string{RefName: tag}
	if err := p.AppendDescriptor(*desc); err != nil {
		return fmt.Errorf("oci layout %s: %w", dir, err)
	}
	return nil
}
