"""aiokafka clients for the CLI (produce, consume, topic creation), configured from Settings."""

from __future__ import annotations

import contextlib
import logging
import ssl
from collections.abc import Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from .kafka_local import MAX_MESSAGE_BYTES
from .settings import Settings

logger = logging.getLogger(__name__)

# Producer batching for the workers (streams.app) and the benchmark's peer loop (the linger is
# STREAMS_PRODUCER_LINGER_MS): with no linger each send became its own produce request, whose
# CPU, in the worker and in the broker, dominated (see the Performance section of the README).
# Enriched records are 10-20 KB, over aiokafka's 16 KB default batch, which made every one a
# batch of its own.
PRODUCER_MAX_BATCH_BYTES = 256 * 1024


def client_options(settings: Settings) -> dict[str, Any]:
    """Connection options shared by every aiokafka client (bootstrap servers and security)."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.broker_url,
        "security_protocol": settings.kafka_security_protocol,
    }
    if settings.kafka_security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = ssl.create_default_context(
            cafile=str(settings.kafka_ca_file) if settings.kafka_ca_file else None
        )
    if settings.kafka_security_protocol.startswith("SASL"):
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism or "PLAIN"
        options["sasl_plain_username"] = settings.kafka_username
        options["sasl_plain_password"] = settings.password
    return options


def pipeline_topics(settings: Settings) -> list[str]:
    return [
        settings.topic_raw,
        settings.topic_segmented,
        settings.topic_enriched,
        settings.topic_deadletter,
    ]


async def ensure_topics(settings: Settings, names: list[str] | None = None) -> list[str]:
    """Create the pipeline topics that do not exist yet; returns the ones created."""
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [n for n in (names or pipeline_topics(settings)) if n not in existing]
        if not wanted:
            return []
        # Another client may create them at the same moment: fine, they exist.
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics(
                [
                    NewTopic(
                        name,
                        settings.partitions,
                        settings.replication_factor,
                        topic_configs={"max.message.bytes": str(MAX_MESSAGE_BYTES)},
                    )
                    for name in wanted
                ]
            )
        logger.info("created topics %s", wanted)
        return wanted
    finally:
        await admin.close()


def source_producer(settings: Settings, **options: Any) -> AIOKafkaProducer:
    """A producer of raw articles as a user's feed would run it: idempotent (a retried send is
    not written twice), acknowledged by every in-sync replica, batched; ``options`` override."""
    return AIOKafkaProducer(
        **{
            **client_options(settings),
            "acks": "all",
            "enable_idempotence": True,
            "linger_ms": 5,
            "max_batch_size": PRODUCER_MAX_BATCH_BYTES,
            "max_request_size": MAX_MESSAGE_BYTES,
            **options,
        }
    )


async def send_acknowledged(
    settings: Settings,
    topic: str,
    messages: Iterable[tuple[bytes | None, bytes | None]],
    *,
    on_acknowledged: Callable[[int], object] | None = None,
    window: int = 500,
) -> int:
    """Send (key, value) messages in order and wait until the broker has every one; at most
    ``window`` unacknowledged at a time. Returns how many were sent."""
    await ensure_topics(settings)
    producer = source_producer(settings)
    await producer.start()
    sent = 0
    try:
        pending = []
        for key, value in messages:
            pending.append(await producer.send(topic, value, key=key))
            if len(pending) >= window:
                await _acknowledged(pending, on_acknowledged)
                sent += len(pending)
                pending = []
        await _acknowledged(pending, on_acknowledged)
        sent += len(pending)
    finally:
        await producer.stop()
    return sent


async def _acknowledged(
    pending: list[Any], on_acknowledged: Callable[[int], object] | None
) -> None:
    for future in pending:
        await future
    if on_acknowledged is not None and pending:
        on_acknowledged(len(pending))
