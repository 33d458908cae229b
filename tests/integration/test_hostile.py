"""The hostile corpus through a real worker: every case ends as its dead letter or its valid
enriched record, the worker stays up throughout, and a normal article still comes out after."""

from __future__ import annotations

import base64
from typing import Any

import psutil
import pytest

from streams.codec import validate
from streams.kafka_client import send_acknowledged
from tests.hostile_corpus import ARTICLE, LIMIT, Case, corpus

from .conftest import Pipeline
from .traffic import OutputTracker

pytestmark = [pytest.mark.integration, pytest.mark.slow]

AFTER = "hostile-normal-article-after-the-corpus"


async def _send(pipeline: Pipeline, messages: list[tuple[bytes | None, bytes | None]]) -> None:
    await send_acknowledged(pipeline.settings, pipeline.settings.topic_raw, messages)


def _outcomes_in(tracker: OutputTracker, cases: list[Case]) -> bool:
    return (
        all(
            (c.key or b"").decode() in tracker.dead
            if c.error
            else c.expected_id in tracker.enriched
            for c in cases
        )
        and AFTER in tracker.enriched
    )


async def test_hostile_corpus_through_a_worker(pipeline: Pipeline) -> None:
    cases = corpus()
    worker = pipeline.start_worker()
    tracker = OutputTracker(pipeline.settings)
    await tracker.start()
    try:
        await _send(pipeline, [(c.key, c.value) for c in cases])
        await _send(pipeline, [(AFTER.encode(), ARTICLE.encode())])
        done = await tracker.wait_until(lambda t: _outcomes_in(t, cases), timeout=240)
        rss = psutil.Process(worker.process.pid).memory_info().rss
    finally:
        await tracker.stop()
    assert worker.process.poll() is None, worker.tail()
    missing = [
        c.name
        for c in cases
        if (
            (c.key or b"").decode() not in tracker.dead
            if c.error
            else c.expected_id not in tracker.enriched
        )
    ]
    assert done, f"no outcome for {missing}\n{worker.tail()}"
    # Bounded: the 10 MiB message was refused, the near-limit article processed, and the worker
    # holds what it needs for that, not a copy of everything it saw.
    assert rss < 1024 * 1024 * 1024, rss
    for case in cases:
        if case.error:
            _check_dead_letter(pipeline, tracker.dead_letters[(case.key or b"").decode()], case)
    assert tracker.enriched[AFTER] == 1
    assert tracker.enriched["hostile-repeated"] == 2
    # Nothing but the expected: no extra record and no extra dead letter.
    expected_ids = {c.expected_id for c in cases if c.error is None} | {AFTER}
    assert set(tracker.enriched) == expected_ids
    assert set(tracker.dead) == {(c.key or b"").decode() for c in cases if c.error}


def _check_dead_letter(pipeline: Pipeline, letter: dict[str, Any], case: Case) -> None:
    validate("dead-letter", letter)
    assert letter["error_type"] == case.error, (case.name, letter["reason"])
    assert letter["stage"] == "segment" and letter["topic"] == pipeline.settings.topic_raw
    assert letter["offset"] is not None and letter["partition"] is not None
    assert len(letter["reason"]) > 15
    original = case.value or b""
    assert letter["value_bytes"] == len(original)
    assert base64.b64decode(letter["value_b64"]) == original[:LIMIT]
