"""The thin agents under Faust's test context: what they send where, without a broker."""

from __future__ import annotations

import asyncio
from typing import Any
from unittest.mock import AsyncMock, PropertyMock, patch

import orjson
import pytest
from faust.exceptions import NotReady

from streams import agents
from streams.app import StreamsApp
from streams.hop import PRODUCED_AT_HEADER
from streams.record_schemas import validate
from tests.agents.conftest import topic


async def test_segment_agent_sends_a_valid_record_keyed_by_id(
    app: StreamsApp, sent: dict[str, list[dict[str, Any]]], seed_text: str
) -> None:
    async with app.wiring.agents["segment"].test_context() as agent:
        await agent.put(orjson.dumps({"id": "seed", "text": seed_text}), key=b"seed")
    [message] = sent["segmented"]
    assert message["key"] == b"seed"
    record = orjson.loads(message["value"])
    validate("segmented-article", record)
    assert record["structure"]["published_at"] == "2025-01-07"
    assert message["headers"][PRODUCED_AT_HEADER].isdigit()
    assert sent["dead"] == []


@pytest.mark.parametrize(
    ("value", "code"),
    [(b"\xff\xfe", "invalid_utf8"), (b"[1]", "not_an_object"), (b'{"text": 3}', "text_not_string")],
)
async def test_segment_agent_dead_letters_bad_input_and_goes_on(
    app: StreamsApp, sent: dict[str, list[dict[str, Any]]], value: bytes, code: str
) -> None:
    async with app.wiring.agents["segment"].test_context() as agent:
        await agent.put(value, key=b"bad")
        await agent.put("خبر صالح بعد رسالة تالفة.".encode(), key=b"good")
    [letter] = [orjson.loads(m["value"]) for m in sent["dead"]]
    validate("dead-letter", letter)
    assert letter["error_type"] == code and letter["stage"] == "segment"
    assert [m["key"] for m in sent["segmented"]] == [b"good"]


async def test_enrich_agent_turns_segmented_into_enriched(
    app: StreamsApp, sent: dict[str, list[dict[str, Any]]], seed_text: str
) -> None:
    async with app.wiring.agents["segment"].test_context() as agent:
        await agent.put(orjson.dumps({"id": "seed", "text": seed_text}), key=b"seed")
    segmented = sent["segmented"][0]
    async with app.wiring.agents["enrich"].test_context() as agent:
        await agent.put(segmented["value"], key=segmented["key"])
        await agent.put(b'{"id": "x"}', key=b"x")
    [message] = sent["enriched"]
    record = orjson.loads(message["value"])
    validate("enriched-article", record)
    assert record["id"] == "seed"
    names = [run["name"] for run in record["provenance"]["stages"]]
    assert names[:2] == ["segment", "segment.clitics"] and "dates" in names
    [letter] = [orjson.loads(m["value"]) for m in sent["dead"]]
    assert letter["stage"] == "enrich" and letter["error_type"] == "schema_violation"


async def test_a_worker_stopped_while_declaring_its_topics_exits_cleanly(app: StreamsApp) -> None:
    not_ready = AsyncMock(side_effect=NotReady("Producer service not yet started"))
    with patch.object(topic(app, "raw"), "maybe_declare", not_ready):
        with patch.object(type(app), "should_stop", new_callable=PropertyMock, return_value=True):
            await agents.declare_all(app, app.wiring)  # returns: the worker is stopping
        with pytest.raises(NotReady):
            await agents.declare_all(app, app.wiring)  # not stopping: a real failure


async def _deliver(agent: Any, value: bytes, key: bytes) -> Any:
    """Put a message to a test agent as Faust's conductor delivers a consumed one: with one
    reference per stream it goes to (the test context's ``put`` takes none)."""
    message = agent.to_message(key, value, offset=agent.sent_offset)
    message.incref()
    event = await agent.stream().channel.decode(message)
    await agent.stream().channel.put(event)
    return event


async def _until_acknowledged(events: list[Any], timeout: float = 5.0) -> None:
    """Wait (at most ``timeout`` s) until the agent has acknowledged every one of ``events``."""
    for _ in range(int(timeout / 0.01)):
        if all(event.message.acked for event in events):
            return
        await asyncio.sleep(0.01)


async def test_an_agent_stopped_mid_message_leaves_it_unacknowledged(
    app: StreamsApp, seed_text: str
) -> None:
    """A worker stopping while an agent waits on a send must not acknowledge that message:
    the shutdown commit would pass it with no output sent (one id of 2,000 lost in
    tests/integration/test_faults.py, SIGTERM case). Unacknowledged, the next owner redoes it."""
    sending = asyncio.Event()

    async def send_that_never_returns(*_: Any) -> None:
        sending.set()
        await asyncio.Event().wait()

    with patch.object(app.producer, "send", AsyncMock(side_effect=send_that_never_returns)):
        async with app.wiring.agents["segment"].test_context() as agent:
            event = await _deliver(agent, orjson.dumps({"id": "cut", "text": seed_text}), b"cut")
            await asyncio.wait_for(sending.wait(), 10)
        # Leaving the context stops the agent and its stream in the middle of that send.
    assert not event.message.acked


async def test_a_handled_message_is_acknowledged(
    app: StreamsApp, sent: dict[str, list[dict[str, Any]]], seed_text: str
) -> None:
    async with app.wiring.agents["segment"].test_context() as agent:
        event = await _deliver(agent, orjson.dumps({"id": "ok", "text": seed_text}), b"ok")
        await _until_acknowledged([event])
    assert event.message.acked and event.message.refcount == 0
    assert [m["key"] for m in sent["segmented"]] == [b"ok"]


async def test_an_agent_sends_at_once_only_when_nothing_else_waits(
    app: StreamsApp, sent: dict[str, list[dict[str, Any]]], seed_text: str
) -> None:
    """The producer's linger is skipped (``send_now``) once the agent has gone idle after the
    last message, not after each: a busy agent lets the batches fill."""
    with patch.object(type(app.producer), "send_now", autospec=True) as send_now:
        async with app.wiring.agents["segment"].test_context() as agent:
            events = [
                await _deliver(agent, orjson.dumps({"id": f"q{i}", "text": seed_text}), b"q")
                for i in range(3)
            ]
            await _until_acknowledged(events)
            # The idle check runs first (an earlier deadline).
            await asyncio.sleep(agents.SendWhenIdle.IDLE_AFTER_S * 5)
    assert len(sent["segmented"]) == 3
    assert send_now.call_count == 1
