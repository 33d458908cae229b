"""The peer a user would write instead of our Faust agents: a plain aiokafka loop.

It is the yardstick for the streamed benchmark, so it does the same work per message as the
agents, on the same topics and partitions, and nothing more:

- one consumer in the app's consumer group (``STREAMS_APP_ID``), subscribed to the raw topic,
  the segmented topic and the input of each CAMeL stage in the chain, auto-commit off;
- per record, the same code as the agents' hop: ``codec.decode_raw`` / ``decode_segmented`` /
  ``decode_enriched`` (orjson + JSON Schema), the stage function from ``streams.pipeline``,
  ``codec.validate`` of the output, ``codec.dumps``, the output size check, and a send to the
  next topic keyed by the article id with the produce-time header carried on; a failure becomes
  a dead letter built by ``codec.dead_letter`` and sent to the dead-letter topic;
- per-stage outcome counts in a plain dict;
- at least once: after each ``getmany`` batch it waits until every send of the batch is
  acknowledged, then commits the consumed offsets (a crash before the commit re-delivers the
  batch, never loses it);
- the producer has the Faust app's settings (acks=all, linger, batch size, request size).

What it does not have, and the Faust pipeline does: tables (per-stage counters, and the
duplicate index in global tables shared by every worker and recovered from their changelogs;
here the duplicate index is a dict per process, lost on restart and blind to articles another
worker saw), the web views, and Faust's recovery and rebalancing machinery.

Run as ``python -m streams.bench.peer`` with the same ``STREAMS_*`` environment as a worker;
SIGTERM stops it after the batch in hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, KafkaError

from streams import codec
from streams.kafka_client import (
    PRODUCER_MAX_BATCH_BYTES,
    client_options,
    ensure_topics,
)
from streams.kafka_local import MAX_MESSAGE_BYTES
from streams.nlp.fingerprint import DuplicateIndex
from streams.pipeline import Resources, enrich, run_data_stage, segment
from streams.settings import Settings, get_settings

logger = logging.getLogger(__name__)

# The same header as streams.agents (not imported: that would build the Faust app here).
PRODUCED_AT_HEADER = "x-produced-at-ms"
MAX_RECORDS = 500


def producer_settings(settings: Settings) -> dict[str, Any]:
    """The Faust app's producer settings (see streams.app; tests check they stay equal)."""
    return {
        "acks": "all",
        "linger_ms": settings.producer_linger_ms,
        "max_batch_size": PRODUCER_MAX_BATCH_BYTES,
        "max_request_size": MAX_MESSAGE_BYTES,
    }


def pending_topic(settings: Settings, stage: str) -> str:
    """The input topic of a CAMeL stage, named as streams.app names it."""
    return f"{settings.topic_enriched}.pending-{stage}"


class _Assignments(ConsumerRebalanceListener):
    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        logger.info("peer: partitions revoked %s", sorted(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        logger.info("peer: assigned %d partitions: %s", len(assigned), sorted(assigned))


def _produced_at(record: ConsumerRecord) -> bytes:
    for name, value in record.headers or ():
        if name == PRODUCED_AT_HEADER and value:
            return bytes(value)
    return str(record.timestamp).encode()


Hop = Callable[[ConsumerRecord], tuple[Any, int]]


class PeerLoop:
    """The consumer/producer loop; ``process_batch`` is the per-batch unit of work."""

    def __init__(self, settings: Settings, producer: Any, resources: Resources) -> None:
        self.settings = settings
        self.producer = producer
        self.resources = resources
        self.counts: Counter[str] = Counter()
        chain = ("enrich", *resources.chain)
        outputs = [pending_topic(settings, s) for s in chain[1:]] + [settings.topic_enriched]
        # input topic -> (stage, process, output schema, output topic)
        self.hops: dict[str, tuple[str, Hop, str, str]] = {
            settings.topic_raw: (
                "segment",
                self._segment,
                "segmented-article",
                settings.topic_segmented,
            ),
            settings.topic_segmented: ("enrich", self._enrich, "enriched-article", outputs[0]),
        }
        for position, stage in enumerate(chain[1:], 1):
            self.hops[pending_topic(settings, stage)] = (
                stage,
                self._data_stage(stage),
                "enriched-article",
                outputs[position],
            )

    @property
    def topics(self) -> list[str]:
        return list(self.hops)

    def _segment(self, record: ConsumerRecord) -> tuple[Any, int]:
        raw = codec.decode_raw(
            record.value,
            record.key,
            limits=codec.InputLimits.of(self.settings),
            headers=record.headers,
        )
        return segment(raw, self.resources), 0

    def _enrich(self, record: ConsumerRecord) -> tuple[Any, int]:
        segmented = codec.decode_segmented(record.value)
        seen_at = int(_produced_at(record))
        out = enrich(segmented, self.resources, seen_at=seen_at)
        return out, len(segmented["provenance"]["stages"])

    def _data_stage(self, stage: str) -> Hop:
        def process(record: ConsumerRecord) -> tuple[Any, int]:
            enriched = codec.decode_enriched(record.value)
            out = run_data_stage(stage, enriched, self.resources)
            return out, len(enriched["provenance"]["stages"])

        return process

    async def handle(self, record: ConsumerRecord) -> Awaitable[Any]:
        """Process one record; returns the future of its send (output or dead letter)."""
        stage, process, schema, output = self.hops[record.topic]
        try:
            result, earlier = process(record)
            payload = codec.encode_output(schema, result)
        except Exception as exc:
            error = codec.as_bad_message(exc)
            letter = codec.dead_letter(
                value=record.value,
                key=record.key,
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                stage=stage,
                error_type=error.code,
                reason=error.reason,
                value_budget=self.settings.dead_letter_value_budget,
            )
            self.counts[f"{stage}|deadletter"] += 1
            return await self.producer.send(
                self.settings.topic_deadletter,
                codec.dumps(letter),
                key=codec.dead_letter_key(record.key),
            )
        for run in result["provenance"]["stages"][earlier:]:
            self.counts[f"{run['name']}|{run['status']}"] += 1
        return await self.producer.send(
            output,
            payload,
            key=result["id"].encode(),
            headers=[(PRODUCED_AT_HEADER, _produced_at(record))],
        )

    async def process_batch(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> int:
        """Process a batch and wait until every send is acknowledged; returns its size."""
        futures = [await self.handle(record) for records in batch.values() for record in records]
        if futures:
            await asyncio.gather(*futures)
        return len(futures)


async def run(settings: Settings, stop: asyncio.Event) -> Counter[str]:
    """Consume, process and produce until ``stop`` is set; returns the outcome counts."""
    resources = Resources(duplicates=DuplicateIndex(bands={}, signatures={}))
    options = client_options(settings)
    producer = AIOKafkaProducer(**options, **producer_settings(settings))
    loop = PeerLoop(settings, producer, resources)
    await ensure_topics(
        settings, [*loop.topics, settings.topic_enriched, settings.topic_deadletter]
    )
    consumer = AIOKafkaConsumer(
        **options,
        group_id=settings.app_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=MAX_MESSAGE_BYTES,
    )
    consumer.subscribe(loop.topics, listener=_Assignments())
    await producer.start()
    await consumer.start()
    logger.info("peer: started on %s", ", ".join(loop.topics))
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=200, max_records=MAX_RECORDS)
            if not batch:
                continue
            await loop.process_batch(batch)
            try:
                await consumer.commit()
            except CommitFailedError as exc:
                # A rebalance took partitions away mid-batch: their records are re-delivered
                # to the new owner (at least once).
                logger.warning("peer: commit failed after a rebalance: %s", exc)
    finally:
        with contextlib.suppress(KafkaError):
            await consumer.stop()
        await producer.stop()
    return loop.counts


def main() -> int:
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="[%(asctime)s] %(levelname)s %(message)s"
    )

    async def go() -> Counter[str]:
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        return await run(settings, stop)

    started = time.monotonic()
    counts = asyncio.run(go())
    logger.info("peer: stopped after %.1fs; counts %s", time.monotonic() - started, dict(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
