"""Under exactly_once, a record the producer refuses at commit is dropped and counted: it must
not fail the transaction of the other messages, at this commit or any later one."""

from __future__ import annotations

import asyncio
from typing import Any

from faust.types import TP

from streams.delivery import SourcePartitionTransactions


class _Producer:
    def __init__(self) -> None:
        self.sent: list[tuple[Any, ...]] = []

    async def send(self, *args: Any, transactional_id: str) -> asyncio.Future[None]:
        if args[2] == b"too large":
            raise ValueError("MessageSizeTooLargeError")
        self.sent.append(args)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


async def test_a_refused_record_is_dropped_and_the_others_are_published() -> None:
    dropped: list[None] = []
    manager: Any = object.__new__(SourcePartitionTransactions)
    manager.producer = _Producer()
    manager.transactional_id = lambda tp: "app-group-0"
    manager.on_unsendable = lambda: dropped.append(None)
    tp = TP("raw", 0)
    loop = asyncio.get_running_loop()
    futures = [loop.create_future() for _ in range(3)]
    manager._held = {
        tp: [
            (offset, "out", b"k", ("out", b"k", value, None, None, None), future)
            for offset, value, future in zip(
                (5, 6, 7), (b"ok", b"too large", b"ok too"), futures, strict=True
            )
        ]
    }
    await manager._publish_acknowledged(tp, 8)
    assert [args[2] for args in manager.producer.sent] == [b"ok", b"ok too"]
    assert dropped == [None] and manager._held[tp] == []
    await asyncio.sleep(0)
    assert all(future.done() and future.exception() is None for future in futures)
