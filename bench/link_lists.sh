#!/usr/bin/env bash
# Benchmark: end-to-end record linkage of synthetic Syrian-style lists (`athar simulate lists`)
# with `athar link --csv` — read and check every row, block, compare, EM, score, cluster, write
# entities — timed with GNU time (wall, peak memory). Needs the release build.
#   bench/link_lists.sh [POPULATION]     (about 0.96 records per person across the three lists)
set -euo pipefail
cd "$(dirname "$0")/.."
population=${1:-1040000}
build=build/release
out=bench/out/lists-$population
[[ -f "$out/list-3.csv" ]] || "$build/athar" simulate lists --population "$population" --out "$out" >/dev/null
records=$(($(cat "$out"/list-*.csv | wc -l) - 3))
/usr/bin/time -f '%e %M %U %S' -o "$out/time.txt" "$build/athar" --json link --csv "$out"/list-1.csv \
  "$out"/list-2.csv "$out"/list-3.csv --across-lists-only --out "$out/linked" >"$out/report.json"
read -r seconds peak_kib user system <"$out/time.txt"
candidates=$(grep -o '"candidate_pairs": [0-9]*' "$out/report.json" | grep -o '[0-9]*$')
entities=$(grep -o '"entities": [0-9]*' "$out/report.json" | grep -o '[0-9]*$')
# Accuracy of the entities against the simulation's truth: pairs of records put together.
accuracy=$(awk -F, '
  FNR == 1 { next }
  FILENAME ~ /truth.csv$/ { person["list-" $1 "/" $2] = $3; next }
  { split($3, parts, " row "); row = parts[2]; sub(/"$/, "", row);
    key = $2 "/" row; e = $1; p = person[key];
    predicted[e]++; truth[p]++; both[e SUBSEP p]++ }
  function pairs(arr,   k, t) { t = 0; for (k in arr) t += arr[k] * (arr[k] - 1) / 2; return t }
  END { pp = pairs(predicted); tp = pairs(truth); cp = pairs(both);
        pr = cp / pp; rc = cp / tp;
        printf "entities: precision %.4f recall %.4f F1 %.4f", pr, rc, 2 * pr * rc / (pr + rc) }
' "$out/truth.csv" "$out/linked/entities.csv")
awk -v n="$records" -v s="$seconds" -v m="$peak_kib" -v c="$candidates" -v e="$entities" \
  -v cpu="$(echo "$user + $system" | bc)" 'BEGIN {
  printf "records %d  candidate pairs %d  entities %d  wall %.2f s  cpu %.2f s  peak RSS %.0f MiB\n",
    n, c, e, s, cpu, m/1024 }'
echo "$accuracy"
