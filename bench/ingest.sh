#!/usr/bin/env bash
# Benchmark: `athar evidence add` of large files against `sha256sum` of the same files, side by
# side in one run (alternating, page cache warm for both). athar hashes, copies, fsyncs and
# renames each file and commits its records; sha256sum only reads and hashes.
#   bench/ingest.sh [FILES] [MIB_EACH]     default 4 files of 256 MiB
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-4}
mib=${2:-256}
build=build/release
out=bench/out/ingest
mkdir -p "$out/files"
inputs=()
for i in $(seq 1 "$files"); do
  f="$out/files/large-$i.bin"
  [[ -f "$f" && $(stat -c %s "$f") -eq $((mib << 20)) ]] || head -c $((mib << 20)) /dev/urandom >"$f"
  inputs+=("$f")
done
total_mib=$((files * mib))
cat "${inputs[@]}" >/dev/null  # warm the page cache
measure() {  # prints wall seconds of the command
  /usr/bin/time -f '%e' -o "$out/t.txt" "$@" >/dev/null
  cat "$out/t.txt"
}
printf '%-4s %12s %12s %8s\n' run "sha256sum" "athar" ratio
for run in 1 2 3 4 5; do
  s=$(measure sha256sum "${inputs[@]}")
  rm -rf "$out/data"
  "$build/athar" --data "$out/data" init >/dev/null
  a=$(measure "$build/athar" --data "$out/data" evidence add "${inputs[@]}" --collected-by bench \
    --collected-at 2025-01-01)
  awk -v r="$run" -v s="$s" -v a="$a" -v m="$total_mib" 'BEGIN {
    printf "%-4s %7.0f MiB/s %7.0f MiB/s %7.2f\n", r, m/s, m/a, s/a }'
done
