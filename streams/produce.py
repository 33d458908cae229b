"""``streams produce``: send raw messages to Kafka with a progress bar."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .codec import BadMessage, InputLimits, decode_raw
from .inputs import Message, iter_messages
from .kafka_client import ensure_topics, source_producer
from .settings import Settings

logger = logging.getLogger(__name__)

# Unacknowledged sends at a time: the producer batches them, and a failure is found within
# this many messages of where it happened.
WINDOW = 500


class ProduceError(RuntimeError):
    """A send the broker refused or that never arrived: after ``sent`` acknowledged messages,
    at the message read from ``origin``, because of ``cause``."""

    def __init__(self, sent: int, origin: str, cause: BaseException) -> None:
        self.sent = sent
        self.origin = origin
        self.cause = cause
        detail = str(cause) or cause.__class__.__doc__ or ""
        super().__init__(
            f"{origin} failed: {type(cause).__name__}: {detail.strip().splitlines()[0]}"
            if detail.strip()
            else f"{origin} failed: {type(cause).__name__}"
        )


def check_messages(
    messages: Iterable[Message], settings: Settings
) -> Iterator[tuple[Message, BadMessage]]:
    """The messages a worker would dead-letter, with why: the worker's own decoder, which
    accepts a JSON message exactly when ``raw-article.schema.json`` does."""
    for message in messages:
        try:
            decode_raw(message.value, message.key, limits=InputLimits.of(settings))
        except BadMessage as exc:
            yield message, exc


async def produce_messages(
    settings: Settings,
    paths: Iterable[str],
    topic: str,
    *,
    progress: bool = True,
    raw: bool = False,
    on_invalid: Callable[[Message, BadMessage], object] | None = None,
) -> int:
    """Send every message found under ``paths``; returns how many were acknowledged.

    Every input is read and checked before the first send (a binary or non-UTF-8 file is an
    :class:`~streams.inputs.InputError` with nothing sent). Messages a worker would
    dead-letter are still sent (the dead-letter topic keeps them with the reason) and reported
    to ``on_invalid`` first. A failed send raises :class:`ProduceError` with how many messages
    were acknowledged before it, in order.
    """
    messages = list(iter_messages(paths, raw=raw))
    if on_invalid is not None:
        for message, problem in check_messages(messages, settings):
            on_invalid(message, problem)
    with Progress(
        TextColumn("[bold]producing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not progress,
        transient=False,
    ) as bar:
        task = bar.add_task("produce", total=len(messages))
        return await send_in_order(
            settings, topic, messages, on_acknowledged=lambda n: bar.advance(task, n)
        )


async def send_in_order(
    settings: Settings,
    topic: str,
    messages: list[Message],
    *,
    on_acknowledged: Callable[[int], object] | None = None,
) -> int:
    await ensure_topics(settings)
    producer = source_producer(settings)
    await producer.start()
    sent = 0
    try:
        for start in range(0, len(messages), WINDOW):
            batch = messages[start : start + WINDOW]
            pending: list[asyncio.Future[object]] = []
            for index, message in enumerate(batch):
                try:
                    pending.append(await producer.send(topic, message.value, key=message.key))
                except Exception as exc:  # refused before sending (size, serialisation)
                    sent += await _acknowledged(pending, batch, sent)
                    raise ProduceError(sent, batch[index].origin, exc) from exc
            sent += await _acknowledged(pending, batch, sent)
            if on_acknowledged is not None:
                on_acknowledged(len(batch))
    finally:
        await producer.stop()
    return sent


async def _acknowledged(
    pending: list[asyncio.Future[object]], batch: list[Message], sent_before: int
) -> int:
    """How many of ``pending`` the broker acknowledged, in order; ProduceError at the first
    that failed (the idempotent producer keeps the order, so all before it are written)."""
    for index, future in enumerate(pending):
        try:
            await future
        except Exception as exc:
            raise ProduceError(sent_before + index, batch[index].origin, exc) from exc
    return len(pending)
