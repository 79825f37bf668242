#!/usr/bin/env bash
# Regenerates the committed QEMU bindings in generated/ from QEMU 10.2.0's schemas in ../shared (or
# $QAPI_SHARED_DIR) with this workspace's qapi-gen, which also removes (or, with --check, reports) the modules it no
# longer writes.
#   generated/regenerate.sh          rewrite what changed
#   generated/regenerate.sh --check  write nothing; exit 1 when a committed file is stale
# generated/tests/src/lib.rs (BINDINGS) holds the same arguments for the test that fails on stale files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${QAPI_SHARED_DIR:-$here/../../shared}
qemu=$shared/qemu/10.2.0
check=()
[ "${1:-}" = --check ] && check=(--check)

runtime='{ version = "0.1.0", path = "../../qapi-runtime" }'

cargo build -q --release --manifest-path "$here/../Cargo.toml" --bin qapi-gen
qapi_gen() { cargo run -q --release --manifest-path "$here/../Cargo.toml" --bin qapi-gen -- "$@"; }

status=0
# NAME SCHEMA DOC-URL: each item links to its anchor in the manual of QEMU 10.2.0 for that protocol (qapi-gen's
# shorthand for https://qemu.readthedocs.io/en/v10.2.0/interop/qemu-qmp-ref.html#{kind}-QMP-{module}.{name}).
for spec in \
  "qemu-qmp qapi/qapi-schema.json qmp@10.2.0" \
  "qemu-storage-daemon-qmp storage-daemon/qapi/qapi-schema.json qsd@10.2.0" \
  "qemu-qga qga/qapi-schema.json qga@10.2.0"; do
  read -r name schema doc_url <<<"$spec"
  out=$here/$name
  qapi_gen "$qemu/$schema" --crate "$name" -o "$out" --no-docs --doc-url "$doc_url" --runtime "$runtime" --crate-version "0.1.0+qemu-10.2.0" \
    --oldest-qemu 6.2 \
    "${check[@]}" || status=1
done
exit $status
