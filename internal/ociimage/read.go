package ociimage

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// Entry is one file or directory of the image's file system.
type Entry struct {
	Mode     int64 // permission bits (and sticky bit)
	UID, GID int
	Dir      bool
	Size     int64
	Data     []byte // regular files up to 1 MiB (larger ones: nil)
}

// Image is an image read back from a layout.
type Image struct {
	Ref    string
	Digest v1.Hash
	Config *v1.ConfigFile
	// Files maps absolute paths to entries, across every layer.
	Files map[string]Entry
	// Binary is the content of BinaryPath.
	Binary []byte
}

// Read opens the OCI layout in dir, finds the image named tag, validates
// it (every blob's digest and size, the manifest, the config, the layers'
// diff IDs) and returns its config and files. It fails when the layout,
// the image or one of its blobs is missing or corrupt.
func Read(dir, tag string) (*Image, error) {
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("oci layout %s: %w", dir, err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return nil, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var desc *v1.Descriptor
	for i := range im.Manifests {
		if im.Manifests[i].Annotations[RefName] == tag {
			desc = &im.Manifests[i]
		}
	}
	if desc == nil {
		return nil, fmt.Errorf("oci layout %s: no image named %q", dir, tag)
	}
	if desc.MediaType != types.OCIManifestSchema1 {
		return nil, fmt.Errorf("oci layout %s: %s is a %s, not an OCI image manifest", dir, tag, desc.MediaType)
	}
	img, err := idx.Image(desc.Digest)
	if err != nil {
		return nil, err
	}
	if err := validate.Image(img); err != nil {
		return nil, fmt.Errorf("oci layout %s: image %s is not valid: %w", dir, tag, err)
	}
	out := &Image{Ref: tag, Digest: desc.Digest, Files: map[string]Entry{}}
	if out.Config, err = img.ConfigFile(); err != nil {
		return nil, err
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	for _, l := range layers {
		mt, err := l.MediaType()
		if err != nil {
			return nil, err
		}
		if mt != types.OCILayer {
			return nil, fmt.Errorf("oci layout %s: a layer is a %s, not %s", dir, mt, types.OCILayer)
		}
		if err := readLayer(l, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func readLayer(l v1.Layer, out *Image) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("oci layer: %w", err)
		}
		name := path.Clean("/" + h.Name)
		e := Entry{Mode: h.Mode & 0o7777, UID: h.Uid, GID: h.Gid, Dir: h.Typeflag == tar.TypeDir, Size: h.Size}
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			if err != nil {
				return fmt.Errorf("oci layer: %s: %w", name, err)
			}
			if name == BinaryPath {
				out.Binary = b
			}
			if len(b) <= 1<<20 {
				e.Data = b
			}
		}
		out.Files[name] = e
	}
}

// Check returns the differences between img and what Build makes: the
// platform, user, entrypoint, volume, port, stop signal, and the files
// (the binary executable and root-owned, /data owned by the user). Empty
// means img is right.
func Check(img *Image) []string {
	var bad []string
	c := img.Config
	want := func(what string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			bad = append(bad, fmt.Sprintf("%s is %v, want %v", what, got, want))
		}
	}
	want("platform", c.OS+"/"+c.Architecture, "linux/amd64")
	want("user", c.Config.User, fmt.Sprintf("%d:%d", UID, GID))
	want("entrypoint", c.Config.Entrypoint, Entrypoint())
	want("cmd", len(c.Config.Cmd), 0)
	want("working directory", c.Config.WorkingDir, DataDir)
	want("stop signal", c.Config.StopSignal, "SIGTERM")
	if _, ok := c.Config.Volumes[DataDir]; !ok || len(c.Config.Volumes) != 1 {
		bad = append(bad, fmt.Sprintf("volumes are %v, want only %s", c.Config.Volumes, DataDir))
	}
	if _, ok := c.Config.ExposedPorts[Port+"/tcp"]; !ok {
		bad = append(bad, fmt.Sprintf("exposed ports are %v, want %s/tcp", c.Config.ExposedPorts, Port))
	}
	if c.Config.Healthcheck != nil {
		bad = append(bad, "a Docker health check in an OCI image (nothing in the image could run it)")
	}
	if len(c.RootFS.DiffIDs) != 1 {
		bad = append(bad, fmt.Sprintf("%d layers, want 1", len(c.RootFS.DiffIDs)))
	}
	bin, ok := img.Files[BinaryPath]
	switch {
	case !ok || bin.Dir || len(img.Binary) == 0:
		bad = append(bad, "no binary at "+BinaryPath)
	case bin.Mode != 0o755 || bin.UID != 0:
		bad = append(bad, fmt.Sprintf("%s has mode %o owner %d, want 755 and root", BinaryPath, bin.Mode, bin.UID))
	}
	for _, d := range []string{DataDir, DataDir + "/storage"} {
		if e, ok := img.Files[d]; !ok || !e.Dir || e.UID != UID || e.GID != GID {
			bad = append(bad, fmt.Sprintf("%s is %+v, want a directory owned by %d:%d", d, e, UID, GID))
		}
	}
	if e, ok := img.Files["/tmp"]; !ok || !e.Dir || e.Mode != 0o1777 {
		bad = append(bad, "no /tmp with mode 1777")
	}
	names := make([]string, 0, len(img.Files))
	for n := range img.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if n != BinaryPath && n != CABundlePath && !img.Files[n].Dir {
			bad = append(bad, "an unexpected file "+n)
		}
	}
	return bad
}
