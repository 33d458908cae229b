"""``streams topics``: the topics the pipeline needs, planned, created or checked."""

from __future__ import annotations

import asyncio
import sys

import click
import orjson

from .cli_common import _fail, _kafka_problem, _settings
from .settings import Settings, SettingsError
from .topics import COMMAND_TIMEOUT_S, TopicSpec


@click.group()
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
        created = asyncio.run(asyncio.wait_for(create(settings, specs), COMMAND_TIMEOUT_S))
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
    differences = asyncio.run(asyncio.wait_for(check(settings, specs), COMMAND_TIMEOUT_S))
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
