"""The real local Apache Kafka broker and worker processes for integration tests.

The broker comes from ``STREAMS_TEST_BROKER`` (``make test`` / ``.ci/run`` start one), or this
session starts its own on a free port. Every test gets uuid-named topics and app id, so tests
never see each other's messages or consumer groups.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from streams.consume import consume_records
from streams.kafka_client import client_options, ensure_topics
from streams.kafka_local import BrokerConfig, start, stop
from streams.produce import produce_messages
from streams.settings import Settings, from_env
from streams.subprocesses import spawn, terminate

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A module-level pytestmark in a conftest marks nothing: every test under this folder
    # talks to the broker, so every one is marked here (`-m "not integration"` skips them).
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.integration)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports (held open together, so none is handed out twice)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


def terminal_summary(request: pytest.FixtureRequest, title: str) -> Iterator[list[str]]:
    """A module's figure lines, shown in pytest's terminal summary even without -s; a module
    fixture yields from it."""
    lines: list[str] = []
    yield lines
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if terminal is None or capture is None or not lines:
        return
    with capture.global_and_fixture_disabled():
        terminal.write_line("")
        terminal.write_sep("-", title)
        for line in lines:
            terminal.write_line(line)


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("STREAMS_TEST_BROKER")
    if given:
        yield given
        return
    cfg = BrokerConfig(data_dir=tmp_path_factory.mktemp("kafka"), port=free_port())
    start(cfg)
    try:
        yield f"kafka://127.0.0.1:{cfg.port}"
    finally:
        stop(cfg)


@dataclass
class Pipeline:
    """One isolated pipeline: its own topics, app id and data dir on the shared broker."""

    env: dict[str, str]
    tmp: Path
    workers: list[WorkerProcess] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return from_env(self.env)

    def produce(self, paths: list[str]) -> int:
        """Send files/folders to the raw topic as `streams produce` does; returns how many."""
        return asyncio.run(
            produce_messages(self.settings, paths, self.settings.topic_raw, progress=False)
        )

    def send(self, messages: list[tuple[bytes | None, bytes, int | None]]) -> None:
        """Send (key, value, partition) messages to the raw topic, one by one, acknowledged."""

        async def run() -> None:
            await ensure_topics(self.settings)
            producer = AIOKafkaProducer(**client_options(self.settings))
            await producer.start()
            try:
                for key, value, partition in messages:
                    await producer.send_and_wait(
                        self.settings.topic_raw, value, key=key, partition=partition
                    )
            finally:
                await producer.stop()

        asyncio.run(run())

    def consume(
        self, limit: int, *, topic: str | None = None, timeout: float = 120
    ) -> list[dict[str, Any]]:
        """Records of a topic (default: enriched) from the beginning, up to ``limit``; stops
        after ``timeout`` seconds without a new record."""
        values: list[bytes] = []
        asyncio.run(
            consume_records(
                self.settings,
                topic or self.settings.topic_enriched,
                values.append,
                from_beginning=True,
                limit=limit,
                idle_timeout=timeout,
            )
        )
        return [orjson.loads(value) for value in values]

    def start_worker(self, *, stages: str | None = None) -> WorkerProcess:
        env = dict(self.env, STREAMS_WEB_PORT=str(free_port()))
        if stages:
            env["STREAMS_STAGES"] = stages
        worker = WorkerProcess.launch(env, self.tmp / f"worker-{len(self.workers)}.log")
        self.workers.append(worker)
        return worker


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log: Path
    web_port: int

    @classmethod
    def launch(cls, env: dict[str, str], log: Path) -> WorkerProcess:
        process = spawn(["-m", "streams.cli", "worker", "--loglevel", "info"], env, log)
        return cls(process, log, int(env["STREAMS_WEB_PORT"]))

    def stop(self, timeout: float = 30.0) -> int:
        return terminate(self.process, timeout)

    def kill(self) -> int:
        """SIGKILL: no shutdown code runs, as when a machine or container dies."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        return self.process.returncode

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_healthy(self, timeout: float = 120.0) -> None:
        """Until /health says 200: partitions assigned and tables recovered."""
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.web_port}/health"
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.tail()
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"worker not healthy after {timeout:.0f} s\n{self.tail()}")


def run_env(broker: str, data_dir: Path) -> dict[str, str]:
    """Settings of a pipeline of its own: uuid-named app (consumer group) and topics."""
    run = uuid.uuid4().hex[:10]
    return {
        "STREAMS_BROKER": broker,
        "STREAMS_APP_ID": f"test-{run}",
        "STREAMS_TOPIC_RAW": f"raw-{run}",
        "STREAMS_TOPIC_SEGMENTED": f"segmented-{run}",
        "STREAMS_TOPIC_ENRICHED": f"enriched-{run}",
        "STREAMS_TOPIC_DEADLETTER": f"deadletter-{run}",
        "STREAMS_DATA_DIR": str(data_dir),
    }


@pytest.fixture
def pipeline(broker: str, tmp_path: Path) -> Iterator[Pipeline]:
    pipe = Pipeline(env=run_env(broker, tmp_path / "data"), tmp=tmp_path)
    try:
        yield pipe
    finally:
        for worker in pipe.workers:
            worker.stop()
