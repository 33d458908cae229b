"""End to end on the real broker: raw in, exactly the same ids enriched out, and the streamed
records equal the in-process chain's."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from streams.inputs import iter_messages
from streams.pipeline import Resources, run_chain
from streams.raw_message import decode_raw
from streams.record_schemas import validate
from tests.conftest import SAMPLES

from .conftest import Pipeline

pytestmark = pytest.mark.integration


def _without_timings(record: dict[str, Any]) -> dict[str, Any]:
    # Stage durations are wall-clock measurements: the one field that cannot repeat.
    copy = orjson.loads(orjson.dumps(record))
    for run in copy["provenance"]["stages"]:
        run["ms"] = 0
    return copy


def test_every_raw_article_comes_out_enriched_once(pipeline: Pipeline) -> None:
    worker = pipeline.start_worker()
    sent = pipeline.produce([str(SAMPLES)])
    assert sent >= 30
    records = pipeline.consume(limit=sent + 1, timeout=15)
    assert len(records) == sent, worker.tail()
    expected_ids = {m.key.decode() for m in iter_messages([str(SAMPLES)]) if m.key}
    assert {r["id"] for r in records} == expected_ids
    for record in records:
        validate("enriched-article", record)
        names = [run["name"] for run in record["provenance"]["stages"]]
        assert names[:2] == ["segment", "segment.clitics"]


def test_plain_text_and_json_messages_are_both_accepted(pipeline: Pipeline, seed_text: str) -> None:
    pipeline.start_worker()
    pipeline.send(
        [
            (None, seed_text.encode(), None),
            (None, orjson.dumps({"id": "json-1", "text": seed_text, "source": "x"}), None),
        ]
    )
    records = pipeline.consume(limit=2)
    ids = sorted(r["id"] for r in records)
    assert ids[0] == "json-1" and ids[1].startswith("sha1-")
    assert {r["structure"]["published_at"] for r in records} == {"2025-01-07"}


def test_streamed_records_equal_the_in_process_chain(pipeline: Pipeline) -> None:
    # One partition keeps the processing order of the file, which duplicate detection sees.
    pipeline.env["STREAMS_PARTITIONS"] = "1"
    pipeline.start_worker()
    messages = list(iter_messages([str(SAMPLES)]))
    pipeline.produce([str(SAMPLES)])
    streamed = {r["id"]: r for r in pipeline.consume(limit=len(messages))}
    resources = Resources()
    max_bytes = pipeline.settings.max_message_bytes
    local = [
        run_chain(decode_raw(m.value, m.key, max_bytes=max_bytes), resources) for m in messages
    ]
    assert len(streamed) == len(local)
    for record in local:
        assert _without_timings(streamed[record["id"]]) == _without_timings(record)
