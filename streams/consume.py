"""``streams consume``: read a topic from every partition without joining a group."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition

from .kafka_client import client_options
from .kafka_local import MAX_MESSAGE_BYTES
from .settings import Settings

logger = logging.getLogger(__name__)


async def consume_records(
    settings: Settings,
    topic: str,
    emit: Callable[[bytes], None],
    *,
    from_beginning: bool = False,
    limit: int | None = None,
    idle_timeout: float | None = None,
    read_committed: bool = False,
) -> int:
    """Call ``emit`` with each record's value; returns how many were read."""
    consumer = AIOKafkaConsumer(
        **client_options(settings),
        enable_auto_commit=False,
        group_id=None,
        isolation_level="read_committed" if read_committed else "read_uncommitted",
        fetch_max_bytes=MAX_MESSAGE_BYTES,
        max_partition_fetch_bytes=MAX_MESSAGE_BYTES,
    )
    await consumer.start()
    count = 0
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            await consumer._client.force_metadata_update()  # the topic may be brand new
            partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            raise SystemExit(f"topic {topic!r} does not exist")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        if from_beginning:
            await consumer.seek_to_beginning(*tps)
        else:
            await consumer.seek_to_end(*tps)
        while limit is None or count < limit:
            batch = await consumer.getmany(timeout_ms=int((idle_timeout or 3600) * 1000))
            if not batch:
                if idle_timeout is not None:
                    break
                continue
            for records in batch.values():
                for record in records:
                    if record.value is not None:
                        emit(record.value)
                    count += 1
                    if limit is not None and count >= limit:
                        return count
    finally:
        await consumer.stop()
    return count
