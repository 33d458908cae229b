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

6. **Workers crashing in a loop on their transactional producers** (``exactly_once``, two
   workers; ``tests/integration/test_replication.py``: 26 worker starts in 8 minutes, the
   stream never reached 30%). Three causes, each of which stopped a worker:

   - The duplicate index's global table writes each key to the changelog partition its key
     hashes to. Faust sends buffered table writes from its producer buffer's own task, where
     no event is current, and picks the transaction from that *destination* partition: one
     owned by the other worker has no producer here ("No transaction producer found for
     app-1-0", ``ProducerBuffer`` crashed), and one owned here was the wrong transaction.
     :mod:`streams.txn_producers` tags each buffered write with the event that made it
     (``send_soon``), and the write is held and published in that event's source partition
     transaction at commit, like the agents' outputs. Writes made outside any event (the
     tally's, at commit, to the source partition's own changelog partition) are held by
     transactional id and published at its next commit.
   - ``TransactionManager.on_rebalance`` stops the producers of revoked partitions only if
     they are not standbys here now, judged with the *new* assignment, where a partition just
     handed to the other worker is often a standby of this one: its producer stayed, was
     fenced by the new owner, and the next send through it failed ("ProducerFenced", then
     aiokafka's fatal state: "Can't send messages while not in transaction"). When the
     partition came back, Faust "began" the fenced producer again (a warning it logs:
     "Invalid state transition IN_TRANSACTION -> IN_TRANSACTION") and kept using it. Every
     producer now follows the assignment: stopped unless its partition is active here,
     started anew when it cannot carry a transaction.
   - ``TransactionManager.commit`` crashed the app on ``ProducerFenced``, and the other
     failures of a commit went up the consumer's commit task. A transaction that cannot be
     committed is now dropped with its producer: its partitions' offsets are not committed
     (the consumer is told, see ``_commit_offsets``) and the worker rejoins the group, whose
     rebalance seeks them back to their committed offsets, so what the lost transaction held
     is made again (no loss; read_committed readers never saw it). Its producer is started
     anew at that assignment, not before, so a worker the group has already replaced cannot
     fence the new owner.

   Also seen there: a rebalance that interrupts recovery can seek a standby changelog
   partition with no offset (``Recovery`` keeps None for unknown); aiokafka refuses it
   ("Offset must be a positive integer") and the worker stopped. Such seeks now start at 0.
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

from . import txn_producers

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
        # Table writes made outside any event (the tally's, flushed at commit, to the source
        # partition's changelog partition), by transactional id: published at its next commit.
        self._unsourced: defaultdict[str, list[tuple[tuple[Any, ...], asyncio.Future[Any]]]]
        self._unsourced = defaultdict(list)
        # Transactional ids whose transaction was lost (fix 6), until the next assignment.
        self._lost: set[str] = set()
        # Source partitions the last commit could not commit (the consumer forgets them).
        self.uncommitted: set[TP] = set()
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

    @property
    def _producers(self) -> dict[str, Any]:
        return self.producer._transaction_producers  # type: ignore[attr-defined]

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
        args = (topic, key, value, partition, timestamp, headers)
        # A buffered table write carries the event that made it (fix 6); else the event being
        # processed, when sent from an agent.
        source = txn_producers.write_source()
        event = current_event()
        if source is None and event is not None:
            source = (event.message.tp, event.message.offset)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if source is None:
            if topic in self.app.tables.changelog_topics and partition is not None:
                group = self.app.assignor.group_for_topic(topic)
                self._unsourced[f"{self.app.conf.id}-{group}-{partition}"].append((args, future))
                return future
            return await super().send(topic, key, value, partition, timestamp, headers)
        tp, offset = source
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
        self._held[tp].append((offset, topic, key, args, future))
        return future

    async def commit(self, offsets: Mapping[TP, int], start_new_transaction: bool = True) -> bool:
        self.uncommitted = set()
        if self.ended:
            # Faust commits once more after ending the transactions at shutdown (the app's
            # wait for its streams, then the consumer's own): there is no transaction left to
            # send in. Nothing is sent or committed; the next owner of these partitions
            # processes the events again, in its transactions (no loss, no duplicate).
            logger.info("transactions ended: %d partition(s) left to the next owner", len(offsets))
            self.uncommitted = set(offsets)
            return False
        # Table changelog writes wait in Faust's producer buffer (``send_soon``): send them in
        # the transactions being committed. Left there, they went out in the next ones, and at
        # shutdown (no next transaction) they crashed the worker: "Can't send messages while
        # not in transaction" (tests/integration/test_shutdown.py).
        await self.app.producer.buffer.flush()
        by_id: defaultdict[str, dict[TP, int]] = defaultdict(dict)
        for tp, offset in offsets.items():
            by_id[self.transactional_id(tp)][tp] = offset
        committed_any = lost_any = False
        for transactional_id, tp_offsets in by_id.items():
            if not await self._ready(transactional_id):
                # No transaction to commit in yet: everything stays held for the next commit.
                self.uncommitted.update(tp_offsets)
                continue
            try:
                await self._commit_one(transactional_id, tp_offsets, start_new_transaction)
            except Exception as exc:
                # Fenced (a newer producer with this id, or the transaction timed out) or
                # failed: the broker aborts the transaction, so what it held must be made
                # again. Drop the producer (its state is final) and rejoin the group: the
                # rebalance seeks these partitions back to their committed offsets and starts
                # a new producer for the ids this worker still owns. Faust crashed the worker.
                logger.warning(
                    "transaction %s lost (%r): %s processed again from the committed offsets",
                    transactional_id,
                    exc,
                    sorted(f"{tp.topic}[{tp.partition}]" for tp in tp_offsets),
                )
                self._lost.add(transactional_id)
                await self.producer.stop_transaction(transactional_id)
                self.uncommitted.update(tp_offsets)
                lost_any = True
            else:
                committed_any = True
        if lost_any:
            await txn_producers.request_rejoin(self.app)
        self.ended = not start_new_transaction
        return committed_any

    async def _ready(self, transactional_id: str) -> bool:
        """True if ``transactional_id`` has a producer in a transaction; one that was never
        started (its coordinator was unreachable at the assignment) is started now."""
        producer = self._producers.get(transactional_id)
        if producer is not None:
            return txn_producers.usable(producer)
        if transactional_id in self._lost:
            return False  # restarted at the next assignment, not by a worker that may be stale
        await self.producer.begin_transaction(transactional_id)  # logs its own failure
        producer = self._producers.get(transactional_id)
        return producer is not None and txn_producers.usable(producer)

    async def _commit_one(
        self, transactional_id: str, offsets: Mapping[TP, int], start_new_transaction: bool
    ) -> None:
        producer = self._producers[transactional_id]
        for args, future in self._unsourced.pop(transactional_id, []):
            _chain(await self.producer.send(*args, transactional_id=transactional_id), future)
        for tp, offset in offsets.items():
            await self._publish_acknowledged(tp, offset)
        async with self.producer._trn_locks[transactional_id]:  # type: ignore[attr-defined]
            await producer.send_offsets_to_transaction(offsets, self.app.conf.id)
            await producer.commit_transaction()
            if start_new_transaction:
                await producer.begin_transaction()

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
                if not txn_producers.usable(self._producers.get(transactional_id)):
                    raise  # the transaction is lost, not the record: see commit
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
                _fail(future, f"{tp} was revoked before this record's offset committed")
        # Fix 6: Faust stops only the producers of revoked partitions that are not standbys
        # here now, and "begins" the others again (an error it logs for a producer already in
        # a transaction, and the end of a fenced one). A revoked partition that became a
        # standby kept its producer: fenced by the new owner, and used again by this worker
        # when the partition came back, it crashed the worker. Every producer follows the
        # assignment instead: stopped unless its partition is active here, started anew if it
        # cannot carry a transaction.
        wanted = self._tps_to_transactional_ids(assigned)
        for transactional_id in sorted(set(self._producers) - wanted):
            await self.producer.stop_transaction(transactional_id)
        for transactional_id in sorted(set(self._unsourced) - wanted):
            for _, future in self._unsourced.pop(transactional_id):
                _fail(future, f"{transactional_id} is no longer this worker's")
        self._lost.clear()
        for transactional_id in sorted(wanted):
            producer = self._producers.get(transactional_id)
            if producer is not None and not txn_producers.usable(producer):
                logger.info("restarting transactional producer %s", transactional_id)
                await self.producer.stop_transaction(transactional_id)
                producer = None
            if producer is None:
                await self.producer.begin_transaction(transactional_id)
        self.ended = False


def _fail(future: asyncio.Future[Any], reason: str) -> None:
    if not future.done():
        future.set_exception(RuntimeError(reason))


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

        async def _commit_offsets(
            self, offsets: Mapping[TP, int], start_new_transaction: bool = True
        ) -> bool:
            # Faust records every offset it asked to commit as committed, whatever the
            # transactions did. One whose transaction was not committed (fix 6) must stay
            # behind: committed again next time, its held records sent then, and a message
            # delivered again still processed.
            before = {tp: self._committed_offset[tp] for tp in offsets}
            did_commit = await super()._commit_offsets(
                offsets, start_new_transaction=start_new_transaction
            )
            for tp in self.transactions.uncommitted:
                if tp in before:
                    self._committed_offset[tp] = before[tp]
            return bool(did_commit)

        async def seek_wait(self, partitions: Mapping[TP, int]) -> None:
            # Fix 6: a standby changelog partition assigned in a rebalance that interrupted
            # recovery can reach the seek with no offset (Recovery keeps None for "unknown");
            # aiokafka refuses it ("Offset must be a positive integer") and the worker crashed.
            # Unknown means from the start, as Faust's own -1.
            fixed = {
                tp: offset if offset and offset > 0 else 0 for tp, offset in partitions.items()
            }
            await super().seek_wait(fixed)

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
        txn_producers.tag_buffered_writes(app)
