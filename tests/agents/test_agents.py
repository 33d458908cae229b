"""The thin agents under Faust's test context: what they send where, without a broker."""

from __future__ import annotations

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
