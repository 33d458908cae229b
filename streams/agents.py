"""Thin Faust agents: decode -> stage function -> send. One agent per stage.

Which agents this worker runs comes from ``STREAMS_STAGES`` (``streams worker --stages``).
Anything a stage cannot handle goes to the dead-letter topic with a reason, and the agent
moves on; the offset is committed as usual so a bad message is not retried forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import faust
from faust.exceptions import NotReady
from faust.types import EventT, TopicT

from . import codec
from .app import (
    app,
    deadletter_topic,
    duplicate_index,
    enriched_topic,
    pending_topics,
    raw_topic,
    segmented_topic,
    settings,
)
from .codec import BadMessage
from .pipeline import Resources, enrich, run_data_stage, segment
from .records import StageRun
from .tally import count_dead_letter, count_hop
from .web import views as _views  # noqa: F401 - registers the HTTP views
from .web.readiness import CRASHES

logger = logging.getLogger(__name__)

PRODUCED_AT_HEADER = "x-produced-at-ms"

resources = Resources(duplicates=duplicate_index)
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
    count_dead_letter(event, stage, error.code)


# Each returns the new record and how many provenance entries it had before this hop.
Process = Callable[[EventT], tuple[Any, int]]


async def _hop(event: EventT, stage: str, process: Process, schema: str) -> None:
    """Process one event of ``stage``: dead-letter what fails, send the result on, count."""
    try:
        record, earlier_runs = process(event)
        payload = codec.encode_output(schema, record)
    except Exception as exc:
        await _dead_letter(event, stage, codec.as_bad_message(exc))
        return
    runs: list[StageRun] = record["provenance"]["stages"]
    produced_at = _produced_at(event)
    destination = output_topic(stage)
    await destination.send(
        key=record["id"].encode(),
        value=payload,
        headers={PRODUCED_AT_HEADER: produced_at},
    )
    count_hop(
        event,
        stage,
        record,
        runs[earlier_runs:],
        final=destination is enriched_topic,
        produced_at_ms=int(produced_at),
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
        try:
            async for event in stream.events():
                await _hop(event, stage, process, schema)
        except Exception as error:
            # Faust's supervisor restarts the agent; counted, it keeps /health at 503 for a
            # while and shows on /metrics (streams.web.readiness).
            logger.error("agent %s crashed (Faust restarts it): %r", stage, error)
            CRASHES.record(stage, error)
            raise

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
        try:
            await topic.maybe_declare()
        except NotReady:
            # Stopped (SIGTERM) while still starting: the producer is gone; a clean exit.
            if app.should_stop:
                logger.info("stopped before the topics were declared")
                return
            raise
