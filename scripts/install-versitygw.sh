#!/usr/bin/env bash
# Installs versitygw, the S3 server the storage tests of internal/files
# (and anything using internal/files/s3test) run against, at the pinned
# version below, with go install (into $GOBIN, or the first GOPATH entry's
# bin). Idempotent: does nothing when that version is already in PATH,
# $GOBIN or GOPATH/bin. Safe to run concurrently (flock, when present).
#
#   bash scripts/install-versitygw.sh
set -euo pipefail

VERSION=v1.8.0
MODULE=github.com/versity/versitygw

if [ -d /usr/local/go/bin ] && ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi

GOPATH_BIN="$(go env GOPATH | cut -d: -f1)/bin"
GOBIN_DIR="$(go env GOBIN)"
BIN_DIR="${GOBIN_DIR:-$GOPATH_BIN}"

# find prints the path of a versitygw binary built from $MODULE@$VERSION.
find_pinned() {
  local bin v
  for bin in "$(command -v versitygw 2>/dev/null || true)" "${GOBIN_DIR:+$GOBIN_DIR/versitygw}" \
    "$GOPATH_BIN/versitygw" "$HOME/go/bin/versitygw"; do
    [ -n "$bin" ] && [ -x "$bin" ] || continue
    v=$(go version -m "$bin" 2>/dev/null | awk -v m="$MODULE" '$1 == "mod" && $2 == m { print $3 }')
    if [ "$v" = "$VERSION" ]; then
      echo "$bin"
      return 0
    fi
  done
  return 1
}

if bin=$(find_pinned); then
  echo "versitygw $VERSION: $bin"
  exit 0
fi

mkdir -p "$BIN_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BIN_DIR/.versitygw-install.lock"
  flock 9
  if bin=$(find_pinned); then # installed by another process meanwhile
    echo "versitygw $VERSION: $bin"
    exit 0
  fi
fi

echo "installing $MODULE/cmd/versitygw@$VERSION into $BIN_DIR"
# outside any module, so the project's go.mod plays no part
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
GOFLAGS= go install "$MODULE/cmd/versitygw@$VERSION"
echo "versitygw $VERSION: $BIN_DIR/versitygw"
