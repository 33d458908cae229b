"""The ``streams`` command."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time

import click
import orjson
from aiokafka.errors import KafkaConnectionError

from .cli_common import _fail, _kafka_problem, _settings
from .kafka_commands import kafka
from .settings import Settings, SettingsError
from .stages import stage_names, stages_help
from .topics_commands import topics

logger = logging.getLogger(__name__)


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
    from .topics import COMMAND_TIMEOUT_S, TopicError, plan, prepare

    specs = plan(settings, stages=settings.stages)
    try:
        prepared = asyncio.run(asyncio.wait_for(prepare(settings, specs), COMMAND_TIMEOUT_S))
    except TopicError as exc:
        _fail(str(exc))
    except TimeoutError:
        _fail(
            f"the topics could not be prepared within {COMMAND_TIMEOUT_S:.0f}s "
            f"(broker {settings.broker_url})"
        )
    if prepared.created:
        logger.info("created topics: %s", ", ".join(prepared.created))


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
main.add_command(topics)


if __name__ == "__main__":
    main()
