#!/usr/bin/env bash
# Builds the release set of one commit: bash scripts/release.sh VERSION
#
#   VERSION     a semantic version, v1.2.3 or 1.2.3 (pre-releases: 1.3.0-rc.1)
#
# From a clean export of the commit (git archive: uncommitted changes never
# reach a release), for linux, darwin and windows on amd64 and arm64:
#   - galley built with CGO_ENABLED=0 -trimpath -buildvcs=false and
#     -ldflags "-s -w -X …buildinfo.version=vVERSION -X …commit=<sha> -X …date=<commit time>"
#   - packed with README.md, LICENSE, THIRD_PARTY_NOTICES and CHANGELOG.md into
#     galley_VERSION_<os>_<arch>.tar.gz (.zip for windows): entries sorted, every mtime
#     the commit time, owner 0:0, no gzip name or time (tools/pack)
#   - galley_VERSION_sbom.cdx.json, a CycloneDX 1.5 SBOM of all six (tools/sbom, which
#     also checks each binary's target, cgo and -trimpath)
#   - SHA256SUMS over the archives and the SBOM
# into dist/ (gitignored). The same commit, VERSION and Go give the same bytes.
#
# Environment:
#   RELEASE_COMMIT=<rev>             build that commit (default HEAD)
#   RELEASE_TARGETS="linux/amd64 …"  build only those targets (default all six)
#   DIST=<dir>                       output directory (default dist); its previous
#                                    galley_* archives, SBOM and SHA256SUMS are replaced
#
# A VERSION whose tag (vVERSION) exists must be a tag of the commit; an untagged
# VERSION is built with a note (tag it before publishing: git tag -a vVERSION).
set -euo pipefail
export LC_ALL=C # one sort order for globs and checksums

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
if [ -d /usr/local/go/bin ] && ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi

die() {
  echo "release.sh: $*" >&2
  exit 2
}

[ $# -eq 1 ] || die "usage: scripts/release.sh VERSION (for example 1.2.3 or v1.2.3)"
# semver.org's grammar, with an optional leading v
num='(0|[1-9][0-9]*)'
ident='(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)'
semver="^v?$num\\.$num\\.$num(-$ident(\\.$ident)*)?(\\+[0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*)?\$"
if ! [[ "$1" =~ $semver ]]; then
  die "\"$1\" is not a semantic version: want MAJOR.MINOR.PATCH, such as 1.2.3, v1.2.3 or 1.3.0-rc.1 (nothing was built)"
fi
plain="${1#v}"     # 1.2.3: archive names
version="v$plain"  # v1.2.3: the tag and what galley version prints

commit=$(git rev-parse --verify --quiet "${RELEASE_COMMIT:-HEAD}^{commit}") ||
  die "${RELEASE_COMMIT:-HEAD} is not a commit"
if tagged=$(git rev-parse --verify --quiet "refs/tags/$version^{commit}"); then
  [ "$tagged" = "$commit" ] || die "tag $version is commit $tagged, not the commit being built ($commit)"
  tagnote="tag $version"
else
  tagnote="untagged: tag it (git tag -a $version $commit) before publishing"
fi
epoch=$(git show -s --format=%ct "$commit")
date=$(TZ=UTC git show -s --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ "$commit")
targets=${RELEASE_TARGETS:-"linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"}
dist=${DIST:-dist}
case "$dist" in /*) ;; *) dist="$ROOT/$dist" ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src="$work/src"
mkdir -p "$src" "$work/bin" "$work/out"
git archive --format=tar "$commit" | tar -x -C "$src"
# The dashboard is committed built (internal/dashboard/dist); its npm packages are read only
# for the SBOM's licenses: the checkout's ui/node_modules (checked against the commit's
# lockfile by tools/sbom), or a fresh npm ci.
if [ -f "$src/ui/package.json" ]; then
  if [ -d "$ROOT/ui/node_modules" ]; then
    ln -s "$ROOT/ui/node_modules" "$src/ui/node_modules"
  else
    (cd "$src/ui" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  fi
fi

echo "release $version of $commit ($date, $tagnote), $(go version | cut -d' ' -f3)"
# The build's inputs, pinned: no flags or CPU levels from the environment.
export CGO_ENABLED=0 GOFLAGS=-mod=readonly GOAMD64=v1 GOARM64=v8.0 GOEXPERIMENT= GOTOOLCHAIN=local
(cd "$src" && GOOS= GOARCH= go build -o "$work/bin/" ./tools/pack ./tools/sbom)

pkg=github.com/galleyhq/galley/internal/buildinfo
ldflags="-s -w -X $pkg.version=$version -X $pkg.commit=$commit -X $pkg.date=$date"
sbom_args=()
for t in $targets; do
  goos=${t%/*} goarch=${t#*/}
  exe=galley
  [ "$goos" = windows ] && exe=galley.exe
  mkdir -p "$work/build/$goos-$goarch"
  bin="$work/build/$goos-$goarch/$exe"
  start=$SECONDS
  (cd "$src" && GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$bin" ./cmd/galley)
  ext=tar.gz
  [ "$goos" = windows ] && ext=zip
  archive="$work/out/galley_${plain}_${goos}_${goarch}.$ext"
  "$work/bin/pack" -mtime "$epoch" -o "$archive" "$exe=$bin" \
    "$src/README.md" "$src/LICENSE" "$src/THIRD_PARTY_NOTICES" "$src/CHANGELOG.md"
  echo "  $t: $(basename "$archive") ($((SECONDS - start))s)"
  sbom_args+=("$t=$bin")
done
(cd "$src" && "$work/bin/sbom" -version "$version" -commit "$commit" -date "$date" \
  -o "$work/out/galley_${plain}_sbom.cdx.json" "${sbom_args[@]}")

if command -v sha256sum >/dev/null 2>&1; then
  sha() { sha256sum "$@"; }
else
  sha() { shasum -a 256 "$@"; }
fi
(cd "$work/out" && sha galley_* >SHA256SUMS)

mkdir -p "$dist"
rm -f "$dist"/galley_*.tar.gz "$dist"/galley_*.zip "$dist"/galley_*_sbom.cdx.json "$dist"/SHA256SUMS
cp "$work/out"/* "$dist/"
echo "wrote $(ls "$work/out" | wc -l) files to ${dist#"$ROOT"/}:"
(cd "$dist" && cat SHA256SUMS)
