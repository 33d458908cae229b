"""streams.agents.SendWhenIdle: the producer's linger is skipped once no agent of the worker
has begun a message for IDLE_AFTER_S, and never while messages keep coming."""

from __future__ import annotations

import asyncio

import pytest

from streams.agents import SendWhenIdle

# Longer than the check's delay: asyncio runs timers in deadline order, so the check that
# was armed first has always run when this sleep returns.
AFTER_THE_CHECK = SendWhenIdle.IDLE_AFTER_S * 5


def _counting() -> tuple[SendWhenIdle, list[int]]:
    sent: list[int] = []
    return SendWhenIdle(lambda: sent.append(1)), sent


@pytest.mark.parametrize("messages", [1, 100])
async def test_an_idle_worker_sends_once_after_its_last_message(messages: int) -> None:
    idle, sent = _counting()
    for _ in range(messages):
        idle.begin()
        idle.done()  # the first arms the one check
    assert sent == []  # not before the delay: another message may be on its way
    await asyncio.sleep(AFTER_THE_CHECK)
    assert sent == [1]


async def test_a_busy_worker_lets_batches_fill_and_sends_once_when_done() -> None:
    idle, sent = _counting()
    for _ in range(5):
        idle.begin()
        idle.done()
        # The next message begins before the check runs, and is still in hand when it runs
        # (an agent awaiting its send; or blocking the loop in a stage, which delays it).
        idle.begin()
        await asyncio.sleep(AFTER_THE_CHECK)
        assert sent == []
        idle.done()
    await asyncio.sleep(AFTER_THE_CHECK)
    assert sent == [1]


async def test_messages_that_began_and_ended_before_the_check_postpone_it() -> None:
    idle, sent = _counting()
    idle.begin()
    idle.done()  # arms the check
    idle.begin()
    idle.done()  # one is armed already
    await asyncio.sleep(SendWhenIdle.IDLE_AFTER_S * 1.5)  # the first check saw a newer message
    assert sent == []
    await asyncio.sleep(AFTER_THE_CHECK)
    assert sent == [1]
