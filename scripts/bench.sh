#!/usr/bin/env bash
# `npm run bench [NAME...]`: set-up, then each benchmark (bench/NAME.ts), which prints its figures as ratios
# against a baseline measured in the same run. Exits non-zero when any target is missed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(startup search save install bundle self-contained)
failed=()
for name in "${names[@]}"; do
  printf '\n== bench/%s.ts\n' "$name"
  node --import tsx "bench/$name.ts" || failed+=("$name")
done
if [ ${#failed[@]} -gt 0 ]; then
  printf '\nmissed a target: %s\n' "${failed[*]}"
  exit 1
fi
