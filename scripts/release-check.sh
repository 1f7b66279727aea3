#!/usr/bin/env bash
# CI's release check: bash scripts/release-check.sh
#
#   1. scripts/release.sh builds the whole release set (6 targets) of HEAD into a temp dir
#   2. SHA256SUMS verifies, and every archive holds galley, README.md, LICENSE,
#      THIRD_PARTY_NOTICES and CHANGELOG.md
#   3. reproducibility: linux/amd64 is built again with an empty Go build cache (so every
#      package is compiled again, not taken from the cache) in another directory; its archive
#      must be byte-identical
#   4. each linux binary prints the version, commit and date it was built with, starts, and
#      answers 200 on /api/health (linux/arm64 under qemu-aarch64 when it is installed;
#      .ci/run installs it)
#
# Nothing is published; the repository's dist/ is not touched.
#   RELEASE_CHECK_VERSION=1.2.3   the version to build (default 0.0.0-ci)
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
if [ -d /usr/local/go/bin ] && ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi

section() {
  printf '\n==== %s ====\n' "$*"
}
fail() {
  echo "release-check: $*" >&2
  exit 1
}

plain=${RELEASE_CHECK_VERSION:-0.0.0-ci}
plain=${plain#v}
version="v$plain"
commit=$(git rev-parse HEAD)
date=$(TZ=UTC git show -s --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ "$commit")

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

section "release build: scripts/release.sh $plain (6 targets)"
start=$SECONDS
DIST="$tmp/a" bash scripts/release.sh "$plain"
echo "built in $((SECONDS - start))s"

section "checksums and contents"
(cd "$tmp/a" && sha256sum -c --strict SHA256SUMS)
expected=(galley_"$plain"_darwin_amd64.tar.gz galley_"$plain"_darwin_arm64.tar.gz
  galley_"$plain"_linux_amd64.tar.gz galley_"$plain"_linux_arm64.tar.gz galley_"$plain"_sbom.cdx.json
  galley_"$plain"_windows_amd64.zip galley_"$plain"_windows_arm64.zip)
listed=$(awk '{print $2}' "$tmp/a/SHA256SUMS" | tr '\n' ' ')
[ "$listed" = "${expected[*]} " ] || fail "SHA256SUMS lists: $listed; want ${expected[*]}"
go build -o "$tmp/pack" ./tools/pack
for f in "${expected[@]}"; do
  case "$f" in
    *.tar.gz | *.zip)
      exe=galley
      [ "${f%.zip}" != "$f" ] && exe=galley.exe
      got=$("$tmp/pack" -list "$tmp/a/$f")
      want=$(for n in CHANGELOG.md LICENSE README.md THIRD_PARTY_NOTICES; do echo "0644 0:0 $date $n"; done
        echo "0755 0:0 $date $exe")
      [ "$got" = "$want" ] || fail "$f holds:
$got
want:
$want"
      ;;
    *.cdx.json)
      grep -q '"bomFormat": "CycloneDX"' "$tmp/a/$f" || fail "$f is not a CycloneDX document"
      grep -q '"name": "github.com/jackc/pgx/v5"' "$tmp/a/$f" || fail "$f does not list the Go modules"
      ;;
  esac
done
echo "ok: ${#expected[@]} files, contents as expected"

section "reproducibility: linux/amd64 again, empty build cache, another directory"
start=$SECONDS
GOCACHE="$tmp/gocache" RELEASE_TARGETS=linux/amd64 DIST="$tmp/b" bash scripts/release.sh "$plain" >/dev/null
a="$tmp/a/galley_${plain}_linux_amd64.tar.gz"
b="$tmp/b/galley_${plain}_linux_amd64.tar.gz"
if ! cmp "$a" "$b"; then
  mkdir -p "$tmp/xa" "$tmp/xb"
  tar -xzf "$a" -C "$tmp/xa" && tar -xzf "$b" -C "$tmp/xb"
  (cd "$tmp" && sha256sum xa/* xb/*) >&2
  fail "two builds of $commit for linux/amd64 differ"
fi
echo "ok: identical ($(sha256sum "$a" | cut -c1-16)…, rebuilt in $((SECONDS - start))s)"

# run_binary TARGET [RUNNER]: version output, then serve and /api/health.
run_binary() {
  local target=$1 runner=${2:-} dir="$tmp/run-${1/\//-}"
  mkdir -p "$dir"
  tar -xzf "$tmp/a/galley_${plain}_${target/\//_}.tar.gz" -C "$dir"
  local out
  out=$($runner "$dir/galley" version)
  local want
  want=$(printf 'galley %s\ncommit %s\nbuilt  %s\ngo     %s %s' "$version" "$commit" "$date" "$(go env GOVERSION)" "$target")
  [ "$out" = "$want" ] || fail "$target: galley version printed:
$out
want:
$want"
  # port 0: the address is read from the "serving" log line
  $runner "$dir/galley" serve --http 127.0.0.1:0 --dir "$dir/data" --log-format json >"$dir/serve.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local code=000 url=""
  for _ in $(seq 1 150); do
    url=$(sed -n 's/.*"msg":"serving","addr":"\(http:[^"]*\)".*/\1/p' "$dir/serve.log")
    if [ -n "$url" ]; then
      code=$(curl -s -o "$dir/health.json" -w '%{http_code}' "$url/api/health" || true)
      [ "$code" = 200 ] && break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$code" != 200 ]; then
    cat "$dir/serve.log" >&2
    fail "$target: /api/health answered $code"
  fi
  grep -q '"recorded the database version".*"'"$version"'"' "$dir/serve.log" ||
    fail "$target: the log does not record the database version $version: $(cat "$dir/serve.log")"
  echo "ok: $target galley version, serve, /api/health 200 ($(cat "$dir/health.json"))"
}

section "the linux binaries start"
run_binary linux/amd64
if [ "$(uname -m)" = aarch64 ]; then
  run_binary linux/arm64
elif command -v qemu-aarch64 >/dev/null 2>&1; then
  run_binary linux/arm64 qemu-aarch64
elif command -v qemu-aarch64-static >/dev/null 2>&1; then
  run_binary linux/arm64 qemu-aarch64-static
else
  echo "skipped linux/arm64: no qemu-aarch64 (apt-get install qemu-user)"
fi

section "release check passed"
