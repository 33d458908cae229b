"""The ``streams`` command."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
import orjson
from aiokafka.errors import KafkaConnectionError

from .settings import Settings, SettingsError, get_settings
from .stages import stage_names, stages_help

if TYPE_CHECKING:
    from .kafka_local import BrokerConfig

logger = logging.getLogger(__name__)


def _fail(message: str) -> NoReturn:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(1)


def _kafka_problem(settings: Settings) -> str | None:
    """Why Kafka cannot be reached with these settings (credentials, TLS, address), or None."""
    from .kafka_check import connection_problem

    return asyncio.run(connection_problem(settings))


def _settings() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        _fail(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-l",
    "--loglevel",
    default="warning",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
def main(loglevel: str) -> None:
    """Arabic news stream processor: Faust agents on Apache Kafka."""
    logging.basicConfig(level=loglevel.upper(), format="%(levelname)s %(name)s: %(message)s")


# --- local Kafka -------------------------------------------------------------------------


@main.group()
def kafka() -> None:
    """A local single-node Apache Kafka (KRaft) from the official Maven Central jars."""


def _broker_config(port: int, data_dir: str | None) -> BrokerConfig:
    from .kafka_local import BrokerConfig

    base = Path(data_dir) if data_dir else _settings().data_dir / f"kafka-{port}"
    return BrokerConfig(data_dir=base.resolve(), port=port)


_port = click.option("--port", default=9092, show_default=True, help="broker port on 127.0.0.1")
_data_dir = click.option(
    "--data-dir", default=None, help="broker data and logs [default: $STREAMS_DATA_DIR/kafka-PORT]"
)


@kafka.command("start")
@_port
@_data_dir
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
    metavar="NAME:PASSWORD",
    help="SASL user (PLAIN, SCRAM-SHA-256/512) [default: $STREAMS_KAFKA_USERNAME/_PASSWORD]",
)
def kafka_start(
    port: int,
    data_dir: str | None,
    controller_port: int | None,
    sasl_port: int | None,
    ssl_port: int | None,
    sasl_ssl_port: int | None,
    users: tuple[str, ...],
) -> None:
    """Start the broker in the background; returns once it accepts connections.

    With --sasl-port, --ssl-port or --sasl-ssl-port it also listens with Kafka security, to try
    the STREAMS_KAFKA_* settings locally. SCRAM users are stored when the data directory is
    first formatted.
    """
    from dataclasses import replace

    from .kafka_local import LocalKafkaError, kafka_version, start

    sasl_users = _sasl_users(users) if sasl_port or sasl_ssl_port else ()
    cfg = replace(
        _broker_config(port, data_dir),
        controller_port=controller_port,
        sasl_port=sasl_port,
        ssl_port=ssl_port,
        sasl_ssl_port=sasl_ssl_port,
        sasl_users=sasl_users,
    )
    started = time.monotonic()
    try:
        pid = start(cfg)
    except LocalKafkaError as exc:
        _fail(str(exc))
    click.echo(
        f"Apache Kafka {kafka_version()} ready on 127.0.0.1:{port} (pid {pid}, "
        f"{time.monotonic() - started:.1f}s); logs: {cfg.log_file}"
    )
    secured = {"SASL_PLAINTEXT": sasl_port, "SSL": ssl_port, "SASL_SSL": sasl_ssl_port}
    for protocol, listener in secured.items():
        if listener:
            click.echo(f"  {protocol} on 127.0.0.1:{listener}")
    if ssl_port or sasl_ssl_port:
        click.echo(f"  CA certificate (STREAMS_KAFKA_CA_FILE): {cfg.ca_file}")
    if sasl_users:
        click.echo(f"  SASL users: {', '.join(name for name, _ in sasl_users)}")


def _sasl_users(given: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    users = []
    for entry in given:
        name, sep, password = entry.partition(":")
        if not sep or not name or not password:
            _fail("--user takes NAME:PASSWORD, both non-empty")
        users.append((name, password))
    if not users:
        settings = _settings()
        if not (settings.kafka_username and settings.password):
            _fail("a SASL listener needs --user NAME:PASSWORD or STREAMS_KAFKA_USERNAME/_PASSWORD")
        users.append((settings.kafka_username, settings.password))
    return tuple(users)


@kafka.command("stop")
@_port
@_data_dir
def kafka_stop(port: int, data_dir: str | None) -> None:
    """Shut the broker down cleanly."""
    from .kafka_local import stop

    cfg = _broker_config(port, data_dir)
    click.echo("stopped" if stop(cfg) else f"no broker running from {cfg.data_dir}")


@kafka.command("status")
@_port
@_data_dir
def kafka_status(port: int, data_dir: str | None) -> None:
    """Say whether the broker runs (exit status 0) or not (3)."""
    from .kafka_local import broker_ready, read_pid

    cfg = _broker_config(port, data_dir)
    pid = read_pid(cfg)
    if pid and broker_ready(port):
        click.echo(f"running (pid {pid}) on 127.0.0.1:{port}; logs: {cfg.log_file}")
        return
    click.echo(
        f"not running on 127.0.0.1:{port}" + (f" (process {pid} not answering)" if pid else "")
    )
    sys.exit(3)


# --- worker ------------------------------------------------------------------------------


class _StagesHelp(click.Option):
    """``--stages`` help read from the registry when shown (a registered stage appears)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self.help = (
            "comma-separated stages this worker runs "
            f"[default: all: {','.join(stage_names())}] ({stages_help()})"
        )
        return super().get_help_record(ctx)


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--stages", default=None, cls=_StagesHelp)
@click.option("--web-port", type=int, default=None, help="HTTP port [default: $STREAMS_WEB_PORT]")
@click.option("--loglevel", "worker_loglevel", default="info", show_default=True)
def worker(stages: str | None, web_port: int | None, worker_loglevel: str) -> None:
    """Run a Faust worker with all agents, or only the named stages."""
    settings = _settings()
    named = stages is not None or "stages" in settings.model_fields_set
    try:
        if stages is not None:
            settings = settings.with_changes(stages=stages)
        if web_port is not None:
            settings = settings.with_changes(web_port=web_port)
    except SettingsError as exc:
        _fail(str(exc))
    if named:
        # Asked for by name, a data-backed stage that cannot run is an error, not a silent skip.
        from .nlp.camel.data import stage_availability
        from .stages import spec

        for name in settings.stages:
            data = spec(name).data
            if data is not None:
                availability = stage_availability(data)
                if not availability.available:
                    _fail(f"stage {name!r} cannot run on this machine: {availability.reason}")
    # Faust would only log why it cannot connect (credentials, TLS) and exit with a traceback.
    problem = _kafka_problem(settings)
    if problem:
        _fail(problem)
    from faust.worker import Worker

    from .app import build_app

    app = build_app(settings)
    Worker(app, loglevel=worker_loglevel, redirect_stdouts=False).execute_from_commandline()


# --- produce / consume -------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--topic", default=None, help="[default: $STREAMS_TOPIC_RAW]")
@click.option("--quiet", is_flag=True, help="no progress bar")
def produce(paths: tuple[str, ...], topic: str | None, quiet: bool) -> None:
    """Send .txt files (one article each), .jsonl, folders or - (stdin) to articles.raw.

    Messages a worker would dead-letter (checked against the raw-article schema) are reported
    on stderr with the reason, and sent all the same.
    """
    from .codec import BadMessage
    from .inputs import Message
    from .produce import produce_messages

    settings = _settings()
    invalid = 0

    def report(message: Message, problem: BadMessage) -> None:
        nonlocal invalid
        invalid += 1
        click.secho(f"warning: {message.origin}: will be dead-lettered: {problem}", err=True)

    try:
        sent = asyncio.run(
            produce_messages(
                settings,
                paths,
                topic or settings.topic_raw,
                progress=not quiet,
                # The raw schema is the contract of the raw topic only.
                on_invalid=report if topic in (None, settings.topic_raw) else None,
            )
        )
    except KafkaConnectionError as exc:
        _fail(_kafka_problem(settings) or str(exc))
    except (FileNotFoundError, OSError) as exc:
        _fail(str(exc))
    except Exception as exc:
        _fail(f"{type(exc).__name__}: {exc} (is the broker at {settings.broker_url} running?)")
    note = f" ({invalid} will be dead-lettered, see above)" if invalid else ""
    click.echo(f"sent {sent} message(s) to {topic or settings.topic_raw}{note}", err=True)


@main.command()
@click.option("--topic", default=None, help="[default: $STREAMS_TOPIC_ENRICHED]")
@click.option("--from-beginning", is_flag=True, help="read from the earliest offset")
@click.option("--limit", type=int, default=None, help="stop after N records")
@click.option(
    "--timeout", type=float, default=None, help="stop after S seconds without a new record"
)
@click.option("--read-committed", is_flag=True, help="only records of committed transactions")
def consume(
    topic: str | None,
    from_beginning: bool,
    limit: int | None,
    timeout: float | None,
    read_committed: bool,
) -> None:
    """Print records of a topic as JSON lines."""
    from .consume import consume_records

    settings = _settings()

    def emit(value: bytes) -> None:
        sys.stdout.buffer.write(value + b"\n")
        sys.stdout.buffer.flush()

    with contextlib.suppress(KeyboardInterrupt):
        try:
            asyncio.run(
                consume_records(
                    settings,
                    topic or settings.topic_enriched,
                    emit,
                    from_beginning=from_beginning,
                    limit=limit,
                    idle_timeout=timeout,
                    read_committed=read_committed,
                )
            )
        except KafkaConnectionError as exc:
            _fail(_kafka_problem(settings) or str(exc))


# --- in-process --------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True)
def enrich(paths: tuple[str, ...]) -> None:
    """Run the whole chain in-process (no Kafka) and print enriched JSON lines.

    Each message goes through the same hop as in a worker; those a worker would dead-letter
    are reported on stderr with the same code and reason.
    """
    from .hop import Incoming, in_process, through_chain
    from .inputs import iter_messages
    from .pipeline import Resources

    settings = _settings()
    hop = in_process(settings, Resources())
    out = sys.stdout.buffer
    # Each dead letter is reported below, once; the hop's own log line would repeat it.
    logging.getLogger("streams.hop").setLevel(logging.ERROR)

    async def run() -> None:
        # Offsets and broker time as a worker would see them: one partition, now.
        for offset, message in enumerate(iter_messages(paths)):
            incoming = Incoming(
                topic=settings.topic_raw,
                partition=0,
                offset=offset,
                key=message.key,
                value=message.value,
                headers=(),
                timestamp_ms=time.time_ns() // 1_000_000,
            )
            outcome = await through_chain(hop, incoming)
            if outcome is None:
                click.echo(f"dropped {message.origin}: no dead letter could be built", err=True)
            elif outcome.error is not None:
                click.echo(f"dead letter {message.origin}: {outcome.error}", err=True)
            else:
                out.write(outcome.message.value + b"\n")

    try:
        asyncio.run(run())
    except FileNotFoundError as exc:
        _fail(str(exc))
    out.flush()


# --- CAMeL data --------------------------------------------------------------------------


@main.group()
def data() -> None:
    """CAMeL Tools data: which is installed, which stages it lets run."""


@data.command("status")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def data_status_command(as_json: bool) -> None:
    """Which CAMeL data is present and which stages can run."""
    from .nlp.camel.data import data_dir, data_status

    status = data_status()
    if as_json:
        click.echo(
            orjson.dumps(
                {
                    name: {"available": a.available, "reason": a.reason, "path": a.path}
                    for name, a in status.items()
                }
            ).decode()
        )
        return
    click.echo(f"CAMELTOOLS_DATA: {data_dir()}")
    for name, availability in status.items():
        state = (
            click.style("can run", fg="green")
            if availability.available
            else click.style("skipped", fg="yellow")
        )
        click.echo(f"  {name:<10} {state}  {availability.reason or availability.path or ''}")


@data.command("install")
@click.argument("package", default="light", type=click.Choice(["light", "defaults", "all"]))
def data_install(package: str) -> None:
    """Download CAMeL data with camel_data (needs access to GitHub release assets)."""
    from .nlp.camel.data import install

    try:
        install(package)
    except Exception as exc:
        _fail(str(exc))
    click.echo(f"installed CAMeL data package {package!r}")


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--stats-url", default=None, help="also print the per-stage counts of a worker")
def report(path: str, stats_url: str | None) -> None:
    """Summarise enriched JSON lines (from `streams consume`) as a table."""
    from .report import records_table, stage_table, wide_console

    stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    with stream:
        records = [orjson.loads(line) for line in stream if line.strip()]
    console = wide_console()
    console.print(records_table(records))
    if stats_url:
        import urllib.request

        with urllib.request.urlopen(stats_url, timeout=10) as response:
            stats = orjson.loads(response.read())
        console.print(stage_table(stats["stages"]))


@main.command("tables")
@click.argument("name", required=False)
@click.option("--key", default=None, help="one key, answered by the worker holding it")
@click.option("--watch", is_flag=True, help="refresh in place until Ctrl-C")
@click.option("--json", "as_json", is_flag=True, help="the JSON document (a line per refresh)")
@click.option("--url", default=None, help="a worker [default: http://127.0.0.1:$STREAMS_WEB_PORT]")
@click.option("--interval", type=float, default=2.0, show_default=True, help="--watch seconds")
def tables_command(
    name: str | None,
    key: str | None,
    watch: bool,
    as_json: bool,
    url: str | None,
    interval: float,
) -> None:
    """Monitoring tables of the workers: totals, one table (NAME) or one key (--key)."""
    from .web.terminal import show

    if key is not None and name is None:
        raise click.UsageError("--key needs a table NAME (e.g. counters-segment)")
    base = url or f"http://127.0.0.1:{_settings().web_port}"
    sys.exit(show(base, name, key=key, watch=watch, as_json=as_json, interval=interval))


@main.command("settings")
def show_settings() -> None:
    """Print the effective settings (secrets masked)."""
    click.echo(orjson.dumps(_settings().redacted(), option=orjson.OPT_INDENT_2).decode())


# --- benchmarks (implementation in streams/bench/) ---------------------------------------

from .bench.command import bench  # noqa: E402 - the group is defined in its own package

main.add_command(bench)


if __name__ == "__main__":
    main()
