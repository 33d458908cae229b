"""streams.app.stop_lingering on aiokafka's own accumulator (no broker): the open batches
stop lingering but stay open, so a send right after joins them instead of waiting."""

from __future__ import annotations

import asyncio

from aiokafka.producer.message_accumulator import MessageAccumulator
from aiokafka.structs import TopicPartition

from streams.app import stop_lingering

TP = TopicPartition("t", 0)


async def test_batches_stop_lingering_and_still_take_records() -> None:
    accumulator = MessageAccumulator(None, 16_384, 0, 30, linger_ms=60_000)
    await accumulator.add_message(TP, b"k", b"first", timeout=1)
    [batch] = accumulator._batches[TP]
    assert batch.remaining_linger() is not None  # lingering: a minute to go
    waiter = accumulator.waiter()

    stop_lingering(accumulator)

    assert batch.remaining_linger() is None  # the sender takes it at its next turn
    assert waiter.done()  # and is woken for it
    # Still open: the next record joins the same batch at once (a closed one would make
    # this send wait until the sender has taken the batch).
    joined = await asyncio.wait_for(accumulator.add_message(TP, b"k", b"second", timeout=1), 1)
    assert joined is not None and list(accumulator._batches[TP]) == [batch]
    assert batch.record_count == 2
