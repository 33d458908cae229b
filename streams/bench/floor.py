"""The per-message floor: the CPU a Faust agent and a plain aiokafka loop spend to forward one
message, with no work of their own.

Each run gets fresh uuid topics, fills the input with ``messages`` 1 KB messages, then starts
one forwarder (:mod:`streams.bench.forward_faust`, or :func:`forward` here, which is what
``python -m streams.bench.floor`` runs) and reads the output until every message is there.
Timed from the first output message to the last, so start-up is left out; the forwarder's CPU
is measured over the same window. The pipeline makes two hops per article, so twice the Faust
floor is the least the streamed pipeline can cost per article beyond its stages.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from streams.bench.peer import producer_settings
from streams.bench.processes import Broker, Worker
from streams.bench.streamed import run_env
from streams.kafka_client import client_options, ensure_topics, source_producer
from streams.settings import Settings, from_env, get_settings

KINDS = ("faust-forward", "peer-forward")
PAYLOAD = b"x" * 1000
FIRST_BATCH = 100


async def forward(settings: Settings, stop: asyncio.Event) -> None:
    """Consume the input, send every message on unchanged; commit each batch once sent."""
    options = client_options(settings)
    producer = AIOKafkaProducer(**options, **producer_settings(settings))
    consumer = AIOKafkaConsumer(
        settings.topic_raw,
        **options,
        group_id=settings.app_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await producer.start()
    await consumer.start()
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=200, max_records=500)
            sent = [
                await producer.send(settings.topic_enriched, record.value, key=record.key)
                for records in batch.values()
                for record in records
            ]
            if sent:
                await asyncio.gather(*sent)
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


async def _fill(settings: Settings, messages: int) -> None:
    await ensure_topics(settings, [settings.topic_raw, settings.topic_enriched])
    producer = source_producer(settings)
    await producer.start()
    try:
        sent = [
            await producer.send(settings.topic_raw, PAYLOAD, key=str(i).encode())
            for i in range(messages)
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def measure(
    broker: Broker, kind: str, messages: int, timeout: float = 300.0
) -> dict[str, Any]:
    """One run: fill, start the forwarder, time the output from its first message to its last."""
    if messages <= FIRST_BATCH:
        raise ValueError(f"time more than {FIRST_BATCH} messages")
    run_id = uuid.uuid4().hex[:10]
    tmp = Path(tempfile.mkdtemp(prefix=f"streams-bench-{kind}-"))
    env = run_env(broker.url, run_id, tmp / "data")
    settings = from_env(env)
    await _fill(settings, messages)
    consumer = AIOKafkaConsumer(
        settings.topic_enriched, **client_options(settings), auto_offset_reset="earliest"
    )
    await consumer.start()
    worker = Worker.launch(kind, env, tmp / "worker.log")
    try:
        received, first, started = 0, 0, time.monotonic()
        cpu_at_first = 0.0
        while received < messages:
            if time.monotonic() - started > timeout or not worker.alive():
                raise RuntimeError(f"{kind}: {received}/{messages} forwarded\n{worker.tail(20)}")
            # Small batches: the first one, which starts the clock, never holds every message.
            batch = await consumer.getmany(timeout_ms=500, max_records=FIRST_BATCH)
            count = sum(len(records) for records in batch.values())
            if count and not received:
                first, at_first = count, time.monotonic()
                cpu_at_first = _cpu(worker.ps)
            received += count
        seconds = time.monotonic() - at_first
        cpu = _cpu(worker.ps) - cpu_at_first
    finally:
        await consumer.stop()
        worker.stop()
    timed = messages - first
    return {
        "messages": timed,
        "seconds": seconds,
        "messages_per_s": timed / seconds,
        "worker_cpu_us_per_message": 1e6 * cpu / timed,
    }


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def run_floor(
    broker: Broker, *, repeats: int, messages: int, progress: Callable[[str], None]
) -> dict[str, Any]:
    out: dict[str, Any] = {"messages_per_run": messages, "payload_bytes": len(PAYLOAD)}
    for kind in KINDS:
        runs = []
        for number in range(1, repeats + 1):
            run = await measure(broker, kind, messages)
            runs.append(run)
            progress(
                f"  {kind} run {number}/{repeats}: {run['messages_per_s']:,.0f} messages/s, "
                f"{run['worker_cpu_us_per_message']:.0f} us CPU per message"
            )
        out[kind] = {
            "runs": runs,
            "messages_per_s": statistics.median(r["messages_per_s"] for r in runs),
            "worker_cpu_us_per_message": statistics.median(
                r["worker_cpu_us_per_message"] for r in runs
            ),
        }
    return out


def main() -> None:
    stop = asyncio.Event()

    async def run() -> None:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal.SIGTERM, stop.set)
        await forward(get_settings(), stop)

    asyncio.run(run())


if __name__ == "__main__":
    main()
