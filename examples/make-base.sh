#!/bin/sh
# Makes the base image the examples build FROM, without pulling anything: a root filesystem holding
# Debian's busybox-static (/bin/busybox, one symlink per applet) imported with `docker import`.
# Usage: examples/make-base.sh [TAG]   (default dam-example-base:busybox; reuses an existing image)
set -eu
tag=${1:-dam-example-base:busybox}
busybox=${BUSYBOX:-/bin/busybox}

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "make-base: '$tag' exists; reusing it" >&2
  exit 0
fi
if ! "$busybox" --list >/dev/null 2>&1; then
  echo "make-base: $busybox is not a working busybox; install Debian's busybox-static" >&2
  exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/dev" "$root/proc" "$root/sys" "$root/root" "$root/tmp" "$root/var/www"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . |
  docker import --change 'CMD ["sh"]' --change "LABEL dam.example=base" - "$tag" >/dev/null
echo "make-base: imported '$tag'" >&2
