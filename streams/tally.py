"""Counting each hop into the monitoring tables; the agents call these two functions.

One table write per event (two where articles leave the chain: counters and trending), each a
whole small JSON value computed by :mod:`streams.monitor`. Writing happens inside the agent's
event, so Faust sends the change to the changelog partition of the event's source partition.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from faust.types import EventT

from . import monitor
from .app import settings, stage_counters, trending

logger = logging.getLogger(__name__)


def count_hop(
    event: EventT,
    stage: str,
    record: Mapping[str, Any],
    runs: Sequence[Mapping[str, Any]],
    *,
    final: bool,
    produced_at_ms: int,
) -> None:
    """Count an event ``stage`` handled and sent on; ``runs`` are the provenance it added."""
    table = stage_counters.get(stage)
    if table is None:
        return
    message = event.message
    now = time.time()
    key = monitor.table_key(stage, message.partition)
    delivery = monitor.delivery_of(record, now * 1000 - produced_at_ms) if final else None
    value = monitor.count_hop(
        table.get(key), offset=message.offset, runs=runs, now=now, delivery=delivery
    )
    if value is not None:
        table[key] = value
    else:
        logger.debug("%s offset %s delivered again: already counted", key, message.offset)
    if final and trending is not None:
        _count_trending(message.partition, message.offset, record, produced_at_ms / 1000)


def count_dead_letter(event: EventT, stage: str, error_type: str) -> None:
    """Count an event ``stage`` sent to the dead-letter topic."""
    table = stage_counters.get(stage)
    if table is None:
        return
    message = event.message
    key = monitor.table_key(stage, message.partition)
    value = monitor.count_dead_letter(
        table.get(key), offset=message.offset, error_type=error_type, now=time.time()
    )
    if value is not None:
        table[key] = value


def _count_trending(
    partition: int, offset: int, record: Mapping[str, Any], produced_at: float
) -> None:
    assert trending is not None
    size = settings.trending_window_seconds
    # Windows follow produce time, so a re-delivered article lands in the window it counted in.
    start = monitor.window_start(produced_at, size)
    key = monitor.table_key(start, partition)
    held = trending.get(key)
    if held is None:
        # A new window for this partition: retire the ones before the previous window, through
        # the changelog so that a restart does not bring them back.
        for stale in monitor.stale_windows(list(trending.keys()), partition, start, size):
            del trending[stale]
    entities, countries = monitor.trending_terms(record)
    value = monitor.count_trending(held, offset=offset, entities=entities, countries=countries)
    if value is not None:
        trending[key] = value
