"""``streams produce``: send raw messages to Kafka with a progress bar."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .codec import BadMessage, decode_raw
from .inputs import Message, iter_messages
from .kafka_client import send_acknowledged
from .settings import Settings

logger = logging.getLogger(__name__)


def check_messages(
    messages: Iterable[Message], settings: Settings
) -> Iterator[tuple[Message, BadMessage]]:
    """The messages a worker would dead-letter, with why: the worker's own decoder, which
    accepts a JSON message exactly when ``raw-article.schema.json`` does."""
    for message in messages:
        try:
            decode_raw(message.value, message.key, max_bytes=settings.max_message_bytes)
        except BadMessage as exc:
            yield message, exc


async def produce_messages(
    settings: Settings,
    paths: Iterable[str],
    topic: str,
    *,
    progress: bool = True,
    on_invalid: Callable[[Message, BadMessage], object] | None = None,
) -> int:
    """Send every message found under ``paths``; returns how many were acknowledged.

    Messages a worker would dead-letter are still sent (the dead-letter topic keeps them with
    the reason) and reported to ``on_invalid`` first.
    """
    messages = list(iter_messages(paths))
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
        return await send_acknowledged(
            settings,
            topic,
            ((m.key, m.value) for m in messages),
            on_acknowledged=lambda n: bar.advance(task, n),
        )
