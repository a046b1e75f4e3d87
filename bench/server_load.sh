#!/usr/bin/env bash
# Benchmark: the HTTP API on loopback (issue 14). The demo scenario plus about 100,000 synthetic
# persons (`athar simulate lists`, three lists) are served by `athar serve`; wrk (64
# connections, wrk sharing the machine) asks for the site list and for a person search, and
# reports requests/s and latency percentiles. Then 16 connections add persons for
# WRITE_SECONDS: every write acknowledged must be in the registry afterwards, and
# `athar verify` must pass.
#   bench/server_load.sh [SECONDS] [WRITE_SECONDS]     (default 20 and 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
write_seconds=${2:-60}
athar=${ATHAR:-build/release/athar}  # ATHAR: another build to compare
out=bench/out/server
pristine=$out/pristine
data=$out/data
port=${PORT:-18181}
if [[ ! -f "$pristine/athar.db" ]]; then
  data=$pristine
  rm -rf "$out" && mkdir -p "$out"
  "$athar" --data "$data" init >/dev/null
  "$athar" --data "$data" --actor loader import data/demo/scenario.json >/dev/null
  "$athar" simulate lists --population 100000 --seed 14 --out "$out/lists" >/dev/null
  for list in "$out"/lists/list-*.csv; do
    source=$("$athar" --data "$data" --actor loader source add --kind document \
      --name "Synthetic list $(basename "$list" .csv)")
    "$athar" --data "$data" --actor loader import persons "$list" --source "$source" >/dev/null
  done
  "$athar" --data "$data" user add bench --role investigator >/dev/null
  data=$out/data
fi
# Each run starts from the same registry: the writes of the last run are not kept.
rm -rf "$data" && cp -a "$pristine" "$data"
persons() {
  "$athar" --data "$data" --json summary | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["persons"])'
}
export ATHAR_TOKEN=$("$athar" --data "$data" user token bench --label benchmark)
"$athar" --data "$data" serve --listen "127.0.0.1:$port" >"$out/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/api/openapi.json" && break
  sleep 0.1
done
auth="Authorization: Bearer $ATHAR_TOKEN"
# A common name in the lists, as a family member would type it (Latin letters, across scripts).
query="Mohammad%20al-Hasan"
curl -sf -H "$auth" "http://127.0.0.1:$port/api/search/persons?q=$query" >"$out/search-answer.json"
echo "persons: $(persons); search answer: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["hits"]), "hits")' "$out/search-answer.json")"
# Steady state is measured: 3 s of each load first warm the connection pool and the caches.
for target in "/api/sites" "/api/search/persons?q=$query"; do
  wrk -t2 -c64 -d3s -H "$auth" "http://127.0.0.1:$port$target" >/dev/null
  echo "== GET $target, 64 connections, ${seconds} s"
  wrk -t2 -c64 -d"${seconds}s" --latency -H "$auth" "http://127.0.0.1:$port$target" |
    grep -E "Requests/sec|Latency  |50%|90%|99%|Non-2xx|requests in"
done
# Varied searches: a given and a family name of 5,000 listed persons, in the script each list
# wrote them in; most query parts are new to the server's cache at first.
export ATHAR_QUERIES="$out/queries.txt"
python3 - "$out/lists" >"$ATHAR_QUERIES" <<'PY'
import csv, glob, random, sys, urllib.parse
rows = []
for path in sorted(glob.glob(sys.argv[1] + "/list-*.csv")):
    for r in csv.DictReader(open(path, encoding="utf-8")):
        for s in ("ar", "lat"):
            if r["given_name_" + s] and r["family_name_" + s]:
                rows.append(r["given_name_" + s] + " " + r["family_name_" + s])
random.Random(14).shuffle(rows)
for q in rows[:5000]:
    print("/api/search/persons?q=" + urllib.parse.quote(q))
PY
echo "== GET /api/search/persons, 5,000 different names, 64 connections, ${seconds} s"
wrk -t2 -c64 -d"${seconds}s" --latency -s bench/search_queries.lua "http://127.0.0.1:$port" |
  grep -E "Requests/sec|Latency  |50%|90%|99%|Non-2xx|requests in"

before=$(persons)
echo "== POST /api/persons, 16 connections, ${write_seconds} s"
wrk -t2 -c16 -d"${write_seconds}s" --latency -s bench/post_person.lua "http://127.0.0.1:$port" \
  >"$out/writes.txt"
grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|requests in" "$out/writes.txt"
kill $server && wait $server 2>/dev/null || true
after=$(persons)
sent=$(grep -oE '^ *[0-9]+ requests in' "$out/writes.txt" | grep -oE '[0-9]+' | head -1)
failed=$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' "$out/writes.txt" | grep -oE '[0-9]+$' || echo 0)
acknowledged=$((sent - failed))
echo "writes acknowledged: $acknowledged; refused: $failed; persons added: $((after - before))" \
  "(at most 16 more than acknowledged: requests in flight when wrk stopped)"
if ((after - before < acknowledged)); then echo "LOST WRITES: $((acknowledged - (after - before)))"; fi
"$athar" --data "$data" verify | tail -1
