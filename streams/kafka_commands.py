"""``streams kafka``: a local Apache Kafka of one or several KRaft nodes, for trying things out
and for the tests. Secrets never go on a command line: SASL passwords come from a file or the
environment (``STREAMS_KAFKA_PASSWORD``)."""

from __future__ import annotations

import stat
import sys
import time
from pathlib import Path

import click

from .cli_common import _fail, _settings
from .kafka_local import ClusterConfig


def _cluster(port: int, data_dir: str | None, nodes: int | None = None) -> ClusterConfig:
    from .kafka_local import LocalKafkaError

    base = Path(data_dir) if data_dir else _settings().data_dir / f"kafka-{port}"
    try:
        return ClusterConfig.load(base.resolve(), port, nodes)
    except LocalKafkaError as exc:
        _fail(str(exc))


@click.group()
def kafka() -> None:
    """A local Apache Kafka (KRaft) from the official Maven Central jars: one node or several."""


_port = click.option(
    "--port", default=9092, show_default=True, help="first node's port on 127.0.0.1"
)
_data_dir = click.option(
    "--data-dir", default=None, help="broker data and logs [default: $STREAMS_DATA_DIR/kafka-PORT]"
)
_node = click.option("--node", type=int, default=None, help="only this node (1..N) of a cluster")


@kafka.command("start")
@_port
@_data_dir
@click.option(
    "--nodes",
    type=click.IntRange(1, 9),
    default=None,
    help="cluster size: nodes on consecutive ports from --port [default: 1, or as started]",
)
@_node
@click.option(
    "--controller-port", type=int, default=None, help="KRaft controller port [default: PORT+1]"
)
@click.option("--sasl-port", type=int, default=None, help="also a SASL_PLAINTEXT listener")
@click.option(
    "--ssl-port", type=int, default=None, help="also a TLS listener (certificate from a local CA)"
)
@click.option("--sasl-ssl-port", type=int, default=None, help="also a SASL_SSL listener")
@click.option(
    "--user",
    "users",
    multiple=True,
    metavar="NAME",
    help="SASL user (PLAIN, SCRAM-SHA-256/512); password from --users-file or, for "
    "$STREAMS_KAFKA_USERNAME, $STREAMS_KAFKA_PASSWORD [default: $STREAMS_KAFKA_USERNAME]",
)
@click.option(
    "--users-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="NAME:PASSWORD lines (keep it mode 0600)",
)
def kafka_start(
    port: int,
    data_dir: str | None,
    nodes: int | None,
    node: int | None,
    controller_port: int | None,
    sasl_port: int | None,
    ssl_port: int | None,
    sasl_ssl_port: int | None,
    users: tuple[str, ...],
    users_file: Path | None,
) -> None:
    """Start the broker(s) in the background; returns once every node answers (and, with
    several nodes, the controller quorum has a leader).

    With --sasl-port, --ssl-port or --sasl-ssl-port a single node also listens with Kafka
    security, to try the STREAMS_KAFKA_* settings locally. SCRAM users are stored when the data
    directory is first formatted.
    """
    from dataclasses import replace

    from .kafka_local import BrokerConfig, LocalKafkaError, kafka_version, start_cluster

    cluster = _cluster(port, data_dir, nodes)
    secured = {"SASL_PLAINTEXT": sasl_port, "SSL": ssl_port, "SASL_SSL": sasl_ssl_port}
    if cluster.nodes > 1 and (any(secured.values()) or controller_port):
        _fail("secured listeners and --controller-port are for a single node")
    sasl_users = _sasl_users(users, users_file) if sasl_port or sasl_ssl_port else ()
    template = BrokerConfig(
        data_dir=cluster.data_dir,
        controller_port=controller_port,
        sasl_port=sasl_port,
        ssl_port=ssl_port,
        sasl_ssl_port=sasl_ssl_port,
        sasl_users=sasl_users,
    )
    cluster = replace(cluster, template=template)
    started = time.monotonic()
    try:
        pids = start_cluster(cluster, only=node)
    except LocalKafkaError as exc:
        _fail(str(exc))
    for node_id, pid in pids.items():
        click.echo(
            f"Apache Kafka {kafka_version()} node {node_id} ready on "
            f"127.0.0.1:{cluster.node(node_id).port} (pid {pid}); "
            f"logs: {cluster.node(node_id).log_file}"
        )
    click.echo(f"ready in {time.monotonic() - started:.1f}s")
    for protocol, listener in secured.items():
        if listener:
            click.echo(f"  {protocol} on 127.0.0.1:{listener}")
    if ssl_port or sasl_ssl_port:
        click.echo(f"  CA certificate (STREAMS_KAFKA_CA_FILE): {cluster.node(1).ca_file}")
    if sasl_users:
        click.echo(f"  SASL users: {', '.join(name for name, _ in sasl_users)}")
    click.echo(f"bootstrap: {cluster.bootstrap}")
    click.echo(f"  export STREAMS_BROKER=kafka://{cluster.bootstrap.replace(',', ';kafka://')}")


def _read_users_file(path: Path) -> dict[str, str]:
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        click.secho(f"warning: {path} is readable by others; chmod 600 it", fg="yellow", err=True)
    users = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, password = line.partition(":")
        if not sep or not name.strip() or not password:
            _fail(f"{path}:{number}: lines are NAME:PASSWORD, both non-empty")
        users[name.strip()] = password
    return users


def _sasl_users(names: tuple[str, ...], users_file: Path | None) -> tuple[tuple[str, str], ...]:
    if any(":" in name for name in names):
        _fail("--user takes a NAME only; give passwords in --users-file or STREAMS_KAFKA_PASSWORD")
    known = _read_users_file(users_file) if users_file else {}
    settings = _settings()
    if settings.kafka_username and settings.password:
        known.setdefault(settings.kafka_username, settings.password)
    wanted = (
        names or tuple(known) or ((settings.kafka_username,) if settings.kafka_username else ())
    )
    if not wanted:
        _fail("a SASL listener needs users: --users-file, or STREAMS_KAFKA_USERNAME/_PASSWORD")
    missing = [name for name in wanted if name not in known]
    if missing:
        _fail(f"no password for SASL user(s) {', '.join(missing)} in --users-file or env")
    return tuple((name, known[name]) for name in wanted)


@kafka.command("stop")
@_port
@_data_dir
@_node
@click.option("--kill", is_flag=True, help="SIGKILL instead of a controlled shutdown")
def kafka_stop(port: int, data_dir: str | None, node: int | None, kill: bool) -> None:
    """Stop every node (or one with --node)."""
    from .kafka_local import LocalKafkaError, stop_cluster

    cluster = _cluster(port, data_dir)
    try:
        stopped = stop_cluster(cluster, only=node, kill=kill)
    except LocalKafkaError as exc:
        _fail(str(exc))
    if stopped:
        click.echo("stopped node(s) " + ", ".join(map(str, stopped)))
    else:
        click.echo(f"no broker running from {cluster.data_dir}")


@kafka.command("status")
@_port
@_data_dir
def kafka_status(port: int, data_dir: str | None) -> None:
    """Each node and the controller quorum; exit status 0 when every node answers, else 3."""
    from .kafka_local import node_status, quorum_leader

    cluster = _cluster(port, data_dir)
    nodes = node_status(cluster)
    for entry in nodes:
        state = "running" if entry.answering else "not answering" if entry.pid else "stopped"
        pid = f" (pid {entry.pid})" if entry.pid else ""
        click.echo(f"node {entry.node_id} on 127.0.0.1:{entry.port}: {state}{pid}")
    if cluster.nodes > 1:
        leader = quorum_leader(cluster)
        up = sum(entry.answering for entry in nodes)
        click.echo(
            f"controller quorum: {up} of {cluster.nodes} voters up, "
            + (f"leader node {leader}" if leader else "no leader")
        )
    click.echo(f"bootstrap: {cluster.bootstrap}; logs: {cluster.node(1).log_file}")
    if not all(entry.answering for entry in nodes):
        sys.exit(3)
