#!/usr/bin/env bash
# bench/exits/run.sh <armv8|armv7>: configure and build the preset, then run
# the exit-path benchmark (the bench-exits target: armvisor and the bench
# guests under QEMU -icount shift=0). Prints the console; the "bench" lines
# are the numbers. Exit status non-zero if the build or a guest check fails.
set -eu
preset=${1:-}
case "$preset" in
armv8 | armv7) ;;
*)
  echo "usage: bench/exits/run.sh armv8|armv7" >&2
  exit 2
  ;;
esac
cd "$(dirname "$0")/../.."
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target bench-exits
