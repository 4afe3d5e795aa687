#!/usr/bin/env bash
# `npm run demo`: set-up, then DAM's main job on the bundled examples, in a state directory of its own
# (.demo/state) so that it leaves the host's DAM state alone: make apps, publish them to a local registry,
# find them, install them from the registry, use them, carry them in archives, bring a host to a product.
# On exit it removes everything it made: the apps (their containers and shims), every image and tag it
# created (the apps, their registry tags, the base when it made it) and the registry, and checks that.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
root=$PWD
demo=$root/.demo
export DAM_HOME=$demo/state DAM_BIN_DIR=$demo/bin WEB_PORT=${WEB_PORT:-18080}
apps=(web:1.0 hello-tool:1.0)
for ref in "${apps[@]}"; do
  if docker image inspect "$ref" >/dev/null 2>&1; then
    echo "demo: the image $ref exists already; the demo would replace it. Remove it first (docker image rm $ref)." >&2
    exit 1
  fi
done
base_existed=false
docker image inspect dam-example-base:busybox >/dev/null 2>&1 && base_existed=true
rm -rf "$demo" && mkdir -p "$demo/bin" "$demo/registry"
say() { printf '\n\033[1m# %s\033[0m\n' "$*" >&2; }
step() { printf '\033[36m$ %s\033[0m\n' "$*" >&2; "$@"; }
dam() { node "$root/bin/dam" "$@"; }

# A throw-away local registry (Debian's docker-registry) on a free loopback port.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$demo/registry/config.yml" <<YML
version: 0.1
storage: { filesystem: { rootdirectory: $demo/registry/data } }
http: { addr: 127.0.0.1:$port }
YML
docker-registry serve "$demo/registry/config.yml" > "$demo/registry/log" 2>&1 &
registry_pid=$!
# Every image name the demo makes; purge removes what the demo's state acquired, these go if any is left.
made() { printf '%s\n' "${apps[@]}" "${apps[@]/#/127.0.0.1:$port/}"; $base_existed || echo dam-example-base:busybox; }
cleanup() {
  dam remove web --force >/dev/null 2>&1 || true
  dam remove hello-tool --force >/dev/null 2>&1 || true
  dam purge --yes --no-keep-previous >/dev/null 2>&1 || true
  for ref in $(made); do docker image rm "$ref" >/dev/null 2>&1 || true; done
  kill "$registry_pid" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done

say "DAM $(dam --version), state in $DAM_HOME"
step dam listrepos
say "A private registry for our apps, made the default"
step dam addrepo --name lab --server "127.0.0.1:$port" --insecure --default
step dam listrepos

say "Make the apps: a web service and a tool wrapper (from a base made locally: nothing is pulled)"
step sh examples/make-base.sh
step dam create examples/web --quiet
step dam create examples/hello-tool --version 1.0 --quiet
step dam info web:1.0

say "Publish them, and find them"
step dam push web:1.0
step dam push hello-tool:1.0
step dam search

say "Install from the registry (local copies removed first, so they are pulled)"
docker rmi "127.0.0.1:$port/web:1.0" "127.0.0.1:$port/hello-tool:1.0" >/dev/null
step dam install web:1.0 hello-tool:1.0
# The web container is named after DAM_INSTANCE, which DAM recorded for the uninstall.
web_container=dam-$(python3 -c 'import json, sys; print(next(a["scriptEnv"]["DAM_INSTANCE"] for a in json.load(open(sys.argv[1]))["apps"] if a["name"] == "web"))' "$DAM_HOME/state.json")
step dam list
sleep 1
say "The web service answers on port $WEB_PORT; the tool runs in a container through its shim"
step curl -s "http://127.0.0.1:$WEB_PORT/"
step "$DAM_BIN_DIR/hello" from the demo

say "Carry an app on a USB stick: a .dam archive (DAM 1.x format), and the whole product"
(cd "$demo" && step dam save web:1.0)
step dam export "$demo/product.txt"
step cat "$demo/product.txt"

say "Bring the host to the product again after a change: the plan first"
step dam remove hello-tool
step dam import "$demo/product.txt" --dry-run
step dam import "$demo/product.txt" --yes
step dam list

say "The whole product and every image it needs in ONE verified bundle (each layer once), for an offline host"
step dam export --all "$demo/product.bundle"
step ls -l "$demo/product.bundle"
step dam import "$demo/product.bundle" --dry-run
step dam verify
step dam doctor
step dam history

say "Clean up: remove the apps (their container and shim go with them), then purge what this state acquired"
step dam remove web
step dam remove hello-tool
step dam purge --dry-run
step dam purge --yes --no-keep-previous
cleanup
trap - EXIT
left=()
for ref in $(made); do docker image inspect "$ref" >/dev/null 2>&1 && left+=("image $ref"); done
docker container inspect "$web_container" >/dev/null 2>&1 && left+=("container $web_container")
[ -e "$DAM_BIN_DIR/hello" ] && left+=("shim $DAM_BIN_DIR/hello")
if [ "${#left[@]}" -gt 0 ]; then
  say "Done, but these are left behind: ${left[*]}"
  exit 1
fi
say "Done. The apps, their containers and shim, every image and tag the demo made, and the registry are gone."
