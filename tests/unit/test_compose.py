"""docker-compose.yml and the Dockerfile only use commands, options and settings that exist.

No Docker engine runs here, so this is what we can check: the files parse and agree with our
CLI and our settings.
"""

from __future__ import annotations

import re
from typing import Any

import click
import pytest
import yaml

from streams.cli import main
from streams.settings import env_names
from tests.conftest import REPO

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
OTHER_ENV = {"CAMELTOOLS_DATA", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR"}


def _resolve(argv: list[str]) -> tuple[click.Command, list[str]]:
    """Walk the click tree along argv; returns the leaf command and the remaining args."""
    command: click.Command = main
    rest = list(argv)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.get_command(click.Context(command), rest[0])
        assert sub is not None, f"`streams {' '.join(argv)}`: no command {rest[0]!r}"
        command, rest = sub, rest[1:]
    return command, rest


def _check_streams_command(argv: list[str]) -> None:
    assert argv[0] == "streams", argv
    command, rest = _resolve(argv[1:])
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    for arg in rest:
        if arg.startswith("-"):
            assert arg.split("=", 1)[0] in options, f"unknown option {arg} of {argv}"


def _services() -> list[tuple[str, dict[str, Any]]]:
    return list(COMPOSE["services"].items())


@pytest.mark.parametrize(("name", "service"), _services(), ids=[n for n, _ in _services()])
def test_compose_commands_exist_in_our_cli(name: str, service: dict[str, Any]) -> None:
    command = service.get("command")
    if command is None or command[0] != "streams":
        assert "image" in service and service["image"].startswith("apache/kafka"), name
        return
    _check_streams_command(command)


@pytest.mark.parametrize(("name", "service"), _services(), ids=[n for n, _ in _services()])
def test_compose_environment_names_are_settings(name: str, service: dict[str, Any]) -> None:
    for variable in service.get("environment", {}):
        if variable.startswith("KAFKA_") or variable == "CLUSTER_ID":
            continue
        assert variable in set(env_names()) | OTHER_ENV, f"{name}: {variable} is not a setting"


def test_cluster_profile_has_three_brokers_with_replication_three() -> None:
    brokers = [
        s
        for n, s in _services()
        if "cluster" in s.get("profiles", []) and s.get("image", "").startswith("apache/kafka")
    ]
    assert len(brokers) == 3
    for broker in brokers:
        assert broker["environment"]["KAFKA_DEFAULT_REPLICATION_FACTOR"] == 3
    worker = COMPOSE["services"]["worker-cluster"]
    assert worker["environment"]["STREAMS_REPLICATION_FACTOR"] == "3"


def test_workers_can_scale() -> None:
    # --scale needs no container_name and no fixed host port on the worker.
    for name in ("worker", "worker-cluster"):
        service = COMPOSE["services"][name]
        assert "container_name" not in service and "ports" not in service


def test_dockerfile_uses_our_cli_settings_and_installs_camel_data() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r'camel_data -i "\$CAMEL_DATA"', dockerfile)
    assert "ARG CAMEL_DATA=light" in dockerfile
    for variable in re.findall(r"\b(STREAMS_[A-Z_]+)=", dockerfile):
        assert variable in env_names()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert cmd is not None
    _check_streams_command(yaml.safe_load(cmd.group(1)))
    for line in re.findall(r"&& (streams [a-z ]+)", dockerfile):
        _check_streams_command(line.split())


def test_workers_are_checked_for_readiness_and_stopped_gracefully() -> None:
    for name in ("worker", "worker-cluster"):
        service = COMPOSE["services"][name]
        probe = " ".join(service["healthcheck"]["test"])
        port = service["environment"]["STREAMS_WEB_PORT"]
        assert f"http://127.0.0.1:{port}/health/ready" in probe, name
        assert service["stop_grace_period"] == "30s"
    for name in ("producer", "consumer"):  # no web server: nothing to probe
        assert COMPOSE["services"][name]["healthcheck"] == {"disable": True}
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "/health/ready" in dockerfile
