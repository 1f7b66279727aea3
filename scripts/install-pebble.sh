#!/usr/bin/env bash
# Installs pebble, Let's Encrypt's ACME test server, which the automatic
# certificate tests of internal/tlsserve run against, at the pinned version
# below, with go install (into $GOBIN, or the first GOPATH entry's bin).
# Idempotent: does nothing when that version is already in PATH, $GOBIN or
# GOPATH/bin. Safe to run concurrently (flock, when present).
#
#   bash scripts/install-pebble.sh
set -euo pipefail

VERSION=v2.10.3
MODULE=github.com/letsencrypt/pebble/v2

if [ -d /usr/local/go/bin ] && ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi

GOPATH_BIN="$(go env GOPATH | cut -d: -f1)/bin"
GOBIN_DIR="$(go env GOBIN)"
BIN_DIR="${GOBIN_DIR:-$GOPATH_BIN}"

# find_pinned prints the path of a pebble binary built from $MODULE@$VERSION.
find_pinned() {
  local bin v
  for bin in "$(command -v pebble 2>/dev/null || true)" "${GOBIN_DIR:+$GOBIN_DIR/pebble}" \
    "$GOPATH_BIN/pebble" "$HOME/go/bin/pebble"; do
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
  echo "pebble $VERSION: $bin"
  exit 0
fi

mkdir -p "$BIN_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BIN_DIR/.pebble-install.lock"
  flock 9
  if bin=$(find_pinned); then # installed by another process meanwhile
    echo "pebble $VERSION: $bin"
    exit 0
  fi
fi

echo "installing $MODULE/cmd/pebble@$VERSION into $BIN_DIR"
# outside any module, so the project's go.mod plays no part
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
GOFLAGS= go install "$MODULE/cmd/pebble@$VERSION"
echo "pebble $VERSION: $BIN_DIR/pebble"
