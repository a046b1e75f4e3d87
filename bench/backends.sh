#!/usr/bin/env bash
# Benchmark: SQLite against PostgreSQL behind the HTTP API (issue 18). For each backend: the demo
# scenario plus 100,000 synthetic persons imported (rows/s), then registry writes/s (POST
# /api/persons) and person searches/s at 1, 8 and 32 connections for SECONDS each; every
# acknowledged write must be in the registry after, and `athar verify` must pass. PostgreSQL is a
# throwaway cluster on this machine with its durability on (DURABLE=1), SQLite with full sync.
# Last, 32 writers at once for MIXED_SECONDS (default 60): 16 adding persons, 16 storing files as
# evidence; every acknowledged write must be stored, and verify must pass.
#   bench/backends.sh [SECONDS] [BACKENDS...]     (default 20; sqlite postgresql)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
backends=("${@:-sqlite postgresql}")
athar=${ATHAR:-build/release/athar}
out=bench/out/backends
port=${PORT:-18282}
rm -rf "$out" && mkdir -p "$out"
"$athar" simulate lists --population 100000 --seed 14 --out "$out/lists" >/dev/null
cluster=$(mktemp -d /tmp/athar-bench-pg.XXXXXX) && rmdir "$cluster"
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null || true
  scripts/postgres-cluster stop "$cluster"
}
trap cleanup EXIT
url=$(DURABLE=1 scripts/postgres-cluster start "$cluster")
persons() {
  "$athar" --data "$data" --json summary | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["persons"])'
}
for backend in ${backends[*]}; do
  data=$out/$backend
  init=()
  if [[ $backend == postgresql ]]; then
    psql -q "$url" -c "CREATE DATABASE bench" >/dev/null
    init=(--db "${url/\/postgres\?//bench?}")
  fi
  "$athar" --data "$data" init "${init[@]}" >/dev/null
  "$athar" --data "$data" --actor loader import data/demo/scenario.json >/dev/null
  rows=0 start=$(date +%s.%N)
  for list in "$out"/lists/list-*.csv; do
    source=$("$athar" --data "$data" --actor loader source add --kind document \
      --name "Synthetic list $(basename "$list" .csv)")
    "$athar" --data "$data" --actor loader import persons "$list" --source "$source" >/dev/null 2>&1
    rows=$((rows + $(($(wc -l <"$list") - 1))))
  done
  elapsed=$(python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$start")
  echo "== $backend: imported $rows persons in $elapsed s ($(python3 -c "print(round($rows/$elapsed))") rows/s)"
  "$athar" --data "$data" user add bench --role investigator >/dev/null
  export ATHAR_TOKEN=$("$athar" --data "$data" user token bench --label benchmark)
  "$athar" --data "$data" serve --listen "127.0.0.1:$port" >"$out/serve-$backend.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/api/openapi.json" && break
    sleep 0.1
  done
  auth="Authorization: Bearer $ATHAR_TOKEN"
  for connections in 1 8 32; do
    threads=$((connections < 2 ? 1 : 2))
    before=$(persons)
    wrk -t$threads -c$connections -d"${seconds}s" --latency -s bench/post_person.lua \
      "http://127.0.0.1:$port" >"$out/writes-$backend-$connections.txt"
    after=$(persons)
    sent=$(grep -oE '^ *[0-9]+ requests in' "$out/writes-$backend-$connections.txt" | grep -oE '[0-9]+' | head -1)
    failed=$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' "$out/writes-$backend-$connections.txt" | grep -oE '[0-9]+$' || echo 0)
    rate=$(grep -oE 'Requests/sec: *[0-9.]+' "$out/writes-$backend-$connections.txt" | grep -oE '[0-9.]+$')
    p99=$(grep -E '^ +99%' "$out/writes-$backend-$connections.txt" | awk '{print $2}')
    lost=$((sent - failed - (after - before)))
    echo "$backend writes, $connections connections: $rate/s, p99 $p99, refused $failed, lost $((lost > 0 ? lost : 0))"
    wrk -t$threads -c$connections -d"${seconds}s" --latency -H "$auth" \
      "http://127.0.0.1:$port/api/search/persons?q=Mohammad%20al-Hasan" >"$out/search-$backend-$connections.txt"
    rate=$(grep -oE 'Requests/sec: *[0-9.]+' "$out/search-$backend-$connections.txt" | grep -oE '[0-9.]+$')
    p99=$(grep -E '^ +99%' "$out/search-$backend-$connections.txt" | awk '{print $2}')
    echo "$backend searches, $connections connections: $rate/s, p99 $p99"
  done
  mixed=${MIXED_SECONDS:-60}
  evidence() {
    "$athar" --data "$data" --json summary | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["evidence"])'
  }
  persons_before=$(persons) evidence_before=$(evidence)
  wrk -t2 -c16 -d"${mixed}s" -s bench/post_person.lua "http://127.0.0.1:$port" \
    >"$out/mixed-persons-$backend.txt" &
  persons_load=$!
  wrk -t2 -c16 -d"${mixed}s" -s bench/post_evidence.lua "http://127.0.0.1:$port" \
    >"$out/mixed-evidence-$backend.txt"
  wait $persons_load
  for kind in persons evidence; do
    file=$out/mixed-$kind-$backend.txt
    sent=$(grep -oE '^ *[0-9]+ requests in' "$file" | grep -oE '[0-9]+' | head -1)
    failed=$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' "$file" | grep -oE '[0-9]+$' || echo 0)
    rate=$(grep -oE 'Requests/sec: *[0-9.]+' "$file" | grep -oE '[0-9.]+$')
    if [[ $kind == persons ]]; then stored=$(($(persons) - persons_before)); else stored=$(($(evidence) - evidence_before)); fi
    echo "$backend mixed, 16 writers of $kind among 32, ${mixed} s: $rate/s, acknowledged $((sent - failed)), refused $failed, stored $stored"
  done
  kill "$server" && wait "$server" 2>/dev/null || true
  server=
  "$athar" --data "$data" verify | tail -1
done
