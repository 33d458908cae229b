"""Near-duplicate detection across partitions, workers and restarts on the real broker."""

from __future__ import annotations

import time
from typing import Any

import orjson
import pytest

from tests.conftest import SAMPLES

from .conftest import Pipeline

pytestmark = pytest.mark.integration

FIRST = (SAMPLES / "25-nouakchott-solar-plant-a.txt").read_text(encoding="utf-8")
REPUBLISHED = (SAMPLES / "26-nouakchott-solar-plant-b.txt").read_text(encoding="utf-8")
UNRELATED = (SAMPLES / "07-doha-lng-japan.txt").read_text(encoding="utf-8")


def _send(pipeline: Pipeline, items: list[tuple[str, str, int]]) -> None:
    pipeline.send([(i.encode(), orjson.dumps({"id": i, "text": t}), p) for i, t, p in items])


def _enriched(pipeline: Pipeline, count: int) -> dict[str, Any]:
    return {r["id"]: r for r in pipeline.consume(limit=count, timeout=90)}


def _enriched_until(pipeline: Pipeline, wanted: str, count: int) -> dict[str, Any]:
    """Read on past ``count`` records until ``wanted`` is there: after workers stop, at least
    once delivery may enrich a record again, and that copy must not end the read early."""
    records: dict[str, Any] = {}
    for limit in range(count, count + 6):
        records = _enriched(pipeline, limit)
        if wanted in records:
            break
    return records


def test_republished_story_is_found_across_partitions_workers_and_restarts(
    pipeline: Pipeline,
) -> None:
    first = pipeline.start_worker()
    second = pipeline.start_worker()
    _send(pipeline, [("story-a", FIRST, 0), ("other", UNRELATED, 2)])
    assert set(_enriched(pipeline, 2)) == {"story-a", "other"}, first.tail()
    # Another outlet's version arrives later, on a different partition, so maybe on the other
    # worker: the index is a global table, consistent across workers once the first worker's
    # changelog write has been flushed and read back (well under the few seconds waited here).
    time.sleep(3)
    _send(pipeline, [("story-b", REPUBLISHED, 1), ("story-a", FIRST, 3)])
    # The second worker's arrival rebalanced the group: under at-least-once a record may come
    # out again before story-b does.
    records = _enriched_until(pipeline, "story-b", 4)
    assert records["story-b"]["duplicate_of"] == "story-a"
    assert records["other"]["duplicate_of"] is None
    # The same id sent again is not a duplicate of itself.
    assert records["story-a"]["duplicate_of"] is None

    # Both workers restart: the index comes back from its changelog.
    first.stop()
    second.stop()
    pipeline.start_worker()
    _send(pipeline, [("story-c", REPUBLISHED, 2)])
    records = _enriched_until(pipeline, "story-c", 5)
    assert records["story-c"]["duplicate_of"] == "story-a"
