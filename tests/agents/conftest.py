"""Each agents test module gets a Faust app built from its own settings (no broker)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest

from streams.app import StreamsApp, build_app
from streams.pipeline import Resources
from streams.settings import from_env


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> StreamsApp:
    settings = from_env({"STREAMS_DATA_DIR": str(tmp_path_factory.mktemp("agents"))})
    # No CAMeL data stage: the chain is segment -> enrich whatever is installed here.
    built = build_app(settings, resources=Resources(chain=()))
    built.finalize()
    built.flow_control.resume()
    return built


def topic(app: StreamsApp, name: str) -> Any:
    """One of the app's topics by its settings name: raw, segmented, enriched, deadletter."""
    return app.wiring.topics[getattr(app.wiring.settings, f"topic_{name}")]


def capture_sends(app: StreamsApp, keep: Callable[[str, dict[str, Any]], None]) -> Any:
    """Replace the producer's send (the agents' only way out, streams.agents._sender): each
    record goes to ``keep(topic, {"key", "value", "headers"})`` instead of a broker."""

    async def send(
        topic_name: str, key: Any, value: Any, partition: Any, timestamp: Any, headers: Any
    ) -> None:
        keep(topic_name, {"key": key, "value": value, "headers": dict(headers or ())})

    return patch.object(app.producer, "send", AsyncMock(side_effect=send))


@pytest.fixture
def sent(app: StreamsApp) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Capture what the agents send to each topic."""
    captured: dict[str, list[dict[str, Any]]] = {"segmented": [], "enriched": [], "dead": []}
    names = {topic(app, name).get_topic_name(): name for name in ("segmented", "enriched")}
    names[topic(app, "deadletter").get_topic_name()] = "dead"
    with capture_sends(app, lambda name, record: captured[names[name]].append(record)):
        yield captured
