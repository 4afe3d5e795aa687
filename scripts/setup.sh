#!/usr/bin/env bash
# Shared set-up for `npm run demo` and `npm test`: dependencies, build, a Docker engine that answers.
# Safe to run again; leaves an engine that was already running alone.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
echo "setup: building" >&2
node scripts/build.mjs
bash scripts/ensure-engine.sh
