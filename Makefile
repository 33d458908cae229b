# Everyday commands. `make demo` and `make test` are the two a new user needs.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STREAMS := $(BIN)/streams
TEST_KAFKA_PORT ?= 19092

.PHONY: venv demo demo-dashboard schemas test unit lint typecheck bench kafka-start kafka-stop worker produce consume clean

venv:  ## create/update the cached virtualenv (.venv links to it)
	@scripts/venv.sh

demo:  ## venv, local Kafka + a worker, produce the samples, print enriched records and counts
	@scripts/demo.sh

demo-dashboard:  ## the demo, then the broker and the worker keep running for the dashboard
	@DEMO_KEEP=1 scripts/demo.sh

test: venv  ## the whole test suite against a real local Kafka broker
	@scripts/test.sh

unit: venv  ## fast tests only (no broker)
	$(BIN)/pytest -q -m "not integration and not browser"

schemas:  ## regenerate the published schemas/ from the package's streams/schemas/
	rm -f schemas/*.schema.json
	cp streams/schemas/*.schema.json schemas/

lint: venv
	$(BIN)/ruff check streams tests examples

typecheck: venv
	$(BIN)/mypy streams

bench: venv  ## the benchmarks (own broker, ~6 min; not part of `make test`): README "Performance"
	$(STREAMS) bench all

kafka-start: venv
	$(STREAMS) kafka start

kafka-stop: venv
	$(STREAMS) kafka stop

worker: venv
	$(STREAMS) worker

produce: venv
	$(STREAMS) produce samples/articles

consume: venv
	$(STREAMS) consume --from-beginning

clean:
	rm -rf .streams-data .pytest_cache .mypy_cache .ruff_cache
