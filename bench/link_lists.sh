#!/usr/bin/env bash
# Benchmark: end-to-end record linkage of synthetic Syrian-style lists (`athar simulate lists`)
# with `athar link --csv` — read and check every row, block, compare, EM, score, cluster, write
# entities — timed with GNU time (wall, peak memory). Needs the release build.
#   bench/link_lists.sh [POPULATION] [MODE]   (about 0.97 records per person across the lists)
# MODE: dedup (default: the three lists linked together, duplicates within lists too),
# across (--across-lists-only), one-list (the first list alone, against itself).
set -euo pipefail
cd "$(dirname "$0")/.."
population=${1:-1040000}
mode=${2:-dedup}
build=build/release
out=bench/out/lists-$population
[[ -f "$out/list-3.csv" ]] || "$build/athar" simulate lists --population "$population" --out "$out" >/dev/null
case "$mode" in
  dedup) files=("$out"/list-1.csv "$out"/list-2.csv "$out"/list-3.csv) flags=() ;;
  across) files=("$out"/list-1.csv "$out"/list-2.csv "$out"/list-3.csv) flags=(--across-lists-only) ;;
  one-list) files=("$out"/list-1.csv) flags=() ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
records=$(($(cat "${files[@]}" | wc -l) - ${#files[@]}))
/usr/bin/time -f '%e %M %U %S' -o "$out/time.txt" "$build/athar" --json link --csv "${files[@]}" \
  "${flags[@]}" --out "$out/linked" >"$out/report.json" 2>"$out/stderr.txt"
read -r seconds peak_kib user system <"$out/time.txt"
candidates=$(grep -o '"candidate_pairs": [0-9]*' "$out/report.json" | grep -o '[0-9]*$')
entities=$(grep -o '"entities": [0-9]*' "$out/report.json" | grep -o '[0-9]*$')
# Accuracy of the entities against the simulation's truth: pairs of records put together; and
# the pairs of records of brothers and sisters (same household, different persons) put together.
accuracy=$(awk -F, '
  FNR == 1 { next }
  FILENAME ~ /truth.csv$/ { person["list-" $1 "/" $2] = $3; household["list-" $1 "/" $2] = $4; next }
  { split($3, parts, " row "); row = parts[2]; sub(/"$/, "", row);
    key = $2 "/" row; e = $1; p = person[key]; h = household[key];
    predicted[e]++; truth[p]++; both[e SUBSEP p]++; in_household[h]++; person_household[h SUBSEP p]++;
    entity_household[e SUBSEP h]++ }
  function pairs(arr,   k, t) { t = 0; for (k in arr) t += arr[k] * (arr[k] - 1) / 2; return t }
  END { pp = pairs(predicted); tp = pairs(truth); cp = pairs(both);
        pr = cp / pp; rc = cp / tp;
        siblings = pairs(in_household) - pairs(person_household);
        merged = pairs(entity_household) - cp;
        printf "entities: precision %.4f recall %.4f F1 %.4f; sibling pairs merged %d of %d (%.3f%%), %.1f%% of false pairs",
          pr, rc, 2 * pr * rc / (pr + rc), merged, siblings, 100 * merged / siblings, 100 * merged / (pp - cp) }
' "$out/truth.csv" "$out/linked/entities.csv")
awk -v n="$records" -v s="$seconds" -v m="$peak_kib" -v c="$candidates" -v e="$entities" \
  -v cpu="$(echo "$user + $system" | bc)" 'BEGIN {
  printf "records %d  candidate pairs %d  entities %d  wall %.2f s  cpu %.2f s  peak RSS %.0f MiB\n",
    n, c, e, s, cpu, m/1024 }'
echo "$accuracy"
