#!/usr/bin/env bash
# Benchmark: registry writes per second with 1, 2 and 4 `athar` processes writing at once (each
# `person add` its own process, as a team's investigators would), and `athar verify` running in a
# loop beside them: failed writes, lost writes and verify's false alarms are counted, then
# `athar verify` runs once more on the result.
#   bench/concurrent_writes.sh [SECONDS] [PROCESSES...]     (default 20 s; 1 2 4)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
counts=("${@:-1 2 4}")
athar=build/release/athar
out=bench/out/concurrent
for writers in ${counts[*]}; do
  rm -rf "$out" && mkdir -p "$out"
  data="$out/data"
  "$athar" --data "$data" init >/dev/null
  "$athar" --data "$data" source add --name "Benchmark list (synthetic)" --kind document >/dev/null
  end=$((SECONDS + seconds))
  for w in $(seq 1 "$writers"); do
    (
      ok=0 failed=0
      while ((SECONDS < end)); do
        if "$athar" --data "$data" --actor "writer-$w" person add --role victim \
          --given-name-lat "W${w}N$ok" >>"$out/ids-$w.txt" 2>>"$out/errors-$w.txt"; then
          ok=$((ok + 1))
        else
          failed=$((failed + 1))
        fi
      done
      echo "$ok $failed" >"$out/count-$w.txt"
    ) &
  done
  (
    runs=0 alarms=0
    while ((SECONDS < end)); do
      if "$athar" --data "$data" verify >"$out/verify-last.txt" 2>&1; then :; else
        alarms=$((alarms + 1)); cp "$out/verify-last.txt" "$out/alarm-$alarms.txt"
      fi
      runs=$((runs + 1))
    done
    echo "$runs $alarms" >"$out/verify-count.txt"
  ) &
  wait
  ok=0 failed=0
  for w in $(seq 1 "$writers"); do
    read -r a b <"$out/count-$w.txt"
    ok=$((ok + a)) failed=$((failed + b))
  done
  read -r runs alarms <"$out/verify-count.txt"
  stored=$("$athar" --data "$data" --json summary | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["persons"])')
  acknowledged=$(cat "$out"/ids-*.txt | sort -u | wc -l)
  final=$("$athar" --data "$data" verify | tail -n 1)
  echo "$writers processes, ${seconds} s: $ok writes ($(python3 -c "print(round($ok / $seconds, 1))")/s), $failed failed," \
    "$acknowledged acknowledged, $stored stored; verify during writes: $runs runs, $alarms false alarms;" \
    "after: $final"
done
