"""The hostile corpus through a real worker: every case ends as its dead letter or its valid
enriched record, the worker stays up throughout, and a normal article still comes out after."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import psutil
import pytest
from aiokafka import AIOKafkaProducer

from streams.codec import DEAD_LETTER_VALUE_BUDGET, validate
from streams.kafka_client import ensure_topics, source_producer
from streams.kafka_local import MAX_MESSAGE_BYTES
from tests.hostile_corpus import ARTICLE, Case, corpus

from .conftest import Pipeline
from .traffic import OutputTracker

pytestmark = [pytest.mark.integration, pytest.mark.slow]

AFTER = "hostile-normal-article-after-the-corpus"


async def _send(pipeline: Pipeline, cases: list[Case]) -> None:
    """Every case with its key and headers, in order, acknowledged."""
    settings = pipeline.settings
    await ensure_topics(settings)
    producer: AIOKafkaProducer = source_producer(settings, max_request_size=MAX_MESSAGE_BYTES)
    await producer.start()
    try:
        pending = [
            await producer.send(
                settings.topic_raw, c.value, key=c.key, headers=list(c.headers) or None
            )
            for c in cases
        ]
        for future in pending:
            await future
    finally:
        await producer.stop()


def _outcomes_in(tracker: OutputTracker, cases: list[Case]) -> bool:
    return (
        all(
            c.letter_key in tracker.dead if c.error else c.expected_id in tracker.enriched
            for c in cases
        )
        and AFTER in tracker.enriched
    )


@pytest.mark.parametrize("guarantee", ["at_least_once", "exactly_once"])
async def test_hostile_corpus_through_a_worker(pipeline: Pipeline, guarantee: str) -> None:
    cases = corpus()
    pipeline.env["STREAMS_PROCESSING_GUARANTEE"] = guarantee
    worker = pipeline.start_worker()
    tracker = OutputTracker(pipeline.settings, read_committed=guarantee == "exactly_once")
    await tracker.start()
    try:
        await _send(pipeline, cases)
        await _send(pipeline, [Case("after", ARTICLE.encode(), AFTER.encode())])
        done = await tracker.wait_until(lambda t: _outcomes_in(t, cases), timeout=240)
        rss = psutil.Process(worker.process.pid).memory_info().rss
    finally:
        await tracker.stop()
    assert worker.process.poll() is None, worker.tail()
    missing = [
        c.name
        for c in cases
        if (c.letter_key not in tracker.dead if c.error else c.expected_id not in tracker.enriched)
    ]
    assert done, f"no outcome for {missing}\n{worker.tail()}"
    # Bounded: the 10 MiB message was refused, the near-limit article processed, and the worker
    # holds what it needs for that, not a copy of everything it saw.
    assert rss < 1024 * 1024 * 1024, rss
    for case in cases:
        if case.error:
            _check_dead_letter(pipeline, tracker.dead_letters[case.letter_key], case)
    assert tracker.enriched[AFTER] == 1
    assert tracker.enriched["hostile-repeated"] == 2
    # Nothing but the expected: no extra record and no extra dead letter.
    expected_ids = {c.expected_id for c in cases if c.error is None} | {AFTER}
    assert set(tracker.enriched) == expected_ids
    assert set(tracker.dead) == {c.letter_key for c in cases if c.error}
    # Once each: no agent crashed and was restarted on a message.
    assert sum(tracker.dead.values()) == len(tracker.dead), tracker.dead.most_common(3)
    assert "Crashed reason" not in worker.log.read_text(errors="replace"), worker.tail(60)


def _check_dead_letter(pipeline: Pipeline, letter: dict[str, Any], case: Case) -> None:
    validate("dead-letter", letter)
    assert letter["error_type"] == case.error, (case.name, letter["reason"])
    assert letter["stage"] == "segment" and letter["topic"] == pipeline.settings.topic_raw
    assert letter["offset"] is not None and letter["partition"] is not None
    assert len(letter["reason"]) > 15
    original = case.value or b""
    assert letter["value_bytes"] == len(original)
    assert letter["value_sha256"] == hashlib.sha256(original).hexdigest()
    assert base64.b64decode(letter["value_b64"]) == original[:DEAD_LETTER_VALUE_BUDGET]
    assert letter["key_bytes"] == len(case.key or b"")
