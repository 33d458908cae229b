"""Near-duplicate detection across partitions, workers and restarts on the real broker."""

from __future__ import annotations

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
