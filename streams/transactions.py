"""Exactly-once output: every record an agent sends joins the Kafka transaction that commits the
offset of the message it came from.

faust-streaming 0.15's ``TransactionManager.send`` picks the transaction from the *destination*
topic and partition, looked up in the consumer's metadata. Our outputs (``articles.enriched``,
the dead-letter topic) are not consumed by the worker, so that lookup finds nothing and the
record goes out through the plain, non-transactional producer: visible at once to
``read_committed`` consumers and sent again when the source offset is replayed after a crash
(faust-streaming #177/#517 describe the symptoms). Even where the lookup succeeds, the output
lands in the transaction of whichever partition its key hashes to, not of its source.

:class:`SourcePartitionTransactions` holds each record an agent sends, tagged with the source
partition and offset of the event being processed, and publishes it in that partition's
transaction at commit time, only once its source offset is itself being committed (the event
was acknowledged). An event still in flight keeps its records for the next commit; a crash or a
revoked partition aborts them together with the uncommitted offset, and the message is
processed again from scratch.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import faust
from faust.streams import current_event
from faust.transport.consumer import TransactionManager
from faust.types import TP

logger = logging.getLogger(__name__)

# (source offset, send arguments, the future handed back to the sender)
Held = tuple[int, tuple[Any, ...], "asyncio.Future[Any]"]


class SourcePartitionTransactions(TransactionManager):
    """A TransactionManager that sends in the transaction of the source partition."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: defaultdict[TP, list[Held]] = defaultdict(list)

    def transactional_id(self, tp: TP) -> str:
        # The same id Faust gives the producer it starts for an assigned partition.
        group = self.app.assignor.group_for_topic(tp.topic)
        return f"{self.app.conf.id}-{group}-{tp.partition}"

    async def send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: Any,
        *,
        transactional_id: str | None = None,
    ) -> Any:
        event = current_event()
        if event is None:  # not sent from an agent: Faust's own routing
            return await super().send(topic, key, value, partition, timestamp, headers)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        args = (topic, key, value, partition, timestamp, headers)
        self._held[event.message.tp].append((event.message.offset, args, future))
        return future

    async def commit(self, offsets: Mapping[TP, int], start_new_transaction: bool = True) -> bool:
        for tp, offset in offsets.items():
            await self._publish_acknowledged(tp, offset)
        return await super().commit(offsets, start_new_transaction=start_new_transaction)

    async def _publish_acknowledged(self, tp: TP, commit_offset: int) -> None:
        """Send the records of source events before ``commit_offset`` in ``tp``'s transaction."""
        held = self._held.get(tp)
        if not held:
            return
        ready = [entry for entry in held if entry[0] < commit_offset]
        self._held[tp] = [entry for entry in held if entry[0] >= commit_offset]
        transactional_id = self.transactional_id(tp)
        for _offset, args, future in ready:
            sent = await self.producer.send(*args, transactional_id=transactional_id)
            _chain(sent, future)

    async def on_rebalance(
        self, assigned: set[TP], revoked: set[TP], newly_assigned: set[TP]
    ) -> None:
        # Faust committed what it could before revoking; the rest is reprocessed by the new
        # owner, and the transaction it was part of is aborted when that owner fences us.
        for tp in revoked:
            for _offset, _args, future in self._held.pop(tp, []):
                if not future.done():
                    future.set_exception(
                        RuntimeError(f"{tp} was revoked before this record's offset committed")
                    )
        await super().on_rebalance(assigned, revoked, newly_assigned)


def _chain(source: Any, target: asyncio.Future[Any]) -> None:
    def copy(done: asyncio.Future[Any]) -> None:
        if target.done():
            return
        if done.cancelled():
            target.cancel()
        elif done.exception() is not None:
            target.set_exception(done.exception())  # type: ignore[arg-type]
        else:
            target.set_result(done.result())

    source.add_done_callback(copy)


def use_source_partition_transactions(app: faust.App) -> None:
    """Install :class:`SourcePartitionTransactions` (before the worker creates its consumer)."""
    app.transport.TransactionManager = SourcePartitionTransactions  # type: ignore[misc]
