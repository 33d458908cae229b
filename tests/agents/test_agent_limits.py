"""The segment agent under Faust's test context: what the topics cannot take and what has no
content become dead letters with their reason, and the agent goes on with the next message."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from streams import codec
from streams.app import StreamsApp
from streams.record_schemas import validate

GOOD = "خبر صالح بعد الرسالة المرفوضة عن الحكومة والاقتصاد.".encode()


async def test_a_record_too_large_for_the_topics_is_dead_lettered(
    app: StreamsApp,
    sent: dict[str, list[dict[str, Any]]],
    seed_text: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The seed article's segmented record stands in for one over the topics' 16 MiB.
    small_limit = len(orjson.dumps({"text": seed_text}))
    monkeypatch.setattr(codec, "MAX_OUTPUT_BYTES", small_limit)
    async with app.wiring.agents["segment"].test_context() as agent:
        await agent.put(orjson.dumps({"id": "big", "text": seed_text}), key=b"big")
        await agent.put(GOOD, key=b"good")
    [letter] = [orjson.loads(m["value"]) for m in sent["dead"]]
    validate("dead-letter", letter)
    assert letter["error_type"] == "output_too_large" and letter["key"] == "big"
    assert str(small_limit) in letter["reason"]
    assert [m["key"] for m in sent["segmented"]] == [b"good"]


async def test_text_with_nothing_readable_is_dead_lettered(
    app: StreamsApp,
    sent: dict[str, list[dict[str, Any]]],
) -> None:
    async with app.wiring.agents["segment"].test_context() as agent:
        await agent.put(orjson.dumps({"text": "\u200b\u064e!!! 🎉 <br>"}), key=b"empty")
        await agent.put(GOOD, key=b"good")
    [letter] = [orjson.loads(m["value"]) for m in sent["dead"]]
    assert letter["error_type"] == "no_content" and letter["stage"] == "segment"
    assert [m["key"] for m in sent["segmented"]] == [b"good"]
