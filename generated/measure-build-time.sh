#!/usr/bin/env bash
# Clean debug build times of the generated crates against the published qapi-qmp crate, measured the way
# README.md reports them: scratch crates in a temp dir outside the repository, each depending on one crate,
# `cargo build --timings` from an empty target dir. Prints wall time, CPU time (user+sys of the whole build), the
# bindings crate's own time from --timings, and the load average before and after.
#   generated/measure-build-time.sh [ROUNDS]     (default 2; needs crates.io for qapi-qmp)
#   ONLY="consumer-qapi-qmp consumer-qemu-qmp" generated/measure-build-time.sh 1   (just those crates)
# For the consumer crates, "unit" is the consumer crate's own time (the bindings it depends on are built too).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-2}
if [ -n "${SCRATCH:-}" ]; then # keep the scratch crates there (ROUNDS 0: only write them)
  scratch=$SCRATCH
  mkdir -p "$scratch"
else
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
fi

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

# The consumer's side: a crate that calls 50 commands (arguments decoded from text and encoded, the reply decoded)
# and decodes their events, written once against our bindings and once against qapi-qmp 0.15. Generic code of
# either (serde derive's visitors, the codec's #[inline] methods) is instantiated here, in the consumer.
commands="add-fd balloon block-dirty-bitmap-disable block-dirty-bitmap-enable block-dirty-bitmap-remove
  block-job-resume blockdev-create blockdev-insert-medium blockdev-reopen display-update dump-skeys getfd
  job-dismiss job-resume object-add qom-set query-chardev-backends query-command-line-options query-dirty-rate
  query-dump query-fdsets query-hotpluggable-cpus query-jobs query-memdev query-migrate query-migrate-parameters
  query-rocker-of-dpa-flows query-rx-filter query-tpm replay-seek screendump set-numa-node snapshot-delete
  trace-event-set-state transaction x-query-irq x-query-jit x-query-numa query-status query-block query-blockstats
  query-cpus-fast query-qmp-schema query-version query-kvm qom-list qom-get device-add device-del blockdev-add"
camel() { sed -E 's/(^|-)([a-z])/\U\2/g' <<<"$1"; }
consumer() { # NAME DEPENDENCY-LINES PRELUDE CALL EVENTS
  crate "$1" "$2"
  {
    echo "$3"
    echo "pub fn run(args: &[u8], reply: &[u8], event: &[u8]) -> usize {"
    echo "    let mut ok = 0;"
    for c in $commands; do echo "    ok += usize::from($(printf "$4" "$(camel "$c")" "${c//-/_}"));"; done
    echo "    ok + $5"
    echo "}"
  } >"$scratch/$1/src/lib.rs"
}
consumer consumer-qemu-qmp "qemu-qmp = { path = \"$here/qemu-qmp\" }
qapi-runtime = { path = \"$here/../qapi-runtime\" }" '
use qapi_runtime::{Command, EventSet};
fn call<C: Command + qapi_runtime::Decode>(args: &[u8], reply: &[u8]) -> bool {
    let Ok(command) = qemu_qmp::from_slice::<C>(args) else { return false };
    !qemu_qmp::to_vec(&command).is_empty() && qemu_qmp::from_slice::<C::Returns>(reply).is_ok()
}' 'call::<qemu_qmp::%s%.0s>(args, reply)' \
  'usize::from(matches!(qemu_qmp::AnyEvent::from_parts("STOP", event), Ok(qemu_qmp::AnyEvent::Stop(_))))'
consumer consumer-qapi-qmp 'qapi-qmp = "0.15.0"
qapi-spec = "0.3"
serde_json = "1"' '
use qapi_spec::Command;
fn call<C: Command + serde::de::DeserializeOwned>(args: &[u8], reply: &[u8]) -> bool {
    let Ok(command) = serde_json::from_slice::<C>(args) else { return false };
    !serde_json::to_vec(&command).unwrap().is_empty() && serde_json::from_slice::<C::Ok>(reply).is_ok()
}
extern crate serde;' 'call::<qapi_qmp::%.0s%s>(args, reply)' \
  'usize::from(matches!(serde_json::from_slice(event), Ok(qapi_qmp::Event::STOP { .. })))'
echo "serde = \"1\"" >>"$scratch/consumer-qapi-qmp/Cargo.toml"
(cd "$scratch/consumer-qapi-qmp" && cargo generate-lockfile -q)

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
consumer = [u['duration'] for u in units if u['name'].startswith('bench-consumer')]
print('%.1f' % max(consumer or [u['duration'] for u in units if u['name'] in names]))
PY
)
  printf "%-24s incremental=%s  wall %6.1f s  cpu %6s s  unit %6s s  load %s -> %s\n" \
    "$1" "$2" "$wall" "$cpu" "$unit" "$load0" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

only=${ONLY:-}
for _ in $(seq "$rounds"); do
  if [ -n "$only" ]; then for name in $only; do measure "$name" 0; done; continue; fi
  measure qapi-qmp 0
  measure qemu-qmp 1
  measure qemu-qmp 0
  measure qemu-qmp-small 1
  measure qemu-qmp-small 0
  measure qemu-storage-daemon-qmp 0
  measure qemu-qga 0
  measure consumer-qapi-qmp 0
  measure consumer-qemu-qmp 0
done
