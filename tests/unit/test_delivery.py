"""Under exactly_once, a record the producer refuses at commit is dropped and counted: it must
not fail the transaction of the other messages, at this commit or any later one. A record that
fails because its transaction is lost (a fenced producer) is not dropped: it stays held."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from faust.types import TP

from streams.delivery import SourcePartitionTransactions


class _Txn:
    def __init__(self) -> None:
        self.fenced = False

    def is_in_transaction(self) -> bool:
        return not self.fenced


class _AIOKafkaProducer:
    """What fix 6 reads of an aiokafka producer: its transaction state and sender task."""

    def __init__(self, sender_task: asyncio.Future[None]) -> None:
        self._txn_manager = _Txn()
        self._sender = SimpleNamespace(sender_task=sender_task)


class _Producer:
    def __init__(self) -> None:
        self.sent: list[tuple[Any, ...]] = []
        running: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._transaction_producers = {"app-group-0": _AIOKafkaProducer(running)}

    async def send(self, *args: Any, transactional_id: str) -> asyncio.Future[None]:
        txn = self._transaction_producers[transactional_id]._txn_manager
        if not txn.is_in_transaction():
            raise ValueError("Can't send messages while not in transaction")
        if args[2] == b"too large":
            raise ValueError("MessageSizeTooLargeError")
        self.sent.append(args)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def _manager(dropped: list[None], values: tuple[bytes, ...]) -> tuple[Any, list[Any]]:
    manager: Any = object.__new__(SourcePartitionTransactions)
    manager.producer = _Producer()
    manager.transactional_id = lambda tp: "app-group-0"
    manager.on_unsendable = lambda: dropped.append(None)
    loop = asyncio.get_running_loop()
    futures = [loop.create_future() for _ in values]
    manager._held = {
        TP("raw", 0): [
            (offset, "out", b"k", ("out", b"k", value, None, None, None), future)
            for offset, value, future in zip(
                range(5, 5 + len(values)), values, futures, strict=True
            )
        ]
    }
    return manager, futures


async def test_a_refused_record_is_dropped_and_the_others_are_published() -> None:
    dropped: list[None] = []
    manager, futures = _manager(dropped, (b"ok", b"too large", b"ok too"))
    tp = TP("raw", 0)
    await manager._publish_acknowledged(tp, 8)
    assert [args[2] for args in manager.producer.sent] == [b"ok", b"ok too"]
    assert dropped == [None] and manager._held[tp] == []
    await asyncio.sleep(0)
    assert all(future.done() and future.exception() is None for future in futures)


async def test_a_record_of_a_lost_transaction_stays_held() -> None:
    dropped: list[None] = []
    manager, futures = _manager(dropped, (b"one", b"two"))
    manager.producer._transaction_producers["app-group-0"]._txn_manager.fenced = True
    tp = TP("raw", 0)
    with pytest.raises(ValueError, match="not in transaction"):
        await manager._publish_acknowledged(tp, 7)
    assert dropped == [] and [entry[0] for entry in manager._held[tp]] == [5, 6]
    assert not any(future.done() for future in futures)


class _Fenced(_AIOKafkaProducer):
    async def send_offsets_to_transaction(self, offsets: Any, group_id: str) -> None:
        self._txn_manager.fenced = True
        raise ValueError("ProducerFenced")


async def test_a_lost_transaction_leaves_its_partitions_uncommitted_and_rejoins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rejoins: list[Any] = []

    async def rejoin(app: Any) -> None:
        rejoins.append(app)

    monkeypatch.setattr("streams.txn_producers.request_rejoin", rejoin)
    manager, _ = _manager([], (b"one",))
    producers = manager.producer._transaction_producers
    producers["app-group-0"] = _Fenced(producers["app-group-0"]._sender.sender_task)
    stopped: list[str] = []

    async def stop_transaction(transactional_id: str) -> None:
        stopped.append(transactional_id)
        producers.pop(transactional_id)

    async def flush() -> None:
        return None

    manager.producer.stop_transaction = stop_transaction
    manager.producer._trn_locks = {"app-group-0": asyncio.Lock()}
    manager.app = SimpleNamespace(
        conf=SimpleNamespace(id="app"),
        producer=SimpleNamespace(buffer=SimpleNamespace(flush=flush)),
    )
    manager._unsourced, manager._lost, manager.ended = {}, set(), False
    tp = TP("raw", 0)
    assert await manager.commit({tp: 6}) is False
    assert manager.uncommitted == {tp} and stopped == ["app-group-0"]
    assert manager._lost == {"app-group-0"} and rejoins == [manager.app]
    # Until the next assignment, no producer is started for it again: nothing is committed.
    assert await manager.commit({tp: 6}) is False and manager.uncommitted == {tp}
