#!/usr/bin/env bash
# The whole test suite: start a local Apache Kafka on a test port, run pytest, stop the broker.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${TEST_KAFKA_PORT:-19092}
data=${TEST_KAFKA_DATA:-$PWD/.streams-data/test-kafka-$port}
bin=.venv/bin
rm -rf "$data"
cleanup() { "$bin/streams" kafka stop --port "$port" --data-dir "$data" >/dev/null || true; }
trap cleanup EXIT
"$bin/streams" kafka start --port "$port" --data-dir "$data"
export STREAMS_TEST_BROKER="kafka://127.0.0.1:$port"
"$bin/ruff" check streams tests examples
"$bin/ruff" format --check streams tests examples
"$bin/mypy" streams
"$bin/pytest" "$@"
