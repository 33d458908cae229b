#!/usr/bin/env bash
# The demo: a fresh local Apache Kafka, one worker, the sample articles in, the enriched
# records and per-stage counts out. Stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/.venv/bin
port=${DEMO_KAFKA_PORT:-9192}
web_port=${DEMO_WEB_PORT:-6066}
run=.streams-data/demo
rm -rf "$run" && mkdir -p "$run"
export STREAMS_BROKER="kafka://127.0.0.1:$port" STREAMS_DATA_DIR="$PWD/$run" STREAMS_WEB_PORT="$web_port"
worker_pid=""
cleanup() {
  [ -n "$worker_pid" ] && kill -TERM "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null
  "$bin/streams" kafka stop --port "$port" --data-dir "$run/kafka" >/dev/null || true
}
trap cleanup EXIT

echo "== starting Apache Kafka on 127.0.0.1:$port"
"$bin/streams" kafka start --port "$port" --data-dir "$run/kafka"

echo "== starting a worker (log: $run/worker.log)"
"$bin/streams" worker >"$run/worker.log" 2>&1 &
worker_pid=$!
for _ in $(seq 120); do
  curl -fs "http://127.0.0.1:$web_port/health" >/dev/null 2>&1 && break  # 200 once assigned and recovered
  kill -0 "$worker_pid" 2>/dev/null || { tail -30 "$run/worker.log"; exit 1; }
  sleep 0.5
done

echo "== producing the sample articles"
"$bin/streams" produce samples/articles
count=$(find samples/articles -name '*.txt' | wc -l)

echo "== consuming $count enriched records (full JSON: $run/enriched.jsonl)"
"$bin/streams" consume --from-beginning --limit "$count" --timeout 120 >"$run/enriched.jsonl"
got=$(wc -l <"$run/enriched.jsonl")
head -n 1 "$run/enriched.jsonl" | "$bin/python" -m json.tool --no-ensure-ascii | head -n 60
echo "   … (first record, truncated)"
sleep 2  # let the worker commit its table updates before we read the counters
"$bin/streams" report "$run/enriched.jsonl" --stats-url "http://127.0.0.1:$web_port/stats"
echo "== $got of $count articles enriched"
[ "$got" -eq "$count" ]
