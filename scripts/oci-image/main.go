// Command oci-image writes Galley's container image as an OCI image
// layout without Docker (see internal/ociimage), then reads it back and
// checks it. scripts/oci-image.sh builds the binary and runs it:
//
//	go run ./scripts/oci-image -binary dist/galley-linux-amd64 -out dist/oci -tag galley:1.2.3
//
// Copy the layout to a registry or a container engine with, for example,
// skopeo copy oci:dist/oci:galley:1.2.3 docker://registry.example.com/galley:1.2.3
// (or podman load / crane push).
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/galleyhq/galley/internal/ociimage"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "oci-image:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("oci-image", flag.ContinueOnError)
	bin := fs.String("binary", "", "the static linux/amd64 galley binary (required)")
	out := fs.String("out", "dist/oci", "the OCI layout directory to write (an existing layout gets the image added)")
	tag := fs.String("tag", "galley:dev", "the image's name in the layout (org.opencontainers.image.ref.name)")
	version := fs.String("version", "", "org.opencontainers.image.version label")
	ca := fs.String("ca-bundle", "/etc/ssl/certs/ca-certificates.crt", "PEM root certificates to put in the image (\"\" for none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bin == "" {
		return fmt.Errorf("-binary is required")
	}
	created := time.Unix(0, 0)
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH: %w", err)
		}
		created = time.Unix(sec, 0)
	}
	if *ca != "" {
		if _, err := os.Stat(*ca); err != nil {
			fmt.Fprintf(os.Stderr, "oci-image: no CA bundle at %s: the image verifies no TLS server (SMTP, S3, OAuth2)\n", *ca)
			*ca = ""
		}
	}
	img, err := ociimage.Build(ociimage.Options{Binary: *bin, CABundle: *ca, Version: *version, Created: created})
	if err != nil {
		return err
	}
	if err := ociimage.WriteLayout(*out, img, *tag); err != nil {
		return err
	}
	back, err := ociimage.Read(*out, *tag)
	if err != nil {
		return err
	}
	if bad := ociimage.Check(back); len(bad) > 0 {
		return fmt.Errorf("the image read back is wrong:\n  %s", strings.Join(bad, "\n  "))
	}
	fmt.Printf("%s %s in %s (checked: linux/amd64, user %d:%d, entrypoint %s, volume %s)\n", *tag, back.Digest, *out,
		ociimage.UID, ociimage.GID, strings.Join(ociimage.Entrypoint(), " "), ociimage.DataDir)
	return nil
}
