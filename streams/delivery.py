"""Delivery guarantees that faust-streaming 0.15 does not keep by itself, and how we keep them.

Found by the fault tests (``tests/integration/test_faults.py``), each with the cause in Faust:

1. **A message lost after a restart** (both guarantees). When a worker starts, Faust's table
   recovery resumes the stream partitions and only then seeks them to their committed offsets
   and resumes flow control (``Recovery._resume_streams`` / ``on_recovery_completed``). Flow
   control is already active at that point (changelog recovery resumed it), so the fetcher can
   queue the first messages before the seek; ``flow_control.resume()`` then clears the queues,
   and the same messages, fetched again after the seek, are dropped as already read (their
   offsets are behind the consumer's read offset). Faust accepts one missing offset right after
   the committed one (meant for a transaction marker) and commits past the lost message.
   :func:`install` suspends flow control when recovery announces the end of a rebalance
   (``app.on_rebalance_complete``, sent before the stream partitions are resumed): messages
   fetched in that window wait for the resume instead of being queued and cleared. Before this,
   the exactly-once fault test lost 1-2 of 2,000 ids in most runs.

2. **Outputs outside the transactions** (``exactly_once``). ``TransactionManager.send`` picks
   the transaction from the *destination* topic and partition, looked up in the consumer's
   metadata. Our outputs (``articles.enriched``, the dead-letter topic) are not consumed by the
   worker, so that lookup finds nothing and the record goes out through the plain producer:
   visible at once to ``read_committed`` consumers and sent again when the source offset is
   replayed after a crash (faust-streaming #177/#517 describe the symptoms). Even where the
   lookup succeeds, the output lands in the transaction of whichever partition its key hashes
   to, not of its source. :class:`SourcePartitionTransactions` holds each record an agent sends,
   tagged with the source partition and offset of the event being processed, and publishes it
   in that partition's transaction at commit time, once its source offset is committed with it.

3. **The same message delivered twice.** Faust's fetch loop passes a message whose offset
   equals the last one read (``offset >= read_offset``), so a message fetched both before and
   after that seek (1.) can reach the agent twice; before fix 1 the fault test saw the last
   record of each partition processed twice by a restarted worker. Under ``exactly_once`` the
   held records are therefore keyed by source offset, destination topic and key: a second
   delivery replaces the first copy, and the output of a message whose offset is already
   committed is not sent again. (Under ``at_least_once`` a duplicate is allowed.)

4. **A message skipped in a partition with no committed offset** (both guarantees). A message
   fetched while a rebalance is under way can be dropped on the way to its stream (Faust
   suspends stream flow); it comes back only because recovery seeks every partition to its
   committed offset, and aiokafka's ``seek_to_committed`` leaves a partition with no committed
   offset (or offset 0) where the fetcher stopped, past the dropped message, which a later
   commit then passes. Seen when a second worker joined just as the first message of a
   partition arrived (``tests/integration/test_duplicates.py``, 2 runs of 3). The same handler
   as in 1. seeks such partitions to their first message before the streams resume
   (``consumer_auto_offset_reset`` is ``earliest``); under at-least-once this may replay a few
   messages that were processed but not yet committed.

5. **A worker crashed by its own tables after a broker failover** (``exactly_once``). Under a
   transaction Faust takes a changelog's highwater from the consumer's last stable offset,
   which aiokafka knows only once it has fetched from that partition since the assignment:
   after a rebalance it is None, Faust turns that into -1, finds the offset its in-memory table
   already holds "higher than the topic" and stops the worker with ``ConsistencyError``
   (``Recovery._restart_recovery``). Seen when a broker and a worker died together
   (``tests/integration/test_replication.py``). :func:`install` asks the broker (ListOffsets,
   read_committed: the same last stable offset) for the partitions the consumer does not know.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

import faust
from faust.streams import current_event
from faust.transport.consumer import TransactionManager
from faust.types import TP

logger = logging.getLogger(__name__)

# (source offset, destination topic, key, send arguments, the future handed to the sender)
Held = tuple[int, str, bytes | None, tuple[Any, ...], "asyncio.Future[Any]"]


class SourcePartitionTransactions(TransactionManager):
    """A TransactionManager that sends in the transaction of the source partition."""

    # Told of each held record the producer refuses (set by install).
    on_unsendable: Callable[[], object] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: defaultdict[TP, list[Held]] = defaultdict(list)
        # True once a commit ended the transactions without starting new ones (a rebalance
        # or the shutdown), until the next assignment begins them again.
        self.ended = False

    def transactional_id(self, tp: TP) -> str:
        # The same id Faust gives the producer it starts for an assigned partition.
        group = self.app.assignor.group_for_topic(tp.topic)
        return f"{self.app.conf.id}-{group}-{tp.partition}"

    def _committed(self, tp: TP) -> int | None:
        # The consumer's view: the committed offset it seeked to, then each one we committed.
        return self.consumer._committed_offset.get(tp)  # type: ignore[attr-defined]

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
        tp, offset = event.message.tp, event.message.offset
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        # Table changelogs are flushed from the agent's task whichever event wrote them: they
        # are always published with the next commit, never deduplicated.
        if topic not in self.app.tables.changelog_topics:
            committed = self._committed(tp)
            if committed is not None and offset < committed:
                # Delivered again after its output was committed: already in Kafka.
                logger.debug("not sending %s again: %s@%s is committed", topic, tp, offset)
                future.set_result(None)
                return future
            self._held[tp] = [
                h for h in self._held[tp] if not (h[0] == offset and h[1] == topic and h[2] == key)
            ]
        args = (topic, key, value, partition, timestamp, headers)
        self._held[tp].append((offset, topic, key, args, future))
        return future

    async def commit(self, offsets: Mapping[TP, int], start_new_transaction: bool = True) -> bool:
        if self.ended:
            # Faust commits once more after ending the transactions at shutdown (the app's
            # wait for its streams, then the consumer's own): there is no transaction left to
            # send in. Nothing is sent or committed; the next owner of these partitions
            # processes the events again, in its transactions (no loss, no duplicate).
            logger.info("transactions ended: %d partition(s) left to the next owner", len(offsets))
            return False
        # Table changelog writes wait in Faust's producer buffer (``send_soon``): send them in
        # the transactions being committed. Left there, they went out in the next ones, and at
        # shutdown (no next transaction) they crashed the worker: "Can't send messages while
        # not in transaction" (tests/integration/test_shutdown.py).
        await self.app.producer.buffer.flush()
        for tp, offset in offsets.items():
            await self._publish_acknowledged(tp, offset)
        committed = await super().commit(offsets, start_new_transaction=start_new_transaction)
        self.ended = not start_new_transaction
        return committed

    async def _publish_acknowledged(self, tp: TP, commit_offset: int) -> None:
        """Send the records of source events before ``commit_offset`` in ``tp``'s transaction."""
        ready = [entry for entry in self._held.get(tp, ()) if entry[0] < commit_offset]
        if not ready:
            return
        transactional_id = self.transactional_id(tp)
        for entry in ready:
            offset, topic, *_, args, future = entry
            try:
                sent = await self.producer.send(*args, transactional_id=transactional_id)
            except Exception as exc:
                # A record the producer refuses (too large, say) would fail this commit and
                # every later one, with the other messages' outputs: drop it, counted.
                self._held[tp].remove(entry)
                logger.error(
                    "dropped unsendable: record of %s@%s for %s: %r", tp, offset, topic, exc
                )
                if self.on_unsendable is not None:
                    self.on_unsendable()
                if not future.done():
                    future.set_result(None)
                continue
            _chain(sent, future)
            # Dropped only once handed to the producer.
            self._held[tp].remove(entry)

    async def on_rebalance(
        self, assigned: set[TP], revoked: set[TP], newly_assigned: set[TP]
    ) -> None:
        # Faust committed what it could before revoking; the rest is reprocessed by the new
        # owner, and the transaction it was part of is aborted when that owner fences us.
        for tp in revoked:
            for *_, future in self._held.pop(tp, []):
                if not future.done():
                    future.set_exception(
                        RuntimeError(f"{tp} was revoked before this record's offset committed")
                    )
        await super().on_rebalance(assigned, revoked, newly_assigned)
        self.ended = False


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


async def _rewind_uncommitted(app: faust.App) -> None:
    """Seek the stream partitions that have no committed offset to their first message."""
    consumer: Any = app.consumer  # the aiokafka-driven Consumer: seek_to_committed is not typed
    if not consumer.assignment():
        return
    committed = await consumer.seek_to_committed()
    uncommitted = [
        tp
        for tp in consumer.assignment()
        if tp.topic not in app.tables.changelog_topics and not committed.get(tp)
    ]
    if uncommitted:
        earliest = await consumer.earliest_offsets(*uncommitted)
        for tp in uncommitted:
            await consumer.seek(tp, earliest[tp])


def before_commit(app: faust.App, flush: Callable[[], object]) -> None:
    """Call ``flush`` each time the worker is about to commit offsets, before Faust sends what
    is attached to them and flushes its producer (so, under exactly_once, inside the
    transactions being committed). Install before the worker creates its consumer.
    """
    base: Any = app.transport.Consumer
    # A private hook of faust-streaming 0.15's Consumer._commit_tps: fail at start-up, not
    # silently, if a Faust upgrade renames it.
    if not callable(getattr(base, "_handle_attached", None)):
        raise RuntimeError(f"{base.__qualname__} has no _handle_attached: Faust changed")

    class FlushingConsumer(base):
        async def _handle_attached(self, commit_offsets: Mapping[TP, int]) -> None:
            # Not once the transactions have ended: nothing could be sent (see
            # SourcePartitionTransactions.commit).
            if not getattr(self.transactions, "ended", False):
                flush()
            await super()._handle_attached(commit_offsets)

    app.transport.Consumer = FlushingConsumer  # type: ignore[misc]


def _known_highwaters(app: faust.App) -> None:
    """Fix 5: a highwater the consumer does not know yet is asked of the broker."""
    base: Any = app.transport.Consumer

    class KnownHighwaterConsumer(base):
        async def highwaters(self, *partitions: TP) -> Mapping[TP, int]:
            found = dict(await super().highwaters(*partitions))
            unknown = [tp for tp, offset in found.items() if offset is None]
            if unknown:
                thread = self._thread
                consumer = thread._ensure_consumer()
                found.update(await thread.call_thread(consumer.end_offsets, unknown))
            return found

    app.transport.Consumer = KnownHighwaterConsumer  # type: ignore[misc]


def install(
    app: faust.App, *, exactly_once: bool, on_unsendable: Callable[[], object] | None = None
) -> None:
    """Apply the fixes above to ``app`` (before its worker creates the consumer).

    ``on_unsendable`` is told of each output the producer refuses at commit (exactly_once).
    """

    @app.on_rebalance_complete.connect  # type: ignore[arg-type]  # mode's handler type
    async def before_streams_resume(sender: Any, **kwargs: Any) -> None:
        # Recovery resumes flow control itself once the stream partitions are seeked.
        app.flow_control.suspend()
        try:
            await _rewind_uncommitted(app)
        except Exception:  # recovery goes on; Faust's own seek follows
            logger.warning("could not rewind partitions without a committed offset", exc_info=True)

    if exactly_once:

        class Transactions(SourcePartitionTransactions):
            pass

        Transactions.on_unsendable = staticmethod(on_unsendable) if on_unsendable else None
        app.transport.TransactionManager = Transactions  # type: ignore[misc]
        _known_highwaters(app)
