"""Near-duplicate detection across partitions, workers and restarts on the real broker."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from streams.consume import consume_records
from streams.kafka_client import client_options, ensure_topics
from tests.conftest import SAMPLES

from .conftest import Pipeline

pytestmark = pytest.mark.integration

FIRST = (SAMPLES / "25-nouakchott-solar-plant-a.txt").read_text(encoding="utf-8")
REPUBLISHED = (SAMPLES / "26-nouakchott-solar-plant-b.txt").read_text(encoding="utf-8")
UNRELATED = (SAMPLES / "07-doha-lng-japan.txt").read_text(encoding="utf-8")


def _send(pipeline: Pipeline, items: list[tuple[str, str, int]]) -> None:
    async def run() -> None:
        await ensure_topics(pipeline.settings)
        producer = AIOKafkaProducer(**client_options(pipeline.settings))
        await producer.start()
        try:
            for article_id, text, partition in items:
                await producer.send_and_wait(
                    pipeline.settings.topic_raw,
                    orjson.dumps({"id": article_id, "text": text}),
                    key=article_id.encode(),
                    partition=partition,
                )
        finally:
            await producer.stop()

    asyncio.run(run())


def _enriched(pipeline: Pipeline, count: int) -> dict[str, Any]:
    values: list[bytes] = []
    asyncio.run(
        consume_records(
            pipeline.settings,
            pipeline.settings.topic_enriched,
            values.append,
            from_beginning=True,
            limit=count,
            idle_timeout=90,
        )
    )
    return {r["id"]: r for r in map(orjson.loads, values)}


def test_republished_story_is_found_across_partitions_workers_and_restarts(
    pipeline: Pipeline,
) -> None:
    first = pipeline.start_worker()
    second = pipeline.start_worker()
    _send(pipeline, [("story-a", FIRST, 0), ("other", UNRELATED, 2)])
    assert set(_enriched(pipeline, 2)) == {"story-a", "other"}, first.tail()
    # Another outlet's version arrives on a different partition, so maybe another worker.
    _send(pipeline, [("story-b", REPUBLISHED, 1), ("story-a", FIRST, 3)])
    records = _enriched(pipeline, 4)
    assert records["story-b"]["duplicate_of"] == "story-a"
    assert records["other"]["duplicate_of"] is None
    # The same id sent again is not a duplicate of itself.
    assert records["story-a"]["duplicate_of"] is None

    # Both workers restart: the index comes back from its changelog.
    first.stop()
    second.stop()
    pipeline.start_worker()
    _send(pipeline, [("story-c", REPUBLISHED, 2)])
    records = _enriched(pipeline, 5)
    assert records["story-c"]["duplicate_of"] == "story-a"
