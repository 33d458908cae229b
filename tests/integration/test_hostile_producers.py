"""What a producer controls, tried as an attacker would, through a real worker in both
guarantees: each message ends as its dead letter or its enriched record, the worker stays up
(no agent crash, no restart), nothing vanishes (every offset committed has its outcome), and
no header decides what the broker's clock should.

The cases of the issue: an 8 MB key with a 1.1 MB value; twenty articles with 900 KB
``source`` fields; a non-numeric ``x-produced-at-ms``; absurd ones (far future, 1, negative).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from streams.codec import DEAD_LETTER_KEY_BUDGET, DEAD_LETTER_VALUE_BUDGET
from streams.kafka_client import client_options, ensure_topics
from streams.kafka_local import MAX_MESSAGE_BYTES
from streams.record_schemas import validate
from tests.hostile_corpus import ARTICLE, ENGLISH

from .conftest import Pipeline, WorkerProcess, terminal_summary
from .test_monitoring import get
from .traffic import OutputTracker

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PRODUCED_AT = "x-produced-at-ms"
TIMEOUT = 240.0
Headers = list[tuple[str, bytes]]
Message = tuple[bytes, bytes, Headers]


@pytest.fixture(scope="module")
def report(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Each case's outcome, shown in the terminal summary (as the fault tests' figures)."""
    yield from terminal_summary(request, "hostile producer outcomes")


@pytest.fixture(params=["at_least_once", "exactly_once"])
def guarantee(request: pytest.FixtureRequest, pipeline: Pipeline) -> Iterator[str]:
    pipeline.env["STREAMS_PROCESSING_GUARANTEE"] = request.param
    yield request.param


async def _send(pipeline: Pipeline, messages: list[Message]) -> None:
    """Each message acknowledged before the next is sent (their order is the test's)."""
    settings = pipeline.settings
    await ensure_topics(settings)
    producer = AIOKafkaProducer(**client_options(settings), max_request_size=MAX_MESSAGE_BYTES)
    await producer.start()
    try:
        for key, value, headers in messages:
            await producer.send_and_wait(settings.topic_raw, value, key=key, headers=headers)
    finally:
        await producer.stop()


def _article(
    key: str, text: str = ARTICLE, headers: Headers | None = None, **fields: Any
) -> Message:
    return key.encode(), orjson.dumps({"id": key, "text": text, **fields}), headers or []


def _distinct(n: int) -> str:
    return f"{ARTICLE}\nتحديث رقم {n} لهذا الخبر."


class Run:
    """One worker, a tracker of the output topics, and checks that the worker stayed up."""

    def __init__(self, pipeline: Pipeline, guarantee: str) -> None:
        self.pipeline = pipeline
        self.tracker = OutputTracker(pipeline.settings, read_committed=guarantee == "exactly_once")
        self.worker: WorkerProcess | None = None

    async def __aenter__(self) -> Run:
        await self.tracker.start()
        self.worker = self.pipeline.start_worker()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.tracker.stop()

    async def send(self, messages: list[Message]) -> None:
        await _send(self.pipeline, messages)

    async def wait(self, enriched: set[str], dead: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        def done(t: OutputTracker) -> bool:
            return enriched <= set(t.enriched) and dead <= set(t.dead)

        finished = await self.tracker.wait_until(done, TIMEOUT)
        assert self.worker is not None
        assert finished, (
            f"missing enriched {sorted(enriched - set(self.tracker.enriched))}, "
            f"dead {[d[:40] for d in dead - set(self.tracker.dead)]}\n{self.worker.tail()}"
        )

    def stayed_up(self) -> None:
        """The worker is alive and no agent crashed or was restarted along the way."""
        assert self.worker is not None
        assert self.worker.process.poll() is None, self.worker.tail()
        log = self.worker.log.read_text(errors="replace")
        for sign in ("Crashed reason", "Restarting", "Traceback"):
            assert sign not in log, f"{sign!r} in the worker log\n{self.worker.tail(60)}"

    def stats(self) -> dict[str, Any]:
        assert self.worker is not None
        status, body = get(self.worker.web_port, "/stats")
        assert status == 200, body
        return dict(body)


async def test_an_8_mb_key_with_a_1_1_mb_value_is_a_bounded_dead_letter(
    pipeline: Pipeline, guarantee: str, report: list[str]
) -> None:
    key = b"huge-key-" + b"k" * (8 * 1000 * 1000)
    value = b"v" * (1100 * 1000)
    async with Run(pipeline, guarantee) as run:
        await run.send([(key, value, []), _article("after-the-huge-key")])
        letter_key = key[:DEAD_LETTER_KEY_BUDGET].decode()
        await run.wait({"after-the-huge-key"}, {letter_key})
        await run.tracker.settle()
        run.stayed_up()
    letter = run.tracker.dead_letters[letter_key]
    validate("dead-letter", letter)
    assert letter["error_type"] == "key_too_large"
    assert letter["key_bytes"] == len(key)
    assert letter["key_sha256"] == hashlib.sha256(key).hexdigest()
    assert letter["value_bytes"] == len(value)
    assert letter["value_sha256"] == hashlib.sha256(value).hexdigest()
    assert len(orjson.dumps(letter)) < 4 * DEAD_LETTER_VALUE_BUDGET // 3 + 16 * 1024
    # Once each: not lost, not retried after a crash.
    assert run.tracker.dead[letter_key] == 1 and run.tracker.enriched["after-the-huge-key"] == 1
    report.append(
        f"8 MB key + 1.1 MB value ({guarantee}): dead letter {letter['error_type']} of "
        f"{len(orjson.dumps(letter)):,} bytes; the next article enriched once; worker up"
    )


async def test_twenty_900_kb_sources_are_dead_letters(
    pipeline: Pipeline, guarantee: str, report: list[str]
) -> None:
    ids = [f"big-source-{n:02d}" for n in range(20)]
    source = "وكالة " * 80_000  # ~900 KB
    async with Run(pipeline, guarantee) as run:
        await run.send([_article(i, _distinct(n), source=source) for n, i in enumerate(ids)])
        await run.send([_article("after-the-sources")])
        await run.wait({"after-the-sources"}, set(ids))
        await run.tracker.settle()
        run.stayed_up()
    assert {run.tracker.dead_letters[i]["error_type"] for i in ids} == {"field_too_long"}
    assert run.tracker.duplicates == 0
    report.append(
        f"20 x 900 KB source ({guarantee}): 20 dead letters field_too_long, once each; "
        "the next article enriched; worker up"
    )


async def test_twenty_900_kb_sources_let_through_keep_the_counters_small(
    pipeline: Pipeline, guarantee: str, report: list[str]
) -> None:
    # With the field limit raised past them, the sources reach the monitoring tables: their
    # labels are cut, so the counters' changelog never sees an oversized value.
    pipeline.env["STREAMS_MAX_FIELD_CHARS"] = "1000000"
    ids = [f"big-source-{n:02d}" for n in range(20)]
    async with Run(pipeline, guarantee) as run:
        await run.send(
            [
                _article(i, _distinct(n), source=f"{n:02d} " + "وكالة " * 80_000)
                for n, i in enumerate(ids)
            ]
        )
        await run.wait(set(ids))
        await run.tracker.settle()
        run.stayed_up()
        stats = run.stats()
    assert run.tracker.duplicates == 0
    assert all(run.tracker.enriched[i] == 1 for i in ids)
    assert stats["enriched"] == 20, stats["enriched"]
    assert len(stats["sources"]) == 20
    assert all(len(name) <= 64 for name in stats["sources"])
    report.append(
        f"20 x 900 KB source, field limit raised ({guarantee}): 20 enriched once each, "
        f"/stats enriched {stats['enriched']}, longest source label "
        f"{max(len(n) for n in stats['sources'])} chars; worker up"
    )


async def test_a_non_numeric_produced_at_header_is_ignored(
    pipeline: Pipeline, guarantee: str, report: list[str]
) -> None:
    ids = [f"header-not-a-number-{n}" for n in range(5)]
    async with Run(pipeline, guarantee) as run:
        started = time.time() * 1000
        await run.send(
            [_article(i, _distinct(n), [(PRODUCED_AT, b"soon")]) for n, i in enumerate(ids)]
            + [_article("after-the-headers", ENGLISH)]
        )
        await run.wait({*ids, "after-the-headers"})
        await run.tracker.settle()
        run.stayed_up()
        stats = run.stats()
    assert all(run.tracker.enriched[i] == 1 for i in ids)
    # Latency measured from the broker's timestamps: within the run.
    assert stats["latency_ms"]["max"] < time.time() * 1000 - started + 1000
    report.append(
        f"x-produced-at-ms 'soon' x5 ({guarantee}): 5 enriched once each, latency max "
        f"{stats['latency_ms']['max']:,.0f} ms; no agent crash; worker up"
    )


ABSURD = {
    "far-future": str(4_102_444_800_000 * 10).encode(),
    "one": b"1",
    "negative": b"-1700000000000",
    "huge": b"9" * 400,
}


async def test_absurd_produced_at_headers_decide_nothing(
    pipeline: Pipeline, guarantee: str, report: list[str]
) -> None:
    ids = {name: f"header-absurd-{name}" for name in ABSURD}
    async with Run(pipeline, guarantee) as run:
        started = time.time() * 1000
        # The same story three times, one after the other: the first copy is the original,
        # whatever time the second one's header claims.
        await run.send([_article("story-first", ENGLISH)])
        await run.wait({"story-first"})
        await run.send([_article("story-claims-1970", ENGLISH, [(PRODUCED_AT, b"1")])])
        await run.wait({"story-claims-1970"})
        await run.send([_article("story-third", ENGLISH)])
        await run.send(
            [
                _article(i, _distinct(n), [(PRODUCED_AT, ABSURD[name])])
                for n, (name, i) in enumerate(ids.items())
            ]
        )
        await run.wait({"story-third", *ids.values()})
        await run.tracker.settle()
        run.stayed_up()
        stats = run.stats()
    records = await _enriched_records(pipeline, guarantee)
    assert records["story-claims-1970"]["duplicate_of"] == "story-first"
    assert records["story-third"]["duplicate_of"] == "story-first"
    assert stats["latency_ms"]["max"] < time.time() * 1000 - started + 1000
    # Every article counted in the current trending window: none wiped it or went elsewhere.
    current, _previous = stats["trending"]["windows"]
    assert current["articles"] + _previous["articles"] == 3 + len(ABSURD)
    report.append(
        f"x-produced-at-ms far future/1/negative/400 digits ({guarantee}): enriched; a copy "
        f"claiming 1970 is duplicate_of the first; latency max "
        f"{stats['latency_ms']['max']:,.0f} ms; all {3 + len(ABSURD)} in the trending windows"
    )


async def _enriched_records(pipeline: Pipeline, guarantee: str) -> dict[str, dict[str, Any]]:
    tracker = OutputTracker(pipeline.settings, read_committed=guarantee == "exactly_once")
    records: dict[str, dict[str, Any]] = {}
    original = tracker._take

    def take(topic: str, key: bytes | None, value: bytes | None) -> None:
        original(topic, key, value)
        if value is not None and topic == pipeline.settings.topic_enriched:
            record = orjson.loads(value)
            records[record["id"]] = record

    tracker._take = take  # type: ignore[method-assign]
    await tracker.start()
    try:
        await tracker.wait_until(lambda t: len(t.enriched) >= 7, 60)
        await asyncio.sleep(1)
    finally:
        await tracker.stop()
    return records
