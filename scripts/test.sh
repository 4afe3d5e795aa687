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
echo "test: format (npm run format rewrites)" >&2
npm run --silent format:check
# Node 20's test runner takes no globs: the shell expands them.
shopt -s globstar nullglob
# The unit tests again on Node 22 and on the Node 24 the release embeds (npm registry packages, fetched once
# into release/cache), one file at a time, beside the main run: its end-to-end tests mostly wait on the engine.
mkdir -p .test-work
other_runs=()
for major in 22 24; do
  bin=$(node scripts/release-node.mjs --print-node "$major" | tail -n 1)
  echo "test: unit tests on $("$bin" --version) in the background ($bin, log .test-work/unit-node$major.log)" >&2
  "$bin" --import tsx --test --test-concurrency=1 src/**/*.test.ts >".test-work/unit-node$major.log" 2>&1 &
  other_runs+=("$major:$!")
done
stop_others() {
  for run in "${other_runs[@]}"; do kill "${run#*:}" 2>/dev/null || true; done
}
trap 'stop_others; cleanup' EXIT
echo "test: unit and end-to-end tests on $(node --version)" >&2
# The timeout holds per test file: the release tests wait for one release build (test/harness/release.ts),
# about two minutes on a quiet machine and over ten on a loaded one.
node --import tsx --test --test-concurrency=2 --test-timeout=1800000 src/**/*.test.ts test/**/*.test.ts
failed=0
for run in "${other_runs[@]}"; do
  major=${run%%:*}
  if wait "${run#*:}"; then
    echo "test: unit tests on Node $major: $(grep -E '^(# |ℹ )(pass|fail) ' ".test-work/unit-node$major.log" | tr '\n' ' ')" >&2
  else
    echo "test: unit tests FAILED on Node $major (.test-work/unit-node$major.log):" >&2
    cat ".test-work/unit-node$major.log" >&2
    failed=1
  fi
done
other_runs=()
exit "$failed"
