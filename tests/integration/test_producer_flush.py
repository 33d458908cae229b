"""The worker's producer flush (before every offset commit) sends at once, not after linger."""

from __future__ import annotations

import asyncio

import pytest

from streams.app import build_app
from streams.kafka_client import ensure_topics
from streams.pipeline import Resources

from .conftest import Pipeline

pytestmark = pytest.mark.integration

# Far beyond what a flush that sends at once needs, even on a loaded machine.
LINGER_S = 120.0


async def test_a_flush_does_not_wait_out_the_linger(pipeline: Pipeline) -> None:
    settings = pipeline.settings
    await ensure_topics(settings)
    app = build_app(settings, resources=Resources(chain=()))
    app.conf.producer_linger = LINGER_S
    producer = app.producer
    await producer.start()
    try:
        acknowledged = await producer.send(settings.topic_raw, b"k", b"v", None, None, None)
        await asyncio.wait_for(producer.flush(), timeout=LINGER_S / 4)
        assert acknowledged.done() and acknowledged.exception() is None
        assert acknowledged.result().offset >= 0
    finally:
        await producer.stop()
