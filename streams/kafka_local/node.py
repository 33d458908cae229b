"""One local Kafka node (combined broker + KRaft controller) as a background process.

A node is prepared (configuration written, storage formatted once) and launched without
waiting; :func:`start` waits for a standalone node, :mod:`.cluster` waits for all nodes of a
cluster together, since no node of a three-voter quorum answers before a majority is up.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from .config import (
    BrokerConfig,
    check_user,
    log4j_properties,
    properties_text,
    server_properties,
)
from .jars import LocalKafkaError, kafka_version, require_java, resolve_classpath
from .tls import ensure_tls

logger = logging.getLogger(__name__)


def new_cluster_id() -> str:
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def read_pid(cfg: BrokerConfig) -> int | None:
    try:
        pid = int(cfg.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    # A recycled pid belongs to some other program; ours runs kafka.Kafka.
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid
    return pid if b"kafka.Kafka" in cmdline else None


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


async def _answers_metadata(bootstrap: str) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await admin.start()
        await admin.list_topics()
        return True
    except Exception:
        return False
    finally:
        await admin.close()


def broker_ready(port: int) -> bool:
    return port_open(port) and asyncio.run(_answers_metadata(f"127.0.0.1:{port}"))


def _storage_arguments(cfg: BrokerConfig, props: Path, cluster_id: str) -> list[str]:
    arguments = [
        "kafka.tools.StorageTool",
        "format",
        # One argument with "=": a base64 id may start with "-", which argparse takes for an option.
        f"--cluster-id={cluster_id}",
        "-c",
        str(props),
    ]
    if not cfg.voters:
        arguments.append("--standalone")
    for user, password in cfg.sasl_users:
        for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512"):
            arguments += ["--add-scram", f"{mechanism}=[name={user},password={password}]"]
    return arguments


def _argfile_line(argument: str) -> str:
    # The java launcher's @argfile syntax: quote every argument, escape \ and ".
    return '"' + argument.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_storage(
    cfg: BrokerConfig, java: str, classpath: str, props: Path, cluster_id: str
) -> None:
    """Format the node's KRaft storage once; SCRAM users are stored now. The passwords reach
    the tool in a 0600 @argfile, never on a command line other users could read."""
    if (cfg.data_dir / "kraft" / "meta.properties").exists():
        return
    arguments = _storage_arguments(cfg, props, cluster_id)
    with tempfile.NamedTemporaryFile(
        "w", dir=cfg.data_dir, prefix=".format-", suffix=".args", encoding="utf-8", delete=False
    ) as argfile:
        os.chmod(argfile.name, 0o600)
        argfile.write("\n".join(_argfile_line(a) for a in arguments) + "\n")
    command = [
        java,
        "-cp",
        classpath,
        f"-Dlog4j2.configurationFile={cfg.data_dir / 'log4j2.properties'}",
        f"@{argfile.name}",
    ]
    # Java decodes the argfile (the SCRAM passwords) with the locale's charset.
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        proc = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    finally:
        Path(argfile.name).unlink(missing_ok=True)
    if proc.returncode != 0:
        output = proc.stdout + proc.stderr
        for _user, password in cfg.sasl_users:
            output = output.replace(password, "********")
        raise LocalKafkaError(f"formatting KRaft storage failed:\n{output[-2000:]}")


def prepare(cfg: BrokerConfig, java: str, classpath: str, cluster_id: str) -> None:
    """Write the node's configuration and format its storage (first time only)."""
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    cfg.log_file.parent.mkdir(parents=True, exist_ok=True)
    if (cfg.sasl_port or cfg.sasl_ssl_port) and not cfg.sasl_users:
        raise LocalKafkaError("a SASL listener needs at least one user (name, password)")
    for user, password in cfg.sasl_users:
        check_user(user, password)
    keystore_password = ensure_tls(cfg, java) if cfg.ssl_port or cfg.sasl_ssl_port else None
    props = cfg.data_dir / "server.properties"
    props.touch(mode=0o600)
    props.chmod(0o600)  # it holds the SASL users' passwords and the keystore's
    props.write_text(properties_text(server_properties(cfg, keystore_password)))
    (cfg.data_dir / "log4j2.properties").write_text(log4j_properties(cfg))
    format_storage(cfg, java, classpath, props, cluster_id)


def launch(cfg: BrokerConfig, java: str, classpath: str) -> subprocess.Popen[bytes]:
    """Start the prepared node in the background (its own session); does not wait."""
    if port_open(cfg.port):
        raise LocalKafkaError(f"port {cfg.port} is already in use by another program")
    stdout = open(cfg.data_dir / "logs" / "stdout.log", "ab")  # noqa: SIM115 - owned by the child
    with contextlib.closing(stdout):
        proc = subprocess.Popen(
            [
                java,
                "-Xms256m",
                f"-Xmx{cfg.heap}",
                "-XX:+UseG1GC",
                "-Djava.awt.headless=true",
                f"-Dlog4j2.configurationFile={cfg.data_dir / 'log4j2.properties'}",
                "-cp",
                classpath,
                "kafka.Kafka",
                str(cfg.data_dir / "server.properties"),
            ],
            stdout=stdout,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=cfg.data_dir,
        )
    cfg.pid_file.write_text(str(proc.pid))
    return proc


def wait_ready(nodes: list[tuple[BrokerConfig, subprocess.Popen[bytes]]], timeout: float) -> None:
    """Wait until every node answers a metadata request; stop them all if one dies or time
    runs out, with the last log lines of the one that failed."""
    deadline = time.monotonic() + timeout
    waiting = list(nodes)
    while waiting and time.monotonic() < deadline:
        for cfg, proc in list(waiting):
            if proc.poll() is not None:
                cfg.pid_file.unlink(missing_ok=True)
                for other, _ in nodes:
                    stop(other)
                raise LocalKafkaError(
                    f"the broker on port {cfg.port} exited with code {proc.returncode}; "
                    f"last log lines:\n{tail(cfg.log_file)}"
                )
            if broker_ready(cfg.port):
                logger.info("Kafka %s node %s ready on 127.0.0.1:%s (pid %s)",
                            kafka_version(), cfg.node_id, cfg.port, proc.pid)  # fmt: skip
                waiting.remove((cfg, proc))
        if waiting:
            time.sleep(0.5)
    if waiting:
        for cfg, _ in nodes:
            stop(cfg)
        cfg = waiting[0][0]
        raise LocalKafkaError(
            f"the broker on port {cfg.port} did not become ready in {timeout:.0f}s; "
            f"last log lines:\n{tail(cfg.log_file)}"
        )


def start(cfg: BrokerConfig, *, timeout: float = 90.0) -> int:
    """Start a standalone node and wait until it serves requests; returns its pid."""
    running = read_pid(cfg)
    if running:
        if broker_ready(cfg.port):
            logger.info("Kafka already running (pid %s) on 127.0.0.1:%s", running, cfg.port)
            return running
        raise LocalKafkaError(
            f"a broker process {running} exists but does not answer on {cfg.port}"
        )
    if port_open(cfg.port):
        raise LocalKafkaError(f"port {cfg.port} is already in use by another program")
    java = require_java()
    classpath = resolve_classpath()
    prepare(cfg, java, classpath, new_cluster_id())
    proc = launch(cfg, java, classpath)
    wait_ready([(cfg, proc)], timeout)
    return proc.pid


def stop(cfg: BrokerConfig, *, timeout: float = 30.0, kill: bool = False) -> bool:
    """Controlled shutdown (SIGTERM), SIGKILL after ``timeout`` (at once with ``kill``);
    False if nothing was running."""
    return stop_all([cfg], timeout=timeout, kill=kill) == [cfg]


def stop_all(
    nodes: list[BrokerConfig], *, timeout: float = 30.0, kill: bool = False
) -> list[BrokerConfig]:
    """Signal every node first, then wait: the last node of a quorum stopped on its own could
    not finish a controlled shutdown. Returns the nodes that were running."""
    running = {}
    for cfg in nodes:
        pid = read_pid(cfg)
        if pid is None:
            cfg.pid_file.unlink(missing_ok=True)
        else:
            os.kill(pid, signal.SIGKILL if kill else signal.SIGTERM)
            running[pid] = cfg
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(read_pid(c) for c in running.values()):
        time.sleep(0.2)
    for pid, cfg in running.items():
        if read_pid(cfg) is not None:
            logger.warning("broker %s did not stop in %.0fs; killing it", pid, timeout)
            os.kill(pid, signal.SIGKILL)
        cfg.pid_file.unlink(missing_ok=True)
    return list(running.values())


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
