#!/usr/bin/env bash
# Makes sure a Docker engine answers. When none does, installs Debian's docker.io (and the other packages
# the tests use) and starts dockerd, saying so. Writes the pid of a dockerd it started to
# .test-work/dockerd.pid so that the caller may stop it again.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-work

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || need_pkgs+=(docker-registry)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd || need_pkgs+=(busybox-static)
command -v htpasswd >/dev/null 2>&1 || need_pkgs+=(apache2-utils)
command -v zstd >/dev/null 2>&1 || need_pkgs+=(zstd)
command -v openssl >/dev/null 2>&1 || need_pkgs+=(openssl)
command -v inotifywait >/dev/null 2>&1 || need_pkgs+=(inotify-tools)
# The release tests: the arm64 executable runs under qemu; the .deb is checked with lintian and man.
command -v qemu-aarch64-static >/dev/null 2>&1 || need_pkgs+=(qemu-user-static)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need_pkgs+=(libc6-arm64-cross libstdc++6-arm64-cross)
command -v lintian >/dev/null 2>&1 || need_pkgs+=(lintian)
# The release strips the arm64 Node binary's debug symbols (npm run release).
command -v aarch64-linux-gnu-strip >/dev/null 2>&1 || need_pkgs+=(binutils-aarch64-linux-gnu)
command -v man >/dev/null 2>&1 || need_pkgs+=(man-db)
command -v fakeroot >/dev/null 2>&1 || need_pkgs+=(fakeroot)
command -v tinyproxy >/dev/null 2>&1 || need_pkgs+=(tinyproxy)
command -v zsh >/dev/null 2>&1 || need_pkgs+=(zsh)
command -v fish >/dev/null 2>&1 || need_pkgs+=(fish)
# Podman's Docker-compatible service, for test/podman.test.ts (started on its own socket by the test).
command -v podman >/dev/null 2>&1 || need_pkgs+=(podman)
command -v skopeo >/dev/null 2>&1 || need_pkgs+=(skopeo)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
# The fleet tests: Ansible over SSH on loopback.
command -v ansible-playbook >/dev/null 2>&1 || need_pkgs+=(ansible-core)
command -v ansible-lint >/dev/null 2>&1 || need_pkgs+=(ansible-lint)
[ -x /usr/sbin/sshd ] || need_pkgs+=(openssh-server)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need_pkgs[@]}" >&2
fi

engine_answers() {
  if [ -n "${DOCKER_HOST:-}" ]; then docker version >/dev/null 2>&1; else curl -sf --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1; fi
}

if engine_answers; then
  echo "setup: a Docker engine answers; using it" >&2
  exit 0
fi
if [ -n "${DOCKER_HOST:-}" ]; then
  echo "setup: DOCKER_HOST=$DOCKER_HOST does not answer; fix it or unset it" >&2
  exit 1
fi
echo "setup: no Docker engine answers; starting dockerd (log: .test-work/dockerd.log)" >&2
nohup dockerd >.test-work/dockerd.log 2>&1 &
echo $! > .test-work/dockerd.pid
for _ in $(seq 1 60); do
  if engine_answers; then echo "setup: dockerd is up" >&2; exit 0; fi
  sleep 0.5
done
echo "setup: dockerd did not answer within 30 s; see .test-work/dockerd.log" >&2
tail -20 .test-work/dockerd.log >&2 || true
exit 1
