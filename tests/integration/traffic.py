"""Traffic for the fault and hostile-input tests: many distinct articles, a producer, and a
tracker that reads the output topics while the pipeline runs (and workers or the broker die).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.kafka_client import client_options, ensure_topics, send_acknowledged
from streams.kafka_local import MAX_MESSAGE_BYTES
from streams.settings import Settings
from tests.conftest import SAMPLES

logger = logging.getLogger(__name__)

# Bad messages mixed into the stream: each must come out as a dead letter with this code.
BAD_VALUES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe not UTF-8 \xc3\x28", "invalid_utf8"),
    (b"[1, 2, 3]", "not_an_object"),
    (b'{"id": "x", "text": 42}', "text_not_string"),
    (b'{"title": "no text field"}', "missing_text"),
    (b'{"text": "unterminated', "invalid_json"),
)


@dataclass(frozen=True)
class Article:
    key: bytes
    value: bytes
    expected_error: str | None = None  # the dead-letter code when the message is bad

    @property
    def id(self) -> str:
        return self.key.decode()


def article_variants(count: int, prefix: str, *, bad_every: int = 0) -> list[Article]:
    """``count`` articles with distinct ids, cycling through the samples; every
    ``bad_every``-th message is hostile instead and expected in the dead-letter topic."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
    articles = []
    for index in range(count):
        key = f"{prefix}-{index:05d}".encode()
        if bad_every and index % bad_every == bad_every - 1:
            value, code = BAD_VALUES[(index // bad_every) % len(BAD_VALUES)]
            articles.append(Article(key, value, code))
            continue
        # A numbered closing line makes each variant's text (and stable hash) its own.
        text = f"{texts[index % len(texts)].rstrip()}\n\nنسخة رقم {index} من هذا الخبر."
        articles.append(Article(key, orjson.dumps({"id": key.decode(), "text": text})))
    return articles


async def produce(settings: Settings, articles: Iterable[Article]) -> int:
    """Send every article to the raw topic, idempotently, and wait for all acknowledgements."""
    messages = ((a.key, a.value) for a in articles)
    return await send_acknowledged(settings, settings.topic_raw, messages)


@dataclass
class OutputTracker:
    """Reads the enriched and dead-letter topics from the beginning, counting each id.

    Enriched records are counted by their ``id`` field (checked against the key); dead letters
    by their original key. With ``read_committed`` it sees only committed transactions.
    """

    settings: Settings
    read_committed: bool = False
    enriched: Counter[str] = field(default_factory=Counter)
    dead: Counter[str] = field(default_factory=Counter)
    dead_letters: dict[str, dict[str, Any]] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None
    _consumer: AIOKafkaConsumer | None = None

    @property
    def done(self) -> int:
        """How many distinct ids have come out (enriched or dead-lettered)."""
        return len(self.enriched) + len(self.dead)

    @property
    def duplicates(self) -> int:
        return (
            sum(self.enriched.values())
            - len(self.enriched)
            + (sum(self.dead.values()) - len(self.dead))
        )

    async def start(self) -> None:
        await ensure_topics(self.settings)
        consumer = AIOKafkaConsumer(
            **client_options(self.settings),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed" if self.read_committed else "read_uncommitted",
            fetch_max_bytes=MAX_MESSAGE_BYTES,
            max_partition_fetch_bytes=MAX_MESSAGE_BYTES,
            # The broker may be restarted under us: keep retrying rather than giving up.
            request_timeout_ms=15000,
            retry_backoff_ms=250,
        )
        await consumer.start()
        topics = (self.settings.topic_enriched, self.settings.topic_deadletter)
        partitions = [
            TopicPartition(topic, p) for topic in topics for p in range(self.settings.partitions)
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        self._consumer = consumer
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=500)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a restarting broker: the consumer reconnects
                logger.info("tracker fetch failed (%s); retrying", exc)
                await asyncio.sleep(0.5)
                continue
            for tp, records in batch.items():
                for record in records:
                    self._take(tp.topic, record.key, record.value)

    def _take(self, topic: str, key: bytes | None, value: bytes | None) -> None:
        if value is None:
            return
        if topic == self.settings.topic_enriched:
            record_id = orjson.loads(value)["id"]
            assert key == record_id.encode(), (key, record_id)
            self.enriched[record_id] += 1
        else:
            letter = orjson.loads(value)
            ident = letter["key"] or f"offset:{letter['topic']}:{letter['offset']}"
            self.dead[ident] += 1
            self.dead_letters[ident] = letter

    async def wait_until(
        self, condition: Callable[[OutputTracker], bool], timeout: float, *, poll: float = 0.2
    ) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._task is not None and self._task.done():
                self._task.result()  # surface a crash of the reader
            if condition(self):
                return True
            await asyncio.sleep(poll)
        return condition(self)

    async def settle(self, quiet: float = 3.0, timeout: float = 30.0) -> None:
        """Wait until nothing new has arrived for ``quiet`` seconds (late duplicates)."""
        deadline = time.monotonic() + timeout
        last = (-1, -1)
        last_change = time.monotonic()
        while time.monotonic() < deadline:
            now = (sum(self.enriched.values()), sum(self.dead.values()))
            if now != last:
                last, last_change = now, time.monotonic()
            elif time.monotonic() - last_change >= quiet:
                return
            await asyncio.sleep(0.2)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()
