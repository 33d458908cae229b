"""A Faust agent that forwards each message unchanged: the floor of a Faust hop.

``python -m faust -A streams.bench.forward_faust worker`` (started by :mod:`streams.bench.floor`).
The same app settings as the pipeline's where they touch the per-message path (raw codecs,
the producer's linger and batch size, concurrency 1), and nothing else: no decoding, no stage,
no tables, no web server, Faust's default monitor.
"""

from __future__ import annotations

import faust

from streams.kafka_client import PRODUCER_MAX_BATCH_BYTES
from streams.settings import get_settings

settings = get_settings()
settings.data_dir.mkdir(parents=True, exist_ok=True)
app = faust.App(
    settings.app_id,
    broker=settings.broker,
    key_serializer="raw",
    value_serializer="raw",
    store="memory://",
    datadir=str(settings.data_dir / "faust"),
    topic_partitions=settings.partitions,
    producer_linger=settings.producer_linger_ms / 1000,
    producer_max_batch_size=PRODUCER_MAX_BATCH_BYTES,
    consumer_auto_offset_reset="earliest",
    web_enabled=False,
)
source = app.topic(settings.topic_raw, key_type=bytes, value_type=bytes)
destination = app.topic(settings.topic_enriched, key_type=bytes, value_type=bytes)


@app.agent(source, concurrency=1)
async def forward(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        await destination.send(key=event.key, value=event.value)
