"""Thin Faust agents: decode -> stage function -> send. One agent per stage.

Which agents this worker runs comes from ``STREAMS_STAGES`` (``streams worker --stages``).
Anything a stage cannot handle goes to the dead-letter topic with a reason, and the agent
moves on; the offset is committed as usual so a bad message is not retried forever.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import faust
from faust.types import EventT, TopicT

from . import codec
from .app import (
    app,
    deadletter_topic,
    duplicate_bands,
    duplicate_signatures,
    enriched_topic,
    pending_topics,
    raw_topic,
    segmented_topic,
    settings,
    stage_counts,
)
from .codec import BadMessage
from .nlp.fingerprint import DuplicateIndex
from .pipeline import Resources, enrich, run_data_stage, segment
from .records import StageRun

logger = logging.getLogger(__name__)

PRODUCED_AT_HEADER = "x-produced-at-ms"

resources = Resources(
    duplicates=DuplicateIndex(bands=duplicate_bands, signatures=duplicate_signatures)
)
# The hops after `segment`: `enrich`, then each CAMeL stage whose data is installed.
CHAIN = ("enrich", *resources.chain)


def output_topic(stage: str) -> TopicT:
    """Where ``stage`` sends its records: the next stage's input, or articles.enriched."""
    if stage == "segment":
        return segmented_topic
    position = CHAIN.index(stage) + 1
    return pending_topics[CHAIN[position]] if position < len(CHAIN) else enriched_topic


def _produced_at(event: EventT) -> bytes:
    """Produce time of the original raw message, carried through every hop in a header."""
    value = dict(event.headers or {}).get(PRODUCED_AT_HEADER)
    if value:
        return bytes(value)
    return str(int(event.message.timestamp * 1000)).encode()


def _count(stage: str, status: str, partition: int) -> None:
    stage_counts[f"{stage}|{status}|{partition}"] += 1


def _as_bad_message(exc: Exception) -> BadMessage:
    if isinstance(exc, BadMessage):
        return exc
    return BadMessage("stage_error", f"{type(exc).__name__}: {exc}"[:1000])


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
    logger.warning(
        "dead letter from %s at %s[%s]@%s: %s",
        stage,
        message.topic,
        message.partition,
        message.offset,
        error,
    )
    await deadletter_topic.send(key=message.key, value=codec.dumps(letter))
    _count(stage, "deadletter", message.partition)


# Each returns the new record and how many provenance entries it had before this hop.
Process = Callable[[EventT], tuple[Any, int]]


async def _hop(event: EventT, stage: str, process: Process, schema: str) -> None:
    """Process one event of ``stage``: dead-letter what fails, count, send the result on."""
    message = event.message
    try:
        record, earlier_runs = process(event)
        codec.validate(schema, record)
        payload = codec.dumps(record)
    except Exception as exc:
        await _dead_letter(event, stage, _as_bad_message(exc))
        return
    runs: list[StageRun] = record["provenance"]["stages"]
    for run in runs[earlier_runs:]:
        _count(run["name"], run["status"], message.partition)
    await output_topic(stage).send(
        key=record["id"].encode(),
        value=payload,
        headers={PRODUCED_AT_HEADER: _produced_at(event)},
    )


def _segment(event: EventT) -> tuple[Any, int]:
    message = event.message
    raw = codec.decode_raw(message.value, message.key, max_bytes=settings.max_message_bytes)
    return segment(raw, resources), 0


def _enrich(event: EventT) -> tuple[Any, int]:
    record = codec.decode_segmented(event.message.value)
    seen_at = int(_produced_at(event))
    return enrich(record, resources, seen_at=seen_at), len(record["provenance"]["stages"])


def _data_stage(stage: str) -> Process:
    def process(event: EventT) -> tuple[Any, int]:
        record = codec.decode_enriched(event.message.value)
        return run_data_stage(stage, record, resources), len(record["provenance"]["stages"])

    return process


def _agent(stage: str, topic: TopicT, process: Process, schema: str) -> None:
    async def agent(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await _hop(event, stage, process, schema)

    agent.__name__ = agent.__qualname__ = f"{stage}_agent"
    # concurrency=1: higher values can commit past an in-flight message (faust-streaming #606).
    AGENTS[stage] = app.agent(topic, name=stage, concurrency=1)(agent)


AGENTS: dict[str, Any] = {}
if "segment" in settings.stages:
    _agent("segment", raw_topic, _segment, "segmented-article")
if "enrich" in settings.stages:
    _agent("enrich", segmented_topic, _enrich, "enriched-article")
for _stage in resources.chain:
    if _stage in settings.stages:
        _agent(_stage, pending_topics[_stage], _data_stage(_stage), "enriched-article")


@app.task
async def declare_topics() -> None:
    """Create the topics this chain uses at worker start, including those only sent to."""
    for topic in (
        raw_topic,
        segmented_topic,
        enriched_topic,
        deadletter_topic,
        *(pending_topics[stage] for stage in resources.chain),
    ):
        await topic.maybe_declare()


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
