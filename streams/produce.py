"""``streams produce``: send raw messages to Kafka with a progress bar."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .inputs import iter_messages
from .kafka_client import send_acknowledged
from .settings import Settings

logger = logging.getLogger(__name__)


async def produce_messages(
    settings: Settings, paths: Iterable[str], topic: str, *, progress: bool = True
) -> int:
    """Send every message found under ``paths``; returns how many were acknowledged."""
    messages = list(iter_messages(paths))
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
