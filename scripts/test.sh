#!/usr/bin/env bash
# The project's test command: bash scripts/test.sh
#
#   1. gofmt -l (fails when any file needs formatting)
#   2. go vet ./..., and THIRD_PARTY_NOTICES regenerated (go run ./tools/notices) and compared
#   3. go test ./...                      (SQLite)
#   4. go test ./... again on PostgreSQL (each test in its own schema) when GALLEY_TEST_POSTGRES is
#      set, or when pg_isready -h 127.0.0.1 succeeds (DSN postgres://postgres@127.0.0.1:5432/test)
#   5. the dashboard rebuilt from ui/ (npm ci && npm run build) and compared with the committed
#      internal/dashboard/dist (GALLEY_SKIP_UI=1 skips it)
#   6. go build ./cmd/galley + the e2e suite with the real pocketbase SDK (e2e/), against a
#      SQLite-backed binary, then (when PostgreSQL is there) a PostgreSQL-backed one
#   7. the example apps' browser tests (examples/<app>/tests, run by examples/run.mjs), on
#      SQLite and then on PostgreSQL when it is there
#
# Environment:
#   GALLEY_TEST_POSTGRES=<dsn>   PostgreSQL DSN for step 4 ("off" skips it)
#   GALLEY_SKIP_E2E=1            skip step 6
#   GALLEY_SKIP_EXAMPLES=1       skip step 7
#   GO_TEST_FLAGS="-race ..."    extra flags for go test (the SQLite pass except internal/api, and
#                                the store and realtime packages on PostgreSQL; the rest runs
#                                without them, as the race detector makes database-bound HTTP tests
#                                several times slower and the packages under them run under it)
#   GALLEY_FLAGS_ON_API=1        run internal/api under GO_TEST_FLAGS too (SQLite pass)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

if [ -d /usr/local/go/bin ] && ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi

# Each section's heading says how long the one before it took (SECONDS: since the start).
section_start=$SECONDS
section() {
  printf '\n==== %s ==== (previous section %ds, %ds in all)\n' "$*" $((SECONDS - section_start)) "$SECONDS"
  section_start=$SECONDS
}

# shellcheck disable=SC2206
GO_TEST_FLAGS=(${GO_TEST_FLAGS:-})

section "gofmt"
mapfile -t gofiles < <(find . -name '*.go' -not -path './.git/*' -not -path '*/node_modules/*' -not -path './vendor/*' | sort)
unformatted=""
if [ "${#gofiles[@]}" -gt 0 ]; then
  unformatted=$(gofmt -l "${gofiles[@]}" 2>&1 || true)
fi
if [ -n "$unformatted" ]; then
  echo "these files need gofmt -w:"
  echo "$unformatted"
  exit 1
fi
echo "ok"

section "go vet ./..."
go vet ./...

section "third-party notices (THIRD_PARTY_NOTICES)"
# Regenerated from the module cache (and ui/node_modules when the dashboard's npm project
# exists) and compared with the committed file: a dependency change must come with it.
if [ -f ui/package.json ] && { [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; }; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is required to read the licenses of the dashboard's packages (ui/node_modules)" >&2
    exit 1
  fi
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
notices=$(mktemp)
go run ./tools/notices -o "$notices"
if ! cmp -s "$notices" THIRD_PARTY_NOTICES; then
  diff -u THIRD_PARTY_NOTICES "$notices" | head -40 || true
  rm -f "$notices"
  echo "THIRD_PARTY_NOTICES is out of date: run go run ./tools/notices and commit it"
  exit 1
fi
rm -f "$notices"
echo "ok"

section "go test ./... (SQLite)"
if [ "${#GO_TEST_FLAGS[@]}" -gt 0 ] && [ -z "${GALLEY_FLAGS_ON_API:-}" ]; then
  # internal/api's tests are HTTP round trips on a database: under the race detector they take
  # about 15 minutes of CI's 2 cores, while the concurrency they drive (writer lanes, the realtime
  # broker, hooks, rate limits) lives in the packages below it, which run under the flags here.
  # GALLEY_FLAGS_ON_API=1 runs internal/api under them too.
  mapfile -t flagged < <(go list ./... | grep -v '/internal/api$')
  go test -timeout 30m "${GO_TEST_FLAGS[@]}" "${flagged[@]}"
  echo "-- internal/api without ${GO_TEST_FLAGS[*]}"
  go test -timeout 30m ./internal/api/
else
  go test -timeout 30m "${GO_TEST_FLAGS[@]}" ./...
fi

section "go test ./... (PostgreSQL)"
PG_DSN="${GALLEY_TEST_POSTGRES:-}"
if [ -z "$PG_DSN" ] && command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
  PG_DSN="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
  # make sure the default test database exists (no-op when it does, or when psql is absent)
  if command -v psql >/dev/null 2>&1; then
    if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1; then
      psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE test" >/dev/null 2>&1 || true
    fi
  fi
fi
if [ "$PG_DSN" = "off" ]; then
  PG_DSN=""
  echo "skipped: GALLEY_TEST_POSTGRES=off"
elif [ -n "$PG_DSN" ]; then
  echo "using $(printf '%s' "$PG_DSN" | sed -E 's#//([^:@/]*):[^@]*@#//\1:***@#')"
  # -count=1: the database is outside the build cache's view
  GALLEY_TEST_POSTGRES="$PG_DSN" go test -count=1 -timeout 30m ./...
  if [ "${#GO_TEST_FLAGS[@]}" -gt 0 ]; then
    echo "-- the store again with ${GO_TEST_FLAGS[*]} (writer lanes, locks, notifications)"
    GALLEY_TEST_POSTGRES="$PG_DSN" go test -count=1 -timeout 30m "${GO_TEST_FLAGS[@]}" ./internal/store/... ./internal/realtime/...
  fi
else
  echo "skipped: no PostgreSQL (set GALLEY_TEST_POSTGRES or start a server on 127.0.0.1:5432)"
fi

section "dashboard bundle (ui/ rebuilt and compared with internal/dashboard/dist)"
# The built dashboard is committed (go build needs no Node); a fresh build must give the same
# bytes, so the bundle always matches ui/src. GALLEY_SKIP_UI=1 skips this section.
if [ -n "${GALLEY_SKIP_UI:-}" ]; then
  echo "skipped: GALLEY_SKIP_UI is set"
elif ! command -v npm >/dev/null 2>&1; then
  echo "node and npm are required to rebuild the dashboard (Node 20+)" >&2
  exit 1
else
  if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  fi
  (cd ui && npm run build --silent)
  if ! git diff --exit-code --stat -- internal/dashboard/dist || [ -n "$(git status --porcelain -- internal/dashboard/dist)" ]; then
    git status --short -- internal/dashboard/dist
    echo "internal/dashboard/dist differs from a fresh build of ui/: run (cd ui && npm ci && npm run build) and commit it" >&2
    exit 1
  fi
  echo "ok"
fi

section "e2e (pocketbase SDK against the galley binary)"
if [ -n "${GALLEY_SKIP_E2E:-}" ] && [ -n "${GALLEY_SKIP_EXAMPLES:-}" ]; then
  echo "skipped: GALLEY_SKIP_E2E is set"
  section "examples (browser tests)"
  echo "skipped: GALLEY_SKIP_EXAMPLES is set"
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node and npm are required for the e2e suite and the examples' tests (Node 20+)" >&2
  exit 1
fi
tmpbin=$(mktemp -d)
cleanup_dbs=()
cleanup() {
  rm -rf "$tmpbin"
  for db in "${cleanup_dbs[@]}"; do
    psql "$ADMIN_DSN" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT
go build -o "$tmpbin/galley" ./cmd/galley
echo "built $tmpbin/galley"
if [ -n "$PG_DSN" ]; then
  ADMIN_DSN=$(printf '%s' "$PG_DSN" | sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\1/postgres#")
fi
if [ -n "${GALLEY_SKIP_E2E:-}" ]; then
  echo "skipped: GALLEY_SKIP_E2E is set"
else
  cd "$ROOT/e2e"
  npm ci --no-audit --no-fund --loglevel=error
  echo "-- on SQLite"
  GALLEY_BIN="$tmpbin/galley" node run.mjs
  if [ -n "$PG_DSN" ]; then
    # a fresh database for the PostgreSQL-backed binary, in the test DSN's server
    E2E_DB="galley_e2e_$$"
    E2E_DSN=$(printf '%s' "$PG_DSN" | sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\1/$E2E_DB#")
    psql "$ADMIN_DSN" -qc "DROP DATABASE IF EXISTS $E2E_DB" -c "CREATE DATABASE $E2E_DB" >/dev/null
    cleanup_dbs+=("$E2E_DB")
    echo "-- on PostgreSQL (database $E2E_DB)"
    GALLEY_BIN="$tmpbin/galley" GALLEY_E2E_DB="$E2E_DSN" node run.mjs
  fi
fi

section "examples (browser tests)"
# Every examples/<app>/ with a tests/ folder: its schema, hooks and static frontend on a
# fresh galley (examples/run.mjs), driven by headless chromium; on SQLite, then on a fresh
# PostgreSQL database (run.mjs creates and drops it) when PostgreSQL is there.
if [ -n "${GALLEY_SKIP_EXAMPLES:-}" ]; then
  echo "skipped: GALLEY_SKIP_EXAMPLES is set"
else
  cd "$ROOT/examples"
  npm ci --no-audit --no-fund --loglevel=error
  for dir in */; do
    app=${dir%/}
    [ -d "$app/tests" ] || continue
    echo "-- $app on SQLite"
    GALLEY_BIN="$tmpbin/galley" node run.mjs "$app"
    if [ -n "$PG_DSN" ]; then
      echo "-- $app on PostgreSQL"
      GALLEY_BIN="$tmpbin/galley" node run.mjs "$app" --db "$PG_DSN"
    fi
  done
fi

section "all tests passed"
