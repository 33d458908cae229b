"""Each agents test module gets a Faust app built from its own settings (no broker)."""

from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture
def sent(app: StreamsApp) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Capture what the agents send to each topic."""
    captured: dict[str, list[dict[str, Any]]] = {"segmented": [], "enriched": [], "dead": []}

    def recorder(name: str) -> AsyncMock:
        async def send(**kwargs: Any) -> None:
            captured[name].append(kwargs)

        return AsyncMock(side_effect=send)

    with (
        patch.object(topic(app, "segmented"), "send", recorder("segmented")),
        patch.object(topic(app, "enriched"), "send", recorder("enriched")),
        patch.object(topic(app, "deadletter"), "send", recorder("dead")),
    ):
        yield captured
