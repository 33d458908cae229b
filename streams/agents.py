"""Thin Faust agents: decode -> stage function -> send. One agent per stage.

Which agents this worker runs comes from ``STREAMS_STAGES`` (``streams worker --stages``).
Anything a stage cannot handle goes to the dead-letter topic with a reason, and the agent
moves on; the offset is committed as usual so a bad message is not retried forever.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import faust
from faust.types import EventT

from . import codec
from .app import (
    app,
    deadletter_topic,
    enriched_topic,
    raw_topic,
    segmented_topic,
    settings,
    stage_counts,
)
from .codec import BadMessage
from .pipeline import Resources, enrich, segment
from .records import StageRun

logger = logging.getLogger(__name__)

PRODUCED_AT_HEADER = "x-produced-at-ms"

resources = Resources()


def _produced_at(event: EventT) -> bytes:
    """Produce time of the original raw message, carried through every hop in a header."""
    headers: Mapping[str, bytes] | Any = event.headers or {}
    if isinstance(headers, Mapping):
        value = headers.get(PRODUCED_AT_HEADER)
    else:
        value = dict(headers).get(PRODUCED_AT_HEADER)
    if value:
        return bytes(value)
    return str(int(event.message.timestamp * 1000)).encode()


def _count(stage: str, status: str, partition: int) -> None:
    stage_counts[f"{stage}|{status}|{partition}"] += 1


def _count_runs(runs: list[StageRun], already: int, partition: int) -> None:
    for run in runs[already:]:
        _count(run["name"], run["status"], partition)


async def _dead_letter(event: EventT, stage: str, error: BadMessage) -> None:
    message = event.message
    letter = codec.dead_letter(
        value=message.value if isinstance(message.value, bytes) else None,
        key=message.key if isinstance(message.key, bytes) else None,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        stage=stage,
        error_type=error.code,
        reason=error.reason,
        max_bytes=settings.max_message_bytes,
    )
    logger.warning("dead letter from %s at %s[%s]@%s: %s", stage, message.topic,
                   message.partition, message.offset, error)
    await deadletter_topic.send(key=message.key, value=codec.dumps(letter))
    _count(stage, "deadletter", message.partition)


def _as_bad_message(exc: Exception) -> BadMessage:
    if isinstance(exc, BadMessage):
        return exc
    return BadMessage("stage_error", f"{type(exc).__name__}: {exc}"[:1000])


async def _segment_one(event: EventT) -> None:
    message = event.message
    try:
        raw = codec.decode_raw(message.value, message.key, max_bytes=settings.max_message_bytes)
        record = segment(raw, resources)
        payload = codec.dumps(record)
        codec.validate("segmented-article", record)
    except Exception as exc:  # noqa: BLE001 - isolate the message, keep the agent alive
        await _dead_letter(event, "segment", _as_bad_message(exc))
        return
    _count_runs(record["provenance"]["stages"], 0, message.partition)
    await segmented_topic.send(
        key=record["id"].encode(), value=payload,
        headers={PRODUCED_AT_HEADER: _produced_at(event)},
    )


async def _enrich_one(event: EventT) -> None:
    message = event.message
    try:
        record = codec.decode_segmented(message.value)
        already = len(record["provenance"]["stages"])
        enriched = enrich(record, resources)
        payload = codec.dumps(enriched)
        codec.validate("enriched-article", enriched)
    except Exception as exc:  # noqa: BLE001
        await _dead_letter(event, "enrich", _as_bad_message(exc))
        return
    _count_runs(enriched["provenance"]["stages"], already, message.partition)
    await enriched_topic.send(
        key=enriched["id"].encode(), value=payload,
        headers={PRODUCED_AT_HEADER: _produced_at(event)},
    )


if "segment" in settings.stages:

    @app.agent(raw_topic, name="segment", concurrency=1)
    async def segment_agent(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await _segment_one(event)


if "enrich" in settings.stages:

    @app.agent(segmented_topic, name="enrich", concurrency=1)
    async def enrich_agent(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await _enrich_one(event)


def local_stage_totals() -> dict[str, dict[str, int]]:
    """Per-stage counts over the partitions this worker holds."""
    totals: dict[str, dict[str, int]] = {}
    for key, count in stage_counts.items():
        stage, status, _partition = str(key).split("|")
        totals.setdefault(stage, {}).setdefault(status, 0)
        totals[stage][status] += count
    return totals


@app.page("/stats")
async def stats_view(web: Any, request: Any) -> Any:
    return web.json({"stages": local_stage_totals(), "time": time.time()})
