"""The peer a user would write instead of our Faust agents: a plain aiokafka loop.

It is the yardstick for the streamed benchmark, so it does the same work per message as the
agents, on the same topics and partitions, and nothing more:

- one consumer in the app's consumer group (``STREAMS_APP_ID``), subscribed to the raw topic,
  the segmented topic and the input of each CAMeL stage in the chain, auto-commit off;
- per record, the agents' own hop (:class:`streams.hop.Hop`): decode and validate, the stage
  function, validate and encode the output, the size check, and a send to the next topic
  keyed by the article id with the checked produce time carried on; a failure becomes a dead
  letter sent to the dead-letter topic;
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
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, KafkaError

from streams.hop import Hop, Incoming, Outcome, Outgoing
from streams.kafka_client import (
    PRODUCER_MAX_BATCH_BYTES,
    client_options,
    ensure_topics,
)
from streams.kafka_local import MAX_MESSAGE_BYTES
from streams.nlp.fingerprint import DuplicateIndex
from streams.pipeline import Resources
from streams.settings import Settings, get_settings

logger = logging.getLogger(__name__)

MAX_RECORDS = 500


def producer_settings(settings: Settings) -> dict[str, Any]:
    """The Faust app's producer settings (see streams.app; tests check they stay equal)."""
    return {
        "acks": "all",
        "linger_ms": settings.producer_linger_ms,
        "max_batch_size": PRODUCER_MAX_BATCH_BYTES,
        "max_request_size": MAX_MESSAGE_BYTES,
    }


class _Assignments(ConsumerRebalanceListener):
    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        logger.info("peer: partitions revoked %s", sorted(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        logger.info("peer: assigned %d partitions: %s", len(assigned), sorted(assigned))


class PeerLoop:
    """The consumer/producer loop; ``process_batch`` is the per-batch unit of work."""

    def __init__(self, settings: Settings, producer: Any, resources: Resources) -> None:
        self.settings = settings
        self.producer = producer
        self.resources = resources
        self.counts: Counter[str] = Counter()
        # The acknowledgements of the batch in hand.
        self._pending: list[Any] = []
        self.hop = Hop(settings, resources, self._send, observe=self._count)

    @property
    def topics(self) -> list[str]:
        return self.hop.topics

    async def _send(self, message: Outgoing) -> Any:
        acknowledged = await self.producer.send(
            message.topic, message.value, key=message.key, headers=list(message.headers) or None
        )
        self._pending.append(acknowledged)
        return acknowledged

    def _count(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.counts[f"{outcome.stage}|deadletter"] += 1
            return
        for run in outcome.runs:
            self.counts[f"{run['name']}|{run['status']}"] += 1

    async def handle(self, record: ConsumerRecord) -> Outcome | None:
        """Process one record (its sends are acknowledged with the batch)."""
        return await self.hop.handle(Incoming.from_aiokafka(record))

    async def process_batch(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> int:
        """Process a batch and wait until every send is acknowledged; returns its size."""
        for records in batch.values():
            for record in records:
                await self.handle(record)
        sent, self._pending = self._pending, []
        if sent:
            # A refused send is counted by the hop (dropped_unsendable), not raised here.
            await asyncio.gather(*sent, return_exceptions=True)
        return sum(len(records) for records in batch.values())


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
