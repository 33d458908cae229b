"""The transactional producers behind :class:`streams.delivery.SourcePartitionTransactions`
(delivery fix 6): which event a buffered table write came from, whether a producer can still
carry a transaction, and how the worker asks the group for a new assignment.

Faust keeps one aiokafka producer per transactional id (``{app}-{group}-{partition}``) in
``Producer._transaction_producers``. A producer that another one fenced, or whose transaction
failed, stays there in aiokafka's fatal or abortable state for good: every later send fails
with "Can't send messages while not in transaction".
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

import faust
from faust.streams import current_event
from faust.types import TP

logger = logging.getLogger(__name__)

# The (source partition, offset) of the event that made the buffered write being sent now.
_SOURCE: ContextVar[tuple[TP, int] | None] = ContextVar("streams_write_source", default=None)
_TAG = "streams_source"


def write_source() -> tuple[TP, int] | None:
    """The event behind the buffered write being published, when it was made by an event."""
    return _SOURCE.get()


def tag_buffered_writes(app: faust.App) -> None:
    """Remember which event made each buffered write (table changelogs: ``send_soon``).

    Faust sends them later from its producer buffer's own task, where no event is current, and
    routes them by their destination partition. A global table's key-hashed changelog partition
    may belong to another worker (Faust then crashed: "No transaction producer found"), and in
    any case its write belongs in the transaction of the partition whose event made it.
    """
    base: Any = app.transport.Producer

    class TaggingProducer(base):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            buffer = self.buffer  # created by Faust's __init__, started with the producer
            send_pending = buffer._send_pending

            async def send_tagged(fut: Any) -> None:
                token = _SOURCE.set(getattr(fut, _TAG, None))
                try:
                    await send_pending(fut)
                finally:
                    _SOURCE.reset(token)

            buffer._send_pending = send_tagged

        def send_soon(self, fut: Any) -> None:
            event = current_event()
            if event is not None:
                setattr(fut, _TAG, (event.message.tp, event.message.offset))
            super().send_soon(fut)

    app.transport.Producer = TaggingProducer  # type: ignore[misc]


def usable(producer: Any) -> bool:
    """True if the aiokafka producer is in a transaction that can still be committed.

    A fenced producer (another one with its transactional id, or its transaction timed out)
    is in the FATAL_ERROR state; a failed send leaves ABORTABLE_ERROR; its sender task may
    have ended with the error.
    """
    txn = getattr(producer, "_txn_manager", None)
    sender = getattr(producer, "_sender", None)
    task = getattr(sender, "sender_task", None)
    return txn is not None and txn.is_in_transaction() and task is not None and not task.done()


async def request_rejoin(app: Any) -> None:
    """Make this worker rejoin its group: the rebalance that follows seeks every partition it
    keeps back to the committed offset, so what a lost transaction held is processed again."""
    consumer: Any = app.consumer
    thread = consumer._thread
    coordinator = thread._ensure_consumer()._coordinator
    if coordinator is not None:
        await thread.call_thread(coordinator.request_rejoin)
