#!/usr/bin/env bash
# The demo: the virtualenv, a fresh local Apache Kafka, one worker, the sample articles in, the
# enriched records and per-stage counts out. Stops everything it started (DEMO_KEEP=1: keeps the
# broker and the worker running for the dashboard until Ctrl-C).
#
# Every step says what it does; a failing step is named with its log file. No `| head` after a
# producer here: under pipefail the writer gets SIGPIPE once head has its lines, and the script
# fails after all its work was done.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/.venv/bin
port=${DEMO_KAFKA_PORT:-9192}
web_port=${DEMO_WEB_PORT:-6066}
samples=${DEMO_SAMPLES:-samples/articles}
run=.streams-data/demo
rm -rf "$run" && mkdir -p "$run"
export STREAMS_BROKER="kafka://127.0.0.1:$port" STREAMS_DATA_DIR="$PWD/$run" STREAMS_WEB_PORT="$web_port"
worker_pid=""
finished=""
step="" step_log=""
steps=6
number=0

# Starts a step: its name and the log that holds its output.
begin() {
  number=$((number + 1))
  step=$1 step_log=$2
  echo "== [$number/$steps] $step${step_log:+  (log: $step_log)}"
}

cleanup() {
  local status=$?
  trap - EXIT
  [ -n "$finished" ] && status=0  # DEMO_KEEP=1 ends with Ctrl-C
  if [ "$status" -ne 0 ]; then
    echo "demo failed at step $number/$steps '$step' (exit $status)${step_log:+; log: $step_log}" >&2
    if [ -n "$step_log" ] && [ -s "$step_log" ]; then
      echo "---- last lines of $step_log" >&2
      tail -n 20 "$step_log" >&2
    fi
  fi
  if [ -n "$worker_pid" ] && kill -TERM "$worker_pid" 2>/dev/null; then
    wait "$worker_pid" 2>/dev/null || true
  fi
  "$bin/streams" kafka stop --port "$port" --data-dir "$run/kafka" >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

begin "virtualenv (.venv, cached in ~/.cache/arabic-news-streams; the first time several minutes)" "$run/venv.log"
if [ "${DEMO_SKIP_VENV:-}" = 1 ]; then
  echo "   DEMO_SKIP_VENV=1: using .venv as it is" | tee "$step_log"
else
  scripts/venv.sh >"$step_log" 2>&1
fi
"$bin/python" -c 'import streams, sys; print(f"   python {sys.version.split()[0]}, streams {streams.__version__}")'

begin "Apache Kafka on 127.0.0.1:$port" "$run/kafka/logs/server.log"
"$bin/streams" kafka start --port "$port" --data-dir "$run/kafka" | sed 's/^/   /'
# The topics exist before the worker subscribes: a consumer that joins before its input topic
# exists gets no partitions of it until its next metadata refresh, minutes later.
"$bin/python" -c 'import asyncio; from streams.kafka_client import ensure_topics; from streams.settings import get_settings; print("   created topics", ", ".join(asyncio.run(ensure_topics(get_settings()))) or "none")'

begin "a worker (dashboard http://127.0.0.1:$web_port/dashboard)" "$run/worker.log"
"$bin/streams" worker >"$step_log" 2>&1 &
worker_pid=$!
ready=""
for _ in $(seq 240); do
  # /health answers 200 once the partitions are assigned and the tables recovered.
  if curl -fs "http://127.0.0.1:$web_port/health" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$worker_pid" 2>/dev/null || { echo "   the worker exited" >&2; exit 1; }
  sleep 0.5
done
[ -n "$ready" ] || { echo "   the worker was not ready after 120 s" >&2; exit 1; }
echo "   ready (pid $worker_pid)"

count=$("$bin/python" -c 'import sys; from streams.inputs import iter_messages; print(sum(1 for _ in iter_messages(sys.argv[1:])))' "$samples")
begin "producing the $count messages in $samples to articles.raw" "$run/produce.log"
# The progress bar goes to the terminal; what the command says (and any error) to the log.
"$bin/streams" produce "$samples" 2>"$step_log"
sed 's/^/   /' "$step_log"

begin "consuming $count enriched records from articles.enriched" "$run/consume.log"
"$bin/streams" consume --from-beginning --limit "$count" --timeout 120 \
  >"$run/enriched.jsonl" 2>"$step_log"
got=$(wc -l <"$run/enriched.jsonl")
echo "   $got records in $run/enriched.jsonl; the first one (truncated):"
"$bin/python" - "$run/enriched.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as handle:
    first = handle.readline()
if first.strip():
    lines = json.dumps(json.loads(first), ensure_ascii=False, indent=2).splitlines()
    print("\n".join(lines[:60]))
    if len(lines) > 60:
        print(f"   … {len(lines) - 60} more lines")
EOF

begin "summary: the records and the worker's per-stage counts" "$run/report.log"
sleep 2  # let the worker commit its table updates before we read the counters
"$bin/streams" report "$run/enriched.jsonl" --stats-url "http://127.0.0.1:$web_port/stats" 2>"$step_log"

step="check" step_log="$run/worker.log"
echo "== demo: $got of $count articles enriched in ${SECONDS} s"
[ "$got" -eq "$count" ]
if [ "${DEMO_KEEP:-}" = 1 ]; then
  finished=1
  echo "   the dashboard: http://127.0.0.1:$web_port/dashboard  (Ctrl-C stops the worker and the broker)"
  wait "$worker_pid"
else
  echo "   to look at the dashboard: make demo-dashboard  (the same demo, then it keeps running:"
  echo "   open http://127.0.0.1:$web_port/dashboard, Ctrl-C stops it)"
fi
