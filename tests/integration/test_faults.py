"""Faults with 2,000 articles in flight: every produced id must come out, enriched (or as a dead
letter when it was bad), whatever happens to the workers and the broker meanwhile.

Each test reports its figures (produced, enriched, dead-lettered, duplicates, seconds; for the
SIGKILL test also the ids in flight at the kills and the duplicates per 1,000 of them) in the
terminal summary. Under at-least-once duplicates are allowed and counted; under exactly-once a
read_committed consumer must see every id once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from streams.kafka_local import BrokerConfig, start, stop

from .conftest import Pipeline, WorkerProcess, free_ports
from .traffic import Article, OutputTracker, article_variants, produce

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLES = 2000
BAD_EVERY = 100  # 20 hostile messages among the 2,000
# Generous: a loaded 2-core machine processes a few dozen articles a second.
DRAIN_TIMEOUT = 300.0
BROKER_DOWN_SECONDS = 5.0


@dataclass
class Figures:
    name: str
    produced: int
    enriched: int
    dead_lettered: int
    duplicates: int
    seconds: float
    in_flight: int | None = None  # ids not yet out when the workers were killed, summed

    @property
    def duplicates_per_1000_in_flight(self) -> float | None:
        if not self.in_flight:
            return None
        return 1000 * self.duplicates / self.in_flight

    def line(self) -> str:
        line = (
            f"{self.name}: produced {self.produced}, enriched {self.enriched}, "
            f"dead-lettered {self.dead_lettered}, duplicates {self.duplicates}, "
            f"{self.seconds:.1f}s"
        )
        per_1000 = self.duplicates_per_1000_in_flight
        if per_1000 is not None:
            line += f"; {self.in_flight} in flight at the kills, {per_1000:.1f} dups per 1,000"
        return line


@pytest.fixture(scope="module")
def report(request: pytest.FixtureRequest) -> Iterator[list[Figures]]:
    figures: list[Figures] = []
    yield figures
    plugins = request.config.pluginmanager
    terminal = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if terminal is None or capture is None or not figures:
        return
    # Shown even without -s, as pytest shows live logs.
    with capture.global_and_fixture_disabled():
        terminal.write_line("")
        terminal.write_sep("-", "fault test figures")
        for entry in figures:
            terminal.write_line(entry.line())


def _expected(articles: list[Article]) -> tuple[set[str], dict[str, str]]:
    good = {a.id for a in articles if a.expected_error is None}
    bad = {a.id: a.expected_error for a in articles if a.expected_error is not None}
    return good, bad


async def _drain(
    tracker: OutputTracker, articles: list[Article], workers: list[WorkerProcess]
) -> None:
    finished = await tracker.wait_until(lambda t: t.done >= len(articles), DRAIN_TIMEOUT)
    await tracker.settle()
    good, bad = _expected(articles)
    logs = "\n".join(w.tail(30) for w in workers)
    assert finished, f"only {tracker.done} of {len(articles)} ids came out\n{logs}"
    missing = good - set(tracker.enriched)
    assert not missing, f"{len(missing)} ids lost, e.g. {sorted(missing)[:5]}\n{logs}"
    assert set(tracker.enriched) == good
    assert set(tracker.dead) == set(bad)
    for ident, code in bad.items():
        assert tracker.dead_letters[ident]["error_type"] == code


def _figures(name: str, tracker: OutputTracker, produced: int, started: float) -> Figures:
    return Figures(
        name=name,
        produced=produced,
        enriched=len(tracker.enriched),
        dead_lettered=len(tracker.dead),
        duplicates=tracker.duplicates,
        seconds=time.monotonic() - started,
    )


async def _at_progress(tracker: OutputTracker, done: int) -> None:
    assert await tracker.wait_until(lambda t: t.done >= done, DRAIN_TIMEOUT), (
        f"no progress past {tracker.done} ids"
    )


Fault = Callable[[Pipeline, OutputTracker], Awaitable[None]]


async def _run(
    pipeline: Pipeline, name: str, fault: Fault, *, guarantee: str = "at_least_once"
) -> tuple[Figures, OutputTracker]:
    """One worker, 2,000 articles produced, ``fault`` injected, then every id must come out."""
    pipeline.env["STREAMS_PROCESSING_GUARANTEE"] = guarantee
    if guarantee == "exactly_once":
        # read_committed readers see the outputs a commit at a time: commit often enough that
        # the kills land mid-stream rather than after the last burst.
        pipeline.env["STREAMS_COMMIT_INTERVAL_MS"] = "1000"
    articles = article_variants(ARTICLES, name.split()[0], bad_every=BAD_EVERY)
    tracker = OutputTracker(pipeline.settings, read_committed=guarantee == "exactly_once")
    started = time.monotonic()
    await tracker.start()
    try:
        pipeline.start_worker()
        produced = await produce(pipeline.settings, articles)
        await fault(pipeline, tracker)
        await _drain(tracker, articles, pipeline.workers)
        return _figures(f"{name} ({guarantee})", tracker, produced, started), tracker
    finally:
        await tracker.stop()


# Ids produced but not out yet at each SIGKILL, by pipeline: what a kill can duplicate.
IN_FLIGHT: dict[int, int] = {}


async def _kill_twice(pipeline: Pipeline, tracker: OutputTracker) -> None:
    for fraction in (0.25, 0.6):
        await _at_progress(tracker, int(ARTICLES * fraction))
        pipeline.workers[-1].kill()
        # Read just after the kill: what is out is out; the rest may be processed again.
        IN_FLIGHT[id(pipeline)] = IN_FLIGHT.get(id(pipeline), 0) + ARTICLES - tracker.done
        assert tracker.done < ARTICLES, "the stream was over before the kill"
        pipeline.start_worker()


# Under exactly_once this lost 1-2 ids and duplicated 2-3 in most runs until streams.delivery
# worked around faust-streaming (a message dropped when a restarted worker resumes its
# partitions, outputs sent outside the transactions, a message delivered twice).
@pytest.mark.parametrize("guarantee", ["at_least_once", "exactly_once"])
async def test_a_sigkill_twice_mid_stream(
    pipeline: Pipeline, report: list[Figures], guarantee: str
) -> None:
    figures, tracker = await _run(pipeline, "a. SIGKILL x2", _kill_twice, guarantee=guarantee)
    figures.in_flight = IN_FLIGHT.pop(id(pipeline))
    report.append(figures)
    if guarantee == "exactly_once":
        assert tracker.duplicates == 0, tracker.enriched.most_common(5)
    else:
        # With the default commits (every second and every 20 messages) a kill replays a few
        # dozen messages at most: 5-17 per 1,000 in flight measured; the target is 50.
        assert figures.in_flight and figures.duplicates <= 0.05 * figures.in_flight, figures


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[BrokerConfig]:
    """A broker of this test's own, since the test stops it (the session broker is shared)."""
    port, controller = free_ports(2)
    cfg = BrokerConfig(data_dir=tmp_path / "kafka", port=port, controller_port=controller)
    start(cfg)
    try:
        yield cfg
    finally:
        stop(cfg)


async def test_b_broker_restart_mid_stream(
    own_broker: BrokerConfig, pipeline: Pipeline, report: list[Figures]
) -> None:
    # own_broker first: set up before the workers, torn down after them.
    pipeline.env["STREAMS_BROKER"] = f"kafka://127.0.0.1:{own_broker.port}"

    async def restart_broker(pipeline: Pipeline, tracker: OutputTracker) -> None:
        await _at_progress(tracker, int(ARTICLES * 0.3))
        await asyncio.to_thread(stop, own_broker)
        await asyncio.sleep(BROKER_DOWN_SECONDS)
        await asyncio.to_thread(start, own_broker)
        assert pipeline.workers[0].process.poll() is None, pipeline.workers[0].tail()

    figures, _ = await _run(pipeline, "b. broker restart", restart_broker)
    report.append(figures)
    # The same worker rode out the outage.
    assert len(pipeline.workers) == 1 and pipeline.workers[0].process.poll() is None


async def test_c_second_worker_joins_then_leaves(pipeline: Pipeline, report: list[Figures]) -> None:
    async def scale_out_and_in(pipeline: Pipeline, tracker: OutputTracker) -> None:
        await _at_progress(tracker, int(ARTICLES * 0.1))
        second = pipeline.start_worker()
        # Leaves only once it has joined (partitions assigned, tables recovered).
        await asyncio.to_thread(second.wait_healthy)
        await _at_progress(tracker, int(ARTICLES * 0.6))
        assert second.process.poll() is None, second.tail()
        assert await asyncio.to_thread(second.stop) == 0, second.tail()

    figures, _ = await _run(pipeline, "c. worker joins and leaves", scale_out_and_in)
    report.append(figures)


async def test_d_sigterm_shuts_down_gracefully(pipeline: Pipeline, report: list[Figures]) -> None:
    async def terminate_and_restart(pipeline: Pipeline, tracker: OutputTracker) -> None:
        await _at_progress(tracker, int(ARTICLES * 0.4))
        worker = pipeline.workers[0]
        # A clean exit (0), not the SIGKILL `stop` falls back to after its timeout.
        assert await asyncio.to_thread(worker.stop) == 0, worker.tail()
        pipeline.start_worker()

    figures, _ = await _run(pipeline, "d. SIGTERM and restart", terminate_and_restart)
    report.append(figures)
