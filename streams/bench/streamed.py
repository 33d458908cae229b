"""Streamed runs through a real broker: Faust workers or the peer loop, as subprocesses.

A run ("mode") gets its own uuid-named topics and consumer group on the broker, starts its
worker processes, waits until the group is stable with every member and a warm-up batch has
come through (so start-up and lazy loading are not timed), then, for each repeat, produces a
fresh slice of the corpus as fast as it can and times from the first produce to the last
enriched record consumed. Optionally it then produces at a fixed rate and measures each
record's latency (produce time in a header that every hop carries on, to the moment the
benchmark's consumer reads the enriched record). CPU time of every process and the workers'
peak RSS are sampled throughout.
"""

from __future__ import annotations

import asyncio
import logging
import math
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from streams import topics
from streams.bench.corpus import Article
from streams.bench.processes import (
    Broker,
    CpuMark,
    RssSampler,
    Worker,
    free_port,
)
from streams.hop import PRODUCED_AT_HEADER
from streams.kafka_client import client_options, ensure_topics, source_producer
from streams.kafka_local import MAX_MESSAGE_BYTES
from streams.settings import Settings, from_env

logger = logging.getLogger(__name__)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


async def produce(
    settings: Settings, articles: Sequence[Article], *, rate: float | None = None
) -> float:
    """Send ``articles`` to the raw topic (as fast as possible, or ``rate`` per second), each
    stamped with its send time; returns the wall-clock time (s) of the first send."""
    # At a fixed rate each article goes at once: latency is measured from its send.
    producer = source_producer(settings, **({} if rate is None else {"linger_ms": 0}))
    await producer.start()
    try:
        first = time.time()
        started = time.monotonic()
        futures = []
        for index, article in enumerate(articles):
            if rate is not None:
                delay = started + index / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            futures.append(
                await producer.send(
                    settings.topic_raw,
                    article.value,
                    key=article.key,
                    headers=[(PRODUCED_AT_HEADER, str(_now_ms()).encode())],
                )
            )
        await asyncio.gather(*futures)
        return first
    finally:
        await producer.stop()


@dataclass
class Collected:
    """What the benchmark's consumer saw of one batch of ids."""

    received_at: dict[str, float] = field(default_factory=dict)  # id -> wall time (s)
    latency_ms: dict[str, float] = field(default_factory=dict)  # id -> produce..consume
    dead_letters: int = 0
    redeliveries: int = 0
    complete: bool = False

    @property
    def last(self) -> float:
        return max(self.received_at.values()) if self.received_at else float("nan")


class Collector:
    """Reads the enriched and dead-letter topics from their current end, by assignment."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.consumer = AIOKafkaConsumer(
            **client_options(settings),
            group_id=None,
            enable_auto_commit=False,
            max_partition_fetch_bytes=MAX_MESSAGE_BYTES,
            fetch_max_wait_ms=50,
        )

    async def __aenter__(self) -> Collector:
        # The topics were created with the settings' partition count under fresh uuid names.
        tps = [
            TopicPartition(topic, partition)
            for topic in (self.settings.topic_enriched, self.settings.topic_deadletter)
            for partition in range(self.settings.partitions)
        ]
        await self.consumer.start()
        try:
            self.consumer.assign(tps)
            await self.consumer.seek_to_end(*tps)
            for tp in tps:  # resolve positions now, before anything is produced
                await self.consumer.position(tp)
        except BaseException:
            await self.consumer.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()

    async def collect(self, ids: set[str], timeout: float) -> Collected:
        out = Collected()
        deadline = time.monotonic() + timeout
        while len(out.received_at) < len(ids) and time.monotonic() < deadline:
            batch = await self.consumer.getmany(timeout_ms=100)
            now = time.time()
            for tp, records in batch.items():
                for record in records:
                    key = record.key.decode() if record.key else ""
                    if key not in ids:
                        continue
                    if key in out.received_at:
                        out.redeliveries += 1
                        continue
                    out.received_at[key] = now
                    if tp.topic == self.settings.topic_deadletter:
                        out.dead_letters += 1
                        continue
                    for name, value in record.headers or ():
                        if name == PRODUCED_AT_HEADER:
                            out.latency_ms[key] = now * 1000 - int(value)
        out.complete = len(out.received_at) == len(ids)
        return out


# --- one mode ------------------------------------------------------------------------------


@dataclass
class ModeSpec:
    kind: str  # "faust" or "peer"
    workers: int
    # The fixed-rate latency run: this fraction of the mode's measured throughput (None: none).
    latency_fraction: float | None = None
    latency_seconds: float = 10.0
    profile_dir: Path | None = None  # write a pyinstrument report per worker here
    keep_logs: bool = False  # keep the workers' logs (they are kept anyway when one failed)
    # Sample each worker with py-spy over the timed runs (raw stacks, streams.bench.budget).
    py_spy_dir: Path | None = None
    # A stage split: worker i runs only these stages (STREAMS_STAGES), one entry per worker.
    stages_per_worker: tuple[str, ...] = ()


def run_env(broker: str, run_id: str, data: Path) -> dict[str, str]:
    return {
        "STREAMS_BROKER": broker,
        "STREAMS_APP_ID": f"bench-{run_id}",
        "STREAMS_TOPIC_RAW": f"bench-raw-{run_id}",
        "STREAMS_TOPIC_SEGMENTED": f"bench-segmented-{run_id}",
        "STREAMS_TOPIC_ENRICHED": f"bench-enriched-{run_id}",
        "STREAMS_TOPIC_DEADLETTER": f"bench-deadletter-{run_id}",
        "STREAMS_DATA_DIR": str(data),
    }


async def _group_stable(settings: Settings, members: int) -> bool:
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=10000)
    try:
        await admin.start()
        for response in await admin.describe_consumer_groups([settings.app_id]):
            for group in response.groups:
                _error, _gid, state, _ptype, _protocol, group_members = group[:6]
                if state == "Stable" and len(group_members) == members:
                    return True
        return False
    except KafkaError as exc:
        # A broker that has just started has no group coordinator yet: ask again.
        logger.debug("consumer group not described yet: %s", exc)
        return False
    finally:
        await admin.close()


async def _wait_ready(settings: Settings, workers: Sequence[Worker], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    stable_since: float | None = None
    while time.monotonic() < deadline:
        for worker in workers:
            if not worker.alive():
                raise RuntimeError(
                    f"{worker.kind} worker exited ({worker.process.returncode}):\n{worker.tail()}"
                )
        if await _group_stable(settings, len(workers)):
            stable_since = stable_since or time.monotonic()
            if time.monotonic() - stable_since >= 2.0:
                return
        else:
            stable_since = None
        await asyncio.sleep(0.5)
    raise RuntimeError(
        f"the consumer group did not become stable with {len(workers)} member(s) in "
        f"{timeout:.0f}s; last log lines:\n" + "\n---\n".join(w.tail(15) for w in workers)
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


LATENCY_SETTLE_S = 5.0


def latency_summary(latencies: Sequence[float]) -> dict[str, float]:
    return {
        "count": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p90_ms": percentile(latencies, 90),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies) if latencies else float("nan"),
    }


async def _latency_run(
    settings: Settings, rate: float, seconds: float, pool: Sequence[Article]
) -> dict[str, Any]:
    """Produce at ``rate`` per second for ``seconds`` (fewer if the pool runs out); latency of
    each record from its send to the benchmark's consumer reading it enriched.

    It starts ``LATENCY_SETTLE_S`` after the throughput runs: in the first half second after
    a run at full speed, records waited 250-500 ms in a Faust worker (every run; the cause is
    not found), which alone set the p99 of a 20-second run (README, Performance).
    """
    await asyncio.sleep(LATENCY_SETTLE_S)
    count = min(len(pool), max(50, int(rate * seconds)))
    articles = pool[:count]
    async with Collector(settings) as collector:
        consuming = asyncio.create_task(
            collector.collect({a.id for a in articles}, timeout=count / rate + 120)
        )
        first = await produce(settings, articles, rate=rate)
        got = await consuming
    return {
        "rate_per_s": rate,
        "articles": count,
        "seconds": count / rate,
        "achieved_rate_per_s": count / (got.last - first) if got.complete else None,
        "complete": got.complete,
        **latency_summary(list(got.latency_ms.values())),
    }


def _start_py_spy(spec: ModeSpec, workers: Sequence[Worker]) -> list[tuple[Any, Path]]:
    if spec.py_spy_dir is None:
        return []
    spy = Path(sys.executable).with_name("py-spy")
    out = []
    for index, worker in enumerate(workers):
        path = spec.py_spy_dir / f"{spec.kind}-x{spec.workers}-worker{index}.txt"
        process = subprocess.Popen(
            [
                str(spy),
                "record",
                "--format",
                "raw",
                "--rate",
                "250",
                "--nonblocking",
                "-o",
                str(path),
                "-p",
                str(worker.process.pid),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        out.append((process, path))
    return out


def _stop_py_spy(spies: Sequence[tuple[Any, Path]]) -> list[str]:
    # py-spy writes its file on SIGINT.
    for process, _path in spies:
        process.send_signal(signal.SIGINT)
    for process, _path in spies:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    return [str(path) for _process, path in spies]


async def run_mode(
    spec: ModeSpec,
    broker: Broker,
    warmup: Sequence[Article],
    slices: Sequence[Sequence[Article]],
    latency_articles: Sequence[Article] = (),
    *,
    progress: Any = None,
) -> dict[str, Any]:
    """Start ``spec.workers`` workers of ``spec.kind``, time every slice, maybe latency."""
    say = progress or (lambda _msg: None)
    run_id = uuid.uuid4().hex[:10]
    tmp = Path(tempfile.mkdtemp(prefix=f"streams-bench-{spec.kind}-"))
    env = run_env(broker.url, run_id, tmp / "data")
    if broker.replication_factor > 1:
        env["STREAMS_REPLICATION_FACTOR"] = str(broker.replication_factor)
    settings = from_env(env)
    await ensure_topics(settings)
    # Every topic of the whole chain, tables' changelogs included, before any worker starts:
    # workers that start together (a stage split) would otherwise race to create them.
    planned = topics.plan(settings)
    await topics.create(settings, planned)
    await topics.wait_visible(settings, planned)
    workers: list[Worker] = []
    sampler: RssSampler | None = None
    result: dict[str, Any] = {"kind": spec.kind, "workers": spec.workers, "runs": []}
    try:
        started = time.monotonic()
        for index in range(spec.workers):
            worker_env = dict(
                env,
                STREAMS_WEB_PORT=str(free_port()),
                STREAMS_DATA_DIR=str(tmp / f"data-{index}"),
            )
            if spec.stages_per_worker:
                worker_env["STREAMS_STAGES"] = spec.stages_per_worker[index]
            profile = (
                spec.profile_dir / f"{spec.kind}-x{spec.workers}-worker{index}.pyisession"
                if spec.profile_dir
                else None
            )
            workers.append(
                Worker.launch(spec.kind, worker_env, tmp / f"worker-{index}.log", profile)
            )
        sampler = RssSampler(workers)
        sampler.start()
        await _wait_ready(settings, workers, timeout=120)
        async with Collector(settings) as collector:
            await produce(settings, warmup)
            got = await collector.collect({a.id for a in warmup}, timeout=120)
            if not got.complete:
                raise RuntimeError(
                    f"warm-up: {len(got.received_at)}/{len(warmup)} records came through:\n"
                    + "\n---\n".join(w.tail(15) for w in workers)
                )
        await _wait_ready(settings, workers, timeout=60)
        result["startup_s"] = time.monotonic() - started
        processes = {f"worker-{i}": w.ps for i, w in enumerate(workers)}
        for index, pid in enumerate(broker.pids):
            processes[f"broker-{index}"] = psutil.Process(pid)
        processes["benchmark (producer+consumer)"] = psutil.Process()
        spies = _start_py_spy(spec, workers)
        for number, articles in enumerate(slices, 1):
            async with Collector(settings) as collector:
                ids = {a.id for a in articles}
                before = CpuMark.take(processes)
                consuming = asyncio.create_task(collector.collect(ids, timeout=600))
                first = await produce(settings, articles)
                got = await consuming
                after = CpuMark.take(processes)
            elapsed = got.last - first
            cores = after.cores_since(before)
            worker_cores = sum(v for k, v in cores.items() if k.startswith("worker-"))
            broker_cores = sum(v for k, v in cores.items() if k.startswith("broker-"))
            run = {
                "articles": len(articles),
                "complete": got.complete,
                "received": len(got.received_at),
                "dead_letters": got.dead_letters,
                "redeliveries": got.redeliveries,
                "seconds": elapsed,
                "articles_per_s": len(articles) / elapsed if got.complete else None,
                "cores": cores,
                # CPU the workers spent per article: less sensitive to other load than rates.
                "worker_cpu_ms_per_article": 1000
                * worker_cores
                * (after.wall - before.wall)
                / len(articles),
                # Every node of a cluster; nan when the broker was not started here.
                "broker_cpu_ms_per_article": 1000
                * (broker_cores if broker.pids else float("nan"))
                * (after.wall - before.wall)
                / len(articles),
                "latency_under_load": latency_summary(list(got.latency_ms.values())),
            }
            result["runs"].append(run)
            say(
                f"  {spec.kind} x{spec.workers} run {number}/{len(slices)}: "
                + (
                    f"{run['articles_per_s']:.1f} articles/s"
                    if got.complete
                    else f"incomplete ({run['received']}/{len(articles)})"
                )
            )
        result["py_spy"] = _stop_py_spy(spies)
        rates = [r["articles_per_s"] for r in result["runs"] if r["articles_per_s"]]
        if spec.latency_fraction and latency_articles and rates:
            rate = spec.latency_fraction * statistics.median(rates)
            result["latency"] = await _latency_run(
                settings, rate, spec.latency_seconds, latency_articles
            )
            say(
                f"  {spec.kind} x{spec.workers} latency at {rate:.0f}/s: "
                f"p50 {result['latency']['p50_ms']:.0f} ms, "
                f"p99 {result['latency']['p99_ms']:.0f} ms"
            )
        result["torch_loaded"] = any(w.modules_mapped("torch") for w in workers)
    finally:
        if sampler is not None:
            sampler.stop()
        for worker in workers:
            worker.stop()
        result["rss_peak_mb"] = [round(w.rss_peak / 2**20, 1) for w in workers]
        result["logs"] = [str(w.log) for w in workers]
        if not spec.keep_logs and all(
            w.process.returncode in (0, -signal.SIGTERM) for w in workers
        ):
            shutil.rmtree(tmp, ignore_errors=True)
    rates = [r["articles_per_s"] for r in result["runs"] if r["articles_per_s"]]
    result["articles_per_s"] = statistics.median(rates) if rates else None
    return result
