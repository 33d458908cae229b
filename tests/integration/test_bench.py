"""The streamed benchmark's machinery on the real broker, on a tiny corpus (no timing asserted)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from streams.bench import corpus, floor, processes, streamed

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def smoke_run(kind: str, broker: str) -> dict[str, Any]:
    """One small streamed mode: 4 warm-up articles, two runs of 12, the rest for latency."""
    articles = corpus.generate(46)
    spec = streamed.ModeSpec(kind, workers=1, latency_fraction=0.5, latency_seconds=1)
    return asyncio.run(
        streamed.run_mode(
            spec,
            processes.Broker.given(broker),
            articles[:4],
            [articles[4:16], articles[16:28]],
            articles[28:],
        )
    )


@pytest.mark.parametrize("kind", ["faust", "peer"])
def test_a_mode_streams_every_article_through_and_measures_it(broker: str, kind: str) -> None:
    result = smoke_run(kind, broker)
    assert [run["received"] for run in result["runs"]] == [12, 12]
    assert all(run["complete"] and run["dead_letters"] == 0 for run in result["runs"])
    assert result["articles_per_s"] > 0
    assert result["runs"][0]["latency_under_load"]["count"] == 12
    assert result["runs"][0]["cores"]["worker-0"] >= 0
    assert result["latency"]["complete"] and result["latency"]["count"] >= 1
    assert result["rss_peak_mb"][0] > 0
    assert result["torch_loaded"] is False


@pytest.mark.parametrize("kind", floor.KINDS)
def test_the_floor_forwards_every_message_and_measures_it(broker: str, kind: str) -> None:
    run = asyncio.run(floor.measure(processes.Broker.given(broker), kind, messages=300))
    # Timed from the first message out, so the first batch is not in the count.
    assert 0 < run["messages"] < 300
    # A few hundred messages can take less CPU than one clock tick.
    assert run["messages_per_s"] > 0 and run["worker_cpu_us_per_message"] >= 0
