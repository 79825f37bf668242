#!/usr/bin/env bash
# Clean debug build times of the generated crates against the published qapi-qmp crate, measured the way
# README.md reports them: scratch crates in a temp dir outside the repository, each depending on one crate,
# `cargo build --timings` from an empty target dir. Prints wall time, CPU time (user+sys of the whole build), the
# bindings crate's own time from --timings, and the load average before and after.
#   generated/measure-build-time.sh [ROUNDS]     (default 2; needs crates.io for qapi-qmp)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-2}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

crate() { # NAME DEPENDENCY-LINE
  cargo new -q --lib --vcs none --name "bench-$1" "$scratch/$1"
  echo "$2" >>"$scratch/$1/Cargo.toml"
  (cd "$scratch/$1" && cargo generate-lockfile -q)
}
crate qapi-qmp 'qapi-qmp = "0.15.0"'
crate qemu-qmp "qemu-qmp = { path = \"$here/qemu-qmp\" }"
crate qemu-qmp-small "qemu-qmp = { path = \"$here/qemu-qmp\", default-features = false, features = [\"control\", \"run-state\", \"block-core\"] }"
crate qemu-storage-daemon-qmp "qemu-storage-daemon-qmp = { path = \"$here/qemu-storage-daemon-qmp\" }"
crate qemu-qga "qemu-qga = { path = \"$here/qemu-qga\" }"

measure() { # NAME INCREMENTAL
  local dir=$scratch/$1 target=$scratch/target-$1-$2 load0 start cpu wall unit
  rm -rf "$target"
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  start=$(date +%s.%N)
  cpu=$(cd "$dir" && { TIMEFORMAT="%U %S"; time CARGO_INCREMENTAL=$2 CARGO_TARGET_DIR=$target \
    cargo build -q --timings >/dev/null 2>&1; } 2>&1 | awk '{printf "%.1f", $1+$2}')
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  unit=$(python3 - "$target/cargo-timings/cargo-timing.html" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
units = json.loads(re.search(r'UNIT_DATA = (\[.*?\n\]);', text, re.S).group(1))
names = ('qapi-qmp', 'qemu-qmp', 'qemu-storage-daemon-qmp', 'qemu-qga')
print('%.1f' % max(u['duration'] for u in units if u['name'] in names))
PY
)
  printf "%-24s incremental=%s  wall %6.1f s  cpu %6s s  unit %6s s  load %s -> %s\n" \
    "$1" "$2" "$wall" "$cpu" "$unit" "$load0" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

for _ in $(seq "$rounds"); do
  measure qapi-qmp 0
  measure qemu-qmp 1
  measure qemu-qmp 0
  measure qemu-qmp-small 1
  measure qemu-qmp-small 0
  measure qemu-storage-daemon-qmp 0
  measure qemu-qga 0
done
