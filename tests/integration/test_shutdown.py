"""Graceful shutdown on the real broker: SIGTERM in the middle of 2,000 articles.

A SIGTERM'd worker stops fetching, finishes and commits what it was processing, sends what it
produced, leaves the group and exits 0 within a bounded time; the worker started after it must
then produce no duplicate (target 0), under both guarantees. The figures (articles not yet out
at SIGTERM, seconds to exit, duplicates) are printed in the terminal summary.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from .conftest import Pipeline, terminal_summary
from .traffic import OutputTracker, article_variants, produce

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLES = 2000
DRAIN_TIMEOUT = 300.0
# What a worker may take to stop (Faust's own shutdown timeout is longer; the orchestrator's
# grace period, 30 s in Kubernetes and compose, is the bound that matters).
EXIT_WITHIN_S = 30.0


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    yield from terminal_summary(request, "graceful shutdown figures")


@pytest.mark.parametrize("guarantee", ["at_least_once", "exactly_once"])
async def test_sigterm_finishes_in_flight_and_leaves_no_duplicates(
    pipeline: Pipeline, figures: list[str], guarantee: str
) -> None:
    pipeline.env["STREAMS_PROCESSING_GUARANTEE"] = guarantee
    articles = article_variants(ARTICLES, f"term-{guarantee}")
    tracker = OutputTracker(pipeline.settings, read_committed=guarantee == "exactly_once")
    await tracker.start()
    try:
        worker = pipeline.start_worker()
        produced = await produce(pipeline.settings, articles)
        assert await tracker.wait_until(lambda t: t.done >= ARTICLES * 0.4, DRAIN_TIMEOUT), (
            worker.tail()
        )
        in_flight = produced - tracker.done
        asked = time.monotonic()
        code = await asyncio.to_thread(worker.stop, EXIT_WITHIN_S)
        exit_seconds = time.monotonic() - asked
        # 0: it exited by itself, not by the SIGKILL that `stop` sends after its timeout.
        assert code == 0, f"exit status {code} after {exit_seconds:.1f}s\n{worker.tail()}"
        out_at_exit = tracker.done
        restarted = pipeline.start_worker()
        finished = await tracker.wait_until(lambda t: t.done >= ARTICLES, DRAIN_TIMEOUT)
        await tracker.settle()
        assert finished, f"{tracker.done} of {ARTICLES} came out\n{restarted.tail()}"
        assert set(tracker.enriched) == {a.id for a in articles}
        figures.append(
            f"SIGTERM ({guarantee}): {in_flight} of {produced} articles not yet out at SIGTERM, "
            f"exit 0 after {exit_seconds:.1f}s, {out_at_exit - (produced - in_flight)} more "
            f"came out before the exit, duplicates after restart {tracker.duplicates}"
        )
        assert tracker.duplicates == 0, tracker.enriched.most_common(5)
    finally:
        await tracker.stop()
