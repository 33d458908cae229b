"""Counting each hop into the monitoring tables; the agents call :class:`Tally`'s two methods.

Each event updates a whole small JSON value computed by :mod:`streams.monitor` (its stage's
counters, and trending where articles leave the chain). The value changes in the table's memory
at once, so this worker's views see it, but reaches the changelog only when the worker commits
offsets (:class:`ChangelogWrites`): one changelog message per key and commit instead of two or
three per article (~8% more articles/s in the streamed benchmark). Counting
stays exact: every counted event is acked before its offset can be committed, so a commit
always writes the counts of the offsets it commits (counts beyond them carry their offset and
are not counted again when those events come back after a crash).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from faust.types.tables import TableT

from . import delivery, monitor

if TYPE_CHECKING:
    import faust

    from .app import Wiring

logger = logging.getLogger(__name__)


class Source(Protocol):
    """Where a counted message came from (a :class:`streams.hop.Incoming`)."""

    @property
    def partition(self) -> int | None: ...

    @property
    def offset(self) -> int | None: ...


class ChangelogWrites:
    """Table values set in memory now and sent to their changelog partitions on :meth:`flush`.

    Only for keys whose changelog partition is the source partition of the events that write
    them (ours end with it), so the changelog stays co-partitioned with the agent's input.
    """

    def __init__(self) -> None:
        # (table name, key) -> (table, changelog partition); the value is read at flush time.
        self._pending: dict[tuple[str, str], tuple[TableT, int]] = {}

    def set(self, table: TableT, key: str, value: Any, partition: int) -> None:
        table.data[key] = value
        self._pending[(table.name, key)] = (table, partition)

    def delete(self, table: TableT, key: str, partition: int) -> None:
        table.data.pop(key, None)
        self._pending[(table.name, key)] = (table, partition)

    def flush(self) -> int:
        """Send the latest value (or a tombstone) of every key changed since the last flush."""
        pending, self._pending = self._pending, {}
        for (_, key), (table, partition) in pending.items():
            value = table.data.get(key)
            if value is None:
                table.send_changelog(partition, key, None, value_serializer="raw")
            else:
                table.send_changelog(partition, key, value)
        return len(pending)


class Tally:
    """The counting of one app's hops into its tables (:class:`streams.app.Wiring`)."""

    def __init__(self, app: faust.App, wiring: Wiring) -> None:
        self.wiring = wiring
        self.writes = ChangelogWrites()
        delivery.before_commit(app, self.writes.flush)

    def count_hop(
        self,
        source: Source,
        stage: str,
        record: Mapping[str, Any],
        runs: Sequence[Mapping[str, Any]],
        *,
        final: bool,
        produced_at_ms: int,
    ) -> None:
        """Count an event ``stage`` handled and sent on; ``runs`` are the provenance it added.

        ``produced_at_ms`` is the checked time (streams.hop): latency and trending use it.
        """
        table = self.wiring.stage_counters.get(stage)
        if table is None:
            return
        partition, offset = int(source.partition or 0), int(source.offset or 0)
        now = time.time()
        key = monitor.table_key(stage, partition)
        delivery = monitor.delivery_of(record, now * 1000 - produced_at_ms) if final else None
        value = monitor.count_hop(
            table.data.get(key), offset=offset, runs=runs, now=now, delivery=delivery
        )
        if value is not None:
            self.writes.set(table, key, value, partition)
        else:
            logger.debug("%s offset %s delivered again: already counted", key, offset)
        if final and self.wiring.trending is not None:
            self._count_trending(partition, offset, record, produced_at_ms / 1000)

    def count_dead_letter(self, source: Source, stage: str, error_type: str) -> None:
        """Count an event ``stage`` sent to the dead-letter topic."""
        table = self.wiring.stage_counters.get(stage)
        if table is None:
            return
        partition, offset = int(source.partition or 0), int(source.offset or 0)
        key = monitor.table_key(stage, partition)
        value = monitor.count_dead_letter(
            table.data.get(key), offset=offset, error_type=error_type, now=time.time()
        )
        if value is not None:
            self.writes.set(table, key, value, partition)

    def _count_trending(
        self, partition: int, offset: int, record: Mapping[str, Any], produced_at: float
    ) -> None:
        trending = self.wiring.trending
        assert trending is not None
        size = self.wiring.settings.trending_window_seconds
        # Windows follow produce time, so a re-delivered article lands in the window it
        # counted in.
        start = monitor.window_start(produced_at, size)
        key = monitor.table_key(start, partition)
        held = trending.data.get(key)
        if held is None:
            # A new window for this partition: retire the ones before the previous window,
            # through the changelog so that a restart does not bring them back.
            for stale in monitor.stale_windows(list(trending.data.keys()), partition, start, size):
                self.writes.delete(trending, stale, partition)
        entities, countries = monitor.trending_terms(record)
        value = monitor.count_trending(held, offset=offset, entities=entities, countries=countries)
        if value is not None:
            self.writes.set(trending, key, value, partition)
