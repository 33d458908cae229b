"""The ``streams bench`` command group (registered on the main ``streams`` command)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import orjson

HELP_TARGETS = """Figures are medians of several runs on this machine, next to their targets;
the JSON has every run. Not a test: nothing here fails on a slow machine."""


def _options(func: Callable[..., Any]) -> Callable[..., Any]:
    decorators = [
        click.option("--articles", default=2000, show_default=True, help="corpus size per run"),
        click.option("--repeats", default=3, show_default=True, help="runs (medians reported)"),
        click.option(
            "--json",
            "json_path",
            default=None,
            help="write the result here [default: $STREAMS_DATA_DIR/bench/<command>-<time>.json]",
        ),
        click.option(
            "--samples", default=None, help="sample articles folder [default: samples/articles]"
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _stage_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--seed-articles",
        default=200,
        show_default=True,
        help="variants of the seed article timed as seed-sized articles (0: none)",
    )(func)
    func = click.option(
        "--no-camel-fixture",
        is_flag=True,
        help="skip the run with the CAMeL test fixture data (clitics, morphology)",
    )(func)
    return func


def _stream_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--broker",
        default=None,
        help="use this broker (kafka://host:port) [default: start one on free ports]",
    )(func)
    func = click.option("--no-peer", is_flag=True, help="skip the plain aiokafka peer loop")(func)
    func = click.option(
        "--no-quix",
        is_flag=True,
        help="skip the Quix Streams peer (else its venv is created on first use, from PyPI)",
    )(func)
    func = click.option(
        "--floor-messages",
        default=30_000,
        show_default=True,
        help="messages per run of the forward-only floor measurement (0: skip it)",
    )(func)
    func = click.option(
        "--workers",
        default="1,2",
        show_default=True,
        help="worker counts to run, comma-separated",
    )(func)
    func = click.option(
        "--latency-seconds",
        default=10.0,
        show_default=True,
        help="length of the fixed-rate latency run",
    )(func)
    func = click.option(
        "--profile-dir",
        default=None,
        help="run each worker under pyinstrument and write its report here",
    )(func)
    return func


@click.group()
def bench() -> None:
    """Benchmarks: stage costs in-process, streamed throughput, latency, memory."""


def _run(what: str, **kwargs: Any) -> None:
    from rich.console import Console

    from streams.bench import report, runner
    from streams.settings import get_settings

    options = runner.Options(
        articles=kwargs["articles"],
        repeats=kwargs["repeats"],
        seed_articles=kwargs.get("seed_articles", 0),
        broker=kwargs.get("broker"),
        workers=tuple(int(w) for w in str(kwargs.get("workers") or "1,2").split(",") if w),
        peer=not kwargs.get("no_peer", False),
        quix=not kwargs.get("no_quix", False),
        latency_seconds=kwargs.get("latency_seconds", 10.0),
        floor_messages=kwargs.get("floor_messages", 0),
        camel_fixture=not kwargs.get("no_camel_fixture", False),
        profile_dir=Path(kwargs["profile_dir"]) if kwargs.get("profile_dir") else None,
        samples_dir=Path(kwargs["samples"]) if kwargs.get("samples") else None,
    )
    if options.profile_dir:
        options.profile_dir.mkdir(parents=True, exist_ok=True)
    err = Console(stderr=True)

    def progress(message: str) -> None:
        err.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {message}")

    result = runner.run(what, options, progress)
    console = Console(width=max(Console().width, 140))
    for item in report.tables(result, what):
        console.print(item)
    path = (
        Path(kwargs["json_path"])
        if kwargs.get("json_path")
        else (get_settings().data_dir / "bench" / f"{what}-{time.strftime('%Y%m%d-%H%M%S')}.json")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY))
    console.print(f"took {result['seconds']:.0f} s; JSON: {path}")
    if any(v.get("met") is False for v in result.get("verdicts", {}).values()):
        console.print("some targets are not met on this run (see the Targets table)")
    sys.stdout.flush()


@bench.command("segment")
@_options
@_stage_options
def bench_segment(**kwargs: Any) -> None:
    """In-process cost of segmentation, with and without the clitic sub-stage."""
    _run("segment", **kwargs)


@bench.command("enrich")
@_options
@_stage_options
def bench_enrich(**kwargs: Any) -> None:
    """In-process cost of each enrich stage (and morphology with the CAMeL fixture)."""
    _run("enrich", **kwargs)


@bench.command("stream")
@_options
@_stream_options
def bench_stream(**kwargs: Any) -> None:
    """Streamed throughput (Faust, a plain aiokafka loop, Quix Streams), overhead, scaling,
    latency, RSS."""
    _run("stream", **kwargs)


@bench.command("all")
@_options
@_stage_options
@_stream_options
def bench_all(**kwargs: Any) -> None:
    """Everything above, in one run (about 5-10 minutes on two cores)."""
    _run("all", **kwargs)


def _variant(text: str) -> tuple[str, dict[str, str]]:
    name, _, assignments = text.partition(":")
    env = dict(item.split("=", 1) for item in assignments.split(",") if "=" in item)
    return name, env


@bench.command("overhead")
@click.option("--articles", default=2000, show_default=True, help="articles per run")
@click.option("--repeats", default=3, show_default=True, help="runs (medians reported)")
@click.option("--kinds", default="faust,peer", show_default=True, help="faust, peer")
@click.option("--workers", default="1", show_default=True, help="worker counts, comma-separated")
@click.option(
    "--budget-articles",
    default=5000,
    show_default=True,
    help="articles of the py-spy budget run (0: skip it)",
)
@click.option("--broker", default=None, help="use this broker [default: start one]")
@click.option("--json", "json_path", default=None, help="write the result here")
@click.option(
    "--variant",
    "variants",
    multiple=True,
    help="NAME:VAR=VALUE,...: one Faust worker with these settings, A/B against the others",
)
@click.option("--split", is_flag=True, help="also: segment on one worker, enrich on another")
def bench_overhead(**kwargs: Any) -> None:
    """The outside measurement: streamed (1 worker, broker included) vs `streams enrich` on
    the same file, and one Faust worker's CPU per article by component (py-spy)."""
    from streams.bench import overhead
    from streams.settings import get_settings

    stamp = time.strftime("%Y%m%d-%H%M%S")
    bench_dir = get_settings().data_dir / "bench"
    result = overhead.run_overhead(
        articles=kwargs["articles"],
        repeats=kwargs["repeats"],
        kinds=[k for k in kwargs["kinds"].split(",") if k],
        workers=[int(w) for w in kwargs["workers"].split(",") if w],
        budget_articles=kwargs["budget_articles"],
        broker_url=kwargs["broker"],
        out_dir=bench_dir / f"overhead-{stamp}",
        progress=lambda m: click.echo(f"{time.strftime('%H:%M:%S')} {m}", err=True),
        variants=[_variant(v) for v in kwargs["variants"]],
        split=kwargs["split"],
    )
    for line in overhead.lines(result):
        click.echo(line)
    default = bench_dir / f"overhead-{stamp}.json"
    path = Path(kwargs["json_path"]) if kwargs["json_path"] else default
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    click.echo(f"JSON: {path}")


@bench.command("replication")
@click.option("--articles", default=1000, show_default=True, help="articles per run")
@click.option("--repeats", default=2, show_default=True, help="runs per round and broker")
@click.option("--rounds", default=2, show_default=True, help="rounds (each alternates the order)")
@click.option("--nodes", default=3, show_default=True, help="nodes of the cluster")
@click.option("--warmup", default=1000, show_default=True, help="warm-up articles per broker")
@click.option("--json", "json_path", default=None, help="write the result here")
def bench_replication(**kwargs: Any) -> None:
    """What replication costs: one Faust worker on one broker vs a local cluster (RF 3,
    min.insync.replicas 2, acks=all either way): throughput, CPU, latency."""
    from streams.bench import replication
    from streams.settings import get_settings

    result = replication.run_replication(
        articles=kwargs["articles"],
        repeats=kwargs["repeats"],
        rounds=kwargs["rounds"],
        nodes=kwargs["nodes"],
        warmup=kwargs["warmup"],
        progress=lambda m: click.echo(f"{time.strftime('%H:%M:%S')} {m}", err=True),
    )
    for line in replication.lines(result):
        click.echo(line)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    default = get_settings().data_dir / "bench" / f"replication-{stamp}.json"
    path = Path(kwargs["json_path"]) if kwargs["json_path"] else default
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    click.echo(f"JSON: {path}")
