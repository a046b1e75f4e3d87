#!/usr/bin/env bash
# Benchmark: FEBRL's victim-list fields linked as a new user would, through `athar link --csv`
# (one list deduplicated, no --across-lists-only), scored against the FEBRL truth. Needs the
# release build (athar and bench/febrl_eval). bench/febrl_eval gives the same figures in memory.
#   bench/febrl_cli.sh tests/linkage/data/dataset2.csv
set -euo pipefail
cd "$(dirname "$0")/.."
febrl=${1:?usage: bench/febrl_cli.sh FEBRL.csv}
build=build/release
out=bench/out/febrl-$(basename "$febrl" .csv)
mkdir -p "$out"
"$build/bench/febrl_eval" --persons "$febrl" "$out/persons.csv"
/usr/bin/time -f '%e %M' -o "$out/time.txt" "$build/athar" --json link --csv "$out/persons.csv" \
  --out "$out/linked" >"$out/report.json" 2>"$out/stderr.txt"
read -r seconds peak_kib <"$out/time.txt"
problems=$(grep -o '"field_problems": [0-9]*' "$out/report.json" | grep -o '[0-9]*$')
# Pairs of records put in one entity, against the pairs FEBRL says are one person (rec-N-...).
awk -F, -v seconds="$seconds" -v peak="$peak_kib" -v problems="$problems" '
  FILENAME ~ /persons.csv$/ { if (FNR > 1) { split($1, id, "-"); person[FNR] = id[2] } next }
  FNR == 1 { next }
  { n = split($3, parts, " row "); row = parts[n]; sub(/"$/, "", row);
    e = $1; p = person[row]; predicted[e]++; truth[p]++; both[e SUBSEP p]++ }
  function pairs(arr,   k, t) { t = 0; for (k in arr) t += arr[k] * (arr[k] - 1) / 2; return t }
  END { pp = pairs(predicted); tp = pairs(truth); cp = pairs(both); pr = cp / pp; rc = cp / tp;
        printf "entities: precision %.4f recall %.4f F1 %.4f (%d fields left empty; %.2f s, %.0f MiB)\n",
          pr, rc, 2 * pr * rc / (pr + rc), problems, seconds, peak / 1024 }
' "$out/persons.csv" "$out/linked/entities.csv"
