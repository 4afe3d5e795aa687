#!/bin/sh
# Builds the two example apps from a locally made base and shows what `dam info` says of them.
# Run from the repository root after `npm run build`; scripts/demo.sh calls it. Uses $DAM_HOME if set.
# Leaves the images web:1.0 and hello-tool:1.0 (labelled dam.example=app) for the next steps to install.
set -eu
cd "$(dirname "$0")/.."
dam() { node bin/dam "$@"; }
step() { printf '\n$ %s\n' "$*" >&2; "$@"; }

step sh examples/make-base.sh
step dam create examples/web --label dam.example=app
step dam create examples/hello-tool --label dam.example=app
step dam info web:1.0
step dam info hello-tool:1.0
