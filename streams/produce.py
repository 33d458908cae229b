"""``streams produce``: send raw messages to Kafka with a progress bar."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .inputs import iter_messages
from .kafka_client import client_options, ensure_topics
from .kafka_local import MAX_MESSAGE_BYTES
from .settings import Settings

logger = logging.getLogger(__name__)


async def produce_messages(
    settings: Settings, paths: Iterable[str], topic: str, *, progress: bool = True
) -> int:
    """Send every message found under ``paths``; returns how many were acknowledged."""
    messages = list(iter_messages(paths))
    await ensure_topics(settings)
    producer = AIOKafkaProducer(
        **client_options(settings),
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_request_size=MAX_MESSAGE_BYTES,
    )
    await producer.start()
    try:
        with Progress(
            TextColumn("[bold]producing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not progress,
            transient=False,
        ) as bar:
            task = bar.add_task("produce", total=len(messages))
            pending = []
            for message in messages:
                pending.append(await producer.send(topic, message.value, key=message.key))
                if len(pending) >= 500:
                    for future in pending:
                        await future
                    bar.advance(task, len(pending))
                    pending.clear()
            for future in pending:
                await future
            bar.advance(task, len(pending))
    finally:
        await producer.stop()
    return len(messages)
