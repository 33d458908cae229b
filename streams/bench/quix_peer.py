"""The pipeline written with Quix Streams: a second peer for the streamed benchmark.

Runs in the Quix venv (:mod:`streams.bench.quix_env`), never in a worker's environment. It
does the agents' work through the agents' own hop (:class:`streams.hop.Hop`: decode and
validate, the stage function, validate and encode, the size check, the dead letter), on the
same topics and partitions, in the app's consumer group (``STREAMS_APP_ID``):

- one :class:`quixstreams.Application`, one ``StreamingDataFrame`` per hop (the input topic of
  each stage in the chain): ``apply`` runs :meth:`Hop.process` on the message and gives the
  message to send, ``set_headers`` carries the checked produce time on, and ``to_topic`` sends
  it to the topic it names (the next stage's input, the enriched topic, or the dead letters),
  keyed by the article id;
- at least once, Quix's default: at each checkpoint (every ``commit_interval``) the producer
  is flushed, then the consumed offsets are committed;
- a send the broker refuses is logged and counted as ``dropped_unsendable`` (the hop's
  counter) instead of stopping the app, as the agents and the aiokafka peer do;
- the producer has the Faust app's settings (acks=all, linger, batch size, request size).

Like the aiokafka peer it has no tables: its duplicate index is a dict per process.

Run as ``python -m streams.bench.quix_peer`` with the Quix venv's interpreter and the same
``STREAMS_*`` environment as a worker; SIGTERM stops it (Quix handles the signal).
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from quixstreams import Application, message_context
from quixstreams.models import SerializationContext, Serializer, Topic

from streams.bench.peer import producer_settings
from streams.hop import DROPPED_UNSENDABLE, Hop, Incoming, Outgoing
from streams.kafka_client import PRODUCER_MAX_BATCH_BYTES, ensure_topics
from streams.kafka_local import MAX_MESSAGE_BYTES
from streams.nlp.fingerprint import DuplicateIndex
from streams.pipeline import Resources
from streams.settings import Settings, get_settings

logger = logging.getLogger(__name__)


class OutgoingValue(Serializer):
    """The value of an :class:`Outgoing` message: already encoded by the hop."""

    def __call__(self, value: Outgoing, ctx: SerializationContext) -> bytes:
        return value.value


def _no_send(message: Outgoing) -> Any:
    raise RuntimeError("the Quix peer sends through to_topic, not the hop's send")


def client_config(settings: Settings) -> dict[str, Any]:
    """librdkafka settings equal to the Faust app's producer and consumer settings."""
    if settings.kafka_security_protocol != "PLAINTEXT":
        raise SystemExit("the Quix peer benchmarks a PLAINTEXT broker only")
    producer = producer_settings(settings)
    return {
        "producer": {
            "acks": producer["acks"],
            "linger.ms": producer["linger_ms"],
            "batch.size": PRODUCER_MAX_BATCH_BYTES,
            "message.max.bytes": producer["max_request_size"],
        },
        "consumer": {"max.partition.fetch.bytes": MAX_MESSAGE_BYTES},
    }


def build(settings: Settings) -> tuple[Application, Hop, Counter[str]]:
    """The Quix application running every hop of the chain; the outcome counts it keeps."""
    resources = Resources(duplicates=DuplicateIndex(bands={}, signatures={}))
    hop = Hop(settings, resources, _no_send)
    counts: Counter[str] = Counter()

    def producer_error(exc: BaseException, row: Any, _logger: Any) -> bool:
        hop.stats.add(DROPPED_UNSENDABLE)
        logger.error("the broker refused a message (dropped unsendable): %r", exc)
        return True  # counted and logged; the app goes on

    config = client_config(settings)
    app = Application(
        broker_address=settings.broker_url,
        consumer_group=settings.app_id,
        auto_offset_reset="earliest",
        auto_create_topics=False,
        use_changelog_topics=False,
        processing_guarantee="at-least-once",
        producer_extra_config=config["producer"],
        consumer_extra_config=config["consumer"],
        on_producer_error=producer_error,
        loglevel=settings.log_level.upper(),
        state_dir=str(settings.data_dir / "quix-state"),
    )

    def topic(name: str) -> Topic:
        return app.topic(
            name,
            key_deserializer="bytes",
            value_deserializer="bytes",
            key_serializer="bytes",
            value_serializer=OutgoingValue(),
        )

    outputs = {
        name: topic(name)
        for name in (
            *[route.output for route in hop.routes.values()],
            settings.topic_deadletter,
        )
    }

    def process(value: bytes, key: bytes | None, timestamp: int, headers: Any) -> Outgoing:
        context = message_context()
        outcome = hop.process(
            Incoming(
                topic=context.topic,
                partition=context.partition,
                offset=context.offset,
                key=key,
                value=value,
                headers=[(name, bytes(v or b"")) for name, v in headers or ()],
                timestamp_ms=timestamp,
            )
        )
        if outcome.error is not None:
            counts[f"{outcome.stage}|deadletter"] += 1
        for run in outcome.runs:
            counts[f"{run['name']}|{run['status']}"] += 1
        return outcome.message

    for name in hop.topics:
        frame = app.dataframe(topic(name))
        frame = frame.apply(process, metadata=True)
        frame = frame.set_headers(lambda message, _key, _ts, _headers: list(message.headers))
        frame.to_topic(
            lambda message, _key, _ts, _headers: outputs[message.topic],
            key=lambda message: message.key,
        )
    return app, hop, counts


def main() -> int:
    import asyncio

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="[%(asctime)s] %(levelname)s %(message)s"
    )
    app, hop, counts = build(settings)
    asyncio.run(
        ensure_topics(settings, [*hop.topics, settings.topic_enriched, settings.topic_deadletter])
    )
    logger.info("quix peer: started on %s", ", ".join(hop.topics))
    app.run()
    logger.info("quix peer: stopped; counts %s; %s", dict(counts), hop.stats.as_dict())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
