#!/usr/bin/env bash
# Benchmark: `athar verify` of a registry whose ledger has about 2×ROWS entries (each imported
# person is a person record and a listed_by link). Default ROWS 500,000: a 1,000,000-entry log.
#   bench/verify.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-500000}
build=build/release
out=bench/out
mkdir -p "$out"
csv="$out/persons-$rows.csv"
[[ -f "$csv" ]] || "$build/bench/generate_persons" "$rows" 7 >"$csv"
data="$out/verify-$rows"
if [[ ! -f "$data/athar.db" ]]; then
  rm -rf "$data"
  "$build/athar" --data "$data" init >/dev/null
  "$build/athar" --data "$data" source add --name "Benchmark list (synthetic)" --kind document >/dev/null
  "$build/athar" --data "$data" import persons "$csv" --source source-0001 >/dev/null
  "$build/athar" --data "$data" checkpoint >/dev/null
fi
for run in 1 2 3; do
  /usr/bin/time -f '%e %M' -o "$out/time.txt" "$build/athar" --data "$data" verify >"$out/verify.txt"
  read -r seconds peak_kib <"$out/time.txt"
  echo "run $run: $(tail -n 1 "$out/verify.txt")"
  echo "       wall ${seconds} s, peak RSS $((peak_kib / 1024)) MiB"
done
