# Everyday commands. `make demo` and `make test` are the two a new user needs.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STREAMS := $(BIN)/streams
TEST_KAFKA_PORT ?= 19092

.PHONY: help venv demo demo-dashboard schemas test unit lint format typecheck bench kafka-start kafka-stop worker produce consume clean
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  make %-14s %s\n", $$1, $$2}'

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

lint: venv  ## ruff check, and ruff format --check (no file left unformatted)
	$(BIN)/ruff check streams tests examples
	$(BIN)/ruff format --check streams tests examples

format: venv  ## apply ruff format
	$(BIN)/ruff format streams tests examples

typecheck: venv  ## mypy on the package
	$(BIN)/mypy streams

bench: venv  ## the benchmarks (own broker, ~6 min; not part of `make test`): README "Performance"
	$(STREAMS) bench all

kafka-start: venv  ## a local Kafka broker on 127.0.0.1:9092, in the background
	$(STREAMS) kafka start

kafka-stop: venv  ## stop it
	$(STREAMS) kafka stop

worker: venv  ## a worker running every stage
	$(STREAMS) worker

produce: venv  ## send the sample articles to articles.raw
	$(STREAMS) produce samples/articles

consume: venv  ## print articles.enriched from the beginning
	$(STREAMS) consume --from-beginning

clean:  ## remove local state and caches
	rm -rf .streams-data .pytest_cache .mypy_cache .ruff_cache
