"""The processes of a streamed benchmark run: the broker, the workers under test (Faust, the
plain aiokafka peer or the Quix Streams peer), and how their memory and CPU are sampled."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from streams.bench import quix_env
from streams.kafka_local import (
    BrokerConfig,
    ClusterConfig,
    free_port_block,
    read_pid,
    start,
    start_cluster,
    stop,
    stop_cluster,
)
from streams.settings import from_env
from streams.subprocesses import spawn, terminate

logger = logging.getLogger(__name__)


WORKER_COMMANDS = {
    "faust": ["-m", "streams.cli", "worker", "--loglevel", "info"],
    "peer": ["-m", "streams.bench.peer"],
    # Runs in its own venv (streams.bench.quix_env), created on first use.
    "quix": ["-m", "streams.bench.quix_peer"],
    # The per-message floor (streams.bench.floor): forwarders with no work of their own.
    "faust-forward": ["-m", "faust", "-A", "streams.bench.forward_faust", "worker", "-l", "warn"],
    "peer-forward": ["-m", "streams.bench.floor"],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the broker ----------------------------------------------------------------------------


@dataclass
class Broker:
    """The broker under test: one this benchmark started (and stops), or one it was given;
    ``nodes`` > 1: a local KRaft cluster, every topic replicated to all of its nodes."""

    url: str
    pids: tuple[int, ...] = ()
    config: BrokerConfig | None = None
    cluster: ClusterConfig | None = None
    tmp: Path | None = None

    @property
    def pid(self) -> int | None:
        return self.pids[0] if self.pids else None

    @property
    def replication_factor(self) -> int:
        return self.cluster.nodes if self.cluster is not None else 1

    @classmethod
    def launch(cls, nodes: int = 1) -> Broker:
        tmp = Path(tempfile.mkdtemp(prefix="streams-bench-kafka-"))
        if nodes > 1:
            cluster = ClusterConfig(data_dir=tmp, port=free_port_block(2 * nodes), nodes=nodes)
            pids = start_cluster(cluster)
            url = ";".join(f"kafka://{host}" for host in cluster.bootstrap.split(","))
            return cls(url, tuple(pids.values()), cluster=cluster, tmp=tmp)
        config = BrokerConfig(data_dir=tmp, port=free_port(), controller_port=free_port())
        pid = start(config)
        return cls(f"kafka://127.0.0.1:{config.port}", (pid,), config, tmp=tmp)

    @classmethod
    def given(cls, url: str) -> Broker:
        return cls(url if "://" in url else f"kafka://{url}")

    def close(self) -> None:
        if self.cluster is not None:
            stop_cluster(self.cluster)
        if self.config is not None and read_pid(self.config):
            stop(self.config)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)


# --- worker processes ----------------------------------------------------------------------


@dataclass
class Worker:
    kind: str
    process: subprocess.Popen[bytes]
    log: Path
    ps: psutil.Process
    rss_peak: int = 0

    @classmethod
    def launch(
        cls, kind: str, env: dict[str, str], log: Path, profile: Path | None = None
    ) -> Worker:
        # pyinstrument writes its session when the worker exits (after SIGTERM); read it with
        # `pyinstrument --load FILE` (add --show-all to see inside Faust and aiokafka).
        profiler = ["-m", "pyinstrument", "-r", "pyisession", "-o", str(profile)] if profile else []
        python = None
        if kind == "quix":
            quix = quix_env.ensure(from_env({**os.environ, **env}).cache_root)
            python, env = str(quix.python), {**env, **quix.env()}
        process = spawn([*profiler, *WORKER_COMMANDS[kind]], env, log, python)
        return cls(kind, process, log, psutil.Process(process.pid))

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def modules_mapped(self, name: str) -> bool:
        """Whether a shared library with ``name`` in its path is mapped (e.g. libtorch)."""
        try:
            return any(name in m.path for m in self.ps.memory_maps(grouped=True))
        except (psutil.Error, OSError):
            return False

    def stop(self, timeout: float = 30.0) -> None:
        terminate(self.process, timeout)


class RssSampler(threading.Thread):
    """Samples the workers' resident memory every ``interval`` seconds; keeps each one's peak."""

    def __init__(self, workers: Sequence[Worker], interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.workers = list(workers)
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            for worker in self.workers:
                with contextlib.suppress(psutil.Error):
                    worker.rss_peak = max(worker.rss_peak, worker.ps.memory_info().rss)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(5)


@dataclass
class CpuMark:
    """CPU seconds of the processes of interest and of the whole machine, at one moment."""

    wall: float
    per_process: dict[str, float]
    machine_busy: float

    @classmethod
    def take(cls, processes: dict[str, psutil.Process]) -> CpuMark:
        per: dict[str, float] = {}
        for name, proc in processes.items():
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                per[name] = times.user + times.system
        machine = psutil.cpu_times()
        busy = machine.user + machine.system + machine.nice + getattr(machine, "irq", 0.0)
        busy += getattr(machine, "softirq", 0.0) + getattr(machine, "steal", 0.0)
        return cls(time.monotonic(), per, busy)

    def cores_since(self, earlier: CpuMark) -> dict[str, float]:
        """Average cores each process (and the machine) used between two marks."""
        wall = self.wall - earlier.wall
        if wall <= 0:
            return {}
        out = {
            name: (cpu - earlier.per_process[name]) / wall
            for name, cpu in self.per_process.items()
            if name in earlier.per_process
        }
        out["machine (all processes)"] = (self.machine_busy - earlier.machine_busy) / wall
        return out


# --- producing and consuming ---------------------------------------------------------------
