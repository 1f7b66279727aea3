#!/usr/bin/env bash
# Builds Galley's container image without Docker: a static linux/amd64
# binary (CGO_ENABLED=0) in one layer on an empty base, written as an OCI
# image layout and checked by reading it back (scripts/oci-image,
# internal/ociimage). No daemon and no registry are needed.
#
#   bash scripts/oci-image.sh [OUT_DIR [TAG]]      # default dist/oci galley:dev
#
# VERSION and COMMIT (environment) are stamped into the binary as in
# deploy/Dockerfile; SOURCE_DATE_EPOCH fixes the image's timestamps (the
# same inputs give the same digest). Push or load the result with, e.g.:
#   skopeo copy oci:dist/oci:galley:dev docker://registry.example.com/galley:dev
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${1:-dist/oci}
TAG=${2:-galley:dev}
mkdir -p dist
BIN=dist/galley-oci-linux-amd64
CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -buildvcs=false -ldflags "-s -w \
  -X github.com/galleyhq/galley/internal/buildinfo.version=${VERSION:-} \
  -X github.com/galleyhq/galley/internal/buildinfo.commit=${COMMIT:-}" \
  -o "$BIN" ./cmd/galley
go run ./scripts/oci-image -binary "$BIN" -out "$OUT" -tag "$TAG" -version "${VERSION:-dev}"
