#!/usr/bin/env bash
# Benchmark: `athar import persons` of N synthetic rows (default 1,000,000) into a fresh
# registry, with wall time, rows/s and peak memory from GNU time. Needs the release build
# (cmake --preset release && cmake --build --preset release). BACKEND=postgresql imports into a
# throwaway PostgreSQL cluster with its durability on (scripts/postgres-cluster, DURABLE=1)
# instead of SQLite.
#   bench/import_persons.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
build=build/release
out=bench/out
mkdir -p "$out"
csv="$out/persons-$rows.csv"
[[ -f "$csv" ]] || "$build/bench/generate_persons" "$rows" 42 >"$csv"
rm -rf "$out/data"
init=()
if [[ ${BACKEND:-sqlite} == postgresql ]]; then
  cluster=$(mktemp -d /tmp/athar-bench-pg.XXXXXX) && rmdir "$cluster"
  trap 'scripts/postgres-cluster stop "$cluster"' EXIT
  url=$(DURABLE=1 scripts/postgres-cluster start "$cluster")
  init=(--db "$url")
fi
"$build/athar" --data "$out/data" init "${init[@]}" >/dev/null
"$build/athar" --data "$out/data" source add --name "Benchmark list (synthetic)" --kind document >/dev/null
/usr/bin/time -f '%e %M' -o "$out/time.txt" \
  "$build/athar" --data "$out/data" import persons "$csv" --source source-0001 >/dev/null
read -r seconds peak_kib <"$out/time.txt"
awk -v r="$rows" -v s="$seconds" -v m="$peak_kib" -v bytes="$(stat -c %s "$csv")" -v b="${BACKEND:-sqlite}" 'BEGIN {
  printf "%s: rows %d  file %.0f MiB  wall %.2f s  %.0f rows/s  peak RSS %.0f MiB\n", b, r, bytes/1048576, s, r/s, m/1024 }'
