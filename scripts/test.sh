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
echo "test: unit and end-to-end tests" >&2
# Node 20's test runner takes no globs: the shell expands them.
shopt -s globstar nullglob
node --import tsx --test --test-concurrency=2 --test-timeout=600000 src/**/*.test.ts test/**/*.test.ts
