#!/usr/bin/env bash
# `npm test`: set-up, then type-check, lint, unit tests and end-to-end tests on the real engine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
started_dockerd=""
[ -f .test-work/dockerd.pid ] && started_dockerd=$(cat .test-work/dockerd.pid)
cleanup() {
  if [ -n "$started_dockerd" ] && kill -0 "$started_dockerd" 2>/dev/null; then
    echo "test: stopping the dockerd this run started" >&2
    kill "$started_dockerd"
    for _ in $(seq 1 100); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 0.2; done
    rm -f .test-work/dockerd.pid
  fi
}
trap cleanup EXIT
echo "test: type-check" >&2
npx tsc --noEmit
echo "test: lint" >&2
npx eslint .
# Node 20's test runner takes no globs: the shell expands them.
shopt -s globstar nullglob
# The unit tests again on the Node 24 LTS binary the release embeds (npm registry package, cached in release/cache).
node24=$(node scripts/release-node.mjs --print-node)
echo "test: unit tests on $("$node24" --version) ($node24)" >&2
"$node24" --import tsx --test --test-concurrency=2 src/**/*.test.ts
echo "test: unit and end-to-end tests on $(node --version)" >&2
# The timeout holds per test file: the release tests wait for one release build (test/harness/release.ts),
# about two minutes on a quiet machine and over ten on a loaded one.
node --import tsx --test --test-concurrency=2 --test-timeout=1800000 src/**/*.test.ts test/**/*.test.ts
