"""What every ``streams`` command module shares: failing with a readable line, the settings,
and why Kafka cannot be reached."""

from __future__ import annotations

import asyncio
import sys
from typing import NoReturn

import click

from .settings import Settings, SettingsError, get_settings


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
