"""The agents count into the monitoring tables (Faust test context, memory tables)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest.mock import Mock, patch

import orjson
import pytest

from streams.app import StreamsApp
from tests.agents.conftest import capture_sends, topic


@pytest.fixture
def quiet_topics(app: StreamsApp) -> Iterator[None]:
    # Only the topic sends are replaced (no broker here); the table writes are real.
    # Each test context numbers its events from offset 0 again: to the tables (rightly) a
    # re-delivery of what earlier tests counted. Start from empty tables.
    for table in app.wiring.tables.values():
        table.data.clear()
    with capture_sends(app, lambda name, record: None):
        yield


def _totals(app: StreamsApp, stage: str) -> dict[str, Any]:
    events = forwarded = 0
    reasons: dict[str, int] = {}
    for value in app.wiring.stage_counters[stage].values():
        events += value["events"]
        forwarded += value.get("forwarded", 0)
        for reason, count in value.get("deadletter", {}).items():
            reasons[reason] = reasons.get(reason, 0) + count
    return {"events": events, "forwarded": forwarded, "deadletter": reasons}


async def test_each_event_is_counted_once_with_its_outcome(
    app: StreamsApp, quiet_topics: None
) -> None:
    async with app.wiring.agents["segment"].test_context() as agent:
        await agent.put("خبر أول صالح للمعالجة.".encode(), key=b"a")
        await agent.put(b"[1]", key=b"bad")
        await agent.put("خبر ثان صالح.".encode(), key=b"b")
        assert _totals(app, "segment") == {
            "events": 3,
            "forwarded": 2,
            "deadletter": {"not_an_object": 1},
        }
        # A restart re-delivers from offset 1: processed again, counted once.
        agent.sent_offset = 1
        await agent.put(b"[1]", key=b"bad")
        await agent.put("خبر ثان صالح.".encode(), key=b"b")
        assert _totals(app, "segment")["events"] == 3
        await agent.put("خبر ثالث جديد.".encode(), key=b"c")
    assert _totals(app, "segment") == {
        "events": 4,
        "forwarded": 3,
        "deadletter": {"not_an_object": 1},
    }


async def test_the_last_hop_counts_latency_and_trending(
    app: StreamsApp, quiet_topics: None, seed_text: str
) -> None:
    captured: list[dict[str, Any]] = []

    segmented = topic(app, "segmented").get_topic_name()

    def keep(name: str, record: dict[str, Any]) -> None:
        if name == segmented:
            captured.append(record)

    with capture_sends(app, keep):
        async with app.wiring.agents["segment"].test_context() as agent:
            await agent.put(orjson.dumps({"id": "seed-tally", "text": seed_text}), key=b"s")
    assert app.wiring.chain_names[-1] == "enrich"
    async with app.wiring.agents["enrich"].test_context() as agent:
        await agent.put(
            captured[0]["value"], key=captured[0]["key"], headers=captured[0]["headers"]
        )
    values = list(app.wiring.stage_counters["enrich"].values())
    trending = app.wiring.trending
    assert sum(v.get("enriched", 0) for v in values) == 1
    assert sum(sum(v["latency"]["counts"]) for v in values if "latency" in v) == 1
    assert trending is not None
    [window] = trending.values()
    assert window["articles"] == 1 and window["countries"]


async def test_counts_reach_the_changelog_when_offsets_commit(
    app: StreamsApp, quiet_topics: None
) -> None:
    table = app.wiring.stage_counters["segment"]
    writes = app.wiring.tally.writes
    writes.flush()  # whatever earlier tests left pending
    with patch.object(table, "send_changelog", Mock()) as send_changelog:
        async with app.wiring.agents["segment"].test_context() as agent:
            for n in range(3):
                await agent.put(f"خبر رقم {n} صالح.".encode(), key=b"k")
        # Counted in memory (this worker's views see it), nothing sent yet.
        assert _totals(app, "segment")["events"] == 3
        send_changelog.assert_not_called()
        # The worker's consumer flushes before Faust publishes what is attached to the offsets.
        assert isinstance(app.consumer, app.transport.Consumer)
        await app.consumer._handle_attached({})
        [(args, _)] = send_changelog.call_args_list  # one key written three times: one message
        partition, key, value = args
        assert key == f"segment|{partition}" and value == table.data[key]
        assert value["events"] == 3
        assert writes.flush() == 0


async def test_a_retired_trending_window_is_sent_as_a_tombstone(
    app: StreamsApp, quiet_topics: None
) -> None:
    trending = app.wiring.trending
    assert trending is not None
    writes = app.wiring.tally.writes
    writes.flush()
    trending.data["0|2"] = {"offset": 0, "articles": 1, "entities": {}, "countries": {}}
    with patch.object(trending, "send_changelog", Mock()) as send_changelog:
        writes.delete(trending, "0|2", 2)
        assert "0|2" not in trending.data
        assert writes.flush() == 1
    send_changelog.assert_called_once_with(2, "0|2", None, value_serializer="raw")
