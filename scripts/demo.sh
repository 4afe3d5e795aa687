#!/usr/bin/env bash
# `npm run demo`: set-up, then DAM's main job on the bundled examples, in a state directory of its own
# (.demo/state) so that it leaves the host's DAM state alone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DAM_HOME="$PWD/.demo/state"
export NO_COLOR=${NO_COLOR:-}
rm -rf .demo && mkdir -p .demo
step() { printf '\n\033[1m$ %s\033[0m\n' "$*" >&2; "$@"; }
dam() { node bin/dam "$@"; }
export -f dam

echo "demo: state directory $DAM_HOME" >&2
step node bin/dam --version
step node bin/dam listrepos
step node bin/dam addrepo --name lab --server 127.0.0.1:5000 --insecure --default
printf 'demo-password' | step node bin/dam addrepo --name corp --server registry.corp.example:5443 --username deploy --password-stdin
step node bin/dam listrepos
step node bin/dam modifyrepo 3 --name corp-eu
step node bin/dam removerepo lab --force
step node bin/dam listrepos --json
step node bin/dam doctor
echo >&2
echo "demo: done (the password given above appears in no output: see .demo/state/credentials.json, mode 0600)" >&2
