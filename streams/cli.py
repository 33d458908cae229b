"""The ``streams`` command."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from typing import TYPE_CHECKING, NoReturn

import click
import orjson
from aiokafka.errors import KafkaConnectionError

from .kafka_commands import kafka
from .settings import Settings, SettingsError, get_settings
from .stages import stage_names, stages_help

if TYPE_CHECKING:
    from .topics import TopicSpec

logger = logging.getLogger(__name__)


def _fail(message: str) -> NoReturn:
    for line in message.splitlines() or [""]:
        click.secho(f"error: {line}", fg="red", err=True)
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
    from .web.security import exposure_warning

    warning = exposure_warning(settings.web_host, settings.token)
    if warning:
        logger.warning("%s", warning)
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    # Every topic this worker reads or writes exists, as planned, on every broker before its
    # consumer subscribes (else the group is assigned without the missing ones for minutes).
    _prepare_topics(settings)
    from faust.worker import Worker

    from .app import build_app

    app = build_app(settings)
    app.wiring.topics_prepared = True
    Worker(app, loglevel=worker_loglevel, redirect_stdouts=False).execute_from_commandline()


def _prepare_topics(settings: Settings) -> None:
    from .topics import TopicError, plan, prepare

    specs = plan(settings, stages=settings.stages)
    try:
        prepared = asyncio.run(asyncio.wait_for(prepare(settings, specs), TOPICS_TIMEOUT))
    except TopicError as exc:
        _fail(str(exc))
    except TimeoutError:
        _fail(
            f"the topics could not be prepared within {TOPICS_TIMEOUT:.0f}s "
            f"(broker {settings.broker_url})"
        )
    if prepared.created:
        logger.info("created topics: %s", ", ".join(prepared.created))


TOPICS_TIMEOUT = 90.0


# --- topics ------------------------------------------------------------------------------


@main.group()
def topics() -> None:
    """The topics the pipeline needs: print the plan, create it, or check the cluster."""


_topic_stages = click.option(
    "--stages",
    default=None,
    help="comma-separated stages the plan is for [default: $STREAMS_STAGES, all by default]",
)


def _planned(stages: str | None) -> tuple[Settings, list[TopicSpec]]:
    from .topics import plan

    settings = _settings()
    if stages is not None:
        try:
            settings = settings.with_changes(stages=stages)
        except SettingsError as exc:
            _fail(str(exc))
    return settings, plan(settings, stages=settings.stages)


@topics.command("plan")
@_topic_stages
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def topics_plan(stages: str | None, as_json: bool) -> None:
    """Print every topic the chosen stages need, with partitions, replication and configs."""
    from .topics import describe_plan

    _, specs = _planned(stages)
    if as_json:
        click.echo(orjson.dumps(describe_plan(specs), option=orjson.OPT_INDENT_2).decode())
        return
    for spec in specs:
        configs = " ".join(f"{k}={v}" for k, v in sorted(spec.configs.items()))
        click.echo(
            f"{spec.name}  partitions={spec.partitions} "
            f"replication={spec.replication_factor}  {configs}  # {spec.purpose}"
        )


@topics.command("create")
@_topic_stages
def topics_create(stages: str | None) -> None:
    """Create the planned topics that do not exist (needs the right to create topics)."""
    from .topics import TopicError, create

    settings, specs = _planned(stages)
    problem = _kafka_problem(settings)
    if problem:
        _fail(problem)
    try:
        created = asyncio.run(asyncio.wait_for(create(settings, specs), TOPICS_TIMEOUT))
    except TopicError as exc:
        _fail(str(exc))
    for name in created:
        click.echo(f"created {name}")
    click.echo(f"{len(created)} created, {len(specs) - len(created)} already there")


@topics.command("check")
@_topic_stages
def topics_check(stages: str | None) -> None:
    """Compare the cluster with the plan; exit status 1 when a worker would refuse to start."""
    from .topics import check

    settings, specs = _planned(stages)
    problem = _kafka_problem(settings)
    if problem:
        _fail(problem)
    differences = asyncio.run(asyncio.wait_for(check(settings, specs), TOPICS_TIMEOUT))
    for difference in differences:
        label = (
            click.style("error", fg="red")
            if difference.fatal
            else click.style("warning", fg="yellow")
        )
        click.echo(f"{label}: {difference.line()}")
    fatal = sum(d.fatal for d in differences)
    click.echo(
        f"{len(specs)} topics planned, {fatal} error(s), {len(differences) - fatal} warning(s)"
    )
    if fatal:
        sys.exit(1)


# --- produce / consume -------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--topic", default=None, help="[default: $STREAMS_TOPIC_RAW]")
@click.option("--quiet", is_flag=True, help="no progress bar")
@click.option(
    "--raw",
    is_flag=True,
    help="send each file's bytes as they are (binary, not UTF-8): the worker decides",
)
def produce(paths: tuple[str, ...], topic: str | None, quiet: bool, raw: bool) -> None:
    """Send .txt files (one article each), .jsonl (one message a line), .json (one message or
    an array), folders or - (stdin) to articles.raw.

    Binary and non-UTF-8 files are refused (unless --raw). Messages a worker would dead-letter
    (checked against the raw-article schema) are reported on stderr with the reason, and sent
    all the same.
    """
    from .codec import BadMessage
    from .inputs import InputError, Message
    from .produce import ProduceError, produce_messages

    settings = _settings()
    destination = topic or settings.topic_raw
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
                destination,
                progress=not quiet,
                raw=raw,
                # The raw schema is the contract of the raw topic only.
                on_invalid=report if topic in (None, settings.topic_raw) else None,
            )
        )
    except InputError as exc:
        _fail(f"{exc} (nothing sent)")
    except ProduceError as exc:
        problem = _kafka_problem(settings) if isinstance(exc.cause, KafkaConnectionError) else None
        _fail(
            f"sent {exc.sent} message(s) to {destination}, then {exc}"
            + (f" ({problem})" if problem else "")
        )
    except KafkaConnectionError as exc:
        _fail(_kafka_problem(settings) or str(exc))
    except (FileNotFoundError, OSError) as exc:
        _fail(str(exc))
    except Exception as exc:  # before the first send (topic creation...): nothing was sent
        _fail(f"nothing sent: {type(exc).__name__}: {exc}")
    note = f" ({invalid} will be dead-lettered, see above)" if invalid else ""
    click.echo(f"sent {sent} message(s) to {destination}{note}", err=True)


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
    settings = _settings()
    base = url or f"http://127.0.0.1:{settings.web_port}"
    sys.exit(
        show(
            base,
            name,
            key=key,
            watch=watch,
            as_json=as_json,
            interval=interval,
            token=settings.token,
        )
    )


@main.command("settings")
def show_settings() -> None:
    """Print the effective settings (secrets masked)."""
    click.echo(orjson.dumps(_settings().redacted(), option=orjson.OPT_INDENT_2).decode())


# --- benchmarks (implementation in streams/bench/) ---------------------------------------

from .bench.command import bench  # noqa: E402 - the group is defined in its own package

main.add_command(bench)
main.add_command(kafka)


if __name__ == "__main__":
    main()
