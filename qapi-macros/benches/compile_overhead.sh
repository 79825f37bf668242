#!/usr/bin/env bash
# The time include_qapi! adds to `cargo build` of a crate, against the same bindings written out by qapi-gen.
#
# Two tiny crates in a temporary workspace share one target directory:
#   via_file:  src/lib.rs is `pub mod qmp;` and src/qmp/ is `qapi-gen SCHEMA -o src/qmp` (a file per module);
#   via_macro: src/lib.rs is `pub mod qmp { qapi_macros::include_qapi!("SCHEMA"); }`.
# After one warm-up build, each round touches each crate's lib.rs and times `cargo build -p CRATE` (debug, the
# default dev profile, as a user's edit-compile loop sees it). Prints every time and the medians.
#
#   qapi-macros/benches/compile_overhead.sh [SCHEMA] [ROUNDS]
#   (default: ../shared/qemu/9.2.4/qapi/qapi-schema.json beside the workspace, or $QAPI_SHARED_DIR; 7 rounds)
#   QAPI_BENCH_DOCS=0 generates without docs on both sides.
#   QAPI_BENCH_OPTIMIZE=1 builds the macro and the generator optimized in the dev profile, as the README advises
#   for large schemas ([profile.dev.package.NAME] opt-level = 3 for the crates that run at expansion time).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${QAPI_SHARED_DIR:-$root/../shared}"
schema="$(realpath "${1:-$shared/qemu/9.2.4/qapi/qapi-schema.json}")"
rounds="${2:-7}"
docs="${QAPI_BENCH_DOCS:-1}"
optimize="${QAPI_BENCH_OPTIMIZE:-0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release -q --manifest-path "$root/Cargo.toml" -p qapi-gen --bin qapi-gen
gen_flags=()
macro_opts=""
if [ "$docs" = 0 ]; then
  gen_flags=(--no-docs)
  macro_opts=", docs = false"
fi

cat > "$work/Cargo.toml" <<TOML
[workspace]
resolver = "2"
members = ["via_file", "via_macro"]
TOML
if [ "$optimize" = 1 ]; then
  for p in qapi-macros qapi-gen qapi-schema proc-macro2 pest; do
    printf '\n[profile.dev.package.%s]\nopt-level = 3\n' "$p" >> "$work/Cargo.toml"
  done
fi
for c in via_file via_macro; do
  mkdir -p "$work/$c/src"
  cat > "$work/$c/Cargo.toml" <<TOML
[package]
name = "$c"
version = "0.1.0"
edition = "2021"

[dependencies]
qapi-runtime = { path = "$root/qapi-runtime" }
TOML
done
echo "qapi-macros = { path = \"$root/qapi-macros\" }" >> "$work/via_macro/Cargo.toml"
"$root/target/release/qapi-gen" "$schema" -o "$work/via_file/src/qmp" -q "${gen_flags[@]}"
echo "pub mod qmp;" > "$work/via_file/src/lib.rs"
printf 'pub mod qmp {\n    qapi_macros::include_qapi!("%s"%s);\n}\n' "$schema" "$macro_opts" > "$work/via_macro/src/lib.rs"
# Reuse the workspace's lock file, so that both crates build with the versions the workspace tests.
cp "$root/Cargo.lock" "$work/Cargo.lock"

export CARGO_TARGET_DIR="$work/target"
cd "$work"
cargo build -q -p via_file
cargo build -q -p via_macro

# Wall-clock and CPU (user + system, compiler processes included) seconds of one `cargo build` after a touch.
# On a shared machine the wall clock swings with the load; CPU time is the steadier measure of the work added.
time_build() {
  touch "$work/$1/src/lib.rs"
  local TIMEFORMAT="%R %U %S"
  { time cargo build -q -p "$1" 2>/dev/null; } 2>&1 | awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

file_wall=() file_cpu=() macro_wall=() macro_cpu=()
for _ in $(seq "$rounds"); do
  read -r w c < <(time_build via_file)
  file_wall+=("$w") file_cpu+=("$c")
  read -r w c < <(time_build via_macro)
  macro_wall+=("$w") macro_cpu+=("$c")
done
echo "schema: $schema (docs: $docs, optimized macro: $optimize), $rounds rounds, cargo build after touching lib.rs"
echo "qapi-gen output wall (s): ${file_wall[*]}"
echo "include_qapi!   wall (s): ${macro_wall[*]}"
echo "qapi-gen output CPU  (s): ${file_cpu[*]}"
echo "include_qapi!   CPU  (s): ${macro_cpu[*]}"
summary() {
  local -n files=$2 macros=$3
  local f m
  f=$(printf '%s\n' "${files[@]}" | median)
  m=$(printf '%s\n' "${macros[@]}" | median)
  echo "median $1: qapi-gen output $f s, include_qapi! $m s, overhead $(awk "BEGIN { printf \"%.2f\", $m - $f }") s"
}
summary wall file_wall macro_wall
summary CPU file_cpu macro_cpu
